/**
 * The packages as npm would publish them, adopted outside this repository: `npm run pack:all` (the
 * build, then `npm pack` of each workspace), the tarballs installed into an empty folder, the
 * server started there with `npx crewkit start`, and a visit booked through the installed SDK.
 * Slow (a build and an install), so it runs once, in the PGlite project only.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const execFileAsync = promisify(execFile);
const minutes = (n: number) => n * 60_000;

/**
 * The environment of a shell someone just opened: none of this npm run's settings (npm_config_*
 * would point npm at the repository), none of its node_modules/.bin on PATH (npx would find the
 * repository's crewkit), and no DATABASE_URL the test run may carry.
 */
function adopterEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|DATABASE_URL$|CREWKIT_|INIT_CWD$)/i.test(key)) continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => !dir.includes(`node_modules${'/'}.bin`))
    .join(delimiter);
  return { ...env, ...extra };
}

async function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const { stdout } = await execFileAsync(command, args, {
    cwd: options.cwd,
    env: options.env ?? adopterEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

async function folderSize(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) total += await folderSize(child);
    else if (entry.isFile()) total += (await stat(child)).size;
  }
  return total;
}

/** Starts `npx crewkit start` in its own process group, so stopping it reaches the node process behind npx. */
function startServer(cwd: string, env: NodeJS.ProcessEnv): { child: ChildProcess; url: Promise<string> } {
  const child = spawn('npx', ['crewkit', 'start'], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Crewkit is running at (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) =>
      reject(new Error(`crewkit start exited (${code}) before listening:\n${output}`)),
    );
  });
  return { child, url };
}

/**
 * SIGTERM to the whole group; resolves once every process in it is gone (they share the pipes, so
 * 'close' waits for the last). A server that ignores SIGTERM is killed rather than left behind.
 */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null && child.stdout!.closed) return;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // The group is already gone.
    }
  };
  signal('SIGTERM');
  const kill = setTimeout(() => signal('SIGKILL'), 30_000);
  await closed;
  clearTimeout(kill);
}

describe.skipIf(process.env.CREWKIT_TEST_DB !== 'pglite')('the packages as npm publishes them', () => {
  let tarballs: string[];
  let folder: string;
  let aloneFolder: string | undefined;
  let server: ReturnType<typeof startServer> | undefined;
  let baseUrl: string;
  let org: { orgId: string; secretKey: string; publishableKey: string };

  beforeAll(async () => {
    // From a tree without build output, as on a fresh clone, so the build cannot lean on leftovers.
    for (const dist of ['packages/sdk/dist', 'packages/ascora/dist', 'packages/elements/dist', 'server/dist'])
      await rm(join(repoRoot, dist), { recursive: true, force: true });
    await run('npm', ['run', 'pack:all'], { cwd: repoRoot });
    const packed = join(repoRoot, 'dist/packages');
    tarballs = (await readdir(packed))
      .filter((name) => name.endsWith('.tgz'))
      .map((name) => join(packed, name));

    folder = await mkdtemp(join(tmpdir(), 'crewkit-adopter-'));
    await run('npm', ['install', ...tarballs, '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: folder,
    });

    // Before `start`: one process owns a PGlite folder at a time.
    const env = adopterEnv({ CREWKIT_DATA_DIR: join(folder, 'data'), PORT: '0', HOST: '127.0.0.1' });
    org = JSON.parse(
      await run('npx', ['crewkit', 'org', 'create', '--name', 'Rivers Plumbing', '--json'], {
        cwd: folder,
        env,
      }),
    );
    server = startServer(folder, env);
    baseUrl = await server.url;
  }, minutes(15));

  afterAll(async () => {
    if (server) await stopServer(server.child);
    for (const path of [folder, aloneFolder]) if (path) await rm(path, { recursive: true, force: true });
  }, minutes(1));

  it('packs one tarball per package, each with its build and licence and without sources, tests or source maps', async () => {
    expect(tarballs.map((path) => path.replace(/.*\//, '')).sort()).toEqual([
      'crewkit-ascora-0.1.0.tgz',
      'crewkit-elements-0.1.0.tgz',
      'crewkit-sdk-0.1.0.tgz',
      'crewkit-server-0.1.0.tgz',
    ]);
    for (const tarball of tarballs) {
      const files = (await run('tar', ['-tzf', tarball], { cwd: repoRoot })).split('\n').filter(Boolean);
      expect(files, tarball).toContain('package/LICENSE');
      expect(files, tarball).toContain('package/dist/index.js');
      expect(
        files.filter((file) =>
          /\.map$|\.test\.|\.tsbuildinfo$|^package\/(src|test|test-support)\//.test(file),
        ),
        tarball,
      ).toEqual([]);
    }
  });

  it('installs the server without the repository’s development tools', async () => {
    const installed = join(folder, 'node_modules');
    for (const devOnly of ['@scalar/api-reference', 'typescript', 'vitest', 'vite', 'tsx'])
      expect(existsSync(join(installed, devOnly)), devOnly).toBe(false);
    // 269 MB while @scalar/api-reference (and its Vue and CodeMirror tree) was a run-time dependency.
    // ~155 MB since the run-time dependencies of notifications, the job sheet, invoices and imports
    // (sharp with libvips ~18 MB, the AWS S3 client ~21 MB, pdfkit ~14 MB, exceljs with its zip
    // tree ~35 MB): the bound is there to catch a development tool creeping back in, not to refuse them.
    expect(await folderSize(installed)).toBeLessThan(170 * 1024 * 1024);
  });

  it('serves its contract, elements bundle, API reference and example pages from the installed package', async () => {
    const get = (path: string) => fetch(`${baseUrl}${path}`);
    expect((await get('/healthz')).status).toBe(200);
    expect(await (await get('/openapi.yaml')).text()).toBe(
      await readFile(join(repoRoot, 'openapi.yaml'), 'utf8'),
    );
    const bundle = await get('/elements/v0.1.0/crewkit.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await bundle.text()).toBe(
      await readFile(join(repoRoot, 'packages/elements/dist/crewkit.js'), 'utf8'),
    );
    // crewkit.js is a loader: every chunk it (or a chunk) imports must be in the tarball and served.
    const seen = new Set<string>();
    const queue = ['crewkit.js'];
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      const response = await get(`/elements/v0.1.0/${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toMatch(/^text\/javascript/);
      const code = await response.text();
      expect(code, path).toBe(await readFile(join(repoRoot, 'packages/elements/dist', path), 'utf8'));
      for (const [, specifier] of code.matchAll(/["'](\.\.?\/[^"']+\.js)["']/g)) {
        const imported = new URL(specifier!, `https://x/${path}`).pathname.slice(1);
        if (seen.has(imported)) continue;
        seen.add(imported);
        queue.push(imported);
      }
    }
    expect([...seen].filter((path) => path.startsWith('chunks/booking-'))).toHaveLength(1);
    expect((await get('/docs/scalar.js')).status).toBe(200);
    expect(await (await get('/examples/')).text()).toContain('<html');
  });

  it('books a visit through the installed @crewkit/sdk with the secret key `crewkit org create` printed', async () => {
    await copyFile(join(repoRoot, 'test/support/packaging-adopter.mjs'), join(folder, 'adopter.mjs'));
    const booked = JSON.parse(
      await run('node', ['adopter.mjs', baseUrl, org.orgId, org.secretKey], { cwd: folder }),
    ) as { technicianId: string; slot: { start: string }; appointment: Record<string, unknown> };
    expect(booked.appointment).toMatchObject({ status: 'scheduled', technicianId: booked.technicianId });
    expect(Date.parse(booked.appointment.start as string)).toBe(Date.parse(booked.slot.start));
  });

  it('installs @crewkit/ascora from its tarball alone, without the fake server’s dependencies', async () => {
    aloneFolder = await mkdtemp(join(tmpdir(), 'crewkit-ascora-client-'));
    const ascora = tarballs.find((path) => path.includes('crewkit-ascora-'))!;
    await run('npm', ['install', ascora, '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: aloneFolder,
    });
    expect(existsSync(join(aloneFolder, 'node_modules/hono'))).toBe(false);
    expect(existsSync(join(aloneFolder, 'node_modules/@hono/node-server'))).toBe(false);
    const client = await run(
      'node',
      [
        '--input-type=module',
        '-e',
        "console.log(typeof (await import('@crewkit/ascora')).createAscoraClient)",
      ],
      { cwd: aloneFolder },
    );
    expect(client.trim()).toBe('function');
  });

  it('gives the Dockerfile these same tarballs to install, and it starts the server they contain', async () => {
    const dockerfile = await readFile(join(repoRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:\$\{NODE_VERSION\}-slim$/m);
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=20$/m);
    expect(dockerfile).toMatch(/^COPY dist\/packages\/\*\.tgz \/tmp\/crewkit\/$/m);
    expect(dockerfile).toMatch(/npm install [^\n]*\/tmp\/crewkit\/\*\.tgz/);
    expect(dockerfile).toMatch(/^CMD \["crewkit", "start"\]$/m);
    // The build context is only those tarballs.
    const dockerignore = (await readFile(join(repoRoot, '.dockerignore'), 'utf8'))
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    expect(dockerignore).toEqual(['*', '!dist/packages/*.tgz']);
  });
});

describe.skipIf(process.env.CREWKIT_TEST_DB !== 'pglite')('`npx crewkit` in the repository', () => {
  it(
    'works on a fresh clone, before any build: the bin npm links at install is a committed file',
    async () => {
      const { bin } = JSON.parse(await readFile(join(repoRoot, 'server/package.json'), 'utf8'));
      // npm links a bin only if its file exists at install time; a tracked file exists on every clone.
      await expect(
        run('git', ['ls-files', '--error-unmatch', join('server', bin.crewkit)], { cwd: repoRoot }),
      ).resolves.toContain('server/bin/crewkit.js');
      const help = await run('npx', ['crewkit', 'help'], { cwd: repoRoot });
      expect(help).toContain('Usage: crewkit <command>');
    },
    minutes(2),
  );
});
