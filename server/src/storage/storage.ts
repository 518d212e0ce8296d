import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { LocalStorage } from './local.js';
import { S3Storage } from './s3.js';

/** The content types the server stores and serves; everything else is refused at upload. */
export const storedContentTypes = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'application/pdf',
] as const;
export type StoredContentType = (typeof storedContentTypes)[number];

/**
 * Where files (photos, signatures, documents) live: the local data folder or an S3-compatible
 * bucket. Keys are `<orgId>/<file>`, so every object is named by the organization that owns it
 * and a link signed for one key can never reach another organization's files.
 */
export interface Storage {
  readonly kind: 'local' | 's3';
  put(key: string, bytes: Uint8Array, contentType: StoredContentType): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Removes objects; a missing one is not an error (deleting twice is safe). */
  delete(keys: string[]): Promise<void>;
  /** A link that fetches the object until `expiresAtMs` (the services' clock), and not after. */
  downloadUrl(key: string, contentType: StoredContentType, expiresAtMs: number): Promise<string>;
  /** The object's size in bytes without reading it, or undefined when there is none. */
  size(key: string): Promise<number | undefined>;
  /**
   * A link a client PUTs an object's bytes to directly until `expiresAtMs`, so large files need
   * not pass through this server; undefined where the store cannot sign one (the local folder).
   */
  uploadUrl(key: string, expiresAtMs: number): Promise<string | undefined>;
  /** Every stored key, a page at a time (for the sweep of files nothing refers to any more). */
  list(): AsyncIterable<string[]>;
}

/** `<orgId>/<name>`: a uuid, then a plain file name (no separators, no dot-dot). */
const keyPattern =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

export function checkKey(key: string): string {
  if (!keyPattern.test(key) || key.includes('..')) throw new Error(`not a storage key: ${key}`);
  return key;
}

export function storageKey(orgId: string, name: string): string {
  return checkKey(`${orgId}/${name}`);
}

export interface StorageSettings {
  kind: 'local' | 's3';
  /** s3 only. */
  s3?: {
    bucket: string;
    region: string;
    /** For R2, MinIO and other S3-compatible stores; unset for AWS. */
    endpoint?: string | undefined;
    accessKeyId?: string | undefined;
    secretAccessKey?: string | undefined;
    /** Path-style addressing (`endpoint/bucket/key`), which MinIO and most self-hosted stores need. */
    forcePathStyle: boolean;
  };
}

/**
 * The storage the configuration asks for. The local folder is `<data dir>/files`; with an
 * in-memory database (tests, demos) a fresh temporary folder, so nothing is left in the project.
 */
export function createStorage(config: Config, { now }: { now: () => number }): Storage {
  const settings = config.storage ?? { kind: 'local' };
  if (settings.kind === 's3' && settings.s3) return new S3Storage(settings.s3, { now });
  const folder =
    config.dataDir === 'memory://'
      ? mkdtempSync(join(tmpdir(), 'crewkit-files-'))
      : join(config.dataDir, 'files');
  return new LocalStorage(folder, { secret: config.secret, publicUrl: config.publicUrl });
}
