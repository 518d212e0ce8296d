import { ping } from '../db/index.js';
import { ApiError } from '../errors.js';
import type { HandlerTable } from '../openapi/handlers.js';

export const healthHandlers = {
  async getHealth(c) {
    const { databaseKind, version } = c.var.services;
    try {
      await ping(c.var.db);
    } catch {
      throw new ApiError('unavailable', {
        detail: 'The database does not answer.',
        headers: { 'retry-after': '5' },
      });
    }
    return c.json({ status: 'ok' as const, database: databaseKind, version }, 200, {
      'cache-control': 'no-store',
    });
  },
} satisfies HandlerTable;
