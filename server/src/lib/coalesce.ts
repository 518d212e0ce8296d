/**
 * Gathers the single lookups asked for in one turn of the event loop into one call for them all.
 * Requests that finish together (a group-commit batch of bookings settles its callers at once) then
 * cost one round trip to the database between them, not one each, and every caller still gets
 * exactly its own answer. A failure reaches every caller of that call.
 */
export class Coalescer<K, V> {
  readonly #loadMany: (keys: K[]) => Promise<V[]>;
  #pending: Array<{ key: K; resolve: (value: V) => void; reject: (error: unknown) => void }> = [];

  /** `loadMany` answers the keys in the order it was given them. */
  constructor(loadMany: (keys: K[]) => Promise<V[]>) {
    this.#loadMany = loadMany;
  }

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      // After the callers settled in this turn have all asked (their continuations are microtasks).
      if (this.#pending.length === 0) setImmediate(() => void this.#flush());
      this.#pending.push({ key, resolve, reject });
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    try {
      const values = await this.#loadMany(batch.map((entry) => entry.key));
      for (const [i, entry] of batch.entries()) entry.resolve(values[i]!);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}
