import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrg } from '../../../test-support/harness.js';
import { type S3Server, startS3rver } from '../../../test-support/s3rver.js';
import { attachments } from '../../db/schema.js';
import { newId } from '../../lib/ids.js';
import { addDays, isoWeekday, localDateOf, localToInstant } from '../../scheduling/time.js';
import { S3Storage } from '../../storage/s3.js';
import { storageKey } from '../../storage/storage.js';
import { fileSweepQueue } from './sweeper.js';

const zone = 'Europe/Berlin';
const HOUR = 3_600_000;

const photo = (width = 64, height = 48) =>
  sharp({ create: { width, height, channels: 3, background: '#c84' } })
    .jpeg()
    .toBuffer();

/** The sweep on both storages: the local data folder, and S3 on a real s3rver process. */
describe.each(['s3', 'local'] as const)('the sweep of orphaned job-sheet files in %s storage', (kind) => {
  let t: TestContext;
  let org: TestOrg;
  let s3: S3Server | undefined;
  // Files are dated by the ids in their names, and ids never go back in time within a process
  // (newId): the second storage's clock starts after the first's moved on by a day and more.
  // S3 goes first, on today's clock, because s3rver judges presigned links by its own.
  let clock = Date.now() + (kind === 'local' ? 3 * 24 * HOUR : 0);
  let appointmentId: string;
  const api = (method: string, path: string, body?: unknown) =>
    t.request(method, `/api/v1/organizations/${org.orgId}${path}`, {
      token: org.secretKey,
      ...(body === undefined ? {} : { body }),
    });
  const exists = async (key: string) => (await t.services.storage.size(key)) !== undefined;
  const attach = async () => {
    const response = await api('POST', `/appointments/${appointmentId}/attachments`, {
      fileName: 'photo.jpg',
      content: (await photo()).toString('base64'),
    });
    expect(response.status, response.text).toBe(201);
    const [row] = await t.database.db.select().from(attachments).where(eq(attachments.id, response.body.id));
    return row!;
  };
  /** A staged upload nobody attached: PUT to its presigned link on S3; on the local folder, staged as S3 would. */
  const abandonUpload = async () => {
    if (kind === 'local') {
      const key = storageKey(org.orgId, `upload-${newId(clock)}`);
      await t.services.storage.put(key, await photo(), 'image/jpeg');
      return key;
    }
    const upload = await api('POST', `/appointments/${appointmentId}/attachments/uploads`);
    expect(upload.status).toBe(201);
    const put = await fetch(upload.body.uploadUrl, { method: 'PUT', body: new Uint8Array(await photo()) });
    expect(put.status).toBe(200);
    return storageKey(org.orgId, `upload-${upload.body.uploadId}`);
  };

  beforeAll(async () => {
    if (kind === 's3') s3 = await startS3rver('crewkit-sweep');
    t = await createTestContext({
      queue: true,
      now: () => clock,
      ...(s3 ? { storage: new S3Storage(s3.settings, { now: () => clock }) } : {}),
    });
    org = await t.createOrg({ timeZone: zone });
    const technician = (await api('POST', '/technicians', { name: 'Sam', skills: [] })).body.id;
    await api('PUT', `/technicians/${technician}/schedule`, {
      weeklyHours: { monday: [{ start: '08:00', end: '17:00' }] },
    });
    const item = (
      await api('POST', '/services/items', { name: 'Repair', durationMinutes: 60, basePriceMinor: 0 })
    ).body.id;
    const customer = (await api('POST', '/customers', { name: 'Casey', email: 'casey@example.com' })).body.id;
    let monday = addDays(localDateOf(zone, clock), 14);
    while (isoWeekday(monday) !== 1) monday = addDays(monday, 1);
    appointmentId = (
      await api('POST', '/appointments', {
        serviceItemId: item,
        start: new Date(localToInstant(zone, monday, 9 * 60)).toISOString(),
        customerId: customer,
      })
    ).body.id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await s3?.stop();
  });

  it('removes files whose attachment is gone and uploads never attached, once each is old enough, and nothing else', async () => {
    const kept = await attach();
    const orphan = await attach();
    // The row goes without its files, as when a delete's storage call failed after it committed.
    await t.database.db.delete(attachments).where(eq(attachments.id, orphan.id));
    const staged = await abandonUpload();
    // Another capability's file in the same storage is not the job sheet's to judge.
    const foreign = storageKey(org.orgId, 'logo.png');
    await t.services.storage.put(foreign, await photo(), 'image/png');
    const orphanFiles = [orphan.storageKey, orphan.thumbnailKey!];

    // Within the hour a row may still be on its way (a request transaction still open): nothing goes.
    clock += HOUR / 2;
    expect(await t.services.fileSweeper.sweep()).toEqual({ abandonedUploads: [], unreferenced: [] });
    expect(await exists(orphan.storageKey)).toBe(true);

    clock += HOUR;
    const swept = await t.services.fileSweeper.sweep();
    expect(swept.unreferenced.sort()).toEqual([...orphanFiles].sort());
    expect(swept.abandonedUploads).toEqual([]);
    for (const key of orphanFiles) expect(await exists(key)).toBe(false);
    expect(await exists(kept.storageKey)).toBe(true);
    expect(await exists(kept.thumbnailKey!)).toBe(true);
    // An upload may be attached a while after its link lapsed: it stays for a day.
    expect(await exists(staged)).toBe(true);

    clock += 24 * HOUR;
    expect(await t.services.fileSweeper.sweep()).toEqual({ abandonedUploads: [staged], unreferenced: [] });
    expect(await exists(staged)).toBe(false);
    expect(await exists(kept.storageKey)).toBe(true);
    expect(await exists(foreign)).toBe(true);
    const listed = await api('GET', `/appointments/${appointmentId}/attachments`);
    expect(listed.body.data.map((a: { id: string }) => a.id)).toEqual([kept.id]);
  });

  it('runs on the queue, scheduled hourly', async () => {
    const orphan = await attach();
    await t.database.db.delete(attachments).where(eq(attachments.id, orphan.id));
    clock += 2 * HOUR;
    const queue = t.services.queue!;
    const schedules = await queue.boss.getSchedules(fileSweepQueue);
    expect(schedules.map((schedule) => schedule.cron)).toEqual(['17 * * * *']);
    await queue.boss.send(fileSweepQueue, {});
    expect(await queue.drain([fileSweepQueue])).toEqual({ ran: 1, failed: [] });
    expect(await exists(orphan.storageKey)).toBe(false);
  });
});
