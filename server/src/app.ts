import { readFileSync } from 'node:fs';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type AscoraOverrides, AscoraRuntime } from './ascora/deps.js';
import { ascoraEventConsumer } from './ascora/events.js';
import { registerAscoraWorkers } from './ascora/worker.js';
import { AuditWriter } from './audit/audit.js';
import { CredentialStore } from './auth/credentials.js';
import type { Config } from './config.js';
import type { AppEnv, Services } from './context.js';
import type { Database } from './db/index.js';
import { ApiError, problemResponse } from './errors.js';
import { EventDispatcher } from './events/dispatcher.js';
import { LiveEventStream } from './events/live-stream.js';
import { RetentionSweeper } from './events/retention.js';
import { deriveKey } from './lib/crypto.js';
import { pgErrorCode, pgErrors } from './lib/db-errors.js';
import { RateLimiter } from './lib/rate-limiter.js';
import type { Logger } from './logger.js';
import { compression } from './middleware/compression.js';
import { cors } from './middleware/cors.js';
import { clientClosedRequest, clientWentAway, requestContext } from './middleware/request-context.js';
import { securityHeaders } from './middleware/security-headers.js';
import type { HandlerTable, OperationId } from './openapi/handlers.js';
import { operationPipeline } from './openapi/pipeline.js';
import { loadSpec, type Spec } from './openapi/spec.js';
import { RequestValidator } from './openapi/validation.js';
import { scalarScriptPath, serverPackageJsonPath, specPath } from './paths.js';
import type { JobQueue } from './queue/queue.js';
import { Readiness } from './readiness.js';
import { apiKeyHandlers } from './routes/api-keys.js';
import { appointmentViewHandlers } from './routes/appointment-views.js';
import { appointmentHandlers } from './routes/appointments.js';
import { ascoraHandlers } from './routes/ascora.js';
import { ascoraRecordHandlers } from './routes/ascora-records.js';
import { ascoraRetryHandlers } from './routes/ascora-retry.js';
import { auditHandlers } from './routes/audit.js';
import { authHandlers } from './routes/auth.js';
import { availabilityHandlers } from './routes/availability.js';
import { calendarFeedHandlers } from './routes/calendar-feeds.js';
import { catalogHandlers } from './routes/catalog.js';
import { customerHandlers } from './routes/customers.js';
import { docsPage } from './routes/docs.js';
import { exportHandlers } from './routes/exports.js';
import { healthHandlers } from './routes/health.js';
import { holdHandlers } from './routes/holds.js';
import { importHandlers } from './routes/imports.js';
import { invoiceHandlers } from './routes/invoices.js';
import { jobSheetHandlers } from './routes/job-sheet.js';
import { liveEventHandlers } from './routes/live-events.js';
import { notificationPagePaths, registerNotificationPages } from './routes/notification-pages.js';
import { notificationHandlers } from './routes/notifications.js';
import { organizationHandlers } from './routes/organizations.js';
import { partHandlers } from './routes/parts.js';
import {
  defaultStaticAssetOptions,
  registerStaticRoutes,
  type StaticAssetOptions,
  staticRoutePaths,
} from './routes/static.js';
import { technicianHandlers } from './routes/technicians.js';
import { userHandlers } from './routes/users.js';
import { webhookHandlers } from './routes/webhooks.js';
import { BookingService } from './services/booking/service.js';
import { importQueue, runImport } from './services/imports.js';
import { InvoicingService } from './services/invoicing/invoices.js';
import { JobSheetService, maxAttachmentBytes } from './services/job-sheet/service.js';
import { JobSheetFileSweeper } from './services/job-sheet/sweeper.js';
import { registerNotifications } from './services/notifications/consumer.js';
import { NotificationService } from './services/notifications/service.js';
import type { EmailTransport, SmsTransport } from './services/notifications/transports.js';
import { OrganizationLookup } from './services/organizations.js';
import { BusyCache } from './services/scheduling.js';
import { notifyOwnersOfDisabledEndpoint } from './services/webhooks/disabled.js';
import { WebhookSender } from './services/webhooks/sender.js';
import { createStorage, type Storage } from './storage/storage.js';

/** Every operation's handler. Adding an operation to openapi.yaml means adding its handler here. */
export const handlers: HandlerTable = {
  ...healthHandlers,
  ...authHandlers,
  ...organizationHandlers,
  ...userHandlers,
  ...apiKeyHandlers,
  ...catalogHandlers,
  ...technicianHandlers,
  ...availabilityHandlers,
  ...customerHandlers,
  ...appointmentHandlers,
  ...appointmentViewHandlers,
  ...holdHandlers,
  ...ascoraHandlers,
  ...ascoraRecordHandlers,
  ...invoiceHandlers,
  ...ascoraRetryHandlers,
  ...auditHandlers,
  ...notificationHandlers,
  ...webhookHandlers,
  ...calendarFeedHandlers,
  ...jobSheetHandlers,
  ...partHandlers,
  ...liveEventHandlers,
  ...exportHandlers,
  ...importHandlers,
};

/** Routes outside the API contract: the contract, its rendered reference, the elements and examples. */
export const infrastructureRoutes = [
  '/openapi.yaml',
  '/docs',
  '/docs/scalar.js',
  ...staticRoutePaths,
  ...notificationPagePaths,
] as const;

export const maxBodyBytes = 1024 * 1024;
/** An attachment's bytes in base64 (4/3 of them) and the rest of its JSON. */
export const maxUploadBodyBytes = Math.ceil((maxAttachmentBytes * 4) / 3) + 64 * 1024;
const uploadPath = /^\/api\/v1\/organizations\/[^/]+\/appointments\/[^/]+\/attachments$/;
const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);

export interface AppDependencies {
  database: Database;
  config: Config;
  logger: Logger;
  /** Overrides for tests (e.g. a clock or a shorter credential cache). */
  credentialCacheSeconds?: number;
  /** The clock every service reads (tests move it instead of waiting). */
  now?: () => number;
  /**
   * The started job queue (`startJobQueue`); the app connects its workers' code to it. Without
   * one, requests that need background work answer 503 `queue_unavailable`.
   */
  queue?: JobQueue;
  /** Where Ascora reaches this server, when known before it listens. */
  publicBaseUrl?: string;
  /** Ascora client settings (tests: fast retries, a fake Ascora on 127.0.0.1). */
  ascora?: AscoraOverrides;
  /** Where the elements build and the example pages are read from (tests point elsewhere). */
  staticAssets?: StaticAssetOptions;
  /** Email and SMS transports in place of the configured ones (tests: a failing provider). */
  notificationTransports?: { email?: EmailTransport; sms?: SmsTransport };
  /** What /readyz reports; startServer passes one it controls. Without one the app is ready. */
  readiness?: Readiness;
  /** Where files go; without one, what the configuration says (the local data folder by default). */
  storage?: Storage;
}

export function createServices({
  database,
  config,
  logger,
  credentialCacheSeconds,
  readiness,
  now = Date.now,
  queue,
  publicBaseUrl,
  ascora: ascoraOverrides,
  notificationTransports,
  storage = createStorage(config, { now }),
}: AppDependencies): Services {
  const version = JSON.parse(readFileSync(serverPackageJsonPath, 'utf8')).version as string;
  const busyTimes = new BusyCache();
  const ascora = new AscoraRuntime(database.db, {
    config,
    logger,
    now,
    publicBaseUrl,
    overrides: ascoraOverrides,
  });
  if (queue) registerAscoraWorkers(queue, ascora.deps);
  const events = new EventDispatcher(database.db, logger);
  const invoicing = new InvoicingService({ now });
  const notifications = new NotificationService({
    db: database.db,
    config,
    logger,
    now,
    publicUrl: () =>
      config.publicUrl ??
      ascora.publicBaseUrl ??
      `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`,
    ...notificationTransports,
    invoicing,
  });
  if (queue) notifications.register(queue);
  registerNotifications(events, notifications);
  const webhookSealKey = deriveKey(config.secret, 'webhook-secrets');
  const webhooks = new WebhookSender({
    db: database.db,
    now,
    logger,
    sealKey: webhookSealKey,
    policy: { allowPrivate: config.allowPrivateUrls ?? false },
    onEndpointDisabled: (tx, endpoint) => notifyOwnersOfDisabledEndpoint(notifications, tx, endpoint),
  });
  events.register(webhooks.consumer());
  const retention = new RetentionSweeper({ db: database.db, now, logger, settings: config.retention });
  events.register(ascoraEventConsumer(() => queue));
  if (queue) {
    events.attach(queue);
    webhooks.attach(queue);
    retention.attach(queue);
    queue.handle(importQueue, (data) => runImport(database.db, logger, String(data.importId), now));
  }
  const jobSheets = new JobSheetService({ storage, now });
  const fileSweeper = new JobSheetFileSweeper({ db: database.db, storage, now, logger });
  if (queue) fileSweeper.register(queue);
  return {
    db: database.db,
    databaseKind: database.kind,
    config,
    logger,
    credentials: new CredentialStore(database.db, {
      secret: config.secret,
      now,
      ...(credentialCacheSeconds === undefined ? {} : { cacheSeconds: credentialCacheSeconds }),
    }),
    rateLimiter: new RateLimiter(database.db, { now }),
    now,
    busyTimes,
    booking: new BookingService({
      db: database.db,
      now,
      cache: busyTimes,
      beforeComplete: (tx, row) => jobSheets.assertCompletable(tx, row),
      confirmationOf: (db, orgId, appointmentId) => notifications.confirmationOf(db, orgId, appointmentId),
    }),
    invoicing,
    storage,
    jobSheets,
    fileSweeper,
    queue,
    events,
    webhooks,
    retention,
    webhookSealKey,
    ascora,
    notifications,
    audit: new AuditWriter(database.db, now),
    organizations: new OrganizationLookup(database.db),
    idempotencyKey: deriveKey(config.secret, 'idempotent-responses'),
    version,
    readiness: readiness ?? new Readiness('ready'),
    liveEvents: new LiveEventStream(database, logger),
  };
}

/** Builds the whole HTTP application; the server and the tests use the same factory. */
export function createApp(dependencies: AppDependencies, spec: Spec = loadSpec()): Hono<AppEnv> {
  return createAppWith(createServices(dependencies), spec, dependencies.staticAssets);
}

/** The HTTP application over a services container the caller built (and may reach into later). */
export function createAppWith(
  services: Services,
  spec: Spec = loadSpec(),
  staticAssets: StaticAssetOptions = defaultStaticAssetOptions(),
): Hono<AppEnv> {
  const validator = new RequestValidator(spec);
  const app = new Hono<AppEnv>();

  app.use(requestContext(services));
  app.use(async function pokeEventDispatcher(c, next) {
    await next();
    // Whatever this request changed has committed by now (or rolled back): a live dispatcher
    // delivers its events at once instead of at the next sweep.
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') services.events.poke();
  });
  app.use(securityHeaders());
  app.use(compression());
  app.use('/api/*', cors());
  // Only where bodies are allowed, and from the headers alone when they declare the length: touching
  // the body (`c.req.raw.body`, as Hono's own limiter does first) makes the Node adapter build a full
  // Request with a web stream over the socket, which cost a booking more CPU than its validation.
  // Bodies of unknown length (chunked) go through Hono's limiter, which counts them as they arrive.
  const limited = (maxSize: number, detail: string): MiddlewareHandler<AppEnv> => {
    const onError = (): never => {
      // The rest of the body is never read, so the connection cannot carry another request: say
      // so, instead of promising keep-alive and then dropping the socket.
      throw new ApiError('payload_too_large', { detail, headers: { connection: 'close' } });
    };
    const counting = bodyLimit({ maxSize, onError });
    return (c, next) => {
      const length = c.req.header('content-length');
      if (length === undefined || c.req.header('transfer-encoding') !== undefined) return counting(c, next);
      return Number.parseInt(length, 10) > maxSize ? onError() : next();
    };
  };
  const limitBody = limited(maxBodyBytes, `Request bodies are limited to ${maxBodyBytes} bytes.`);
  // Photos and files arrive base64-encoded in JSON: their one route takes bodies up to that size.
  const limitUpload = limited(maxUploadBodyBytes, `Attachments are limited to ${maxAttachmentBytes} bytes.`);
  app.use(async function limitBodySize(c, next) {
    if (!bodyMethods.has(c.req.method)) return next();
    return uploadPath.test(c.req.path) ? limitUpload(c, next) : limitBody(c, next);
  });

  // Static paths before parameterised ones, so /technicians/availability is not read as a
  // technician called "availability".
  const byPrecedence = [...spec.operations].sort((a, b) => paramCount(a.path) - paramCount(b.path));
  for (const op of byPrecedence) {
    const handler = handlers[op.operationId as OperationId];
    if (!handler)
      throw new Error(`openapi.yaml operation ${op.operationId} has no handler in server/src/app.ts`);
    app.on(op.method.toUpperCase(), op.routePath, operationPipeline(op, handler as never, validator, spec));
  }
  for (const id of Object.keys(handlers)) {
    if (!spec.byId.has(id)) throw new Error(`Handler ${id} has no operation in openapi.yaml`);
  }

  const specText = readFileSync(specPath, 'utf8');
  app.get('/openapi.yaml', (c) =>
    c.body(specText, 200, { 'content-type': 'application/yaml; charset=utf-8' }),
  );
  app.get('/docs', (c) => c.html(docsPage()));
  let scalar: Buffer | undefined;
  app.get('/docs/scalar.js', (c) => {
    scalar ??= readFileSync(scalarScriptPath);
    return c.body(new Uint8Array(scalar), 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
    });
  });

  registerStaticRoutes(app, staticAssets);
  registerNotificationPages(app);

  app.notFound((c) => {
    const allowed = spec.operations.filter((op) =>
      new RegExp(`^${op.routePath.replace(/:[^/]+/g, '[^/]+')}$`).test(c.req.path),
    );
    if (allowed.length > 0) {
      const methods = allowed.map((op) => op.method.toUpperCase()).join(', ');
      return problemResponse(
        new ApiError('method_not_allowed', { detail: `Allowed: ${methods}.`, headers: { allow: methods } }),
        c.var.requestId,
      );
    }
    return problemResponse(
      new ApiError('not_found', { detail: `No route for ${c.req.method} ${c.req.path}.` }),
      c.var.requestId,
    );
  });

  app.onError((error, c) => {
    const requestId = c.var.requestId ?? 'unknown';
    if (error instanceof ApiError) return problemResponse(error, requestId);
    const mapped = fromDatabaseError(error);
    if (mapped) return problemResponse(mapped, requestId);
    if (clientWentAway(c)) return c.body(null, clientClosedRequest as never);
    // The route template, not the path: some paths carry a secret (the Ascora webhook's token).
    services.logger.error(
      { err: error, requestId, method: c.req.method, route: c.req.routePath },
      'unhandled error',
    );
    return problemResponse(
      new ApiError('internal', { detail: `Quote request id ${requestId} when reporting this.` }),
      requestId,
    );
  });

  return app;
}

/** Constraint violations that escaped a handler still mean "conflict", never "internal". */
export function fromDatabaseError(error: unknown): ApiError | undefined {
  const code = pgErrorCode(error);
  if (code === pgErrors.uniqueViolation || code === pgErrors.exclusionViolation)
    return new ApiError('conflict');
  // A deadlock or serialization failure rolled the request back whole (two reschedules crossing
  // the same two technicians, say): nothing changed, so "try again" is the truthful answer, and
  // the SDK does so by itself.
  if (
    code === '57P01' ||
    code === 'ECONNREFUSED' ||
    code === '53300' ||
    code === '40P01' ||
    code === '40001'
  ) {
    return new ApiError('unavailable', { headers: { 'retry-after': '1' } });
  }
  return undefined;
}

function paramCount(path: string): number {
  return path.split('{').length - 1;
}
