import {
  AscoraAuthenticationError,
  type AscoraClient,
  type AscoraClientOptions,
  AscoraError,
  AscoraNotFoundError,
  AscoraValidationError,
  type AscoraWebhookEvent,
  createAscoraClient,
  headerValueSendable,
} from '@crewkit/ascora';
import { and, eq } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import {
  type AscoraConflictStrategy,
  type AscoraCustomFieldMapping,
  type AscoraDirections,
  ascoraConnections,
} from '../db/schema.js';
import { ApiError } from '../errors.js';
import { constantTimeEqual, decrypt, deriveKey, encrypt, randomToken, sha256 } from '../lib/crypto.js';
import {
  checkOutboundAddresses,
  checkOutboundUrl,
  type OutboundPolicy,
  OutboundUrlRefusedError,
  outboundFetch,
} from '../lib/outbound-url.js';
import type { Logger } from '../logger.js';
import { withCustomFieldMappings } from './custom-fields.js';

export const ascoraBaseUrl = 'https://api.ascora.com.au';

/** Where Ascora calls may go besides the real Ascora; see `ascoraUrlPolicy`. */
export interface AscoraUrlAllowance {
  /** CREWKIT_ALLOW_PRIVATE_URLS: plain http and loopback or private targets (a local fake Ascora). */
  allowPrivate?: boolean | undefined;
  /** CREWKIT_ASCORA_ALLOWED_HOSTS: other hosts an organization may connect to (a proxy, say). */
  allowedHosts?: readonly string[] | undefined;
}

export function ascoraUrlAllowance(config: Config): AscoraUrlAllowance {
  return { allowPrivate: config.allowPrivateUrls ?? false, allowedHosts: config.ascoraAllowedHosts ?? [] };
}

/**
 * The API key goes wherever the base URL points, so by default only to the real Ascora over https;
 * anything else is the server operator's decision, never an organization's.
 */
export function ascoraUrlPolicy(allowance: AscoraUrlAllowance = {}): OutboundPolicy {
  return {
    allowPrivate: allowance.allowPrivate ?? false,
    hosts: [new URL(ascoraBaseUrl).hostname, ...(allowance.allowedHosts ?? [])],
  };
}

/** What the integration needs from the server; routes, jobs and the CLI build it the same way. */
export interface AscoraDeps {
  db: Db;
  /** CREWKIT_SECRET: the key for API keys at rest is derived from it. */
  secret: string;
  logger: Logger;
  /** The services container's clock: every "now" the integration records or compares against. */
  now: () => number;
  /** Overrides for the Ascora client (tests shorten retry delays or inject fetch). */
  clientOptions?: Partial<AscoraClientOptions>;
  /** PageSize for list calls; Ascora's default is 250. */
  pageSize?: number;
  /** A running run whose heartbeat is older than this belongs to a dead process and is taken over. */
  staleRunMs?: number;
  /** Stops a sync between pages, as a killed process would (tests of resumption). */
  signal?: AbortSignal;
  /** Absent: only https://api.ascora.com.au. */
  urls?: AscoraUrlAllowance;
}

export const defaultDirections: AscoraDirections = {
  customers: 'both',
  jobs: 'both',
  invoices: 'pull',
  payments: 'both',
};

export const webhookEvents: AscoraWebhookEvent[] = [
  'JobCreated',
  'JobStatusChanged',
  'CustomerModified',
  'InvoiceCreated',
  'InvoiceModified',
];

export type ConnectionRow = typeof ascoraConnections.$inferSelect;

function sealingKey(secret: string): Buffer {
  return deriveKey(secret, 'ascora-api-keys');
}

export function webhookPath(orgId: string, token: string): string {
  return `/api/v1/organizations/${orgId}/ascora/webhooks/${token}`;
}

export async function findConnection(db: Db, orgId: string): Promise<ConnectionRow | undefined> {
  const [row] = await db.select().from(ascoraConnections).where(eq(ascoraConnections.orgId, orgId));
  return row;
}

/** The live connection, or 409: nothing Ascora-bound can run without one. */
export async function requireConnection(
  db: Db,
  orgId: string,
): Promise<ConnectionRow & { apiKeySealed: string }> {
  const row = await findConnection(db, orgId);
  if (row?.status !== 'connected' || !row.apiKeySealed) {
    throw new ApiError('conflict', { detail: 'This organization is not connected to Ascora.' });
  }
  return row as ConnectionRow & { apiKeySealed: string };
}

export function clientFor(
  deps: AscoraDeps,
  connection: {
    baseUrl: string;
    apiKeySealed: string;
    customFieldMappings?: readonly AscoraCustomFieldMapping[] | undefined;
  },
): AscoraClient {
  const guarded = outboundFetch(ascoraUrlPolicy(deps.urls));
  const client = createAscoraClient({
    baseUrl: connection.baseUrl,
    apiKey: decrypt(sealingKey(deps.secret), connection.apiKeySealed),
    // Checked on every call, not only at connect time: a base URL saved before the rules (or under
    // looser ones) is refused too, and a host name is checked on the address actually connected to.
    fetch: async (input, init) => {
      try {
        return await guarded(input, init);
      } catch (error) {
        if (!(error instanceof OutboundUrlRefusedError)) throw error;
        throw new AscoraValidationError(`The Ascora base URL ${error.message}`, { cause: error });
      }
    },
    onInvalidRecord: (info) =>
      deps.logger.warn(
        { entity: info.entity, ascoraId: info.id, issues: info.issues },
        'ascora record skipped',
      ),
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...deps.clientOptions,
  });
  return withCustomFieldMappings(client, connection.customFieldMappings);
}

/** Turns Ascora's refusal of a key or its absence into the API's problem codes. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof AscoraValidationError && error.cause instanceof OutboundUrlRefusedError) {
    return new ApiError('conflict', {
      detail: `${error.message}; reconnect with an allowed base URL.`,
    });
  }
  if (error instanceof AscoraAuthenticationError) {
    return new ApiError('ascora_rejected', {
      detail: 'Ascora rejected the API key.',
      errors: [{ path: 'body.apiKey', message: 'was rejected by Ascora' }],
    });
  }
  if (error instanceof AscoraError && !error.retryable) {
    return new ApiError('ascora_rejected', { detail: `Ascora refused the request (${error.message}).` });
  }
  return new ApiError('ascora_unavailable', { detail: 'Ascora did not answer; try again later.' });
}

export interface ConnectInput {
  apiKey: string;
  baseUrl?: string | undefined;
  directions?: Partial<AscoraDirections> | undefined;
  syncIntervalMinutes?: number | undefined;
  conflictStrategy?: AscoraConflictStrategy | undefined;
  /** Absolute base of this server as Ascora reaches it, for webhook URLs; no webhooks without it. */
  publicBaseUrl?: string | undefined;
}

/**
 * Verifies the key with one cheap call, stores it sealed, and registers webhooks. Exported for the
 * CLI (`npm start` connects the demo organization to the fake Ascora this way).
 * Returns the webhook path, which holds a secret and is shown only now.
 */
export async function connectAscora(
  deps: AscoraDeps,
  orgId: string,
  input: ConnectInput,
): Promise<{ connection: ConnectionRow; webhookPath: string }> {
  if (!headerValueSendable(input.apiKey)) {
    throw new ApiError('validation_failed', {
      errors: [{ path: 'body.apiKey', message: 'must not hold line breaks or characters beyond Latin-1' }],
    });
  }
  const baseUrl = await allowedBaseUrl(deps, input.baseUrl ?? ascoraBaseUrl);
  const apiKeySealed = encrypt(sealingKey(deps.secret), input.apiKey);
  const client = clientFor(deps, { baseUrl, apiKeySealed });
  try {
    await client.probe();
  } catch (error) {
    // The name pointed somewhere public a moment ago and inward now: the same answer as before.
    if (error instanceof AscoraValidationError && error.cause instanceof OutboundUrlRefusedError) {
      throw new ApiError('validation_failed', {
        detail: `${error.message}.`,
        errors: [{ path: 'body.baseUrl', message: error.cause.message }],
      });
    }
    throw toApiError(error);
  }

  const previous = await findConnection(deps.db, orgId);
  // Replacing a key replaces the webhooks too, so the old URL (and its token) stops working.
  if (previous?.status === 'connected' && previous.apiKeySealed) {
    await removeWebhooks(deps, previous as ConnectionRow & { apiKeySealed: string });
  }
  const token = randomToken();
  const path = webhookPath(orgId, token);
  const subscriptionIds: string[] = [];
  if (input.publicBaseUrl) {
    const hookUrl = `${input.publicBaseUrl.replace(/\/+$/, '')}${path}`;
    try {
      for (const hookEvent of webhookEvents) {
        const { subscriptionId } = await client.createWebhook({ hookUrl, systemName: 'Crewkit', hookEvent });
        subscriptionIds.push(subscriptionId);
      }
    } catch (error) {
      deps.logger.warn(
        { err: error, orgId },
        'ascora webhook registration failed; relying on scheduled syncs',
      );
    }
  }
  const directions: AscoraDirections = {
    ...(previous?.directions ?? defaultDirections),
    ...input.directions,
    invoices: 'pull',
  };
  const now = new Date(deps.now());
  const values = {
    status: 'connected' as const,
    baseUrl,
    apiKeySealed,
    webhookTokenHash: sha256(token),
    webhookSubscriptionIds: subscriptionIds,
    directions,
    syncIntervalMinutes: input.syncIntervalMinutes ?? previous?.syncIntervalMinutes ?? 60,
    conflictStrategy: input.conflictStrategy ?? previous?.conflictStrategy ?? 'newest_wins',
    customFieldMappings: previous?.customFieldMappings ?? [],
    connectedAt: now,
    disconnectedAt: null,
    updatedAt: now,
  };
  const [connection] = await deps.db
    .insert(ascoraConnections)
    .values({ orgId, ...values })
    .onConflictDoUpdate({ target: ascoraConnections.orgId, set: values })
    .returning();
  return { connection: connection!, webhookPath: path };
}

/**
 * The base URL to store, or a 400 before anything is sent: checked as given and on the addresses
 * its name has now (each call checks them again when it connects).
 */
async function allowedBaseUrl(deps: AscoraDeps, raw: string): Promise<string> {
  const policy = ascoraUrlPolicy(deps.urls);
  try {
    const url = checkOutboundUrl(raw, policy);
    // Paths are appended to it: a query or fragment would end up in the middle of every call.
    if (url.search || url.hash) throw new OutboundUrlRefusedError('must not have a query or a fragment');
    await checkOutboundAddresses(url, policy);
    return url.href.replace(/\/+$/, '');
  } catch (error) {
    if (!(error instanceof OutboundUrlRefusedError)) throw error;
    throw new ApiError('validation_failed', {
      detail: `The Ascora base URL ${error.message}.`,
      errors: [{ path: 'body.baseUrl', message: error.message }],
    });
  }
}

async function removeWebhooks(deps: AscoraDeps, connection: ConnectionRow & { apiKeySealed: string }) {
  const client = clientFor(deps, connection);
  for (const id of connection.webhookSubscriptionIds) {
    try {
      await client.deleteWebhook(id);
    } catch (error) {
      // Already gone in Ascora (removed there, or an Ascora that forgot it): what we wanted.
      if (error instanceof AscoraNotFoundError) continue;
      // A key that was revoked in Ascora cannot remove its webhooks; the token dies with the
      // connection anyway, so any later delivery is refused.
      deps.logger.warn({ err: error, orgId: connection.orgId }, 'ascora webhook removal failed');
    }
  }
}

/** Removes the webhooks and wipes the key and token; mappings, logs and data stay. */
export async function disconnectAscora(deps: AscoraDeps, orgId: string): Promise<void> {
  const connection = await findConnection(deps.db, orgId);
  if (connection?.status !== 'connected') throw new ApiError('not_found');
  if (connection.apiKeySealed) {
    await removeWebhooks(deps, connection as ConnectionRow & { apiKeySealed: string });
  }
  await deps.db
    .update(ascoraConnections)
    .set({
      status: 'disconnected',
      apiKeySealed: null,
      webhookTokenHash: null,
      webhookSubscriptionIds: [],
      disconnectedAt: new Date(deps.now()),
      updatedAt: new Date(deps.now()),
    })
    .where(eq(ascoraConnections.orgId, orgId));
}

/** Whether `token` is this organization's live webhook token; compared in constant time. */
export async function verifyWebhookToken(db: Db, orgId: string, token: string): Promise<boolean> {
  const [row] = await db
    .select({ hash: ascoraConnections.webhookTokenHash })
    .from(ascoraConnections)
    .where(and(eq(ascoraConnections.orgId, orgId), eq(ascoraConnections.status, 'connected')));
  // Hash first, so both sides of the comparison have the same length whatever was sent.
  return constantTimeEqual(sha256(token), row?.hash ?? sha256(randomToken()));
}
