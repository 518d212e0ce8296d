import { Writable } from 'node:stream';
import { createFakeAscora, DEMO_API_KEY } from '@crewkit/ascora/fake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test-support/harness.js';
import { createLogger } from '../logger.js';
import { connectAscora } from './connection.js';

describe('reconnecting to Ascora', () => {
  let t: TestContext;
  const fake = createFakeAscora();
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    t = await createTestContext();
    ({ url, close } = await fake.listen(0));
  });
  afterAll(async () => {
    await close();
    await t.close();
  });

  it('treats webhooks Ascora no longer has as removed, quietly, and registers new ones', async () => {
    let written = '';
    const logger = createLogger({
      level: 'warn',
      destination: new Writable({
        write(chunk, _encoding, done) {
          written += chunk;
          done();
        },
      }) as never,
    });
    const org = await t.createOrg();
    // The fake Ascora listens on 127.0.0.1, which only a server allowing private URLs may call.
    const deps = {
      db: t.database.db,
      secret: t.config.secret,
      logger,
      now: t.services.now,
      urls: { allowPrivate: true },
    };
    const input = { apiKey: DEMO_API_KEY, baseUrl: url, publicBaseUrl: 'https://crewkit.example' };
    await connectAscora(deps, org.orgId, input);
    expect(fake.store.webhooks.size).toBe(5);
    // The demo's Ascora restarts empty; a real one may have had them deleted by hand.
    fake.store.webhooks.clear();
    const again = await connectAscora(deps, org.orgId, input);
    expect(fake.store.webhooks.size).toBe(5);
    expect(again.connection.webhookSubscriptionIds).toHaveLength(5);
    expect(written).toBe('');
  });
});
