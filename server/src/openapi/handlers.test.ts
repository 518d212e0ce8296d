import { describe, expect, it } from 'vitest';
import { queryDefaults } from './handlers.js';
import { loadSpec } from './spec.js';
import { RequestValidator } from './validation.js';

const spec = loadSpec();

describe('query parameter defaults', () => {
  it('are listed for handlers exactly where openapi.yaml declares them', () => {
    const declared = Object.fromEntries(
      spec.operations
        .map((op): [string, string[]] => [
          op.operationId,
          op.parameters.filter((p) => p.in === 'query' && p.schema.default !== undefined).map((p) => p.name),
        ])
        .filter(([, names]) => names.length > 0),
    );
    expect(queryDefaults).toEqual(declared);
  });

  it('are filled in by the validator, so a handler never needs to repeat them', () => {
    const validator = new RequestValidator(spec);
    const result = validator.validate(spec.byId.get('listApiKeys')!, {
      params: { orgId: '01890000-0000-7000-8000-000000000000' },
      query: {},
      header: () => undefined,
      body: undefined,
    });
    expect(result).toMatchObject({ input: { query: { limit: 25, includeRevoked: false } } });
  });
});
