import type { components } from '@crewkit/sdk/openapi';
import { listAudit } from '../audit/audit.js';
import type { auditLog } from '../db/schema.js';
import { decodeCursor, toPage } from '../lib/pagination.js';
import type { HandlerTable } from '../openapi/handlers.js';

type Schemas = components['schemas'];

function toAuditEntry(row: typeof auditLog.$inferSelect): Schemas['AuditEntry'] {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: { type: row.actorType, id: row.actorId },
    credential:
      row.credentialType && row.credentialId ? { type: row.credentialType, id: row.credentialId } : null,
    operation: row.operation,
    target: { type: row.targetType, id: row.targetId },
    changes: row.changes,
    requestId: row.requestId,
  };
}

export const auditHandlers = {
  async listAuditLog(c, { params, query }) {
    const limit = query.limit ?? 25;
    const rows = await listAudit(c.var.db, params.orgId, {
      actorType: query.actorType,
      actorId: query.actorId,
      targetType: query.targetType,
      targetId: query.targetId,
      from: query.from === undefined ? undefined : Date.parse(query.from),
      to: query.to === undefined ? undefined : Date.parse(query.to),
      before: decodeCursor(query.cursor),
      limit,
    });
    return c.json(toPage(rows, limit, toAuditEntry), 200);
  },
} satisfies HandlerTable;
