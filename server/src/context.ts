import type { Context } from 'hono';
import type { AscoraRuntime } from './ascora/deps.js';
import type { AuditWriter, PendingAudit } from './audit/audit.js';
import type { CredentialStore } from './auth/credentials.js';
import type { Principal } from './auth/principal.js';
import type { Config } from './config.js';
import type { Db } from './db/index.js';
import type { EventDispatcher } from './events/dispatcher.js';
import type { LiveEventStream } from './events/live-stream.js';
import type { RetentionSweeper } from './events/retention.js';
import type { RateLimiter } from './lib/rate-limiter.js';
import type { Logger } from './logger.js';
import type { JobQueue } from './queue/queue.js';
import type { Readiness } from './readiness.js';
import type { BookingService } from './services/booking/service.js';
import type { InvoicingService } from './services/invoicing/invoices.js';
import type { JobSheetService } from './services/job-sheet/service.js';
import type { JobSheetFileSweeper } from './services/job-sheet/sweeper.js';
import type { NotificationService } from './services/notifications/service.js';
import type { OrganizationLookup } from './services/organizations.js';
import type { BusyCache } from './services/scheduling.js';
import type { WebhookSender } from './services/webhooks/sender.js';
import type { Storage } from './storage/storage.js';

/**
 * The services container: what every request, worker and background task reaches, built once at
 * start-up by createServices and passed explicitly (no module-level registries keyed by anything).
 */
export interface Services {
  db: Db;
  databaseKind: 'pglite' | 'postgres';
  config: Config;
  logger: Logger;
  credentials: CredentialStore;
  rateLimiter: RateLimiter;
  /**
   * THE clock, in epoch milliseconds: every "now" a service records or compares against reads it,
   * so tests move time instead of waiting for it.
   */
  now: () => number;
  /** Technicians' busy time as last read, checked against their schedule versions at each use. */
  busyTimes: BusyCache;
  /** Booking: availability, bookings, holds, moves; group commit under load. */
  booking: BookingService;
  /** Invoices, credit notes and payments (tax settings, PDFs and the revenue report beside it). */
  invoicing: InvoicingService;
  /** Files: the local data folder, or an S3-compatible bucket (CREWKIT_STORAGE). */
  storage: Storage;
  /** Job sheets: labour time, notes, checklist, attachments, signature, parts used. */
  jobSheets: JobSheetService;
  /** Deletes job-sheet files nothing refers to (abandoned uploads, deleted rows), hourly on the queue. */
  fileSweeper: JobSheetFileSweeper;
  /**
   * The durable job queue (pg-boss), owned by this app. Absent in an app started without
   * background work (most tests, the benchmarks): what needs it answers 503 `queue_unavailable`.
   */
  queue: JobQueue | undefined;
  /**
   * The outbox's dispatcher: consumers of domain events register on it (`registerConsumer`), and
   * `poke()` after a commit that recorded events makes a live one deliver them at once.
   */
  events: EventDispatcher;
  /** Outbound webhooks: the outbox's `webhooks` consumer and the sender of due deliveries. */
  webhooks: WebhookSender;
  /** Prunes dispatched events and finished deliveries past their retention (an hourly queue job). */
  retention: RetentionSweeper;
  /** Key for sealing webhook signing secrets at rest. */
  webhookSealKey: Buffer;
  /** The Ascora integration's settings for this app (its client options, webhook base URL). */
  ascora: AscoraRuntime;
  /** Notifications: settings, templates, the delivery log, queuing messages and delivering them. */
  notifications: NotificationService;
  /** Audit entries of changes committed outside a request transaction (new bookings), batched. */
  audit: AuditWriter;
  /** Organizations by id, on every request (a prepared statement on the shared handle). */
  organizations: OrganizationLookup;
  /** Key for sealing stored idempotent responses. */
  idempotencyKey: Buffer;
  version: string;
  /** Whether this process should get traffic (`/readyz`). */
  readiness: Readiness;
  /** The organizations' live event streams served by this instance (`streamEvents`). */
  liveEvents: LiveEventStream;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    services: Services;
    /** The database for this request: a transaction when the request is idempotent. */
    db: Db;
    principal?: Principal;
    /** This request's audit entry, for a service that commits the change in a transaction of its own. */
    pendingAudit?: PendingAudit;
  };
}

export type AppContext = Context<AppEnv>;
