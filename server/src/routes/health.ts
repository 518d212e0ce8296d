import { ping } from '../db/index.js';
import { ApiError } from '../errors.js';
import type { HandlerTable } from '../openapi/handlers.js';

const notReady = {
  starting: 'The server is still starting.',
  draining: 'The server is shutting down.',
} as const;

export const healthHandlers = {
  /** Liveness: stays 200 while the process drains, so it is not killed before its requests finish. */
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

  /** Readiness: whether a load balancer should send this process traffic right now. */
  async getReadiness(c) {
    const { state } = c.var.services.readiness;
    if (state !== 'ready') {
      throw new ApiError('unavailable', {
        detail: notReady[state],
        headers: { 'retry-after': '5', 'cache-control': 'no-store' },
      });
    }
    try {
      await ping(c.var.db);
    } catch {
      throw new ApiError('unavailable', {
        detail: 'The database does not answer.',
        headers: { 'retry-after': '5', 'cache-control': 'no-store' },
      });
    }
    return c.json({ status: 'ready' as const }, 200, { 'cache-control': 'no-store' });
  },
} satisfies HandlerTable;
