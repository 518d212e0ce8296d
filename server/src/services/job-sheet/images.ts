import sharp from 'sharp';
import type { StoredContentType } from '../../storage/storage.js';

export interface ProcessedImage {
  bytes: Uint8Array;
  thumbnail: Uint8Array;
  width: number;
  height: number;
}

/** Longest side of a thumbnail: sharp on a phone's job list, small enough for a slow connection. */
export const thumbnailSize = 320;

/** Anything larger is refused before it is decoded (a small file can claim a huge canvas). */
const maxPixels = 50_000_000;

/**
 * An uploaded image re-encoded upright and without metadata: sharp writes no EXIF, XMP or IPTC
 * unless asked, so the photo's location, camera and time never leave the phone through Crewkit.
 * Upright first (`rotate()` reads the EXIF orientation), since the orientation goes with the rest.
 * Undefined when the bytes do not decode (a truncated or forged file).
 */
export async function processImage(
  bytes: Uint8Array,
  type: Exclude<StoredContentType, 'application/pdf'>,
): Promise<ProcessedImage | undefined> {
  const input = sharp(bytes, {
    limitInputPixels: maxPixels,
    failOn: 'error',
    animated: type === 'image/gif',
  });
  try {
    const upright = input.clone().rotate();
    const encoded =
      type === 'image/jpeg'
        ? upright.jpeg({ quality: 85 })
        : type === 'image/png'
          ? upright.png()
          : type === 'image/webp'
            ? upright.webp({ quality: 85 })
            : upright.gif();
    const [main, thumbnail] = await Promise.all([
      encoded.toBuffer({ resolveWithObject: true }),
      input
        .clone()
        .rotate()
        .resize(thumbnailSize, thumbnailSize, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 75 })
        .toBuffer(),
    ]);
    return {
      bytes: main.data,
      thumbnail,
      width: main.info.width,
      height: type === 'image/gif' ? (main.info.pageHeight ?? main.info.height) : main.info.height,
    };
  } catch {
    return undefined;
  }
}
