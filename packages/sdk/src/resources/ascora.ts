import { paginate } from '../paginate.js';
import type {
  ApiList,
  ApiResult,
  ListParams,
  OrgCallOptions,
  OrgPostOptions,
  RequestBody,
} from '../types.js';
import type { Context } from './context.js';
import { idempotencyHeader } from './context.js';

/** For each field that differs, which side's value to keep; fields left out keep Ascora's value. */
type ConflictChoices = RequestBody<'resolveAscoraConflict'>['choices'];

/**
 * openapi-typescript makes a property with a `default` required, but the server fills in the
 * default `baseUrl` (Ascora's production API) itself, so callers may leave it out.
 */
type AscoraConnect = Omit<RequestBody<'connectAscora'>, 'baseUrl'> & { baseUrl?: string };

export const ascora = ({ client, org }: Context) => ({
  /** Never includes the API key; `connected: false` before the first connect and after a disconnect. */
  status: (o?: OrgCallOptions): Promise<ApiResult<'getAscoraStatus'>> =>
    client.GET('/api/v1/organizations/{orgId}/ascora/status', {
      params: { path: { orgId: org(o?.orgId) } },
      signal: o?.signal,
    }),
  /**
   * Checks the key with Ascora before saving it (encrypted, never returned), registers the webhooks
   * and queues a first sync. A key Ascora refuses answers `422 ascora_rejected`. Only this call's
   * answer carries `webhookUrl`, because it holds a secret token.
   */
  connect: (body: AscoraConnect, o?: OrgCallOptions): Promise<ApiResult<'connectAscora'>> =>
    client.PUT('/api/v1/organizations/{orgId}/ascora/connection', {
      params: { path: { orgId: org(o?.orgId) } },
      body: body as RequestBody<'connectAscora'>,
      signal: o?.signal,
    }),
  /** Removes the webhooks and wipes the key; mappings, logs and synced records stay. */
  disconnect: (o?: OrgCallOptions): Promise<ApiResult<'disconnectAscora'>> =>
    client.DELETE('/api/v1/organizations/{orgId}/ascora/connection', {
      params: { path: { orgId: org(o?.orgId) } },
      signal: o?.signal,
    }),
  settings: {
    /** The API keeps the settings in the status (`data.settings`), so this reads the status. */
    get: (o?: OrgCallOptions): Promise<ApiResult<'getAscoraStatus'>> =>
      client.GET('/api/v1/organizations/{orgId}/ascora/status', {
        params: { path: { orgId: org(o?.orgId) } },
        signal: o?.signal,
      }),
    /** Changes only the fields given; answers the whole status, like `get`. Not connected: 404. */
    update: (
      body: RequestBody<'updateAscoraSettings'>,
      o?: OrgCallOptions,
    ): Promise<ApiResult<'updateAscoraSettings'>> =>
      client.PATCH('/api/v1/organizations/{orgId}/ascora/settings', {
        params: { path: { orgId: org(o?.orgId) } },
        body,
        signal: o?.signal,
      }),
  },
  sync: {
    /** Queues a sync (`queued: false` when one was already waiting); not connected answers 409. */
    start: (o?: OrgPostOptions): Promise<ApiResult<'startAscoraSync'>> =>
      client.POST('/api/v1/organizations/{orgId}/ascora/sync', {
        params: { path: { orgId: org(o?.orgId) } },
        headers: idempotencyHeader(o),
        signal: o?.signal,
      }),
    /** The running or last run with its stage and page; `run` is null before the first sync. */
    status: (o?: OrgCallOptions): Promise<ApiResult<'getAscoraSyncStatus'>> =>
      client.GET('/api/v1/organizations/{orgId}/ascora/sync/status', {
        params: { path: { orgId: org(o?.orgId) } },
        signal: o?.signal,
      }),
  },
  logs: {
    /** Past runs with their counts, newest first. */
    list: ({
      orgId,
      signal,
      ...query
    }: ListParams<'listAscoraSyncRuns'> = {}): ApiList<'listAscoraSyncRuns'> =>
      paginate(query, (q) =>
        client.GET('/api/v1/organizations/{orgId}/ascora/logs', {
          params: { path: { orgId: org(orgId) }, query: q },
          signal,
        }),
      ),
    /** One run with up to 500 per-record failures. */
    get: (runId: string, o?: OrgCallOptions): Promise<ApiResult<'getAscoraSyncRun'>> =>
      client.GET('/api/v1/organizations/{orgId}/ascora/logs/{runId}', {
        params: { path: { orgId: org(o?.orgId), runId } },
        signal: o?.signal,
      }),
    /**
     * Retries one failed record now: `outcome` is `synced` (the failure is resolved), `failed` (with
     * the new `reason`) or `queued` (this record needs a full sync, which was queued). A failure
     * already resolved answers 409; Ascora unreachable answers 502 `ascora_unavailable`.
     */
    retryFailure: (
      runId: string,
      failureId: string,
      o?: OrgPostOptions,
    ): Promise<ApiResult<'retryAscoraSyncFailure'>> =>
      client.POST('/api/v1/organizations/{orgId}/ascora/logs/{runId}/failures/{failureId}/retry', {
        params: { path: { orgId: org(o?.orgId), runId, failureId } },
        headers: idempotencyHeader(o),
        signal: o?.signal,
      }),
  },
  conflicts: {
    /** Records changed on both sides under the `manual` strategy, oldest first; `status` defaults to open. */
    list: ({
      orgId,
      signal,
      ...query
    }: ListParams<'listAscoraConflicts'> = {}): ApiList<'listAscoraConflicts'> =>
      paginate(query, (q) =>
        client.GET('/api/v1/organizations/{orgId}/ascora/conflicts', {
          params: { path: { orgId: org(orgId) }, query: q },
          signal,
        }),
      ),
    /**
     * Writes the merged record to Ascora, then to Crewkit. A conflict already resolved answers 409;
     * a field the record does not have answers 400.
     */
    resolve: (
      conflictId: string,
      choices: ConflictChoices,
      o?: OrgPostOptions,
    ): Promise<ApiResult<'resolveAscoraConflict'>> =>
      client.POST('/api/v1/organizations/{orgId}/ascora/conflicts/{conflictId}/resolve', {
        params: { path: { orgId: org(o?.orgId), conflictId } },
        body: { choices },
        headers: idempotencyHeader(o),
        signal: o?.signal,
      }),
  },
  /**
   * Pushes one appointment to Ascora as a job, creating its work order on the first push; pushing
   * it again updates the same Ascora job.
   */
  pushJob: (
    body: RequestBody<'pushAppointmentToAscora'>,
    o?: OrgPostOptions,
  ): Promise<ApiResult<'pushAppointmentToAscora'>> =>
    client.POST('/api/v1/organizations/{orgId}/ascora/jobs', {
      params: { path: { orgId: org(o?.orgId) } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  records: {
    /**
     * Sends one customer or appointment (as its work order) to Ascora now; Crewkit's side wins and
     * settles the record's open conflict. Answers the record's new link (`data.ascora`).
     */
    push: (body: RequestBody<'pushToAscora'>, o?: OrgPostOptions): Promise<ApiResult<'pushToAscora'>> =>
      client.POST('/api/v1/organizations/{orgId}/ascora/records/push', {
        params: { path: { orgId: org(o?.orgId) } },
        body,
        headers: idempotencyHeader(o),
        signal: o?.signal,
      }),
    /** Fetches one linked record's Ascora side now; Ascora's side wins. Not linked: 409. */
    pull: (body: RequestBody<'pullFromAscora'>, o?: OrgPostOptions): Promise<ApiResult<'pullFromAscora'>> =>
      client.POST('/api/v1/organizations/{orgId}/ascora/records/pull', {
        params: { path: { orgId: org(o?.orgId) } },
        body,
        headers: idempotencyHeader(o),
        signal: o?.signal,
      }),
  },
});
