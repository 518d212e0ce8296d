import type { components } from '@crewkit/sdk/openapi';
import type { FailureRow } from '../ascora/failure-retry.js';
import { ascoraRequest, retrySyncFailure } from '../ascora/service.js';
import { iso } from '../lib/time.js';
import type { HandlerTable } from '../openapi/handlers.js';

export function toSyncFailure(row: FailureRow): components['schemas']['AscoraSyncFailure'] {
  return {
    id: row.id,
    entity: row.entity,
    ascoraId: row.ascoraId,
    localId: row.localId,
    reason: row.reason,
    at: iso(row.at),
    retriedAt: iso(row.retriedAt),
    resolvedAt: iso(row.resolvedAt),
  };
}

export const ascoraRetryHandlers = {
  async retryAscoraSyncFailure(c, { params }) {
    const { outcome, reason, failure } = await retrySyncFailure(
      ascoraRequest(c),
      params.orgId,
      params.runId,
      params.failureId,
    );
    return c.json({ outcome, reason, failure: toSyncFailure(failure) }, 200);
  },
} satisfies HandlerTable;
