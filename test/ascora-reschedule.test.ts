/**
 * "Rescheduling drops the job link" (issue #16 §11): the visit moves, the work order stays. The new
 * appointment carries the job; pushing either appointment updates that one Ascora job, and never
 * reports it cancelled because its first visit was moved.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { pushAppointmentAsJob } from '../server/src/ascora/manual.js';
import { appointments } from '../server/src/db/schema.js';
import { type AscoraTest, setupAscora } from './ascora-support.js';
import { bookThroughApi } from './support/ascora-appointment.js';

let a: AscoraTest | undefined;
afterEach(async () => {
  await a?.close();
  a = undefined;
});

describe('A rescheduled appointment pushed to Ascora', () => {
  it('keeps its job: one Ascora job, booked, whichever of the two appointments is pushed', async () => {
    a = await setupAscora();
    const booked = await bookThroughApi(a.t, a.org);
    const job = await pushAppointmentAsJob(a.deps, a.org.orgId, booked.id);
    const base = `/api/v1/organizations/${a.org.orgId}/appointments`;
    const original = await a.t.request('GET', `${base}/${booked.id}`, { token: a.org.secretKey });
    const later = new Date(Date.parse(original.body.start) + 2 * 3_600_000).toISOString();
    const moved = await a.t.request('POST', `${base}/${booked.id}/reschedule`, {
      token: a.org.secretKey,
      body: { start: later },
    });
    expect(moved.status).toBe(201);
    const [next] = await a.t.database.db
      .select()
      .from(appointments)
      .where(eq(appointments.id, moved.body.id));
    expect(next!.jobId).toBe(job.id);

    expect((await pushAppointmentAsJob(a.deps, a.org.orgId, moved.body.id)).id).toBe(job.id);
    expect((await pushAppointmentAsJob(a.deps, a.org.orgId, booked.id)).id).toBe(job.id);
    expect([...a.fake.store.jobs.values()]).toEqual([
      expect.objectContaining({ jobStatus: 4, jobStatusText: 'Booked' }),
    ]);
  });
});
