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
 * An uploaded image without its metadata, upright, with a thumbnail. Metadata (EXIF, XMP, IPTC:
 * the photo's location, camera and time) never leaves the phone through Crewkit.
 * - A JPEG already upright keeps its pixels: its metadata segments are cut out of the file (no
 *   second lossy encoding, and a 5 MB photo is done in milliseconds instead of a full re-encode).
 * - Any other image, or a JPEG the camera stored sideways, is re-encoded upright by sharp, which
 *   writes no metadata unless asked.
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
    const header = await input.metadata();
    const upright = (header.orientation ?? 1) === 1;
    const thumbnail = input
      .clone()
      .rotate()
      .resize(thumbnailSize, thumbnailSize, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    if (type === 'image/jpeg' && upright) {
      const stripped = stripJpegMetadata(bytes);
      if (stripped) {
        return { bytes: stripped, thumbnail: await thumbnail, width: header.width!, height: header.height! };
      }
    }
    const rotated = input.clone().rotate();
    const encoded =
      type === 'image/jpeg'
        ? rotated.jpeg({ quality: 85 })
        : type === 'image/png'
          ? rotated.png()
          : type === 'image/webp'
            ? rotated.webp({ quality: 85 })
            : rotated.gif();
    const [main, small] = await Promise.all([encoded.toBuffer({ resolveWithObject: true }), thumbnail]);
    return {
      bytes: main.data,
      thumbnail: small,
      width: main.info.width,
      height: type === 'image/gif' ? (main.info.pageHeight ?? main.info.height) : main.info.height,
    };
  } catch {
    return undefined;
  }
}

const eoi = Buffer.from([0xff, 0xd9]);

/** APPn segments that carry metadata: APP1 (EXIF, XMP), APP3–APP13 (IPTC, vendors'), APP15. */
const metadataMarker = (marker: number) =>
  marker === 0xe1 || (marker >= 0xe3 && marker <= 0xed) || marker === 0xef || marker === 0xfe;

/**
 * The JPEG with its metadata segments (and comments) removed, everything else byte for byte: JFIF
 * (APP0), the ICC colour profile (APP2) and Adobe's colour transform (APP14) stay, since the
 * picture depends on them. Undefined if the file's structure is not what a JPEG's should be.
 */
export function stripJpegMetadata(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  const kept: Uint8Array[] = [bytes.subarray(0, 2)];
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    // Start of scan: the compressed picture follows, with no more metadata segments before it.
    // Cut at the end of image: whatever a file carries after it (a vendor's trailer, a page
    // appended to make a polyglot) is not the picture. Inside scans every 0xFF byte is followed
    // by 0x00 or a restart marker, so the first FF D9 is the end.
    if (marker === 0xda) {
      const end = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(eoi, offset);
      if (end < 0) return undefined;
      kept.push(bytes.subarray(offset, end + 2));
      return Buffer.concat(kept);
    }
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    if (length < 2 || offset + 2 + length > bytes.length) return undefined;
    if (!metadataMarker(marker)) kept.push(bytes.subarray(offset, offset + 2 + length));
    offset += 2 + length;
  }
  return undefined;
}
