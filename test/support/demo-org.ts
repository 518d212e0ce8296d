/**
 * A business with a row behind every kind of id in openapi.yaml's paths, for suites that aim
 * requests at things that exist: the demo plumbing business, its booked appointments, and the few
 * records only Ascora creates (jobs, invoices, sync runs, failures, conflicts) written directly.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../../server/src/db/index.js';
import {
  ascoraConflicts,
  ascoraSyncFailures,
  ascoraSyncRuns,
  invoices,
  jobs,
} from '../../server/src/db/schema.js';
import { newId } from '../../server/src/lib/ids.js';
import { seedDemo } from '../../server/src/seed/demo.js';
import { seedDemoAppointments } from '../../server/src/seed/demo-live.js';
import type { TestContext } from '../../server/test-support/harness.js';

/** Which table holds the rows a path parameter or body field names. */
export const tableFor: Record<string, string> = {
  userId: 'users',
  keyId: 'api_keys',
  categoryId: 'service_categories',
  itemId: 'service_items',
  serviceItemId: 'service_items',
  tierId: 'pricing_tiers',
  technicianId: 'technicians',
  timeOffId: 'time_off',
  holdId: 'reservations',
  appointmentId: 'appointments',
  customerId: 'customers',
  contactId: 'customer_contacts',
  jobId: 'jobs',
  invoiceId: 'invoices',
  runId: 'ascora_sync_runs',
  failureId: 'ascora_sync_failures',
  conflictId: 'ascora_conflicts',
  endpointId: 'webhook_endpoints',
};

export interface DemoOrg {
  orgId: string;
  secretKey: string;
  login: { email: string; password: string };
  /** One real id per parameter name in `tableFor`. */
  ids: Record<string, string>;
}

/** Seeds the demo business; `t` must have been created with `http: true` (it books through the API). */
export async function seedDemoOrg(t: TestContext, origins: string[]): Promise<DemoOrg> {
  const demo = await seedDemo(t.database.db, { secret: t.config.secret, origins });
  await seedDemoAppointments(t.baseUrl!, demo, t.services.now);
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await t.request(method, `/api/v1/organizations/${demo.orgId}${path}`, {
      token: demo.secretKey,
      ...(body === undefined ? {} : { body }),
    });
    if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${response.text}`);
    return response.body;
  };
  const firstId = async (table: string) => {
    const [row] = await queryRows<{ id: string }>(
      t.database.db,
      sql`select id::text as id from ${sql.identifier(table)} where org_id = ${demo.orgId} order by id limit 1`,
    );
    return row!.id;
  };

  const itemId = await firstId('service_items');
  const technicianId = await firstId('technicians');
  const customerId = await firstId('customers');
  await api('POST', `/services/items/${itemId}/pricing`, {
    name: 'Winter rate',
    priceMinor: 15_000,
    validFrom: '2027-06-01',
  });
  await api('POST', `/technicians/${technicianId}/time-off`, {
    startsAt: '2027-03-01T00:00:00Z',
    endsAt: '2027-03-02T00:00:00Z',
    reason: 'Training',
  });
  await api('POST', `/customers/${customerId}/contacts`, { name: 'Site manager' });
  await api('POST', '/webhooks/endpoints', {
    url: 'https://erp.example/crewkit-webhooks',
    events: ['appointment.created', 'appointment.cancelled'],
    description: 'The ERP',
  });
  const from = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const availability = await api(
    'GET',
    `/technicians/availability?serviceItemId=${itemId}&from=${from}&to=${from.slice(0, 8)}28`,
  );
  const slot = (availability.days as Array<{ slots: Array<{ start: string }> }>).flatMap((d) => d.slots)[0];
  if (slot) await api('POST', '/holds', { serviceItemId: itemId, start: slot.start });

  const db = t.database.db;
  const jobId = newId();
  await db
    .insert(jobs)
    .values({ id: jobId, orgId: demo.orgId, name: 'Replace hot water unit', siteCustomerId: customerId });
  await db.insert(invoices).values({
    id: newId(),
    orgId: demo.orgId,
    number: 'INV-1',
    jobId,
    issuedOn: '2026-11-01',
    currency: 'AUD',
    totalExTaxMinor: 45_000,
  });
  const runId = newId();
  await db.insert(ascoraSyncRuns).values({
    id: runId,
    orgId: demo.orgId,
    trigger: 'manual',
    status: 'failed',
    counts: { created: 0, updated: 0, skipped: 0, conflicts: 1, failed: 1 },
  });
  await db.insert(ascoraSyncFailures).values({
    id: newId(),
    orgId: demo.orgId,
    runId,
    entity: 'customer',
    localId: customerId,
    reason: 'Ascora refused the record',
  });
  await db.insert(ascoraConflicts).values({
    id: newId(),
    orgId: demo.orgId,
    entity: 'customer',
    localId: customerId,
    ascoraId: 'C-1',
    fields: ['name'],
    local: { name: 'Olivia Hart' },
    remote: { name: 'Olivia Hart-Smith' },
  });

  const ids: Record<string, string> = {};
  for (const [name, table] of Object.entries(tableFor)) ids[name] = await firstId(table);
  return { orgId: demo.orgId, secretKey: demo.secretKey, login: demo.login, ids };
}
