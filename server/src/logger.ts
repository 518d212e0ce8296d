import { type Logger, pino } from 'pino';

export type { Logger };

type ErrorLike = Error & Record<string, unknown>;

function causes(error: ErrorLike): ErrorLike[] {
  const chain: ErrorLike[] = [];
  for (let e: unknown = error; e instanceof Error && !chain.includes(e as ErrorLike); e = e.cause) {
    chain.push(e as ErrorLike);
  }
  return chain;
}

/**
 * PostgreSQL's errors (node-postgres or PGlite) carry a SQLSTATE and a severity; drizzle's wrapper
 * carries the params. (No SQLSTATE class starts with E, unlike Node's EPIPE or EPERM.)
 */
function isPostgresError(error: ErrorLike): boolean {
  return typeof error.code === 'string' && /^[0-9A-DF-Z][0-9A-Z]{4}$/.test(error.code) && 'severity' in error;
}

function isDatabaseError(error: ErrorLike): boolean {
  return isPostgresError(error) || 'params' in error;
}

function pick(error: ErrorLike, names: string[]): Record<string, unknown> {
  return Object.fromEntries(
    names.filter((name) => typeof error[name] === 'string').map((name) => [name, error[name]]),
  );
}

/** An error that is, or was caused by, a failed query. */
function isDatabaseFailure(value: unknown): value is Error {
  return value instanceof Error && causes(value as ErrorLike).some(isDatabaseError);
}

/**
 * Database errors describe themselves with the values of the failed query: drizzle's message lists
 * every parameter (password and key hashes, emails, phone numbers) and PostgreSQL's detail quotes
 * the offending value. Logs keep what identifies the failure — the SQLSTATE, constraint, table,
 * the routine that raised it and the statement text with its placeholders — and nothing that came
 * from a request. Other errors are serialized as usual.
 */
export function serializeError(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const chain = causes(value as ErrorLike);
  if (!isDatabaseFailure(value)) return pino.stdSerializers.err(value);
  const database = chain.find(isPostgresError);
  const failedQuery = chain.find((e) => typeof e.query === 'string');
  return {
    type: chain.map((e) => e.constructor.name).join(' ← '),
    message: 'database error (values withheld)',
    ...(database
      ? pick(database, ['code', 'severity', 'constraint', 'table', 'column', 'dataType', 'routine'])
      : {}),
    ...(failedQuery ? { query: failedQuery.query } : {}),
    // Frames only: a stack's first line repeats the message.
    stack: value.stack
      ?.split('\n')
      .filter((line) => line.trimStart().startsWith('at '))
      .join('\n'),
  };
}

/**
 * Structured logs. Credentials and personal data are redacted wherever they appear in a logged
 * object; request logs carry ids and timings, never bodies.
 */
export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'crewkit' },
      serializers: { err: serializeError },
      hooks: {
        // `logger.error(error)` makes the error's message the line's message: not a query's.
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          if (rest.length === 0 && isDatabaseFailure(first))
            return method.apply(this, [{ err: first }, 'database error']);
          return method.apply(this, args);
        },
      },
      redact: {
        paths: [
          'authorization',
          '*.authorization',
          'headers.authorization',
          '*.headers.authorization',
          'password',
          '*.password',
          'secret',
          '*.secret',
          'accessToken',
          'refreshToken',
          '*.accessToken',
          '*.refreshToken',
          'email',
          '*.email',
          'phone',
          '*.phone',
          'databaseUrl',
          '*.databaseUrl',
        ],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}
