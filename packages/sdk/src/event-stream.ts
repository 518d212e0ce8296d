import { CrewkitError } from './errors.js';
import type { components } from './generated/openapi.js';

/** One domain change from the live stream. */
export interface LiveEvent extends Omit<components['schemas']['StreamedEvent'], 'data'> {
  data: Record<string, unknown>;
  /** The stream's `id:` for it: hand it back as `lastEventId` to resume after it. */
  position: string;
}

export interface LiveStreamOptions {
  /** Resume after this event (`LiveEvent.position`); without it the stream starts at the next change. */
  lastEventId?: string;
  /** Ends the stream: iteration finishes without an error. */
  signal?: AbortSignal;
  /** Told each time the stream is (re)opened and each time it drops, e.g. to show "reconnecting…". */
  onStatus?: (status: 'open' | 'reconnecting') => void;
}

/**
 * Opens the stream once; the caller (the SDK's resource) adds the credential and `Last-Event-ID`.
 * A refusal comes with its problem document already read (`error`).
 */
export type OpenStream = (
  lastEventId: string | undefined,
  signal: AbortSignal,
) => Promise<{ response: Response; error?: unknown }>;

/** Not public options: tests make reconnecting immediate. */
export interface StreamHooks {
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * The live stream as an async iterable that outlives its connections: when one drops (a proxy's
 * timeout, a server restart, a laptop waking up) it opens another after the server's `retry:` delay
 * and resumes after the last event seen, so nothing is missed and nothing comes twice. It ends when
 * `signal` aborts; a refusal that no retry can fix (401, 403, 404, 400) is thrown as a CrewkitError.
 */
export async function* readLiveEvents(
  open: OpenStream,
  { lastEventId, signal, onStatus }: LiveStreamOptions,
  { sleep = wait }: StreamHooks = {},
): AsyncGenerator<LiveEvent, void, undefined> {
  const stop = signal ?? new AbortController().signal;
  let last = lastEventId;
  let retryMs = 2000;
  while (!stop.aborted) {
    let response: Response | undefined;
    try {
      const opened = await open(last, stop);
      response = opened.response;
      // The sender already retried 429 and 503 as far as it would; anything else is not transient.
      if (!response.ok && ![429, 502, 503, 504].includes(response.status)) {
        throw new CrewkitError(response, opened.error);
      }
    } catch (error) {
      if (stop.aborted) return;
      if (!(error instanceof TypeError)) throw error;
    }
    if (response?.ok && response.body) {
      onStatus?.('open');
      try {
        for await (const message of messagesOf(response.body, stop)) {
          if (message.retry !== undefined) retryMs = message.retry;
          // An id without data moves the resume point too (as in EventSource).
          if (message.id) last = message.id;
          if (!message.data) continue;
          const event = JSON.parse(message.data) as Omit<LiveEvent, 'position'>;
          yield { ...event, position: message.id ?? '' };
        }
      } catch (error) {
        if (stop.aborted) return;
        // A dropped connection ends the read with a TypeError (or an abort from below): reconnect.
        if (!(error instanceof TypeError) && !(error instanceof DOMException)) throw error;
      }
    }
    if (stop.aborted) return;
    onStatus?.('reconnecting');
    try {
      await sleep(retryMs, stop);
    } catch {
      return;
    }
  }
}

interface Message {
  id?: string;
  event?: string;
  data: string;
  retry?: number;
}

/** Parses `text/event-stream` as the HTML standard defines it (fields, comments, CRLF or LF). */
async function* messagesOf(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncGenerator<Message> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const cancel = () => void reader.cancel().catch(() => {});
  signal.addEventListener('abort', cancel, { once: true });
  let buffer = '';
  let message: Message = { data: '' };
  let dataLines: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') {
          if (dataLines.length > 0 || message.retry !== undefined || message.id !== undefined) {
            yield { ...message, data: dataLines.join('\n') };
          }
          message = { data: '' };
          dataLines = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') dataLines.push(value);
        else if (field === 'id') message.id = value;
        else if (field === 'event') message.event = value;
        else if (field === 'retry' && /^\d+$/.test(value)) message.retry = Number(value);
      }
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    cancel();
  }
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}
