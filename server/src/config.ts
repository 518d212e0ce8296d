import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomToken } from './lib/crypto.js';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** PGlite data folder, or `memory://`. */
  dataDir: string;
  secret: string;
  /** Whether `secret` was generated because CREWKIT_SECRET was absent. */
  secretGenerated: boolean;
  logLevel: string;
  /** Trust X-Forwarded-For for the client address (behind a reverse proxy). */
  trustProxy: boolean;
  databasePoolSize: number;
  /** CREWKIT_ALLOW_PRIVATE_URLS=true: outbound calls may use http and reach loopback and private addresses. */
  allowPrivateUrls?: boolean;
  /** CREWKIT_ASCORA_ALLOWED_HOSTS (comma-separated): hosts besides api.ascora.com.au an Ascora connection may use. */
  ascoraAllowedHosts?: string[];
}

type Env = Record<string, string | undefined>;

/**
 * Reads configuration from the environment. Without CREWKIT_SECRET a secret is generated once and
 * kept in the data folder, so tokens and encrypted data survive a restart with zero setup.
 */
export function loadConfig(env: Env = process.env): Config {
  const dataDir =
    env.CREWKIT_DATA_DIR === 'memory://' ? 'memory://' : resolve(env.CREWKIT_DATA_DIR ?? '.crewkit/data');
  const fromEnv = env.CREWKIT_SECRET;
  if (fromEnv !== undefined && fromEnv.length < 32) {
    throw new Error('CREWKIT_SECRET must be at least 32 characters (try: openssl rand -base64 48)');
  }
  let secret = fromEnv;
  let secretGenerated = false;
  if (!secret) {
    secretGenerated = true;
    secret = dataDir === 'memory://' ? randomToken() : readOrCreateSecret(dataDir);
  }
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    secret,
    secretGenerated,
    logLevel: env.LOG_LEVEL ?? 'info',
    trustProxy: env.CREWKIT_TRUST_PROXY === 'true',
    databasePoolSize: Number(env.DATABASE_POOL_SIZE ?? 10),
    allowPrivateUrls: env.CREWKIT_ALLOW_PRIVATE_URLS === 'true',
    ascoraAllowedHosts: (env.CREWKIT_ASCORA_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
  };
}

function readOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomToken();
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
