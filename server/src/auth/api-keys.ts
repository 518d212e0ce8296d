import type { Db } from '../db/index.js';
import { type ApiKeyKind, apiKeys } from '../db/schema.js';
import { randomToken, sha256 } from '../lib/crypto.js';
import { newId } from '../lib/ids.js';

const prefixes: Record<ApiKeyKind, string> = { secret: 'sk_', publishable: 'pk_' };
/** Enough of the key to recognise it in a list, far too little to guess the rest. */
const shownPrefixLength = 12;

export interface NewApiKey {
  orgId: string;
  kind: ApiKeyKind;
  name: string;
  allowedOrigins?: string[];
  rotatedFrom?: string;
  /** A known secret instead of a random one (the demo's keys are derived from CREWKIT_SECRET). */
  secret?: string;
}

/** Creates a key; the returned `secret` exists only here, the database keeps its hash. */
export async function createApiKey(db: Db, key: NewApiKey) {
  const secret = key.secret ?? randomToken(prefixes[key.kind]);
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId(),
      orgId: key.orgId,
      kind: key.kind,
      name: key.name,
      prefix: secret.slice(0, shownPrefixLength),
      keyHash: sha256(secret),
      allowedOrigins: key.kind === 'publishable' ? (key.allowedOrigins ?? []) : [],
      rotatedFrom: key.rotatedFrom ?? null,
    })
    .returning();
  return { row: row!, secret };
}
