import { type LiveEvent, type LiveStreamOptions, readLiveEvents } from '../event-stream.js';
import type { Context } from './context.js';

export const liveEvents = ({ client, org }: Context) => ({
  /**
   * The organization's domain changes as they happen (`streamEvents`), for as long as you iterate:
   * `for await (const event of crewkit.liveEvents.stream({ signal }))`. Reconnects by itself and
   * resumes where it left off; abort `signal` to stop.
   */
  stream: ({ orgId, ...options }: LiveStreamOptions & { orgId?: string } = {}): AsyncGenerator<LiveEvent> => {
    const id = org(orgId);
    return readLiveEvents(async (lastEventId, signal) => {
      const { response, error } = await client.GET('/api/v1/organizations/{orgId}/events/stream', {
        params: {
          path: { orgId: id },
          header: lastEventId ? { 'Last-Event-ID': lastEventId } : {},
        },
        parseAs: 'stream',
        signal,
      });
      return { response, error };
    }, options);
  },
});
