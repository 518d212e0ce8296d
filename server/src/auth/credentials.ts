import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { sign, verify } from 'hono/jwt';
import type { Db } from '../db/index.js';
import { apiKeys, sessions, users } from '../db/schema.js';
import { deriveKey, sha256 } from '../lib/crypto.js';
import type { Principal } from './principal.js';

export const accessTokenSeconds = 15 * 60;

interface CacheEntry {
  principal: Principal;
  /** When this entry must be looked up again. */
  recheckAt: number;
  /** When the credential itself stops working (a rotated key's grace period). */
  expiresAt: number;
}

export interface CredentialStoreOptions {
  secret: string;
  /**
   * How long a verified credential is trusted without asking the database. Revocation takes effect
   * at once on the instance that revoked, and within this time on every other instance.
   */
  cacheSeconds?: number;
  /** The services container's clock: token lifetimes and the cache expire by it. */
  now: () => number;
}

/**
 * Turns a bearer credential into a principal. Hot credentials are served from memory, so an
 * authenticated request usually costs no database read for its authentication.
 */
export class CredentialStore {
  readonly #db: Db;
  readonly #jwtKey: string;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #lastTouched = new Map<string, number>();

  constructor(db: Db, options: CredentialStoreOptions) {
    this.#db = db;
    this.#jwtKey = deriveKey(options.secret, 'access-token').toString('base64url');
    this.#cacheMs = (options.cacheSeconds ?? 5) * 1000;
    this.#now = options.now;
  }

  async issueAccessToken(session: { userId: string; orgId: string; sessionId: string }): Promise<string> {
    const now = Math.floor(this.#now() / 1000);
    return sign(
      {
        sub: session.userId,
        org: session.orgId,
        sid: session.sessionId,
        iat: now,
        exp: now + accessTokenSeconds,
      },
      this.#jwtKey,
      'HS256',
    );
  }

  async authenticate(credential: string): Promise<Principal | undefined> {
    const isKey = credential.startsWith('sk_') || credential.startsWith('pk_');
    const cacheKey = isKey ? sha256(credential) : credential;
    const now = this.#now();
    const cached = this.#cache.get(cacheKey);
    if (cached && cached.recheckAt > now) {
      if (cached.expiresAt <= now) return undefined;
      this.#touch(cached.principal);
      return cached.principal;
    }
    const found = isKey ? await this.#findKey(cacheKey) : await this.#findSession(credential);
    if (!found) {
      this.#cache.delete(cacheKey);
      return undefined;
    }
    if (this.#cache.size >= 10_000) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(cacheKey, { ...found, recheckAt: Math.min(now + this.#cacheMs, found.expiresAt) });
    this.#touch(found.principal);
    return found.principal;
  }

  async #findKey(keyHash: string): Promise<Omit<CacheEntry, 'recheckAt'> | undefined> {
    const now = new Date(this.#now());
    const [key] = await this.#db
      .select({
        id: apiKeys.id,
        orgId: apiKeys.orgId,
        kind: apiKeys.kind,
        allowedOrigins: apiKeys.allowedOrigins,
        expiresAt: apiKeys.expiresAt,
      })
      .from(apiKeys)
      .where(
        and(
          eq(apiKeys.keyHash, keyHash),
          isNull(apiKeys.revokedAt),
          or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
        ),
      );
    if (!key) return undefined;
    const principal: Principal =
      key.kind === 'secret'
        ? { kind: 'secret_key', orgId: key.orgId, keyId: key.id }
        : { kind: 'publishable_key', orgId: key.orgId, keyId: key.id, allowedOrigins: key.allowedOrigins };
    return { principal, expiresAt: key.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY };
  }

  async #findSession(token: string): Promise<Omit<CacheEntry, 'recheckAt'> | undefined> {
    let claims: Record<string, unknown>;
    try {
      // The signature here; the times below, on the injected clock (hono would read the machine's).
      claims = await verify(token, this.#jwtKey, { alg: 'HS256', exp: false, iat: false, nbf: false });
    } catch {
      return undefined;
    }
    if (typeof claims.sid !== 'string' || typeof claims.exp !== 'number') return undefined;
    const nowSeconds = this.#now() / 1000;
    if (claims.exp <= nowSeconds || (typeof claims.iat === 'number' && claims.iat > nowSeconds + 60))
      return undefined;
    // The role comes from the database, not the token, so a demotion applies within seconds.
    const [row] = await this.#db
      .select({ userId: users.id, orgId: users.orgId, role: users.role })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(eq(sessions.id, claims.sid), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)),
      );
    if (!row) return undefined;
    return {
      principal: {
        kind: 'user',
        orgId: row.orgId,
        userId: row.userId,
        role: row.role,
        sessionId: claims.sid,
      },
      expiresAt: claims.exp * 1000,
    };
  }

  /** Records key use at most once a minute per key, off the request's path. */
  #touch(principal: Principal): void {
    if (principal.kind === 'user') return;
    const now = this.#now();
    if ((this.#lastTouched.get(principal.keyId) ?? 0) > now - 60_000) return;
    this.#lastTouched.set(principal.keyId, now);
    this.#db
      .update(apiKeys)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(apiKeys.id, principal.keyId))
      .catch(() => this.#lastTouched.delete(principal.keyId));
  }

  /** Forgets cached credentials matching `test`, after a revocation or a change of role. */
  forget(test: (principal: Principal) => boolean): void {
    for (const [key, entry] of this.#cache) if (test(entry.principal)) this.#cache.delete(key);
  }
}
