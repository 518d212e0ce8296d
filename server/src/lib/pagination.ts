import { ApiError } from '../errors.js';

/**
 * Cursors are opaque to clients. Ids are UUIDv7, so "after this id" is creation order and a page
 * is one index range scan however deep the client has paged.
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const { after } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof after === 'string' && uuid.test(after)) return after;
  } catch {
    // fall through to the problem below
  }
  throw new ApiError('validation_failed', {
    errors: [
      { path: 'query.cursor', message: 'is not a cursor this API issued; pass a previous nextCursor' },
    ],
  });
}

/** Pages are fetched with limit + 1 rows: the extra row only tells whether another page exists. */
export function toPage<T extends { id: string }, R>(rows: T[], limit: number, serialize: (row: T) => R) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(serialize),
    nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
  };
}
