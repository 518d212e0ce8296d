import { createHmac } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { constantTimeEqual, deriveKey } from '../lib/crypto.js';
import { newId } from '../lib/ids.js';
import { checkKey, type Storage, type StoredContentType } from './storage.js';

/**
 * Files in a folder on this machine: zero setup. Downloads go through this server's `downloadFile`
 * operation, on links signed with a key derived from CREWKIT_SECRET (so every instance sharing the
 * secret and the folder accepts them).
 */
export class LocalStorage implements Storage {
  readonly kind = 'local' as const;
  readonly #folder: string;
  readonly #key: Buffer;
  readonly #base: string;

  constructor(folder: string, { secret, publicUrl }: { secret: string; publicUrl?: string | undefined }) {
    this.#folder = folder;
    this.#key = deriveKey(secret, 'file-links');
    // Relative without a public URL: the client resolves it against the API it called.
    this.#base = publicUrl ?? '';
  }

  #path(key: string): string {
    return join(this.#folder, checkKey(key));
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    // Written aside and renamed: a reader never sees half a file, a crash leaves no torn one.
    const partial = `${path}.${newId()}.partial`;
    await writeFile(partial, bytes);
    await rename(partial, path);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.#path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.#path(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.#path(key), { force: true })));
  }

  async downloadUrl(key: string, contentType: StoredContentType, expiresAtMs: number): Promise<string> {
    const [orgId, name] = checkKey(key).split('/') as [string, string];
    const expires = Math.floor(expiresAtMs / 1000);
    const query = new URLSearchParams({
      expires: String(expires),
      type: contentType,
      signature: this.sign(key, contentType, expires),
    });
    return `${this.#base}/api/v1/organizations/${orgId}/files/${name}?${query}`;
  }

  async uploadUrl(): Promise<undefined> {
    return undefined;
  }

  /** One page per organization's folder; a folder not made yet holds nothing. */
  async *list(): AsyncIterable<string[]> {
    const folders = await readdir(this.#folder, { withFileTypes: true }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      },
    );
    for (const folder of folders) {
      if (!folder.isDirectory()) continue;
      const files = await readdir(join(this.#folder, folder.name), { withFileTypes: true });
      yield files.filter((file) => file.isFile()).map((file) => `${folder.name}/${file.name}`);
    }
  }

  sign(key: string, contentType: string, expires: number): string {
    return createHmac('sha256', this.#key).update(`${key}\n${contentType}\n${expires}`).digest('base64url');
  }

  /** Whether a link's signature is this server's for exactly this key, type and expiry. */
  verify(key: string, contentType: string, expires: number, signature: string): boolean {
    return constantTimeEqual(this.sign(key, contentType, expires), signature);
  }
}
