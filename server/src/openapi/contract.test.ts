import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test-support/harness.js';
import { createApp, handlers, infrastructureRoutes } from '../app.js';
import { createLogger } from '../logger.js';
import { loadSpec, parseSpec } from './spec.js';

const spec = loadSpec();

describe('the contract', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(() => t.close());

  it('gives every operation in openapi.yaml a route', () => {
    const routes = new Set(t.app.routes.map((r) => `${r.method} ${r.path}`));
    const missing = spec.operations.filter((op) => !routes.has(`${op.method.toUpperCase()} ${op.routePath}`));
    expect(missing.map((op) => op.operationId)).toEqual([]);
  });

  it('has no route that is not an operation in openapi.yaml', () => {
    const operations = new Set(spec.operations.map((op) => `${op.method.toUpperCase()} ${op.routePath}`));
    const extra = t.app.routes
      .filter((r) => r.method !== 'ALL') // middleware
      .filter((r) => !operations.has(`${r.method} ${r.path}`))
      .filter((r) => !(infrastructureRoutes as readonly string[]).includes(r.path));
    expect(extra.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('has exactly one handler per operation', () => {
    expect(Object.keys(handlers).sort()).toEqual(spec.operations.map((op) => op.operationId).sort());
  });

  it('refuses to build an app whose spec has an operation without a handler', () => {
    const text = `openapi: 3.1.0
info: { title: t, version: '1' }
paths:
  /api/v1/nothing:
    get:
      operationId: notImplemented
      responses: { '200': { description: ok } }
`;
    expect(() =>
      createApp(
        { database: t.database, config: t.config, logger: createLogger({ level: 'silent' }) },
        parseSpec(text),
      ),
    ).toThrow(/notImplemented has no handler/);
  });

  it('serves the contract itself and an API reference page', async () => {
    const yaml = await t.request('GET', '/openapi.yaml');
    expect(yaml.status).toBe(200);
    expect(yaml.text).toContain('openapi: 3.1.0');
    const docs = await t.request('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('/openapi.yaml');
    const script = await t.app.request('/docs/scalar.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
  });
});
