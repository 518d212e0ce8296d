/**
 * Bench child: the same work as Crewkit's two benchmarked routes, written as directly as Node
 * allows — node:http and one driver, no framework, no validation, no logging. It is the ceiling
 * Crewkit is measured against.
 *
 * GET /healthz: one `select 1`, JSON answer.
 * GET /api/v1/organizations/:id: Bearer key → sha256 → in-memory cache (the database on a miss, as
 * Crewkit does), tenancy check, one `select` of the organization, JSON answer.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import pg from 'pg';
import { openDatabase } from '../../server/src/db/index.js';

type Query = (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

let query: Query;
if (process.env.DATABASE_URL) {
  await (await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: 'memory://' }))
    .migrate()
    .catch(() => {});
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  // Named (prepared) statements, as Crewkit uses for this read: parse and plan once per connection.
  const names = new Map<string, string>();
  query = (text, params) => {
    let name = names.get(text);
    if (!name) {
      name = `q${names.size}`;
      names.set(text, name);
    }
    return pool.query({ name, text, values: params as unknown[] });
  };
} else {
  // Same schema as Crewkit (its migrations), then raw PGlite queries.
  const setup = await openDatabase({ dataDir: 'memory://' });
  await setup.migrate();
  const dump = await setup.dump!();
  await setup.close();
  const client = await PGlite.create('memory://', { extensions: { btree_gist }, loadDataDir: dump });
  query = (text, params) => client.query(text, params) as Promise<{ rows: Record<string, unknown>[] }>;
}

const orgId = randomUUID();
const key = `sk_${randomBytes(32).toString('base64url')}`;
const sha = (value: string) => createHash('sha256').update(value).digest('hex');
await query(
  `insert into organizations (id, name, slug, time_zone, currency, locale) values ($1, 'Bare Co', $2, 'UTC', 'USD', 'en')`,
  [orgId, `bare-${orgId}`],
);
await query(
  `insert into api_keys (id, org_id, kind, name, prefix, key_hash) values ($1, $2, 'secret', 'bench', $3, $4)`,
  [randomUUID(), orgId, key.slice(0, 12), sha(key)],
);

const keyCache = new Map<string, { orgId: string; until: number }>();
async function orgOfKey(token: string): Promise<string | undefined> {
  const hash = sha(token);
  const cached = keyCache.get(hash);
  if (cached && cached.until > Date.now()) return cached.orgId;
  const { rows } = await query('select org_id from api_keys where key_hash = $1 and revoked_at is null', [
    hash,
  ]);
  const found = rows[0]?.org_id as string | undefined;
  if (found) keyCache.set(hash, { orgId: found, until: Date.now() + 5000 });
  return found;
}

const server = createServer(async (req, res) => {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  try {
    if (req.url === '/healthz') {
      await query('select 1');
      return send(200, { status: 'ok' });
    }
    const match = /^\/api\/v1\/organizations\/([0-9a-f-]{36})$/.exec(req.url ?? '');
    if (!match) return send(404, { code: 'not_found' });
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const keyOrg = token ? await orgOfKey(token) : undefined;
    if (!keyOrg) return send(401, { code: 'unauthorized' });
    if (keyOrg !== match[1]) return send(404, { code: 'not_found' });
    const { rows } = await query('select * from organizations where id = $1', [match[1]]);
    return send(200, rows[0]);
  } catch {
    return send(500, { code: 'internal' });
  }
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, orgId, key })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
