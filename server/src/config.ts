import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import type { RetentionSettings } from './events/retention.js';
import { randomToken } from './lib/crypto.js';
import type { StorageSettings } from './storage/storage.js';

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
  /**
   * Where clients and Ascora reach this server (`https://crewkit.example.com`, no trailing slash),
   * when that is not the address it listens on: behind a proxy, in a container. Unset: the bind address.
   */
  publicUrl: string | undefined;
  /** Longest a client may take to send a request's headers (Node's `server.headersTimeout`). */
  headersTimeoutMs: number;
  /** Longest a client may take to send a whole request (Node's `server.requestTimeout`). */
  requestTimeoutMs: number;
  /** On SIGTERM, how long requests in flight may take to finish before their connections are cut. */
  shutdownTimeoutMs: number;
  /** CREWKIT_ALLOW_PRIVATE_URLS=true: outbound calls may use http and reach loopback and private addresses. */
  allowPrivateUrls?: boolean;
  /** CREWKIT_ASCORA_ALLOWED_HOSTS (comma-separated): hosts besides api.ascora.com.au an Ascora connection may use. */
  ascoraAllowedHosts?: string[];
  /** CREWKIT_SMTP_URL, parsed: where email goes. Unset: messages are kept and shown, not sent. */
  smtp?: SmtpSettings | undefined;
  /** CREWKIT_MAIL_FROM: the From of every email. */
  mailFrom?: string;
  /** CREWKIT_SMS_URL and its credentials: where SMS go. Unset: messages are kept and shown, not sent. */
  sms?: SmsSettings | undefined;
  /** Where files go: CREWKIT_STORAGE=local (default, `<data dir>/files`) or s3 (CREWKIT_S3_*). */
  storage?: StorageSettings;
  /**
   * Days dispatched events (CREWKIT_EVENT_RETENTION_DAYS, default 30), finished webhook deliveries
   * (CREWKIT_WEBHOOK_DELIVERY_RETENTION_DAYS) and finished messages (CREWKIT_NOTIFICATION_RETENTION_DAYS)
   * are kept; the last two default to the first. Unset here: 30 days each.
   */
  retention?: RetentionSettings;
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** smtps:// — TLS from the first byte; smtp:// upgrades with STARTTLS when the server offers it. */
  secure: boolean;
  user: string | undefined;
  password: string | undefined;
}

/** A provider with Twilio's Messages API: a form-encoded POST with HTTP basic authentication. */
export interface SmsSettings {
  /** The Messages endpoint, e.g. https://api.twilio.com/2010-04-01/Accounts/AC…/Messages.json */
  url: string;
  accountSid: string;
  authToken: string;
  from: string;
}

type Env = Record<string, string | undefined>;

/** Every problem found in the environment, each naming its variable, so one restart fixes them all. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Parses one variable's text; throws a message that completes "NAME …". */
type Parser<T> = (text: string) => T;

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const integer =
  (min: number, max: number): Parser<number> =>
  (text) => {
    if (!/^\d+$/.test(text.trim())) throw new Error(`must be a whole number, got "${text}"`);
    const value = Number(text);
    if (value < min || value > max) throw new Error(`must be between ${min} and ${max}, got ${value}`);
    return value;
  };

const boolean: Parser<boolean> = (text) => {
  if (/^(true|1)$/i.test(text)) return true;
  if (/^(false|0)$/i.test(text)) return false;
  throw new Error(`must be true or false, got "${text}"`);
};

const hostname =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

const host: Parser<string> = (text) => {
  if (isIP(text) || hostname.test(text)) return text;
  if (isIP(text.replace(/^\[(.*)\]$/, '$1'))) throw new Error(`takes an IPv6 address without brackets`);
  throw new Error(`must be an IP address or a host name (127.0.0.1, 0.0.0.0, ::), got "${text}"`);
};

const databaseUrl: Parser<string> = (text) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('must be a URL like postgres://user:password@host:5432/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`must be a postgres:// URL, got a ${url.protocol}// one`);
  }
  return text;
};

const publicUrl: Parser<string> = (text) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`must be an absolute URL like https://crewkit.example.com, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`must be an http:// or https:// URL, got "${text}"`);
  if (url.search || url.hash || url.username || url.password)
    throw new Error(`must have no query, fragment or credentials, got "${text}"`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
};

const smtpUrl: Parser<SmtpSettings> = (text) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('must be a URL like smtp://user:password@mail.example.com:587 or smtps://…:465');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new Error(`must be an smtp:// or smtps:// URL, got a ${url.protocol}// one`);
  if (!url.hostname) throw new Error('must name a host, as in smtp://mail.example.com:587');
  if (url.pathname.replace(/\/+$/, '') || url.search || url.hash)
    throw new Error('must have no path, query or fragment (smtp://user:password@host:port)');
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
};

/** This machine: never a mail relay a configuration should reach by accident. */
function isLoopbackHost(host: string): boolean {
  return /^localhost\.?$/i.test(host) || /^127\./.test(host) || host === '::1';
}

const secret: Parser<string> = (text) => {
  if (text.length < 32)
    throw new Error(`must be at least 32 characters, got ${text.length} (try: openssl rand -base64 48)`);
  return text;
};

/**
 * Reads configuration from the environment and refuses a bad one with every mistake at once.
 * Without CREWKIT_SECRET a secret is generated once and kept in the data folder, so tokens and
 * encrypted data survive a restart with zero setup — but not with PostgreSQL, where several
 * instances share the data and each would generate its own.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  // An empty variable counts as unset: `DATABASE_URL=` in a compose file means "none".
  function read<T>(name: string, parse: Parser<T>, fallback: T): T;
  function read<T>(name: string, parse: Parser<T>): T | undefined;
  function read<T>(name: string, parse: Parser<T>, fallback?: T): T | undefined {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    try {
      return parse(text);
    } catch (error) {
      problems.push(`${name} ${(error as Error).message}`);
      return fallback;
    }
  }

  const port = read('PORT', integer(0, 65_535), 3000);
  const listenHost = read('HOST', host, '127.0.0.1');
  const database = read('DATABASE_URL', databaseUrl);
  const databasePoolSize = read('DATABASE_POOL_SIZE', integer(1, 1000), 10);
  const logLevel = read(
    'LOG_LEVEL',
    (text) => {
      const level = text.toLowerCase();
      if (!(logLevels as readonly string[]).includes(level))
        throw new Error(`must be one of ${logLevels.join(', ')}, got "${text}"`);
      return level;
    },
    'info',
  );
  const trustProxy = read('CREWKIT_TRUST_PROXY', boolean, false);
  const allowPrivateUrls = read('CREWKIT_ALLOW_PRIVATE_URLS', boolean, false);
  const publicBase = read('CREWKIT_PUBLIC_URL', publicUrl);
  const headersTimeoutMs = read('CREWKIT_HEADERS_TIMEOUT_MS', integer(1, 3_600_000), 10_000);
  const requestTimeoutMs = read('CREWKIT_REQUEST_TIMEOUT_MS', integer(1, 3_600_000), 30_000);
  const shutdownTimeoutMs = read('CREWKIT_SHUTDOWN_TIMEOUT_MS', integer(0, 3_600_000), 10_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    problems.push(
      `CREWKIT_HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed CREWKIT_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  }
  const smtp = read('CREWKIT_SMTP_URL', smtpUrl);
  if (smtp && isLoopbackHost(smtp.host) && !allowPrivateUrls) {
    problems.push(
      `CREWKIT_SMTP_URL points at this machine (${smtp.host}); set CREWKIT_ALLOW_PRIVATE_URLS=true to allow a local mail server (development, tests)`,
    );
  }
  const mailFrom = read(
    'CREWKIT_MAIL_FROM',
    (text) => {
      if (!/^[^<>@\s]+@[^<>@\s]+$|<[^<>@\s]+@[^<>@\s]+>$/.test(text.trim()))
        throw new Error(
          `must be an address like bookings@example.com or "Acme <bookings@example.com>", got "${text}"`,
        );
      return text.trim();
    },
    'Crewkit <no-reply@crewkit.invalid>',
  );
  const sms = readSms(env, problems, allowPrivateUrls ?? false);
  // At least a day: the live event stream resumes a reconnecting client from the events still held.
  const eventDays = read('CREWKIT_EVENT_RETENTION_DAYS', integer(1, 36_500), 30);
  const retention: RetentionSettings = {
    eventDays,
    webhookDeliveryDays: read('CREWKIT_WEBHOOK_DELIVERY_RETENTION_DAYS', integer(1, 36_500), eventDays),
    notificationDays: read('CREWKIT_NOTIFICATION_RETENTION_DAYS', integer(1, 36_500), eventDays),
  };
  const givenSecret = env.CREWKIT_SECRET;
  if (givenSecret !== undefined) {
    try {
      secret(givenSecret);
    } catch (error) {
      problems.push(`CREWKIT_SECRET ${(error as Error).message}`);
    }
  } else if (database) {
    problems.push(
      'CREWKIT_SECRET is required with DATABASE_URL: every instance on the database must share one secret, or they reject each other’s tokens and cannot read each other’s sealed data (generate one: openssl rand -base64 48)',
    );
  }
  const storage = readStorage(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir =
    env.CREWKIT_DATA_DIR === 'memory://' ? 'memory://' : resolve(env.CREWKIT_DATA_DIR || '.crewkit/data');
  let chosenSecret = givenSecret;
  let secretGenerated = false;
  if (!chosenSecret) {
    secretGenerated = true;
    chosenSecret = dataDir === 'memory://' ? randomToken() : readOrCreateSecret(dataDir);
  }
  return {
    port,
    host: listenHost,
    databaseUrl: database,
    dataDir,
    secret: chosenSecret,
    secretGenerated,
    logLevel,
    trustProxy,
    databasePoolSize,
    publicUrl: publicBase,
    headersTimeoutMs,
    requestTimeoutMs,
    shutdownTimeoutMs,
    allowPrivateUrls,
    ascoraAllowedHosts: (env.CREWKIT_ASCORA_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
    smtp,
    mailFrom,
    sms,
    storage,
    retention,
  };
}

/** The SMS provider's four variables come together: a URL without credentials cannot send. */
function readSms(env: Env, problems: string[], allowPrivate: boolean): SmsSettings | undefined {
  const url = env.CREWKIT_SMS_URL;
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && allowPrivate)) throw new Error();
  } catch {
    problems.push(
      `CREWKIT_SMS_URL must be an https:// URL (http:// only with CREWKIT_ALLOW_PRIVATE_URLS=true), like https://api.twilio.com/2010-04-01/Accounts/AC…/Messages.json, got "${url}"`,
    );
    return undefined;
  }
  const missing = ['CREWKIT_SMS_ACCOUNT_SID', 'CREWKIT_SMS_AUTH_TOKEN', 'CREWKIT_SMS_FROM'].filter(
    (name) => !env[name],
  );
  if (missing.length > 0) {
    problems.push(`CREWKIT_SMS_URL is set, so ${missing.join(', ')} must be too`);
    return undefined;
  }
  return {
    url,
    accountSid: env.CREWKIT_SMS_ACCOUNT_SID!,
    authToken: env.CREWKIT_SMS_AUTH_TOKEN!,
    from: env.CREWKIT_SMS_FROM!,
  };
}

/**
 * CREWKIT_STORAGE=s3 needs a bucket; the endpoint is for stores other than AWS (R2, MinIO), and
 * keys may come from the SDK's usual places (AWS_* variables, an instance role) instead.
 */
function readStorage(env: Env, problems: string[]): StorageSettings {
  const kind = (env.CREWKIT_STORAGE || 'local').toLowerCase();
  if (kind === 'local') return { kind: 'local' };
  if (kind !== 's3') {
    problems.push(`CREWKIT_STORAGE must be local or s3, got "${env.CREWKIT_STORAGE}"`);
    return { kind: 'local' };
  }
  const bucket = env.CREWKIT_S3_BUCKET ?? '';
  if (bucket.length < 3)
    problems.push('CREWKIT_S3_BUCKET is required with CREWKIT_STORAGE=s3 (3 characters or more)');
  if (env.CREWKIT_S3_ENDPOINT) {
    try {
      new URL(env.CREWKIT_S3_ENDPOINT);
    } catch {
      problems.push(
        `CREWKIT_S3_ENDPOINT must be a URL like https://s3.example.com, got "${env.CREWKIT_S3_ENDPOINT}"`,
      );
    }
  }
  return {
    kind: 's3',
    s3: {
      bucket,
      region: env.CREWKIT_S3_REGION || 'us-east-1',
      endpoint: env.CREWKIT_S3_ENDPOINT || undefined,
      accessKeyId: env.CREWKIT_S3_ACCESS_KEY_ID || undefined,
      secretAccessKey: env.CREWKIT_S3_SECRET_ACCESS_KEY || undefined,
      // Path-style unless told otherwise: what self-hosted stores need, and AWS still accepts.
      forcePathStyle: !/^(false|0)$/i.test(env.CREWKIT_S3_FORCE_PATH_STYLE ?? ''),
    },
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
