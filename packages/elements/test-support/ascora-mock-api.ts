/**
 * A small stand-in for the reference server's Ascora routes, for the element tests and the stories
 * (msw). Not part of the package's API: nothing imports it but tests and stories.
 *
 * It keeps state like the server: connecting saves settings and queues a first sync, a queued sync
 * advances one page per progress check until it completes, and resolving a conflict closes it.
 */
import type { components } from '@crewkit/sdk';
import { delay, HttpResponse, http } from 'msw';
import { api, problem } from './msw.js';

type Schemas = components['schemas'];
export type AscoraStatus = Schemas['AscoraStatus'];
export type AscoraSyncRun = Schemas['AscoraSyncRun'];
export type AscoraSyncFailure = Schemas['AscoraSyncFailure'];
export type AscoraConflict = Schemas['AscoraConflict'];
export type AscoraFailureRetry = Schemas['AscoraFailureRetry'];

const id = (n: number) => `0190f3c4-aaaa-7000-8000-${String(n).padStart(12, '0')}`;

export const defaultSettings: Schemas['AscoraSettings'] = {
  directions: { customers: 'both', jobs: 'both', invoices: 'pull', payments: 'both' },
  syncIntervalMinutes: 15,
  conflictStrategy: 'manual',
  customFieldMappings: [],
};

export function connectedStatus(overrides: Partial<AscoraStatus> = {}): AscoraStatus {
  return {
    connected: true,
    baseUrl: 'https://api.ascora.com.au',
    webhookUrl: null,
    webhooks: { registered: true, lastDeliveryAt: '2031-03-04T22:58:00Z', reachable: true },
    settings: defaultSettings,
    connectedAt: '2031-03-01T22:15:00Z',
    disconnectedAt: null,
    lastSyncAt: '2031-03-04T23:00:00Z',
    ...overrides,
  };
}

export const notConnected: AscoraStatus = {
  connected: false,
  baseUrl: null,
  webhookUrl: null,
  webhooks: { registered: false, lastDeliveryAt: null, reachable: null },
  settings: null,
  connectedAt: null,
  disconnectedAt: null,
  lastSyncAt: null,
};

export function syncRun(n: number, overrides: Partial<AscoraSyncRun> = {}): AscoraSyncRun {
  const started = new Date(Date.UTC(2031, 2, 4, 23, 0) - n * 15 * 60_000);
  return {
    id: id(n),
    trigger: 'schedule',
    status: 'completed',
    stage: 'done',
    page: null,
    totalPages: null,
    counts: { created: 3 * n, updated: 12, skipped: 1480, conflicts: n % 3 === 0 ? 1 : 0, failed: n % 2 },
    progress: [],
    error: null,
    startedAt: started.toISOString(),
    finishedAt: new Date(started.getTime() + 42_000).toISOString(),
    ...overrides,
  };
}

export function failure(n: number, overrides: Partial<AscoraSyncFailure> = {}): AscoraSyncFailure {
  return {
    id: id(300 + n),
    entity: 'customer',
    ascoraId: `c0ffee00-0000-4000-8000-${String(n).padStart(12, '0')}`,
    localId: null,
    reason: 'Ascora rejected the record: EmailAddress is not a valid email address.',
    at: '2031-03-04T23:00:30Z',
    retriedAt: null,
    resolvedAt: null,
    ...overrides,
  };
}

export function conflict(n: number, overrides: Partial<AscoraConflict> = {}): AscoraConflict {
  return {
    id: id(500 + n),
    entity: 'customer',
    localId: id(900 + n),
    ascoraId: `c0ffee00-0000-4000-8000-${String(500 + n).padStart(12, '0')}`,
    fields: ['email', 'phone', 'address'],
    local: {
      name: `Wilhelmina Park ${n}`,
      email: `wil${n}@example.com`,
      phone: '0412 345 678',
      address: { line1: '12 Harbour St', city: 'Sydney', region: 'NSW', postalCode: '2000', country: 'AU' },
    },
    remote: {
      name: `Wilhelmina Park ${n}`,
      email: `w.park${n}@example.net`,
      phone: null,
      address: { line1: '14 Harbour St', city: 'Sydney', region: 'NSW', postalCode: '2000', country: 'AU' },
    },
    status: 'open',
    resolution: null,
    createdAt: '2031-03-04T23:00:40Z',
    resolvedAt: null,
    ...overrides,
  };
}

export interface AscoraMockOptions {
  status?: AscoraStatus;
  /** Newest first, as `…/ascora/logs` lists them. */
  runs?: AscoraSyncRun[];
  failures?: Record<string, AscoraSyncFailure[]>;
  conflicts?: AscoraConflict[];
  /** Pages per stage of a sync started through the mock. */
  pagesPerStage?: number;
  /** Delay of every answer, so loading states show in stories. */
  latencyMs?: number;
  /** How retrying a failure turns out, by failure id; unlisted failures sync. */
  retryOutcomes?: Record<string, { outcome: AscoraFailureRetry['outcome']; reason?: string }>;
}

/** A stateful mocked Ascora API: `handlers` for msw, `state` to look at or change in a test. */
export function ascoraMock(options: AscoraMockOptions = {}) {
  const state = {
    status: options.status ?? connectedStatus(),
    runs: [...(options.runs ?? [])],
    failures: { ...(options.failures ?? {}) },
    conflicts: [...(options.conflicts ?? [])],
    pagesPerStage: options.pagesPerStage ?? 3,
    retryOutcomes: { ...(options.retryOutcomes ?? {}) },
    requests: [] as Array<{ method: string; path: string; body?: unknown }>,
  };
  const latency = async () => {
    if (options.latencyMs) await delay(options.latencyMs);
  };
  const record = async (request: Request) => {
    const path = new URL(request.url).pathname.replace(/^.*\/ascora/, '/ascora');
    const body =
      request.method === 'GET' || request.method === 'DELETE'
        ? undefined
        : await request
            .clone()
            .json()
            .catch(() => undefined);
    state.requests.push({ method: request.method, path, ...(body === undefined ? {} : { body }) });
  };
  const stages = ['customers:pull', 'customers:push', 'jobs:pull', 'jobs:push'];

  /** Moves a running run on by one page, like the worker between two progress checks. */
  const advance = (run: AscoraSyncRun): AscoraSyncRun => {
    if (run.status !== 'running') return run;
    const page = (run.page ?? 1) + 1;
    if (page <= state.pagesPerStage + 1) return { ...run, page, totalPages: state.pagesPerStage };
    const next = stages[stages.indexOf(run.stage ?? '') + 1];
    if (next) return { ...run, stage: next, page: 1, totalPages: state.pagesPerStage };
    return {
      ...run,
      status: 'completed',
      stage: 'done',
      page: null,
      totalPages: null,
      counts: { created: 4, updated: 9, skipped: 1200, conflicts: 0, failed: 0 },
      finishedAt: new Date().toISOString(),
    };
  };

  const queueRun = (trigger: AscoraSyncRun['trigger']) => {
    const run = syncRun(0, {
      id: crypto.randomUUID(),
      trigger,
      status: 'running',
      stage: stages[0]!,
      page: 1,
      totalPages: state.pagesPerStage,
      counts: { created: 0, updated: 0, skipped: 0, conflicts: 0, failed: 0 },
      startedAt: new Date().toISOString(),
      finishedAt: null,
    });
    state.runs.unshift(run);
  };

  const page = <T>(items: T[], request: Request) => {
    const query = new URL(request.url).searchParams;
    const limit = Number(query.get('limit') ?? 25);
    const offset = Number(query.get('cursor') ?? 0);
    const more = offset + limit < items.length;
    return HttpResponse.json({
      data: items.slice(offset, offset + limit),
      nextCursor: more ? String(offset + limit) : null,
    });
  };

  const handlers = [
    http.get(api('/ascora/status'), async ({ request }) => {
      await record(request);
      await latency();
      return HttpResponse.json(state.status);
    }),
    http.put(api('/ascora/connection'), async ({ request }) => {
      await record(request);
      await latency();
      const body = (await request.json()) as { apiKey: string; baseUrl?: string };
      if (!body.apiKey.startsWith('good')) {
        return problem(422, 'ascora_rejected', { detail: 'Ascora refused the key (401).' });
      }
      state.status = connectedStatus({
        baseUrl: body.baseUrl ?? 'https://api.ascora.com.au',
        settings: state.status.settings ?? defaultSettings,
        connectedAt: new Date().toISOString(),
        lastSyncAt: null,
        webhookUrl: '/api/v1/organizations/x/ascora/webhooks/secret-token',
      });
      queueRun('connect');
      return HttpResponse.json(state.status);
    }),
    http.delete(api('/ascora/connection'), async ({ request }) => {
      await record(request);
      await latency();
      if (!state.status.connected) return problem(404, 'not_found');
      state.status = {
        ...notConnected,
        baseUrl: state.status.baseUrl,
        disconnectedAt: new Date().toISOString(),
      };
      return new HttpResponse(null, { status: 204 });
    }),
    http.patch(api('/ascora/settings'), async ({ request }) => {
      await record(request);
      await latency();
      if (!state.status.connected || !state.status.settings) return problem(404, 'not_found');
      const body = (await request.json()) as Schemas['AscoraSettingsUpdate'];
      const settings = state.status.settings;
      state.status = {
        ...state.status,
        settings: {
          directions: { ...settings.directions, ...body.directions },
          syncIntervalMinutes: body.syncIntervalMinutes ?? settings.syncIntervalMinutes,
          conflictStrategy: body.conflictStrategy ?? settings.conflictStrategy,
          customFieldMappings: body.customFieldMappings ?? settings.customFieldMappings,
        },
      };
      return HttpResponse.json(state.status);
    }),
    http.post(api('/ascora/sync'), async ({ request }) => {
      await record(request);
      await latency();
      if (!state.status.connected) {
        return problem(409, 'conflict', { detail: 'This organization is not connected to Ascora.' });
      }
      const running = state.runs[0]?.status === 'running';
      if (!running) queueRun('manual');
      return HttpResponse.json({ queued: !running }, { status: 202 });
    }),
    http.get(api('/ascora/sync/status'), async ({ request }) => {
      await record(request);
      await latency();
      const [current] = state.runs;
      if (current) state.runs[0] = advance(current);
      if (state.runs[0]?.status === 'completed' && current?.status === 'running') {
        state.status = { ...state.status, lastSyncAt: state.runs[0].finishedAt };
      }
      return HttpResponse.json({ run: state.runs[0] ?? null });
    }),
    http.get(api('/ascora/logs'), async ({ request }) => {
      await record(request);
      await latency();
      return page(state.runs, request);
    }),
    http.get(api('/ascora/logs/:runId'), async ({ request, params }) => {
      await record(request);
      await latency();
      const run = state.runs.find((r) => r.id === params.runId);
      if (!run) return problem(404, 'not_found');
      return HttpResponse.json({ ...run, failures: state.failures[run.id] ?? [] });
    }),
    http.post(api('/ascora/logs/:runId/failures/:failureId/retry'), async ({ request, params }) => {
      await record(request);
      await latency();
      if (!state.status.connected) {
        return problem(409, 'conflict', { detail: 'This organization is not connected to Ascora.' });
      }
      const failures = state.failures[String(params.runId)] ?? [];
      const index = failures.findIndex((f) => f.id === params.failureId);
      const found = failures[index];
      if (!found) return problem(404, 'not_found');
      if (found.resolvedAt) return problem(409, 'conflict', { detail: 'This failure is already resolved.' });
      const planned = state.retryOutcomes[found.id] ?? { outcome: 'synced' };
      const now = new Date().toISOString();
      const reason =
        planned.outcome === 'synced' ? null : (planned.reason ?? 'Ascora refused the record again.');
      const updated: AscoraSyncFailure = {
        ...found,
        retriedAt: now,
        ...(planned.outcome === 'synced' ? { resolvedAt: now } : {}),
        ...(planned.outcome === 'failed' && reason ? { reason } : {}),
      };
      failures[index] = updated;
      if (planned.outcome === 'queued' && state.runs[0]?.status !== 'running') queueRun('manual');
      const body: AscoraFailureRetry = { outcome: planned.outcome, reason, failure: updated };
      return HttpResponse.json(body);
    }),
    http.get(api('/ascora/conflicts'), async ({ request }) => {
      await record(request);
      await latency();
      const wanted = new URL(request.url).searchParams.get('status') ?? 'open';
      return page(
        state.conflicts.filter((c) => c.status === wanted),
        request,
      );
    }),
    http.post(api('/ascora/conflicts/:conflictId/resolve'), async ({ request, params }) => {
      await record(request);
      await latency();
      const index = state.conflicts.findIndex((c) => c.id === params.conflictId);
      const found = state.conflicts[index];
      if (!found) return problem(404, 'not_found');
      if (found.status === 'resolved') return problem(409, 'conflict', { detail: 'Already resolved.' });
      const { choices } = (await request.json()) as { choices: Record<string, 'local' | 'remote'> };
      const resolved: AscoraConflict = {
        ...found,
        status: 'resolved',
        resolution: choices,
        resolvedAt: new Date().toISOString(),
      };
      state.conflicts[index] = resolved;
      return HttpResponse.json(resolved);
    }),
  ];

  return { state, handlers };
}
