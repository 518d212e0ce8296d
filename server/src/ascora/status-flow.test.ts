import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { afterEach, describe, expect, it } from 'vitest';
import { bookThroughApi } from '../../../test/support/ascora-appointment.js';
import { createTestContext } from '../../test-support/harness.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('An appointment whose job Ascora has', () => {
  it('sends each status change to Ascora by itself, through the outbox and the queue', async () => {
    const t = await createTestContext({ queue: true, ascora: { urls: { allowPrivate: true } } });
    closers.push(() => t.close());
    const fake = createFakeAscora();
    const ascora = await fake.listen();
    closers.push(() => ascora.close());
    const org = await t.createOrg();
    const base = `/api/v1/organizations/${org.orgId}`;
    await t.request('PUT', `${base}/ascora/connection`, {
      token: org.secretKey,
      body: { apiKey: DEMO_API_KEY, baseUrl: ascora.url },
    });
    const queue = t.services.queue!;
    await queue.drain();
    const appointment = await bookThroughApi(t, org);
    const pushed = await t.request('POST', `${base}/ascora/jobs`, {
      token: org.secretKey,
      body: { appointmentId: appointment.id },
    });
    const remote = () => fake.store.jobs.get(pushed.body.ascoraId)!;
    expect(remote()).toMatchObject({ jobStatusText: 'Booked' });

    const started = await t.request('PUT', `${base}/appointments/${appointment.id}/status`, {
      token: org.secretKey,
      body: { status: 'in_progress' },
    });
    expect(started.status).toBe(200);
    await t.services.events.drain();
    expect(await queue.drain()).toMatchObject({ failed: [] });
    expect(remote()).toMatchObject({ jobStatus: 1, jobStatusText: 'In Progress' });

    await t.request('PUT', `${base}/appointments/${appointment.id}/status`, {
      token: org.secretKey,
      body: { status: 'completed' },
    });
    await t.services.events.drain();
    await queue.drain();
    expect(remote()).toMatchObject({ jobStatus: 2, jobStatusText: 'Completed' });
  }, 120_000);

  it('is left alone when it was never sent to Ascora', async () => {
    const t = await createTestContext({ queue: true, ascora: { urls: { allowPrivate: true } } });
    closers.push(() => t.close());
    const fake = createFakeAscora();
    const ascora = await fake.listen();
    closers.push(() => ascora.close());
    const org = await t.createOrg();
    const base = `/api/v1/organizations/${org.orgId}`;
    await t.request('PUT', `${base}/ascora/connection`, {
      token: org.secretKey,
      body: { apiKey: DEMO_API_KEY, baseUrl: ascora.url },
    });
    await t.services.queue!.drain();
    const appointment = await bookThroughApi(t, org);
    await t.request('PUT', `${base}/appointments/${appointment.id}/status`, {
      token: org.secretKey,
      body: { status: 'in_progress' },
    });
    await t.services.events.drain();
    // Other work may run (the customer's messages); nothing reaches Ascora.
    expect((await t.services.queue!.drain()).failed).toEqual([]);
    expect(fake.store.jobs.size).toBe(0);
  }, 120_000);
});
