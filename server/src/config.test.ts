import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const secret = 'a-shared-secret-of-at-least-32-characters';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ CREWKIT_DATA_DIR: 'memory://', ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('configuration from the environment', () => {
  it('starts with zero setup: defaults for everything and a generated secret', () => {
    const config = loadConfig({ CREWKIT_DATA_DIR: 'memory://' });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      logLevel: 'info',
      trustProxy: false,
      databasePoolSize: 10,
      publicUrl: undefined,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      secretGenerated: true,
    });
    expect(config.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      CREWKIT_DATA_DIR: 'memory://',
      PORT: '8080',
      HOST: '::',
      DATABASE_URL: 'postgres://crewkit@db:5432/crewkit',
      DATABASE_POOL_SIZE: '25',
      CREWKIT_SECRET: secret,
      LOG_LEVEL: 'warn',
      CREWKIT_TRUST_PROXY: 'true',
      CREWKIT_PUBLIC_URL: 'https://crewkit.example.com/',
      CREWKIT_HEADERS_TIMEOUT_MS: '5000',
      CREWKIT_REQUEST_TIMEOUT_MS: '20000',
      CREWKIT_SHUTDOWN_TIMEOUT_MS: '15000',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '::',
      databaseUrl: 'postgres://crewkit@db:5432/crewkit',
      databasePoolSize: 25,
      secret,
      secretGenerated: false,
      logLevel: 'warn',
      trustProxy: true,
      publicUrl: 'https://crewkit.example.com',
      headersTimeoutMs: 5000,
      requestTimeoutMs: 20_000,
      shutdownTimeoutMs: 15_000,
    });
  });

  it('keeps files in the data folder unless told to use an S3-compatible bucket', () => {
    expect(loadConfig({ CREWKIT_DATA_DIR: 'memory://' }).storage).toEqual({ kind: 'local' });
    const r2 = loadConfig({
      CREWKIT_DATA_DIR: 'memory://',
      CREWKIT_STORAGE: 's3',
      CREWKIT_S3_BUCKET: 'crewkit-files',
      CREWKIT_S3_ENDPOINT: 'https://account.r2.cloudflarestorage.com',
      CREWKIT_S3_REGION: 'auto',
      CREWKIT_S3_ACCESS_KEY_ID: 'id',
      CREWKIT_S3_SECRET_ACCESS_KEY: 'key',
    });
    expect(r2.storage).toEqual({
      kind: 's3',
      s3: {
        bucket: 'crewkit-files',
        region: 'auto',
        endpoint: 'https://account.r2.cloudflarestorage.com',
        accessKeyId: 'id',
        secretAccessKey: 'key',
        forcePathStyle: true,
      },
    });
    expect(problemsOf({ CREWKIT_STORAGE: 's3', CREWKIT_S3_ENDPOINT: 'not a url' })).toEqual([
      expect.stringMatching(/^CREWKIT_S3_BUCKET is required/),
      expect.stringMatching(/^CREWKIT_S3_ENDPOINT must be a URL/),
    ]);
    expect(problemsOf({ CREWKIT_STORAGE: 'ftp' })).toEqual([
      expect.stringMatching(/^CREWKIT_STORAGE must be local or s3/),
    ]);
  });

  it('refuses PostgreSQL without CREWKIT_SECRET, because every instance would make up its own', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://db/crewkit' })).toEqual([
      expect.stringMatching(/^CREWKIT_SECRET is required with DATABASE_URL: every instance/),
    ]);
  });

  it('names the variable and the value in every complaint, all of them at once', () => {
    const problems = problemsOf({
      PORT: 'abc',
      HOST: 'not a host!',
      LOG_LEVEL: 'loud',
      DATABASE_POOL_SIZE: '0',
      CREWKIT_SECRET: 'short',
      CREWKIT_TRUST_PROXY: 'yes',
      CREWKIT_PUBLIC_URL: 'crewkit.example.com',
    });
    expect(problems).toEqual([
      'PORT must be a whole number, got "abc"',
      'HOST must be an IP address or a host name (127.0.0.1, 0.0.0.0, ::), got "not a host!"',
      'DATABASE_POOL_SIZE must be between 1 and 1000, got 0',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'CREWKIT_TRUST_PROXY must be true or false, got "yes"',
      'CREWKIT_PUBLIC_URL must be an absolute URL like https://crewkit.example.com, got "crewkit.example.com"',
      'CREWKIT_SECRET must be at least 32 characters, got 5 (try: openssl rand -base64 48)',
    ]);
  });

  it('lists the problems in the error message itself, for a log that shows only the message', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(
      /Invalid configuration:\n {2}- PORT must be between 0 and 65535/,
    );
  });

  it.each([
    ['DATABASE_URL', 'mysql://db/crewkit', 'must be a postgres:// URL'],
    ['DATABASE_URL', 'db:5432', 'must be a postgres:// URL'],
    ['HOST', '[::1]', 'takes an IPv6 address without brackets'],
    ['PORT', '3000.5', 'must be a whole number'],
    ['PORT', '-1', 'must be a whole number'],
    ['CREWKIT_PUBLIC_URL', 'ftp://crewkit.example.com', 'must be an http:// or https:// URL'],
    ['CREWKIT_PUBLIC_URL', 'https://crewkit.example.com/?x=1', 'must have no query'],
    ['CREWKIT_REQUEST_TIMEOUT_MS', 'soon', 'must be a whole number'],
  ])('refuses %s=%s', (name, value, message) => {
    expect(problemsOf({ CREWKIT_SECRET: secret, [name]: value })).toEqual([
      expect.stringContaining(`${name} ${message}`),
    ]);
  });

  it('refuses a headers timeout longer than the request timeout, which Node would reject at start', () => {
    expect(problemsOf({ CREWKIT_HEADERS_TIMEOUT_MS: '60000', CREWKIT_REQUEST_TIMEOUT_MS: '30000' })).toEqual([
      expect.stringMatching(/^CREWKIT_HEADERS_TIMEOUT_MS \(60000\) must not exceed/),
    ]);
  });

  it('treats an empty variable as unset, as compose files write "none"', () => {
    expect(loadConfig({ CREWKIT_DATA_DIR: 'memory://', DATABASE_URL: '', PORT: '' })).toMatchObject({
      databaseUrl: undefined,
      port: 3000,
    });
  });
  it('reads the SMTP server from CREWKIT_SMTP_URL, credentials decoded, with the usual ports', () => {
    const plain = loadConfig({
      CREWKIT_DATA_DIR: 'memory://',
      CREWKIT_SMTP_URL: 'smtp://mailer%40acme.example:p%40ss@mail.acme.example',
    });
    expect(plain.smtp).toEqual({
      host: 'mail.acme.example',
      port: 587,
      secure: false,
      user: 'mailer@acme.example',
      password: 'p@ss',
    });
    const tls = loadConfig({ CREWKIT_DATA_DIR: 'memory://', CREWKIT_SMTP_URL: 'smtps://mail.acme.example' });
    expect(tls.smtp).toMatchObject({ port: 465, secure: true, user: undefined });
    expect(loadConfig({ CREWKIT_DATA_DIR: 'memory://' }).smtp).toBeUndefined();
  });

  it('refuses an SMTP URL of another scheme, and a mail server on this machine unless private URLs are allowed', () => {
    expect(problemsOf({ CREWKIT_SMTP_URL: 'http://mail.example.com' })).toEqual([
      'CREWKIT_SMTP_URL must be an smtp:// or smtps:// URL, got a http:// one',
    ]);
    expect(problemsOf({ CREWKIT_SMTP_URL: 'smtp://127.0.0.1:2525' })[0]).toMatch(
      /points at this machine.*CREWKIT_ALLOW_PRIVATE_URLS=true/,
    );
    const local = loadConfig({
      CREWKIT_DATA_DIR: 'memory://',
      CREWKIT_SMTP_URL: 'smtp://127.0.0.1:2525',
      CREWKIT_ALLOW_PRIVATE_URLS: 'true',
    });
    expect(local.smtp).toMatchObject({ host: '127.0.0.1', port: 2525 });
  });

  it("wants the SMS provider's credentials and sender with its URL", () => {
    expect(
      problemsOf({ CREWKIT_SMS_URL: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json' }),
    ).toEqual([
      'CREWKIT_SMS_URL is set, so CREWKIT_SMS_ACCOUNT_SID, CREWKIT_SMS_AUTH_TOKEN, CREWKIT_SMS_FROM must be too',
    ]);
    const config = loadConfig({
      CREWKIT_DATA_DIR: 'memory://',
      CREWKIT_SMS_URL: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
      CREWKIT_SMS_ACCOUNT_SID: 'AC1',
      CREWKIT_SMS_AUTH_TOKEN: 'token',
      CREWKIT_SMS_FROM: '+15005550006',
    });
    expect(config.sms).toMatchObject({ accountSid: 'AC1', from: '+15005550006' });
  });
});
