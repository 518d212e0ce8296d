import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { attachments, signatures } from '../../db/schema.js';
import type { Logger } from '../../logger.js';
import type { JobQueue, QueueDefinition } from '../../queue/queue.js';
import { HOUR_MS } from '../../scheduling/time.js';
import type { Storage } from '../../storage/storage.js';
import { extensionOf } from './sniff.js';

export const fileSweepQueue = 'job-sheet-file-sweep';
export const jobSheetQueues: QueueDefinition[] = [
  // One sweep queued and one running at a time across all processes.
  { name: fileSweepQueue, policy: 'stately', retryLimit: 2, retryDelaySeconds: 60, expireInSeconds: 1800 },
];

/**
 * How old a file must be before it counts as left behind. A staged upload may be attached for a
 * while after its link lapsed (the link bounds the PUT, not the attach); a stored file's row is
 * written after the bytes, in a request transaction that may still be open.
 */
export const stagedUploadGraceMs = 24 * HOUR_MS;
export const unreferencedGraceMs = HOUR_MS;

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}';
const extensions = Object.values(extensionOf).join('|');
/**
 * The names the job sheet gives files, and nothing else: a file another capability keeps in the
 * same storage is never the sweeper's to judge. A `.partial` is a local write a crash interrupted.
 */
const staged = new RegExp(`^(${uuid})/upload-(${uuid})$`);
const stored = new RegExp(
  `^(${uuid})/(?:${uuid}\\.(?:${extensions})|${uuid}-thumb\\.webp|${uuid}-signature-${uuid}\\.png)(?:\\.${uuid}\\.partial)?$`,
);

/** When a UUIDv7 was made: its first 48 bits are the milliseconds (the services' clock, `newId`). */
function madeAt(id: string): number {
  return Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
}

export interface SweepResult {
  /** Staged uploads never attached. */
  abandonedUploads: string[];
  /** Photos, thumbnails and signature images no attachment or signature refers to any more. */
  unreferenced: string[];
}

/**
 * Deletes job-sheet files nothing will ever read: uploads that were presigned and PUT but never
 * attached, and stored files whose attachment or signature row is gone (a delete whose storage
 * call failed, a transaction rolled back after its bytes were written, an appointment removed).
 * Every file is dated by the UUIDv7 in its name, so the age is on the services' clock and a file
 * whose name this does not recognise is left alone.
 */
export class JobSheetFileSweeper {
  readonly #db: Db;
  readonly #storage: Storage;
  readonly #now: () => number;
  readonly #logger: Logger;

  constructor(options: { db: Db; storage: Storage; now: () => number; logger: Logger }) {
    this.#db = options.db;
    this.#storage = options.storage;
    this.#now = options.now;
    this.#logger = options.logger;
  }

  /** Connects the sweep to the queue and schedules it hourly (pg-boss runs each schedule once). */
  register(queue: JobQueue): void {
    queue.handle(fileSweepQueue, async () => {
      await this.sweep();
    });
    queue.boss
      .schedule(fileSweepQueue, '17 * * * *', {}, { key: 'sweep' })
      .catch((error: unknown) =>
        this.#logger.error({ err: error }, 'could not schedule the job-sheet file sweep'),
      );
  }

  async sweep(): Promise<SweepResult> {
    const now = this.#now();
    const result: SweepResult = { abandonedUploads: [], unreferenced: [] };
    for await (const page of this.#storage.list()) {
      const candidates: string[] = [];
      for (const key of page) {
        const upload = staged.exec(key);
        if (upload) {
          if (now - madeAt(upload[2]!) > stagedUploadGraceMs) result.abandonedUploads.push(key);
          continue;
        }
        // The last id in a name is the one made when the file was written.
        const ids = key.slice(37).match(new RegExp(uuid, 'g'));
        if (stored.test(key) && ids && now - madeAt(ids.at(-1)!) > unreferencedGraceMs) candidates.push(key);
      }
      const referenced = await this.#referenced(candidates);
      result.unreferenced.push(...candidates.filter((key) => !referenced.has(key)));
    }
    const doomed = [...result.abandonedUploads, ...result.unreferenced];
    for (let i = 0; i < doomed.length; i += 1000) await this.#storage.delete(doomed.slice(i, i + 1000));
    if (doomed.length > 0) {
      this.#logger.info(
        { abandonedUploads: result.abandonedUploads.length, unreferenced: result.unreferenced.length },
        'swept job-sheet files nothing refers to',
      );
    }
    return result;
  }

  async #referenced(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const [files, thumbnails, images] = await Promise.all([
      this.#db
        .select({ key: attachments.storageKey })
        .from(attachments)
        .where(inArray(attachments.storageKey, keys)),
      this.#db
        .select({ key: attachments.thumbnailKey })
        .from(attachments)
        .where(inArray(attachments.thumbnailKey, keys)),
      this.#db
        .select({ key: signatures.imageKey })
        .from(signatures)
        .where(inArray(signatures.imageKey, keys)),
    ]);
    return new Set([...files, ...thumbnails, ...images].flatMap(({ key }) => (key ? [key] : [])));
  }
}
