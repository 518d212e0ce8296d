/**
 * Job sheet benchmarks (issue #13), printed for docs/performance.md:
 * 1. A 5 MB phone photo uploaded (base64 JSON, type sniffed, re-encoded without metadata, thumbnail,
 *    stored in the local folder, row and audit entry written): server time per upload. Target < 1 s.
 * 2. getJobSheet for a visit with 30 photos and 20 parts used (every photo with two signed links):
 *    server time p50/p99. Target p50 < 20 ms.
 * Both through app.request (no network), on PGlite in memory; with `--postgres` on a throwaway
 * PostgreSQL as well.
 *
 *   node --conditions=crewkit-source --import tsx test/bench/job-sheet.ts [--postgres]
 */
import sharp from 'sharp';
import { createApp } from '../../server/src/app.js';
import { type Database, openDatabase } from '../../server/src/db/index.js';
import { createLogger } from '../../server/src/logger.js';
import { addDays, isoWeekday, localDateOf, localToInstant } from '../../server/src/scheduling/time.js';
import { createOrganization } from '../../server/src/services/organizations.js';
import { testConfig } from '../../server/test-support/harness.js';
import { startPostgres } from '../../server/test-support/postgres.js';

const zone = 'Australia/Sydney';

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A photo about 5 MB as a phone writes it: 12 MP of noisy detail (noise is what keeps JPEGs large). */
async function fiveMegabytePhoto(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 42;
  for (let i = 0; i < pixels.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    // A gradient with noise: photographic enough for the encoder, not pure static.
    pixels[i] = ((i / 3) % width) / 16 + (seed % 64);
  }
  // Quality 92 on this detail lands near 5 MB, as a 12 MP phone photo does.
  for (const quality of [92, 93, 94, 95, 96]) {
    const jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } })
      .withExif({ IFD0: { Make: 'PhoneCo', ImageDescription: 'Site' } })
      .jpeg({ quality })
      .toBuffer();
    if (jpeg.length >= 5e6) return jpeg;
  }
  throw new Error('could not make a 5 MB photo');
}

async function bench(database: Database, label: string) {
  const app = createApp({ database, config: testConfig(), logger: createLogger({ level: 'silent' }) });
  const { organization, secretKey } = await createOrganization(database.db, {
    name: 'Bench Plumbing',
    timeZone: zone,
    currency: 'AUD',
  });
  const base = `/api/v1/organizations/${organization.id}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await app.request(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
  const technician = await call('POST', '/technicians', { name: 'Sam', skills: [] });
  await call('PUT', `/technicians/${technician.id}/schedule`, {
    weeklyHours: { monday: [{ start: '08:00', end: '17:00' }] },
  });
  const item = await call('POST', '/services/items', {
    name: 'Hot water',
    durationMinutes: 60,
    basePriceMinor: 19900,
  });
  let monday = addDays(localDateOf(zone, Date.now()), 14);
  while (isoWeekday(monday) !== 1) monday = addDays(monday, 1);
  const appointment = await call('POST', '/appointments', {
    serviceItemId: item.id,
    start: new Date(localToInstant(zone, monday, 9 * 60)).toISOString(),
    customer: { name: 'Casey', email: 'casey@example.com' },
  });

  // 1. The 5 MB photo.
  const photo = await fiveMegabytePhoto();
  const content = photo.toString('base64');
  const uploads: number[] = [];
  for (let i = 0; i < 6; i++) {
    const started = performance.now();
    await call('POST', `/appointments/${appointment.id}/attachments`, { fileName: `site-${i}.jpg`, content });
    uploads.push(performance.now() - started);
  }
  const measured = uploads.slice(1).sort((a, b) => a - b); // the first warms sharp up
  console.log(
    JSON.stringify({
      bench: 'upload 5 MB photo',
      database: label,
      photoBytes: photo.length,
      p50Ms: Math.round(percentile(measured, 50)),
      maxMs: Math.round(measured.at(-1)!),
    }),
  );

  // 2. getJobSheet with 30 photos and 20 parts.
  const small = (
    await sharp({ create: { width: 800, height: 600, channels: 3, background: '#c84' } })
      .jpeg()
      .toBuffer()
  ).toString('base64');
  for (let i = 6; i < 30; i++) {
    await call('POST', `/appointments/${appointment.id}/attachments`, {
      fileName: `p-${i}.jpg`,
      content: small,
    });
  }
  for (let i = 0; i < 20; i++) {
    await call('POST', `/appointments/${appointment.id}/job-sheet/parts`, {
      name: `Part ${i}`,
      quantity: 1 + i / 4,
      unitPriceMinor: 1000 + i,
    });
  }
  const url = `/appointments/${appointment.id}/job-sheet`;
  const sheet = await call('GET', url);
  if (sheet.attachments.length !== 30 || sheet.partsUsed.length !== 20)
    throw new Error('sheet not as seeded');
  for (let i = 0; i < 30; i++) await call('GET', url);
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const started = performance.now();
    await call('GET', url);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  // The same request path reading one row, for scale: what any authenticated GET costs here.
  const baseline: number[] = [];
  for (let i = 0; i < 300; i++) {
    const started = performance.now();
    await call('GET', `/appointments/${appointment.id}`);
    baseline.push(performance.now() - started);
  }
  baseline.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      bench: 'getJobSheet, 30 photos, 20 parts',
      database: label,
      p50Ms: Number(percentile(times, 50).toFixed(1)),
      p99Ms: Number(percentile(times, 99).toFixed(1)),
      getAppointmentP50Ms: Number(percentile(baseline, 50).toFixed(1)),
    }),
  );
}

const pglite = await openDatabase({ dataDir: 'memory://' });
await pglite.migrate();
await bench(pglite, 'pglite');
await pglite.close();

if (process.argv.includes('--postgres')) {
  const cluster = await startPostgres();
  const database = await openDatabase({ databaseUrl: cluster.url, dataDir: 'memory://' });
  await database.migrate();
  await bench(database, 'postgres');
  await database.close();
  await cluster.stop();
}
