import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured logs. Credentials and personal data are redacted wherever they appear in a logged
 * object; request logs carry ids and timings, never bodies.
 */
export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'crewkit' },
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
