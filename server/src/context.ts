import type { Context } from 'hono';
import type { AuditWriter } from './audit/audit.js';
import type { CredentialStore } from './auth/credentials.js';
import type { Principal } from './auth/principal.js';
import type { Config } from './config.js';
import type { Db } from './db/index.js';
import type { RateLimiter } from './lib/rate-limiter.js';
import type { Logger } from './logger.js';
import type { Readiness } from './readiness.js';
import type { BookingBatcher } from './services/booking-batch.js';

/** What every request can reach; built once by createApp and shared by all requests. */
export interface Services {
  db: Db;
  databaseKind: 'pglite' | 'postgres';
  config: Config;
  logger: Logger;
  credentials: CredentialStore;
  rateLimiter: RateLimiter;
  /** The clock for rate limits and sign-in throttling. */
  now: () => number;
  /** New bookings outside a transaction, written together under load (group commit). */
  bookings: BookingBatcher;
  /** Audit entries of changes committed outside a request transaction (new bookings), batched. */
  audit: AuditWriter;
  /** Key for sealing stored idempotent responses. */
  idempotencyKey: Buffer;
  version: string;
  /** Whether this process should get traffic (`/readyz`). */
  readiness: Readiness;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    services: Services;
    /** The database for this request: a transaction when the request is idempotent. */
    db: Db;
    principal?: Principal;
  };
}

export type AppContext = Context<AppEnv>;
