import type { AppContext } from '../context.js';
import { type AscoraDeps, ascoraUrlAllowance } from './connection.js';

/** Options a process sets once (tests: fast retries; the CLI: the public URL for webhooks). */
export interface AscoraRuntime {
  publicBaseUrl?: string;
  overrides?: Partial<Omit<AscoraDeps, 'db' | 'secret' | 'logger'>>;
}

const runtimes = new WeakMap<object, AscoraRuntime>();

/** Keyed by the root database, like the job queue, so an app needs no extra service slot. */
export function setAscoraRuntime(db: object, runtime: AscoraRuntime): void {
  runtimes.set(db, runtime);
}

export function ascoraRuntime(db: object): AscoraRuntime {
  return runtimes.get(db) ?? {};
}

export function depsFromContext(c: AppContext): AscoraDeps {
  const services = c.var.services;
  return {
    db: c.var.db,
    secret: services.config.secret,
    logger: services.logger,
    urls: ascoraUrlAllowance(services.config),
    ...ascoraRuntime(services.db).overrides,
  };
}
