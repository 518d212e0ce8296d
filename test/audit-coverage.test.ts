/**
 * The audit log's coverage, generated from openapi.yaml: every operation that changes an
 * organization's records (POST, PUT, PATCH, DELETE under /organizations/{orgId}) writes exactly one
 * entry when it succeeds, naming itself, and none when it is refused. Adding such an operation to
 * the spec adds its cases here by itself.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDirections } from '../server/src/ascora/connection.js';
import { queryRows } from '../server/src/db/index.js';
import { ascoraConnections } from '../server/src/db/schema.js';
import { deriveKey, sha256 } from '../server/src/lib/crypto.js';
import { loadSpec, type Operation } from '../server/src/openapi/spec.js';
import { signRatingToken } from '../server/src/services/notifications/rating-token.js';
import { createTestContext, type TestContext } from '../server/test-support/harness.js';
import { seedDemoOrg } from './support/demo-org.js';
import { SchemaSampler } from './support/malformed-input.js';

const spec = loadSpec();
const origin = 'https://widget.example';
const webhookToken = 'w'.repeat(43);
/** The smallest PNG there is: one transparent pixel. */
const onePixelPng =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/**
 * Operations whose success this suite cannot reach, and why. Their refusals are still checked.
 * Each waits on a real Ascora (the suite runs without one), or on Ascora records the demo lacks.
 */
const unreachable: Record<string, string> = {
  connectAscora: 'verifies the key with Ascora',
  retryAscoraSyncFailure: 'fetches the record from Ascora again',
  resolveAscoraConflict: 'writes the chosen fields to Ascora',
  pushAppointmentToAscora: 'creates the job in Ascora',
  pushToAscora: 'sends the record to Ascora',
  pullFromAscora: 'fetches the record from Ascora',
  createAttachmentUpload: 'needs S3 storage (the suite keeps files in a local folder)',
};

const changes = spec.operations.filter((op) => op.method !== 'get' && op.orgScoped);
// Deletions last, so every other operation still finds the records it names.
const ordered = [
  ...changes.filter((op) => op.method !== 'delete'),
  ...changes.filter((op) => op.method === 'delete'),
];

describe('the audit log, for every operation in openapi.yaml that changes something', () => {
  let t: TestContext;
  let orgId: string;
  let secretKey: string;
  let ids: Record<string, string>;

  beforeAll(async () => {
    // With a queue: Ascora changes, syncs, webhooks and pushed payments need one (503 without).
    t = await createTestContext({ http: true, queue: true });
    const demo = await seedDemoOrg(t, [origin]);
    orgId = demo.orgId;
    secretKey = demo.secretKey;
    const api = async (method: string, path: string, body?: unknown) =>
      (
        await t.request(method, `/api/v1/organizations/${orgId}${path}`, {
          token: secretKey,
          ...(body === undefined ? {} : { body }),
        })
      ).body;
    // A spare user and key to update, rotate and delete, instead of the owner and the key in use.
    const spareUser = await api('POST', '/users', {
      email: 'spare@example.com',
      name: 'Spare',
      role: 'dispatcher',
      password: 'a long enough password',
    });
    const spareKey = await api('POST', '/api-keys', { kind: 'secret', name: 'Spare' });
    // A slot that is free, for the operations that book one.
    // A week three weeks out (not "the 28th of this month", which comes before the 29th).
    const day = (days: number) => new Date(t.services.now() + days * 86_400_000).toISOString().slice(0, 10);
    const availability = await api(
      'GET',
      `/technicians/availability?serviceItemId=${demo.ids.itemId}&from=${day(21)}&to=${day(28)}`,
    );
    const slots = (availability.days as Array<{ slots: Array<{ start: string }> }>).flatMap((d) => d.slots);
    // Feedback is for finished visits: one of the demo's, finished by hand.
    const [completed] = await queryRows<{ id: string }>(
      t.database.db,
      sql`update appointments set status = 'completed' where id = (
            select id from appointments where org_id = ${orgId} order by id desc limit 1)
          returning id::text as id`,
    );
    fresh.recordAppointmentFeedback = { appointmentId: completed!.id };
    const toVoid = await api('POST', '/invoices', {
      customerId: demo.ids.customerId,
      lines: [{ description: 'Call-out', quantity: 1, unitAmountMinor: 9_900 }],
    });
    fresh.voidInvoice = { invoiceId: toVoid.id };
    // The customer's rating link for that visit, as the completion message carries it.
    ratingToken = signRatingToken(deriveKey(t.config.secret, 'visit-rating'), {
      orgId,
      appointmentId: completed!.id,
      expiresAt: Date.now() + 86_400_000,
    });
    // A checklist line to tick on the demo's visits.
    await api('PATCH', `/services/items/${demo.ids.itemId}`, {
      checklist: [{ key: 'isolate', label: 'Isolate' }],
    });
    ids = {
      ...demo.ids,
      orgId,
      userId: spareUser.id,
      keyId: spareKey.id,
      preferredTechnicianId: demo.ids.technicianId!,
      token: webhookToken,
      checklistKey: 'isolate',
    };
    slotStarts = slots.map((s) => s.start);
    // A connection as connecting leaves it, so the webhook's token is accepted.
    await t.database.db.insert(ascoraConnections).values({
      orgId,
      status: 'connected',
      baseUrl: 'https://api.ascora.com.au',
      webhookTokenHash: sha256(webhookToken),
      directions: defaultDirections,
      connectedAt: new Date(),
    });
  }, 180_000);
  afterAll(() => t?.close());

  let slotStarts: string[] = [];
  let ratingToken = '';
  let assignTo = '';
  /**
   * Records made here for the operations that need one in a particular state: deletions take
   * records nothing else refers to, an assignment and a reschedule a booking not yet under way.
   */
  const fresh: Record<string, Record<string, string>> = {};
  const madeBy: Record<string, (made: { id: string; technicianId?: string }) => void> = {
    createServiceCategory: ({ id }) => (fresh.deleteServiceCategory = { categoryId: id }),
    createServiceItem: ({ id }) => (fresh.deleteServiceItem = { itemId: id }),
    createHold: ({ id }) => (fresh.releaseHold = { holdId: id }),
    createCustomer: ({ id }) => (fresh.deleteCustomer = { customerId: id }),
    // The draft made is changed, issued and credited; voiding takes another (a credited invoice cannot be voided).
    createInvoice: ({ id }) => {
      fresh.updateInvoice = { invoiceId: id };
      fresh.issueInvoice = { invoiceId: id };
      fresh.createCreditNote = { invoiceId: id };
    },
    addPartUsed: ({ id }) => (fresh.updatePartUsed = fresh.removePartUsed = { partUsedId: id }),
    createAttachment: ({ id }) => (fresh.getAttachment = fresh.deleteAttachment = { attachmentId: id }),
    createPart: ({ id }) => (fresh.updatePart = fresh.deletePart = { partId: id }),
    createAppointment: ({ id, technicianId }) => {
      fresh.assignTechnician = { appointmentId: id };
      assignTo = technicianId!;
      fresh.rescheduleAppointment = { appointmentId: id };
    },
  };
  /** Values a valid request needs that the schema alone cannot give. */
  const bodyFor = (op: Operation): unknown => {
    if (!op.requestBody) return undefined;
    const body = new SchemaSampler(spec, (name) => ids[name] ?? randomUUID()).sample(op.requestBody.schema);
    if (typeof body !== 'object' || body === null) return body;
    const fields = body as Record<string, unknown>;
    // Each booking takes its own free slot; time off and prices far from what the demo holds.
    if ('start' in fields) fields.start = slotStarts.pop();
    const override: Record<string, Record<string, unknown>> = {
      createTimeOff: { startsAt: '2028-01-01T00:00:00Z', endsAt: '2028-01-02T00:00:00Z' },
      createPricingTier: { validFrom: '2020-01-01', validTo: '2020-12-31' },
      createImport: {
        kind: 'customers',
        format: 'csv',
        content: Buffer.from('name\nImported Person\n').toString('base64'),
      },
      // The demo's tier, moved to a year no other tier of its item covers.
      updatePricingTier: { validFrom: '2019-01-01', validTo: '2019-12-31' },
      createAppointment: { customerId: ids.customerId },
      // The demo's first appointment is on its way to the site.
      changeAppointmentStatus: { status: 'in_progress' },
      // The technician booked is one qualified for the service.
      assignTechnician: { technicianId: assignTo },
      updateTaxSettings: {
        rates: [{ code: 'GST', name: 'GST', ratePercent: '10' }],
        defaultTaxCode: 'GST',
        locationRules: [],
      },
      createInvoice: {
        customerId: ids.customerId,
        lines: [{ description: 'Call-out', quantity: 1, unitAmountMinor: 9_900 }],
      },
      updateInvoice: { notes: 'Gate code on the work order' },
      submitVisitRating: { token: ratingToken },
      // Free text: the parts list is still empty when this runs.
      addPartUsed: { partId: null, name: 'Washer', quantity: 1 },
      createAttachment: { fileName: 'pixel.png', content: onePixelPng },
      captureSignature: { signerName: 'Casey', image: onePixelPng },
    };
    return { ...fields, ...override[op.operationId] };
  };

  const entriesOf = async (requestId: string | null) =>
    queryRows<{ operation: string }>(
      t.database.db,
      sql`select operation from audit_log where org_id = ${orgId} and request_id = ${requestId}`,
    );
  const allEntries = async () =>
    (await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from audit_log`))[0]!.n;

  const send = (op: Operation, params: Record<string, string>, body: unknown) =>
    t.request(
      op.method.toUpperCase(),
      op.path.replace(/\{([^}]+)\}/g, (_, name: string) => params[name] ?? randomUUID()),
      {
        ...(op.anonymous ? {} : { token: secretKey }),
        headers: { origin },
        ...(body === undefined ? {} : { body }),
      },
    );

  it.each(ordered.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s writes one entry naming itself when it succeeds',
    async (_, op) => {
      const response = await send(op, { ...ids, ...fresh[op.operationId] }, bodyFor(op));
      const written = await entriesOf(response.headers.get('x-request-id'));
      if (unreachable[op.operationId]) {
        expect(response.status, response.text).toBeGreaterThanOrEqual(400);
        expect(written).toEqual([]);
        return;
      }
      expect(response.status, response.text).toBeLessThan(300);
      expect(written).toEqual([{ operation: op.operationId }]);
      madeBy[op.operationId]?.(response.body);
    },
  );

  it.each(changes.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s writes none when it is refused',
    async (_, op) => {
      const before = await allEntries();
      // Ids that name nothing reach the handler, which refuses them; a missing credential and a body
      // the contract does not allow are refused before it.
      const unknown = Object.fromEntries(
        Object.entries(ids).filter(([name]) => name === 'orgId' || name === 'token'),
      );
      const refusals = [
        // No credential; for the webhook, a token that is not the connection's.
        op.anonymous
          ? send(op, { ...ids, token: 'x'.repeat(43) }, bodyFor(op))
          : t.request(op.method.toUpperCase(), op.path.replace('{orgId}', orgId), { headers: { origin } }),
        ...(op.parameters.some((p) => p.in === 'path' && !(p.name in unknown))
          ? [send(op, unknown, bodyFor(op))]
          : []),
        ...(op.requestBody ? [send(op, ids, { __not_in_the_contract__: true })] : []),
      ];
      for (const response of await Promise.all(refusals)) {
        expect(response.status, response.text).toBeGreaterThanOrEqual(400);
      }
      expect(await allEntries()).toBe(before);
    },
  );
});
