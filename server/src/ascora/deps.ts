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
   * Where Ascora reaches this server's webhooks. Known only once the server listens (port 0 picks
   * one), so the server sets it then; without it a connection registers no webhooks.
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
    this.publicBaseUrl = options.publicBaseUrl;
  }

  /** The same settings on another handle: a request's transaction, so its writes commit together. */
  on(db: Db): AscoraDeps {
    return { ...this.deps, db };
  }
}
