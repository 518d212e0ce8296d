/**
 * What a push sends to Ascora (issue #16 §3, §4): only what Crewkit owns and changed, over what
 * Ascora holds, so fields Crewkit never read survive; and the job's status, so it does not revert.
 */
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { pushAppointmentAsJob } from '../server/src/ascora/manual.js';
import { runSync } from '../server/src/ascora/sync.js';
import { appointments, ascoraMappings, customers, jobs } from '../server/src/db/schema.js';
import { type AscoraTest, setupAscora } from './ascora-support.js';
import { bookedAppointment } from './support/ascora-appointment.js';

let a: AscoraTest | undefined;
afterEach(async () => {
  await a?.close();
  a = undefined;
});

async function localCustomerOf(test: AscoraTest, ascoraId: string) {
  const [row] = await test.t.database.db
    .select({ customer: customers })
    .from(customers)
    .innerJoin(
      ascoraMappings,
      and(eq(ascoraMappings.localId, customers.id), eq(ascoraMappings.entity, 'customer')),
    )
    .where(eq(ascoraMappings.ascoraId, ascoraId));
  return row!.customer;
}

describe('Pushing a Crewkit change to Ascora', () => {
  it('keeps the fields Crewkit does not hold, such as a country it has no code for', async () => {
    a = await setupAscora();
    const remote = a.fake.store.createCustomer({
      customerName: 'Hans Weber',
      companyName: 'Weber GmbH',
      emailAddress: 'hans@weber.example',
      phoneNumber: '+49 30 1234',
      mobileNumber: '+49 170 5555',
      streetLine1: 'Hauptstraße 1',
      streetSuburb: 'Berlin',
      streetCountry: 'Germany',
      postalLine1: 'Postfach 12',
      postalCountry: 'Germany',
      leadSource: { id: 'b3c1a0d2-1111-4a2b-8c3d-000000000001', name: 'Website' },
    });
    await runSync(a.deps, a.org.orgId);
    const local = await localCustomerOf(a, remote.customerId);
    await a.t.database.db
      .update(customers)
      .set({ phone: '+49 30 9999', updatedAt: new Date(a.t.services.now() + 1000) })
      .where(eq(customers.id, local.id));

    const pushed = await runSync(a.deps, a.org.orgId);
    expect(pushed.counts).toMatchObject({ updated: 1, failed: 0 });
    expect(a.fake.store.customers.get(remote.customerId)).toMatchObject({
      phoneNumber: '+49 30 9999',
      customerName: 'Hans Weber',
      companyName: 'Weber GmbH',
      mobileNumber: '+49 170 5555',
      streetLine1: 'Hauptstraße 1',
      streetSuburb: 'Berlin',
      streetCountry: 'Germany',
      postalLine1: 'Postfach 12',
      postalCountry: 'Germany',
      leadSource: { id: 'b3c1a0d2-1111-4a2b-8c3d-000000000001', name: 'Website' },
    });
    // And nothing bounces back on the next sync: both sides agree.
    const again = await runSync(a.deps, a.org.orgId);
    expect(again.counts).toMatchObject({ updated: 0, created: 0, failed: 0 });
  });
});

describe('A job pushed from an appointment', () => {
  it('keeps its status through the next pull, booked and then completed', async () => {
    a = await setupAscora();
    const appointmentId = await bookedAppointment(a);
    const job = await pushAppointmentAsJob(a.deps, a.org.orgId, appointmentId);
    expect(job.status).toBe('booked');
    const [remote] = [...a.fake.store.jobs.values()];
    expect(remote).toMatchObject({ jobStatus: 4, jobStatusText: 'Booked' });

    await runSync(a.deps, a.org.orgId);
    const db = a.t.database.db;
    expect((await db.select().from(jobs).where(eq(jobs.id, job.id)))[0]!.status).toBe('booked');

    await db.update(appointments).set({ status: 'completed' }).where(eq(appointments.id, appointmentId));
    await pushAppointmentAsJob(a.deps, a.org.orgId, appointmentId);
    expect(a.fake.store.jobs.get(remote!.jobId)).toMatchObject({ jobStatus: 2, jobStatusText: 'Completed' });
    await runSync(a.deps, a.org.orgId);
    expect((await db.select().from(jobs).where(eq(jobs.id, job.id)))[0]!.status).toBe('completed');
  });
});
