import type { Role } from '../db/schema.js';

export type Principal =
  | { kind: 'user'; orgId: string; userId: string; role: Role; sessionId: string }
  | { kind: 'secret_key'; orgId: string; keyId: string }
  | { kind: 'publishable_key'; orgId: string; keyId: string; allowedOrigins: string[] };
