/**
 * "Duplicates when a create's answer is lost" (issue #16 §5): Ascora performs a create whose answer
 * never arrives. The next push must find that record instead of creating another, and the webhook
 * Ascora sends for the create must link it to the Crewkit record that was pushed, not add a second.
 */
import { and, count, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { pushAppointmentAsJob } from '../server/src/ascora/manual.js';
import { runSync } from '../server/src/ascora/sync.js';
import { processWebhook } from '../server/src/ascora/worker.js';
import { ascoraMappings, customers, jobs } from '../server/src/db/schema.js';
import { newId } from '../server/src/lib/ids.js';
import { type AscoraTest, setupAscora } from './ascora-support.js';
import { bookedAppointment } from './support/ascora-appointment.js';

let a: AscoraTest | undefined;
afterEach(async () => {
  await a?.close();
  a = undefined;
});

/** Lets the next create of this kind reach Ascora, then loses its answer, as a timeout would. */
function loseAnswerOfNextCreate(test: AscoraTest, path: '/customers/customer' | '/jobs/job') {
  let armed = true;
  test.deps.clientOptions = {
    ...test.deps.clientOptions,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const isCreate = request.method === 'POST' && new URL(request.url).pathname.toLowerCase() === path;
      const response = await globalThis.fetch(request);
      if (armed && isCreate) {
        armed = false;
        await response.body?.cancel();
        throw new TypeError('fetch failed: the connection was reset');
      }
      return response;
    },
  };
}

describe('A create whose answer is lost', () => {
  it('is found in Ascora on the next push, so a customer without an email is created once', async () => {
    a = await setupAscora({ seed: { customers: 2 } });
    const db = a.t.database.db;
    const [local] = await db
      .insert(customers)
      .values({ id: newId(), orgId: a.org.orgId, name: 'Nobody Emailed', phone: '0400 111 222' })
      .returning();
    loseAnswerOfNextCreate(a, '/customers/customer');

    await expect(runSync(a.deps, a.org.orgId)).rejects.toThrow(/connection was reset/);
    const made = () =>
      [...a!.fake.store.customers.values()].filter((c) => c.customerName === 'Nobody Emailed');
    expect(made()).toHaveLength(1);

    const resumed = await runSync(a.deps, a.org.orgId);
    expect(resumed.counts.failed).toBe(0);
    expect(made()).toHaveLength(1);
    const [link] = await db
      .select()
      .from(ascoraMappings)
      .where(and(eq(ascoraMappings.orgId, a.org.orgId), eq(ascoraMappings.localId, local!.id)));
    expect(link!.ascoraId).toBe(made()[0]!.customerId);
  });

  it('links the job Ascora echoes by webhook to the pushed one, and the next push creates nothing', async () => {
    a = await setupAscora();
    const appointmentId = await bookedAppointment(a);
    loseAnswerOfNextCreate(a, '/jobs/job');
    await expect(pushAppointmentAsJob(a.deps, a.org.orgId, appointmentId)).rejects.toMatchObject({
      code: 'ascora_unavailable',
    });
    expect(a.fake.store.jobs.size).toBe(1);
    const [created] = [...a.fake.store.jobs.values()];

    // Ascora's JobCreated for it, handled as the webhook queue handles it.
    await processWebhook(a.deps, a.org.orgId, { kind: 'job', number: created!.jobNumber }, new Date());
    const db = a.t.database.db;
    const localJobs = async () =>
      (await db.select({ n: count() }).from(jobs).where(eq(jobs.orgId, a!.org.orgId)))[0]!.n;
    expect(await localJobs()).toBe(1);

    const job = await pushAppointmentAsJob(a.deps, a.org.orgId, appointmentId);
    expect(a.fake.store.jobs.size).toBe(1);
    expect(await localJobs()).toBe(1);
    expect(job.number).toBe(created!.jobNumber);
  });

  it('is found by the next push of the job when no webhook came', async () => {
    a = await setupAscora();
    const appointmentId = await bookedAppointment(a);
    loseAnswerOfNextCreate(a, '/jobs/job');
    await expect(pushAppointmentAsJob(a.deps, a.org.orgId, appointmentId)).rejects.toMatchObject({
      code: 'ascora_unavailable',
    });
    const job = await pushAppointmentAsJob(a.deps, a.org.orgId, appointmentId);
    expect(a.fake.store.jobs.size).toBe(1);
    expect(job.number).toBe([...a.fake.store.jobs.values()][0]!.jobNumber);
  });
});
