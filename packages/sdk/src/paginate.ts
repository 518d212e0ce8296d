import { CrewkitError } from './errors.js';

interface Page<Item> {
  data: Item[];
  nextCursor: string | null;
}

/** What openapi-fetch resolves a list call to. */
interface PageResult<Item> {
  data?: Page<Item>;
  error?: unknown;
  response: Response;
}

/**
 * A list call: await it for the first page (`{ data, error, response }`, like any call), or iterate
 * it for every item of every page.
 */
export interface ListPromise<Item, Result> extends Promise<Result>, AsyncIterable<Item> {
  /** Collects at most `limit` items, following pages as needed. */
  toArray(options: { limit: number }): Promise<Item[]>;
}

type ItemOf<Result extends PageResult<unknown>> =
  NonNullable<Result['data']> extends Page<infer Item> ? Item : never;

/**
 * Turns a page fetcher into a ListPromise, so a list endpoint needs one line. The first page is
 * requested at once, like any other call (argument errors, such as a missing orgId, throw here), and
 * iteration starts from that same page instead of asking for it twice.
 */
export function paginate<Query extends { cursor?: string }, Result extends PageResult<unknown>>(
  query: Query,
  fetchPage: (query: Query) => Promise<Result>,
): ListPromise<ItemOf<Result>, Result> {
  type Item = ItemOf<Result>;
  const first = fetchPage(query);
  // Someone who only iterates awaits `first` later; until then its failure must not count as unhandled.
  first.catch(() => {});

  async function* items(): AsyncGenerator<Item, void, undefined> {
    let page: Result = await first;
    for (;;) {
      // A failed page cannot be returned from the middle of a loop, so it is thrown.
      if (page.data === undefined) throw new CrewkitError(page.response, page.error);
      yield* page.data.data as Item[];
      if (!page.data.nextCursor) return;
      page = await fetchPage({ ...query, cursor: page.data.nextCursor });
    }
  }

  function toArray(options: { limit: number }): Promise<Item[]> {
    const limit = options?.limit;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new TypeError(
        'toArray() needs { limit } (a whole number ≥ 1): a list can be far larger than you expect, ' +
          'and collecting all of it would fetch every page into memory. To visit every item, use for await…of.',
      );
    }
    return (async () => {
      const collected: Item[] = [];
      for await (const item of items()) {
        if (collected.push(item) >= limit) break;
      }
      return collected;
    })();
  }

  return Object.assign(first, { [Symbol.asyncIterator]: items, toArray });
}
