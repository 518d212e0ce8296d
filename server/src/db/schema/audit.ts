import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './access.js';

export const auditActorTypes = ['user', 'api_key', 'system'] as const;
export type AuditActorType = (typeof auditActorTypes)[number];

export const auditCredentialTypes = ['session', 'secret_key', 'publishable_key'] as const;
export type AuditCredentialType = (typeof auditCredentialTypes)[number];

/**
 * Who changed what, written in the transaction that made the change (services/audit). Ids are
 * UUIDv7 taken from the same clock as `at`, so the primary-key order is time order: pages, time
 * ranges and retention pruning are all ranges of the `(org_id, id)` index.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorType: text('actor_type').$type<AuditActorType>().notNull(),
    /** A user id, an API key id, or a system actor's name (`ascora-sync`). */
    actorId: text('actor_id').notNull(),
    credentialType: text('credential_type').$type<AuditCredentialType>(),
    credentialId: text('credential_id'),
    /** The operationId, or what a system actor did (`ascora.applyCustomers`). */
    operation: text('operation').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    /** Field name → new value, or "changed" where the value may be personal data or a secret. */
    changes: jsonb('changes').$type<Record<string, unknown>>().notNull(),
    requestId: text('request_id'),
  },
  (t) => [
    index('audit_log_org_idx').on(t.orgId, t.id),
    index('audit_log_target_idx').on(t.orgId, t.targetType, t.targetId, t.id),
    index('audit_log_actor_idx').on(t.orgId, t.actorId, t.id),
  ],
);
