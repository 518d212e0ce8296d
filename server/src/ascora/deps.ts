import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import { type AscoraDeps, ascoraUrlAllowance } from './connection.js';

/** Settings a process may change for its Ascora calls (tests: fast retries, a fake on 127.0.0.1). */
export type AscoraOverrides = Partial<Omit<AscoraDeps, 'db' | 'secret' | 'logger' | 'now'>>;

/** The Ascora integration as the services container holds it: one per app, never shared. */
export class AscoraRuntime {
  /** What workers and background work run with: the root database. */
  readonly deps: AscoraDeps;
  /**
   * Where Ascora reaches this server's webhooks: CREWKIT_PUBLIC_URL from the start, so a connect
   * that arrives while the server is still starting registers them too. Without it, the server sets
   * its listening address once it listens (port 0 picks one); without either, no webhooks.
   */
  publicBaseUrl: string | undefined;

  constructor(
    db: Db,
    options: {
      config: Config;
      logger: Logger;
      now: () => number;
      publicBaseUrl?: string | undefined;
      overrides?: AscoraOverrides | undefined;
    },
  ) {
    this.deps = {
      db,
      secret: options.config.secret,
      logger: options.logger,
      now: options.now,
      urls: ascoraUrlAllowance(options.config),
      ...options.overrides,
    };
    this.publicBaseUrl = options.publicBaseUrl ?? options.config.publicUrl;
  }

  /** The same settings on another handle: a request's transaction, so its writes commit together. */
  on(db: Db): AscoraDeps {
    return { ...this.deps, db };
  }
}
