import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../lib/crypto.js';

const version = 'r1';
/** Long enough for a customer who reads their mail late; short enough that old links die. */
export const ratingLinkDays = 60;

export interface RatingClaim {
  orgId: string;
  appointmentId: string;
  expiresAt: number;
}

/**
 * The token in a completion message's rating link: the organization, the appointment and an
 * expiry, signed with a key derived from CREWKIT_SECRET. It names nothing personal. It is single
 * use because the rating it records is keyed by the appointment (a second one is refused).
 */
export function signRatingToken(key: Buffer, claim: RatingClaim): string {
  const payload = Buffer.from(
    `${claim.orgId}.${claim.appointmentId}.${Math.floor(claim.expiresAt / 1000)}`,
  ).toString('base64url');
  return `${version}.${payload}.${mac(key, payload)}`;
}

/** The claim, or undefined for a token this server did not sign, another organization's, or an expired one. */
export function verifyRatingToken(
  key: Buffer,
  token: string,
  orgId: string,
  now: number,
): RatingClaim | undefined {
  const [tag, payload, signature] = token.split('.');
  if (tag !== version || !payload || !signature || !constantTimeEqual(signature, mac(key, payload)))
    return undefined;
  const [tokenOrg, appointmentId, expires] = Buffer.from(payload, 'base64url').toString('utf8').split('.');
  const expiresAt = Number(expires) * 1000;
  if (tokenOrg !== orgId || !appointmentId || !Number.isFinite(expiresAt) || expiresAt <= now)
    return undefined;
  return { orgId: tokenOrg, appointmentId, expiresAt };
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(`${version}.${payload}`).digest('base64url');
}
