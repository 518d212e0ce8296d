import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { StorageSettings } from './storage.js';
import { checkKey, type Storage, type StoredContentType } from './storage.js';

type S3Settings = NonNullable<StorageSettings['s3']>;

/**
 * Any S3-compatible store (AWS S3, Cloudflare R2, MinIO) through the official SDK. Downloads and
 * uploads are presigned links to the bucket itself, so file bytes need not pass through this
 * server; the store refuses a link after its expiry, or for any other key.
 */
export class S3Storage implements Storage {
  readonly kind = 's3' as const;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #now: () => number;

  constructor(settings: S3Settings, { now }: { now: () => number }) {
    this.#bucket = settings.bucket;
    this.#now = now;
    this.#client = new S3Client({
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      // Checksums only where S3 requires them: presigned PUTs from browsers cannot know a CRC in
      // advance, and several S3-compatible stores reject the newer checksum headers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...(settings.accessKeyId && settings.secretAccessKey
        ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
        : {}),
    });
  }

  async put(key: string, bytes: Uint8Array, contentType: StoredContentType): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: checkKey(key),
        Body: bytes,
        ContentType: contentType,
      }),
    );
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const answer = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: checkKey(key) }),
      );
      return await answer.Body!.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: checkKey(key) }),
      );
      return head.ContentLength;
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return undefined;
      throw error;
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#client.send(
      new DeleteObjectsCommand({
        Bucket: this.#bucket,
        Delete: { Objects: keys.map((key) => ({ Key: checkKey(key) })), Quiet: true },
      }),
    );
  }

  downloadUrl(key: string, contentType: StoredContentType, expiresAtMs: number): Promise<string> {
    return this.#sign(
      new GetObjectCommand({ Bucket: this.#bucket, Key: checkKey(key), ResponseContentType: contentType }),
      expiresAtMs,
    );
  }

  /** Any content type may be sent: the server judges the bytes when the upload is attached. */
  uploadUrl(key: string, expiresAtMs: number): Promise<string> {
    return this.#sign(new PutObjectCommand({ Bucket: this.#bucket, Key: checkKey(key) }), expiresAtMs);
  }

  async *list(): AsyncIterable<string[]> {
    for await (const page of paginateListObjectsV2({ client: this.#client }, { Bucket: this.#bucket })) {
      yield (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
    }
  }

  /** Signed on the services' clock, so a link's life is what the caller asked for. */
  #sign(command: GetObjectCommand | PutObjectCommand, expiresAtMs: number): Promise<string> {
    const now = this.#now();
    return getSignedUrl(this.#client, command, {
      signingDate: new Date(now),
      expiresIn: Math.max(1, Math.round((expiresAtMs - now) / 1000)),
    });
  }

  close(): void {
    this.#client.destroy();
  }
}
