import { randomFillSync } from 'node:crypto';

// Random bytes drawn from the operating system's generator 8 KiB at a time and handed out in
// slices, as Node's own randomUUID does: one call per id was a few percent of a busy booking
// server's CPU (every booking makes several ids and a reference).
const pool = Buffer.alloc(8192);
let poolOffset = pool.length;

/** `size` fresh cryptographically random bytes (a copy: nothing else is handed the same ones). */
export function randomBytesPooled(size: number): Buffer {
  if (size > pool.length) return randomFillSync(Buffer.alloc(size));
  if (poolOffset + size > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + size));
  poolOffset += size;
  return bytes;
}

let lastMs = 0;
let sequence = 0;

/**
 * UUIDv7 (RFC 9562): time-ordered, so ids sort by creation and double as pagination cursors, and
 * new rows land at the end of the primary-key index instead of at random pages. Within one
 * millisecond a 12-bit counter (RFC 9562 §6.2, method 1) keeps ids of one process in creation
 * order, so a batch inserted together lists in the order it was made.
 */
/**
 * Forgets the last id's time. Only for test files that share a process (vitest runs them one after
 * another in a worker): each starts its own injected clock, which may be earlier than the one
 * before, and ids must follow it there rather than keep counting on from another file's future.
 */
export function resetIdClock(): void {
  lastMs = 0;
  sequence = 0;
}

export function newId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    // 4,096 ids in one millisecond: borrow the next millisecond rather than lose the order.
    lastMs += 1;
    sequence = 0;
  }
  const bytes = randomBytesPooled(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
