import { Writable } from 'node:stream';
import { createAscoraClient } from '@crewkit/ascora';
import { createFakeAscora } from '@crewkit/ascora/fake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';

const apiKey = 'ascora_integration_key_never_logged';

describe('Ascora failures written to the log', () => {
  const fake = createFakeAscora({ apiKeys: [apiKey] });
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ url, close } = await fake.listen(0));
  });
  afterAll(() => close());

  async function loggedFailure(options: { key?: string; baseUrl?: string }): Promise<string> {
    let written = '';
    const logger = createLogger({
      destination: new Writable({
        write(chunk, _encoding, done) {
          written += chunk;
          done();
        },
      }) as never,
    });
    const client = createAscoraClient({
      baseUrl: options.baseUrl ?? url,
      apiKey: options.key ?? apiKey,
      retry: { limit: 0 },
      timeouts: { probeMs: 200 },
    });
    await expect(client.probe()).rejects.toThrow();
    await client.probe().catch((error: unknown) => logger.error({ err: error }, 'ascora call failed'));
    return written;
  }

  it('never carry the API key, whatever went wrong', async () => {
    fake.faults.errorRate = 1;
    const serverError = await loggedFailure({});
    fake.faults.errorRate = 0;
    fake.faults.timeoutRate = 1;
    fake.faults.timeoutMs = 1_000;
    const timeout = await loggedFailure({});
    fake.faults.timeoutRate = 0;
    const rejected = await loggedFailure({ key: `${apiKey}_wrong` });
    const unreachable = await loggedFailure({ baseUrl: 'http://127.0.0.1:9' });

    for (const written of [serverError, timeout, rejected, unreachable]) {
      expect(written).toContain('ascora call failed');
      expect(written).not.toContain(apiKey);
    }
    expect(rejected).toContain('AscoraAuthenticationError');
  });
});
