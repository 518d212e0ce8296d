import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test-support/harness.js';
import { type S3Server, startS3rver } from '../../test-support/s3rver.js';
import { addDays, isoWeekday, localDateOf, localToInstant } from '../scheduling/time.js';
import { S3Storage } from '../storage/s3.js';

const zone = 'Australia/Sydney';
const MINUTE = 60_000;

function mondayAhead(weeks: number): string {
  let date = addDays(localDateOf(zone, Date.now()), 7 * weeks);
  while (isoWeekday(date) !== 1) date = addDays(date, 1);
  return date;
}
const at = (date: string, time: string) =>
  new Date(localToInstant(zone, date, Number(time.slice(0, 2)) * 60 + Number(time.slice(3)))).toISOString();

const home = { line1: '12 Example St', city: 'Newtown', region: 'NSW', postalCode: '2042', country: 'AU' };

/** A photo as a phone takes it: with the camera, a description of the place, and more. */
async function phonePhoto(width = 1200, height = 900): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .withExif({ IFD0: { ImageDescription: 'Back gate of 12 Example St', Make: 'PhoneCo' } })
    .jpeg()
    .toBuffer();
}

/** An org with one technician (Mondays 08:00–17:00), an item with a checklist and rules, a customer. */
async function setUp(t: TestContext) {
  const org = await t.createOrg();
  const base = `/api/v1/organizations/${org.orgId}`;
  const api = async (method: string, path: string, body?: unknown, token = org.secretKey) =>
    t.request(method, `${base}${path}`, { token, ...(body === undefined ? {} : { body }) });
  const technician = (await api('POST', '/technicians', { name: 'Sam', skills: [] })).body.id as string;
  await api('PUT', `/technicians/${technician}/schedule`, {
    weeklyHours: { monday: [{ start: '08:00', end: '17:00' }] },
  });
  const item = (
    await api('POST', '/services/items', {
      name: 'Hot water service',
      durationMinutes: 60,
      basePriceMinor: 19900,
      checklist: [
        { key: 'isolate', label: 'Isolate the gas and water' },
        { key: 'test', label: 'Test the relief valve' },
      ],
      completionRules: { signatureRequired: true, minimumPhotos: 1, checklistComplete: true },
    })
  ).body.id as string;
  const plain = (
    await api('POST', '/services/items', { name: 'Quote visit', durationMinutes: 30, basePriceMinor: 0 })
  ).body.id as string;
  const customer = (
    await api('POST', '/customers', { name: 'Casey', email: `casey-${org.orgId}@example.com`, address: home })
  ).body.id as string;
  return { org, base, api, technician, item, plain, customer };
}

describe('the site of a visit and editing it', () => {
  let t: TestContext;
  let s: Awaited<ReturnType<typeof setUp>>;
  const monday = mondayAhead(3);

  beforeAll(async () => {
    t = await createTestContext();
    s = await setUp(t);
  });
  afterAll(() => t.close());

  it('goes to the customer’s address when the booking names no site, with a maps link', async () => {
    const booked = await s.api('POST', '/appointments', {
      serviceItemId: s.plain,
      start: at(monday, '08:00'),
      customerId: s.customer,
    });
    expect(booked.status).toBe(201);
    expect(booked.body.siteAddress).toMatchObject(home);
    expect(booked.body.siteAddress.mapsUrl).toBe(
      'https://www.google.com/maps/search/?api=1&query=12%20Example%20St%2C%20Newtown%2C%20NSW%202042%2C%20AU',
    );
  });

  it('keeps the site, access notes and visit contact a booking gives, and a reschedule keeps them too', async () => {
    const site = {
      line1: '3 Rental Rd',
      city: 'Marrickville',
      country: 'AU',
      latitude: -33.91,
      longitude: 151.15,
      accessNotes: 'Key in the lockbox, code 4711',
    };
    const booked = await s.api('POST', '/appointments', {
      serviceItemId: s.plain,
      start: at(monday, '09:00'),
      customerId: s.customer,
      siteAddress: site,
      visitContact: { name: 'Terry Tenant', phone: '+61 400 000 000' },
    });
    expect(booked.body.siteAddress).toMatchObject(site);
    expect(booked.body.siteAddress.mapsUrl).toContain('query=-33.91%2C151.15');
    expect(booked.body.visitContact).toEqual({ name: 'Terry Tenant', phone: '+61 400 000 000' });

    const moved = await s.api('POST', `/appointments/${booked.body.id}/reschedule`, {
      start: at(monday, '11:00'),
    });
    expect(moved.status).toBe(201);
    expect(moved.body.siteAddress).toMatchObject(site);
    expect(moved.body.visitContact).toEqual({ name: 'Terry Tenant', phone: '+61 400 000 000' });
  });

  it('takes the site the widget collected when a held slot becomes the booking, and never shows it staff notes', async () => {
    const widget = { headers: { origin: 'https://widget.example' } };
    const hold = await t.request('POST', `${s.base}/holds`, {
      token: s.org.publishableKey,
      ...widget,
      body: { serviceItemId: s.plain, start: at(monday, '10:00') },
    });
    expect(hold.status).toBe(201);
    const site = { line1: '8 Holiday Ave', city: 'Bondi', region: 'NSW', postalCode: '2026', country: 'AU' };
    const booked = await t.request('POST', `${s.base}/appointments`, {
      token: s.org.publishableKey,
      ...widget,
      body: {
        serviceItemId: s.plain,
        start: at(monday, '10:00'),
        holdId: hold.body.id,
        customer: { name: 'Holly', email: `holly-${s.org.orgId}@example.com` },
        siteAddress: site,
      },
    });
    expect(booked.status).toBe(201);
    expect(booked.body.assignment.reason).toBe('held_slot');
    expect(booked.body.siteAddress).toMatchObject(site);
    expect(booked.body).not.toHaveProperty('internalNotes');
  });

  it('edits notes, internal notes, site, length and contact, each edit a history line naming its fields', async () => {
    const booked = (
      await s.api('POST', '/appointments', {
        serviceItemId: s.plain,
        start: at(monday, '13:00'),
        customerId: s.customer,
      })
    ).body;
    const edited = await s.api('PATCH', `/appointments/${booked.id}`, {
      notes: 'Bring the long ladder',
      internalNotes: 'Customer disputes the last invoice',
      siteAddress: { ...home, accessNotes: 'Side gate' },
      durationMinutes: 90,
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      notes: 'Bring the long ladder',
      internalNotes: 'Customer disputes the last invoice',
      siteAddress: { ...home, accessNotes: 'Side gate' },
      end: new Date(Date.parse(booked.start) + 90 * MINUTE).toISOString(),
    });
    const back = await s.api('PATCH', `/appointments/${booked.id}`, {
      siteAddress: null,
      visitContact: { name: 'Pat' },
    });
    expect(back.body.siteAddress).toMatchObject(home);
    expect(back.body.siteAddress.accessNotes).toBeUndefined();

    const history = (await s.api('GET', `/appointments/${booked.id}/history`)).body.data;
    expect(history.map((h: { changedFields: string[] | null }) => h.changedFields)).toEqual([
      null,
      ['notes', 'internalNotes', 'siteAddress', 'durationMinutes'],
      ['visitContact', 'siteAddress'],
    ]);
  });

  it('refuses a longer visit that would run into the next booking, and changes nothing', async () => {
    const first = (
      await s.api('POST', '/appointments', {
        serviceItemId: s.plain,
        start: at(monday, '15:00'),
        customerId: s.customer,
      })
    ).body;
    await s.api('POST', '/appointments', {
      serviceItemId: s.plain,
      start: at(monday, '15:30'),
      customerId: s.customer,
    });
    const before = await t.snapshot();
    const longer = await s.api('PATCH', `/appointments/${first.id}`, { durationMinutes: 60, notes: 'x' });
    expect(longer.status).toBe(409);
    expect(await t.snapshot()).toBe(before);
  });

  it('tells the office which booked visits time off and a deactivation leave without their technician', async () => {
    const booked = (
      await s.api('POST', '/appointments', {
        serviceItemId: s.plain,
        start: at(monday, '16:00'),
        customerId: s.customer,
      })
    ).body;
    const off = await s.api('POST', `/technicians/${s.technician}/time-off`, {
      startsAt: at(monday, '15:45'),
      endsAt: at(monday, '17:00'),
      reason: 'Dentist',
    });
    expect(off.status).toBe(201);
    expect(off.body.affectedAppointments.map((a: { id: string }) => a.id)).toContain(booked.id);
    expect(off.body.affectedAppointments.find((a: { id: string }) => a.id === booked.id)).toEqual({
      id: booked.id,
      reference: booked.reference,
      status: 'scheduled',
      start: booked.start,
      end: booked.end,
    });

    const deactivated = await s.api('PATCH', `/technicians/${s.technician}`, { active: false });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.affectedAppointments.length).toBeGreaterThanOrEqual(4);
  });

  it('answers 404 for another organization’s appointment', async () => {
    const other = await t.createOrg();
    const booked = (
      await s.api('POST', '/appointments', {
        serviceItemId: s.plain,
        start: at(mondayAhead(4), '08:00'),
        customerId: s.customer,
      })
    ).body;
    const foreign = await t.request('PATCH', `${s.base}/appointments/${booked.id}`, {
      token: other.secretKey,
      body: { notes: 'hi' },
    });
    expect(foreign.status).toBe(404);
  });
});

describe('the job sheet', () => {
  let t: TestContext;
  let s: Awaited<ReturnType<typeof setUp>>;
  let clock = Date.now();
  const monday = mondayAhead(5);
  /** Signed in on the app's clock, which these tests move: a token from before would have expired. */
  const technicianToken = async () =>
    (await t.login(`sam-${s.org.orgId}@example.com`, 'a long enough password')).accessToken;

  beforeAll(async () => {
    t = await createTestContext({ now: () => clock });
    s = await setUp(t);
    const user = await s.api('POST', '/users', {
      email: `sam-${s.org.orgId}@example.com`,
      name: 'Sam',
      role: 'technician',
      password: 'a long enough password',
    });
    await s.api('PATCH', `/technicians/${s.technician}`, { userId: user.body.id });
  });
  afterAll(() => t.close());

  // Booked from today (the tests before may have moved the clock to the visit's day).
  const book = async (time: string, item = s.item) => {
    clock = Date.now();
    return (
      await s.api('POST', '/appointments', {
        serviceItemId: item,
        start: at(monday, time),
        customerId: s.customer,
      })
    ).body.id as string;
  };
  const status = (id: string, to: string) => s.api('PUT', `/appointments/${id}/status`, { status: to });

  it('measures travel and work from the status history, and keeps a correction with its reason', async () => {
    const id = await book('08:00', s.plain);
    clock = Date.parse(at(monday, '07:30'));
    await status(id, 'en_route');
    clock += 25 * MINUTE;
    await status(id, 'in_progress');
    clock += 40 * MINUTE;
    await status(id, 'paused');
    clock += 10 * MINUTE;
    await status(id, 'in_progress');
    clock += 20 * MINUTE;
    const running = (await s.api('GET', `/appointments/${id}/job-sheet`)).body.labour;
    expect(running).toMatchObject({
      travelMinutes: 25,
      workMinutes: 60,
      pausedMinutes: 10,
      runningStatus: 'in_progress',
      runningSince: new Date(clock - 20 * MINUTE).toISOString(),
      correction: null,
    });
    await status(id, 'completed');
    clock += 60 * MINUTE;
    const corrected = await s.api('PUT', `/appointments/${id}/job-sheet/labour`, {
      travelMinutes: 15,
      reason: 'Started the drive late',
    });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({
      travelMinutes: 15,
      workMinutes: 60,
      derived: { travelMinutes: 25, workMinutes: 60, pausedMinutes: 10 },
      correction: { travelMinutes: 15, workMinutes: null, reason: 'Started the drive late' },
      runningSince: null,
    });
  });

  it('refuses to complete a visit until its signature, photo and checklist are there, naming what is missing', async () => {
    const id = await book('10:00');
    clock = Date.parse(at(monday, '10:00'));
    await status(id, 'in_progress');
    const refused = await status(id, 'completed');
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.missing).toEqual(['signature', 'photos', 'checklist']);
    expect((await s.api('GET', `/appointments/${id}/job-sheet`)).body.completion.missing).toEqual([
      'signature',
      'photos',
      'checklist',
    ]);

    for (const key of ['isolate', 'test']) {
      const ticked = await s.api(
        'PUT',
        `/appointments/${id}/job-sheet/checklist/${key}`,
        { done: true },
        await technicianToken(),
      );
      expect(ticked.status).toBe(200);
    }
    const photo = await s.api(
      'POST',
      `/appointments/${id}/attachments`,
      { fileName: 'after.jpg', content: (await phonePhoto(64, 48)).toString('base64') },
      await technicianToken(),
    );
    expect(photo.status).toBe(201);
    expect((await status(id, 'completed')).body.missing).toEqual(['signature']);

    const signed = await s.api(
      'PUT',
      `/appointments/${id}/job-sheet/signature`,
      { signerName: 'Casey Customer' },
      await technicianToken(),
    );
    expect(signed.body).toMatchObject({
      method: 'typed',
      signerName: 'Casey Customer',
      sheetChangedSinceSigning: false,
    });
    expect((await status(id, 'completed')).status).toBe(200);
  });

  it('shows when the sheet changed after it was signed', async () => {
    const id = await book('12:00', s.plain);
    const signature = await sharp({ create: { width: 300, height: 100, channels: 4, background: '#ffffff' } })
      .png()
      .toBuffer();
    const signed = await s.api('PUT', `/appointments/${id}/job-sheet/signature`, {
      signerName: 'Casey',
      image: signature.toString('base64'),
    });
    expect(signed.body).toMatchObject({ method: 'drawn', imageUrl: expect.stringContaining('/files/') });
    const sheet = (await s.api('GET', `/appointments/${id}/job-sheet`)).body;
    expect(sheet.signature.sheetHash).toBe(sheet.contentHash);

    await s.api('POST', `/appointments/${id}/job-sheet/parts`, { name: 'Washer', quantity: 2 });
    const after = (await s.api('GET', `/appointments/${id}/job-sheet`)).body;
    expect(after.signature.sheetChangedSinceSigning).toBe(true);
    expect(after.contentHash).not.toBe(after.signature.sheetHash);
  });

  it('notes say whether a technician or the office wrote them, and whether the customer sees them', async () => {
    const id = await book('14:00', s.plain);
    await s.api(
      'POST',
      `/appointments/${id}/job-sheet/notes`,
      { body: 'Corroded flue', visibility: 'customer' },
      await technicianToken(),
    );
    await s.api('POST', `/appointments/${id}/job-sheet/notes`, { body: 'Charge the call-out' });
    const notes = (await s.api('GET', `/appointments/${id}/job-sheet`, undefined, await technicianToken()))
      .body.notes;
    expect(notes.map((n: Record<string, string>) => [n.authorKind, n.visibility, n.body])).toEqual([
      ['technician', 'customer', 'Corroded flue'],
      ['office', 'internal', 'Charge the call-out'],
    ]);
  });

  it('records parts from the list (copied, so a later price change does not rewrite the visit) or as free text', async () => {
    const id = await book('15:00', s.plain);
    const part = await s.api('POST', '/parts', {
      sku: 'TPR-500',
      name: 'Relief valve 500 kPa',
      unitCostMinor: 2100,
      unitPriceMinor: 4500,
      taxCode: 'GST',
    });
    expect(part.status).toBe(201);
    expect(
      (await s.api('POST', '/parts', { sku: 'tpr-500', name: 'Again', unitCostMinor: 1, unitPriceMinor: 1 }))
        .status,
    ).toBe(409);

    const used = await s.api(
      'POST',
      `/appointments/${id}/job-sheet/parts`,
      { partId: part.body.id, quantity: 1 },
      await technicianToken(),
    );
    expect(used.body).toMatchObject({
      partId: part.body.id,
      sku: 'TPR-500',
      name: 'Relief valve 500 kPa',
      quantity: 1,
      unitPrice: { amountMinor: 4500, currency: 'AUD' },
      taxCode: 'GST',
    });
    await s.api('PATCH', `/parts/${part.body.id}`, { unitPriceMinor: 5200 });
    const pipe = await s.api('POST', `/appointments/${id}/job-sheet/parts`, {
      name: 'Copper pipe (m)',
      quantity: 1.5,
    });
    const longer = await s.api('PATCH', `/appointments/${id}/job-sheet/parts/${pipe.body.id}`, {
      quantity: 2.25,
    });
    expect(longer.body.quantity).toBe(2.25);
    expect((await s.api('POST', `/appointments/${id}/job-sheet/parts`, { quantity: 1 })).status).toBe(400);

    const sheet = (await s.api('GET', `/appointments/${id}/job-sheet`)).body;
    expect(
      sheet.partsUsed.map((p: { name: string; quantity: number; unitPrice: unknown }) => [
        p.name,
        p.quantity,
        p.unitPrice,
      ]),
    ).toEqual([
      ['Relief valve 500 kPa', 1, { amountMinor: 4500, currency: 'AUD' }],
      ['Copper pipe (m)', 2.25, null],
    ]);
    expect((await s.api('DELETE', `/appointments/${id}/job-sheet/parts/${pipe.body.id}`)).status).toBe(204);
    expect((await s.api('DELETE', `/parts/${part.body.id}`)).status).toBe(204);
    const kept = (await s.api('GET', `/appointments/${id}/job-sheet`)).body.partsUsed;
    expect(kept).toMatchObject([{ partId: null, sku: 'TPR-500', name: 'Relief valve 500 kPa' }]);
  });

  it('lists, searches and pages the parts list', async () => {
    for (const n of [1, 2, 3]) {
      await s.api('POST', '/parts', {
        sku: `FLX-${n}`,
        name: `Flexible hose ${n}`,
        unitCostMinor: 500,
        unitPriceMinor: 900,
      });
    }
    const first = await s.api('GET', '/parts?q=hose&limit=2');
    expect(first.body.data.map((p: { sku: string }) => p.sku)).toEqual(['FLX-1', 'FLX-2']);
    const next = await s.api('GET', `/parts?q=hose&limit=2&cursor=${first.body.nextCursor}`);
    expect(next.body.data.map((p: { sku: string }) => p.sku)).toEqual(['FLX-3']);
  });

  it('keeps a technician to their own visits, and another organization out', async () => {
    const other = await t.createOrg();
    const id = await book('16:00', s.plain);
    const foreign = await t.request('GET', `${s.base}/appointments/${id}/job-sheet`, {
      token: other.secretKey,
    });
    expect(foreign.status).toBe(404);
    const note = await t.request('POST', `${s.base}/appointments/${id}/job-sheet/notes`, {
      token: other.secretKey,
      body: { body: 'hello' },
    });
    expect(note.status).toBe(404);
  });
});

/** Uploads on both storages: the local data folder, and S3 on a real s3rver process. */
describe.each(['local', 's3'] as const)('attachments in %s storage', (kind) => {
  let t: TestContext;
  let s: Awaited<ReturnType<typeof setUp>>;
  let s3: S3Server | undefined;
  let clock = Date.now();
  let appointmentId: string;

  beforeAll(async () => {
    if (kind === 's3') s3 = await startS3rver('crewkit-files');
    t = await createTestContext({
      http: kind === 'local',
      now: () => clock,
      ...(s3 ? { storage: new S3Storage(s3.settings, { now: () => clock }) } : {}),
    });
    s = await setUp(t);
    appointmentId = (
      await s.api('POST', '/appointments', {
        serviceItemId: s.plain,
        start: at(mondayAhead(2), '09:00'),
        customerId: s.customer,
      })
    ).body.id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await s3?.stop();
  });

  const upload = (content: Buffer, fileName = 'photo.jpg', orgBase = s.base, token = s.org.secretKey) =>
    t.request('POST', `${orgBase}/appointments/${appointmentId}/attachments`, {
      token,
      body: { fileName, content: content.toString('base64') },
    });
  const fetchLink = (url: string) => fetch(url.startsWith('/') ? `${t.baseUrl}${url}` : url);
  const stored = async () =>
    (await s.api('GET', `/appointments/${appointmentId}/attachments`)).body.data.length;

  it('stores a photo upright without its metadata, with a thumbnail, behind short-lived links', async () => {
    const response = await upload(await phonePhoto());
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      kind: 'photo',
      contentType: 'image/jpeg',
      width: 1200,
      height: 900,
      urlsExpireAt: new Date(clock + 5 * MINUTE).toISOString(),
    });
    const original = Buffer.from(await (await fetchLink(response.body.downloadUrl)).arrayBuffer());
    expect((await sharp(original).metadata()).exif).toBeUndefined();
    expect(original.includes(Buffer.from('PhoneCo'))).toBe(false);
    const thumbnail = await fetchLink(response.body.thumbnailUrl);
    expect(thumbnail.status).toBe(200);
    const size = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    expect([size.format, size.width, size.height]).toEqual(['webp', 320, 240]);
  });

  it('turns a photo the camera stored sideways upright, and cuts what follows the picture', async () => {
    const sideways = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#48c' } })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const rotated = await upload(sideways);
    expect(rotated.body).toMatchObject({ width: 480, height: 640 });
    const polyglot = Buffer.concat([
      await phonePhoto(64, 48),
      Buffer.from('<html><script>alert(1)</script>'),
    ]);
    const cut = await upload(polyglot);
    const kept = Buffer.from(await (await fetchLink(cut.body.downloadUrl)).arrayBuffer());
    expect(kept.includes(Buffer.from('<script>'))).toBe(false);
    expect(kept.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
  });

  it('judges the type by the bytes: a web page named photo.jpg is refused and nothing is stored', async () => {
    const before = await stored();
    const response = await upload(Buffer.from('<html><script>alert(1)</script></html>'), 'photo.jpg');
    expect(response.status).toBe(415);
    expect(response.body.code).toBe('unsupported_media_type');
    expect(await stored()).toBe(before);
  });

  it('refuses a file over 10 MiB, and stores nothing', async () => {
    const before = await stored();
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(10 * 1024 * 1024)]);
    const response = await upload(pdf, 'manual.pdf');
    expect(response.status).toBe(413);
    expect(await stored()).toBe(before);
  });

  it('refuses an upload to another organization’s appointment', async () => {
    const other = await t.createOrg();
    const response = await upload(await phonePhoto(64, 48), 'x.jpg', s.base, other.secretKey);
    expect(response.status).toBe(404);
    const viaOwnOrg = await upload(
      await phonePhoto(64, 48),
      'x.jpg',
      `/api/v1/organizations/${other.orgId}`,
      other.secretKey,
    );
    expect(viaOwnOrg.status).toBe(404);
  });

  it('refuses a link past its time', async () => {
    // Signed six minutes ago: past its five minutes by the app's clock and by the store's own.
    clock = Date.now() - 6 * MINUTE;
    const response = await upload(await phonePhoto(64, 48));
    clock = Date.now();
    const late = await fetchLink(response.body.downloadUrl);
    expect(late.status).toBe(403);
    if (kind === 'local') expect((await late.json()).code).toBe('forbidden');
    const fresh = await s.api('GET', `/appointments/${appointmentId}/attachments/${response.body.id}`);
    expect((await fetchLink(fresh.body.downloadUrl)).status).toBe(200);
  });

  it('refuses a link altered to reach another file', async () => {
    if (kind !== 'local') return;
    const a = await upload(await phonePhoto(64, 48));
    const b = await upload(await phonePhoto(64, 48));
    const forged = a.body.downloadUrl.replace(a.body.id, b.body.id);
    expect((await fetchLink(forged)).status).toBe(403);
  });

  it('takes a large file uploaded straight to the bucket, and keeps no staged copy', async () => {
    const upload = await s.api('POST', `/appointments/${appointmentId}/attachments/uploads`);
    if (kind === 'local') {
      expect(upload.status).toBe(409);
      return;
    }
    expect(upload.status).toBe(201);
    const put = await fetch(upload.body.uploadUrl, {
      method: 'PUT',
      body: new Uint8Array(await phonePhoto(640, 480)),
    });
    expect(put.status).toBe(200);
    const attached = await s.api('POST', `/appointments/${appointmentId}/attachments`, {
      fileName: 'boiler.jpg',
      uploadId: upload.body.uploadId,
    });
    expect(attached.status).toBe(201);
    expect(attached.body).toMatchObject({ contentType: 'image/jpeg', width: 640, height: 480 });
    const original = Buffer.from(await (await fetchLink(attached.body.downloadUrl)).arrayBuffer());
    expect(original.includes(Buffer.from('PhoneCo'))).toBe(false);
    const again = await s.api('POST', `/appointments/${appointmentId}/attachments`, {
      fileName: 'boiler.jpg',
      uploadId: upload.body.uploadId,
    });
    expect(again.status).toBe(400);
  });

  it('refuses a bucket upload that is not a photo or document, and removes it', async () => {
    if (kind === 'local') return;
    const before = await stored();
    const upload = (await s.api('POST', `/appointments/${appointmentId}/attachments/uploads`)).body;
    await fetch(upload.uploadUrl, { method: 'PUT', body: '<svg onload="alert(1)"/>' });
    const refused = await s.api('POST', `/appointments/${appointmentId}/attachments`, {
      fileName: 'x.jpg',
      uploadId: upload.uploadId,
    });
    expect(refused.status).toBe(415);
    expect(await stored()).toBe(before);
    const retried = await s.api('POST', `/appointments/${appointmentId}/attachments`, {
      fileName: 'x.jpg',
      uploadId: upload.uploadId,
    });
    expect(retried.status).toBe(400);
  });

  it('deletes an attachment with its bytes', async () => {
    const response = await upload(await phonePhoto(64, 48));
    const removed = await s.api('DELETE', `/appointments/${appointmentId}/attachments/${response.body.id}`);
    expect(removed.status).toBe(204);
    expect((await fetchLink(response.body.downloadUrl)).status).toBe(404);
    expect(
      (await s.api('GET', `/appointments/${appointmentId}/attachments/${response.body.id}`)).status,
    ).toBe(404);
  });
});
