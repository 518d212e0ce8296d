/**
 * Builds the malformed-input sweep from openapi.yaml: a request that passes validation for each
 * operation, and for each of its parameters and body fields the values no valid request holds.
 */
import type { JsonSchema, Operation, Spec } from '../../server/src/openapi/spec.js';

type Obj = Record<string, unknown>;

/** A mulberry32 generator: the same seed picks the same cases on every run and machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every string the sweep makes up carries this, so a test can look for it where it must not be. */
export const marker = 'sweep7f3a';

// Sample values for the spec's patterns, which a generator cannot invent.
const patternSamples: Record<string, string> = {
  '^[A-Z]{3}$': 'AUD',
  '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$': 'en-AU',
  '^https?://[^/\\s?#@]+$': 'https://shop.example',
  '^([01][0-9]|2[0-3]):[0-5][0-9]$': '09:00',
  '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$': '17:00',
  '^[A-Z]{2}$': 'AU',
  '^[!-~]+$': `${marker}-key`,
  '^[A-Za-z0-9._-]+$': `org.1.${'x'.repeat(43)}`,
};

export class SchemaSampler {
  constructor(
    private readonly spec: Spec,
    /** A real id for a field or parameter name (`technicianId`, `serviceItemId`…), if there is one. */
    private readonly idFor: (name: string) => string,
  ) {}

  resolve(schema: JsonSchema): JsonSchema {
    let current = schema;
    while (typeof current.$ref === 'string') {
      const name = current.$ref.replace('#/components/schemas/', '');
      current = ((this.spec.document.components as Obj).schemas as Obj)[name] as JsonSchema;
    }
    if (Array.isArray(current.allOf)) {
      const parts = (current.allOf as JsonSchema[]).map((part) => this.resolve(part));
      return {
        ...current,
        type: 'object',
        properties: Object.assign({}, ...parts.map((p) => p.properties ?? {}), current.properties ?? {}),
        required: [
          ...parts.flatMap((p) => (p.required as string[]) ?? []),
          ...((current.required as []) ?? []),
        ],
      };
    }
    const choice = (current.oneOf ?? current.anyOf) as JsonSchema[] | undefined;
    if (choice) return this.resolve(choice.find((c) => this.resolve(c).type !== 'null') ?? choice[0]!);
    return current;
  }

  /** The JSON type a schema asks for (the first that is not null). */
  typeOf(schema: JsonSchema): string | undefined {
    const resolved = this.resolve(schema);
    const type = resolved.type;
    if (Array.isArray(type)) return type.find((t) => t !== 'null');
    if (typeof type === 'string') return type;
    if (resolved.properties) return 'object';
    if (resolved.enum) return typeof (resolved.enum as unknown[])[0];
    return undefined;
  }

  /** A value the schema accepts. */
  sample(schema: JsonSchema, name = ''): unknown {
    const s = this.resolve(schema);
    if ('const' in s) return s.const;
    if (Array.isArray(s.enum)) return s.enum.find((v) => v !== null);
    if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
    if (s.example !== undefined) return s.example;
    switch (this.typeOf(s)) {
      case 'string':
        return this.#sampleString(s, name);
      case 'integer':
      case 'number':
        return typeof s.minimum === 'number' ? s.minimum : 1;
      case 'boolean':
        return true;
      case 'array': {
        const count = Math.max(1, (s.minItems as number | undefined) ?? 1);
        return Array.from({ length: count }, () => this.sample((s.items as JsonSchema) ?? {}, name));
      }
      case 'object': {
        // The required members, then optional ones while `minProperties` asks for more (PATCH bodies).
        const properties = (s.properties as Obj | undefined) ?? {};
        const keys = [...((s.required as string[] | undefined) ?? [])];
        for (const key of Object.keys(properties)) {
          if (keys.length >= ((s.minProperties as number | undefined) ?? 0)) break;
          if (!keys.includes(key)) keys.push(key);
        }
        return Object.fromEntries(
          keys.map((key) => [key, this.sample((properties[key] as JsonSchema) ?? {}, key)]),
        );
      }
      default:
        return `${marker}`;
    }
  }

  #sampleString(s: JsonSchema, name: string): string {
    switch (s.format) {
      case 'uuid':
        return this.idFor(name);
      case 'date-time':
        return '2026-12-01T00:00:00Z';
      case 'date':
        return name === 'to' ? '2026-12-07' : '2026-12-01';
      case 'email':
        return `${marker}@example.com`;
      case 'uri':
        return 'https://example.com';
    }
    if (typeof s.pattern === 'string') {
      const known = patternSamples[s.pattern];
      if (!known) throw new Error(`test/support/malformed-input.ts: add a sample for pattern ${s.pattern}`);
      return known;
    }
    const min = (s.minLength as number | undefined) ?? 1;
    const max = (s.maxLength as number | undefined) ?? 64;
    return `${marker}-${name}`.padEnd(min, 'x').slice(0, Math.max(min, Math.min(max, 40)));
  }
}

/** One request of the sweep. */
export interface SweepCase {
  /** Where the odd value goes, e.g. `body.customer.email` or `query.from`. */
  where: string;
  /** What kind of odd value, e.g. `NUL` or `leap second`. */
  what: string;
  path: string;
  /** Already URL-encoded query string, without `?`. */
  query: string;
  /** The JSON text sent, if the operation has a body. */
  rawBody?: string;
  /** Header parameters sent, e.g. an Idempotency-Key. */
  headers?: Record<string, string>;
  /**
   * True: no valid request holds this value, so the answer must be a 4xx problem that changed
   * nothing. False: unusual but legitimate text (an emoji in a name); only a 5xx is a failure.
   */
  refused: boolean;
}

interface Mutation {
  what: string;
  value: unknown;
  refused: boolean;
}

const leapSecond = '2026-06-30T23:59:60Z';
// Stands in for 10,000 nested arrays until the body is text: JSON.stringify itself would overflow.
const deeplyNested = `${marker}-deeply-nested`;
const deeplyNestedText = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;

/** Odd values for a field of this schema, those always refused first. */
function mutationsFor(sampler: SchemaSampler, schema: JsonSchema, base: unknown): Mutation[] {
  const s = sampler.resolve(schema);
  const type = sampler.typeOf(s);
  const text = typeof base === 'string' ? base : marker;
  const refused = (what: string, value: unknown): Mutation => ({ what, value, refused: true });
  const tolerated = (what: string, value: unknown): Mutation => ({ what, value, refused: false });
  const list: Mutation[] = [refused('deep nesting', deeplyNested)];
  if (type === 'string') {
    list.push(
      refused('wrong type (number)', 42),
      refused('NUL', `${text}\u0000`),
      refused('lone surrogate', `${text}\uD800`),
    );
    if (typeof s.maxLength === 'number') list.push(refused('oversize', 'x'.repeat(s.maxLength + 1)));
    else if (!s.format && !s.enum && !s.pattern) list.push(tolerated('long', 'x'.repeat(20_000)));
    if (s.format === 'date-time') {
      list.push(
        refused('leap second', leapSecond),
        refused('year 0000', '0000-01-01T00:00:00Z'),
        refused('year 9999', '9999-12-31T23:59:59Z'),
      );
    }
    if (s.format === 'date')
      list.push(refused('year 0000', '0000-01-01'), refused('year 9999', '9999-12-31'));
    // Every pattern in the contract is anchored and narrow (codes, times, a key sent as a header).
    if (s.pattern) list.push(refused('CR/LF, RTL override and emoji', `${text}\r\n\u202E🙂`));
    if (!s.format && !s.enum && !s.pattern) {
      list.push(
        tolerated('RTL override', `\u202E${text}`),
        tolerated('emoji', `${text} 👩🏽‍🔧🙂`),
        tolerated('zero-width and combining', `${text}\u200B\u0301`),
      );
    }
  } else if (type === 'integer' || type === 'number') {
    list.push(refused('wrong type (string)', '12x'), refused('wrong type (object)', { n: 1 }));
    const beyond = (limit: unknown, step: number) => (typeof limit === 'number' ? limit + step : undefined);
    const over = beyond(s.maximum, 1);
    const under = beyond(s.minimum, -1);
    list.push(
      over === undefined ? tolerated('2^53', 2 ** 53) : refused('above maximum', over),
      under === undefined ? tolerated('-2^53', -(2 ** 53)) : refused('below minimum', under),
    );
    if (type === 'integer') list.push(refused('fraction', 1.5));
  } else if (type === 'boolean') {
    list.push(refused('wrong type (string)', 'yes'));
  } else if (type === 'array') {
    list.push(refused('wrong type (object)', {}));
  } else if (type === 'object') {
    list.push(refused('wrong type (array)', []), refused('NUL in a key', { [`${marker}\u0000`]: 1 }));
  }
  return list;
}

/** Odd values for a path or query parameter, as they travel: text in a URL. */
function parameterMutations(sampler: SchemaSampler, schema: JsonSchema, base: string): Mutation[] {
  const s = sampler.resolve(schema);
  const type = sampler.typeOf(s);
  const refused = (what: string, value: string): Mutation => ({ what, value, refused: true });
  const tolerated = (what: string, value: string): Mutation => ({ what, value, refused: false });
  // Undecodable escapes reach the server as the literal text "%FF", which is legitimate text.
  const list: Mutation[] = [
    refused('NUL', `${base}%00`),
    tolerated('invalid UTF-8', `${base}%FF`),
    tolerated('lone surrogate (CESU-8)', `${base}%ED%A0%80`),
  ];
  if (type === 'integer' || type === 'number') {
    list.push(refused('not a number', 'lots'), tolerated('2^64', '18446744073709551616'));
    if (typeof s.maximum === 'number') list.push(refused('above maximum', String(s.maximum + 1)));
  }
  if (type === 'boolean') list.push(refused('not a boolean', 'maybe'));
  if (type === 'string') {
    if (typeof s.maxLength === 'number') list.push(refused('oversize', 'x'.repeat(s.maxLength + 1)));
    if (s.format === 'date-time') {
      list.push(
        refused('leap second', encodeURIComponent(leapSecond)),
        refused('year 0000', encodeURIComponent('0000-01-01T00:00:00Z')),
        refused('year 9999', encodeURIComponent('9999-12-31T23:59:59Z')),
      );
    }
    if (s.format === 'date')
      list.push(refused('year 0000', '0000-01-01'), refused('year 9999', '9999-12-31'));
    if (!s.format && !s.enum && !s.pattern) {
      list.push(
        tolerated('RTL override', encodeURIComponent(`\u202E${base}`)),
        tolerated('emoji', encodeURIComponent(`${base}👩🏽‍🔧`)),
        tolerated('long', 'x'.repeat(4_000)),
      );
    }
  }
  return list;
}

/** Every field of an object schema, to `depth` levels, with its schema and path. */
function fieldsOf(
  sampler: SchemaSampler,
  schema: JsonSchema,
  path: string[] = [],
  depth = 3,
): Array<{ path: string[]; schema: JsonSchema }> {
  const s = sampler.resolve(schema);
  const found: Array<{ path: string[]; schema: JsonSchema }> = [];
  if (depth === 0) return found;
  for (const [key, inner] of Object.entries((s.properties as Obj | undefined) ?? {})) {
    const innerPath = [...path, key];
    found.push({ path: innerPath, schema: inner as JsonSchema });
    const innerType = sampler.typeOf(inner as JsonSchema);
    if (innerType === 'object') found.push(...fieldsOf(sampler, inner as JsonSchema, innerPath, depth - 1));
    if (innerType === 'array') {
      const items = sampler.resolve(inner as JsonSchema).items as JsonSchema | undefined;
      if (items && sampler.typeOf(items) === 'object')
        found.push(...fieldsOf(sampler, items, [...innerPath, '0'], depth - 1));
    }
  }
  return found;
}

/** `base` with the value at `path` replaced, creating the objects (and one-item arrays) on the way. */
function withValue(
  sampler: SchemaSampler,
  schema: JsonSchema,
  base: unknown,
  path: string[],
  value: unknown,
) {
  const copy = structuredClone(base) as Obj;
  let target: Obj = copy;
  let targetSchema = sampler.resolve(schema);
  for (const [index, key] of path.entries()) {
    const last = index === path.length - 1;
    const innerSchema =
      key === '0'
        ? (targetSchema.items as JsonSchema)
        : ((targetSchema.properties as Obj)[key] as JsonSchema);
    if (last) {
      target[key] = value;
      break;
    }
    if (target[key] === undefined || target[key] === null) target[key] = sampler.sample(innerSchema, key);
    target = target[key] as Obj;
    targetSchema = sampler.resolve(innerSchema);
  }
  return copy;
}

/**
 * The cases for one operation: every mutation that must be refused, and `tolerated` of the
 * legitimate-but-odd ones per field, picked by `random`.
 */
export function sweepCases(
  sampler: SchemaSampler,
  op: Operation,
  pathParams: Record<string, string>,
  random: () => number,
  tolerated = 3,
): SweepCase[] {
  const params = op.parameters.filter((p) => p.in === 'path' || p.in === 'query');
  const baseParams = Object.fromEntries(
    params.map((p) => [
      p.name,
      pathParams[p.name] ?? encodeURIComponent(String(sampler.sample(p.schema, p.name))),
    ]),
  );
  const requiredQuery = params.filter((p) => p.in === 'query' && p.required).map((p) => p.name);
  const bodySchema = op.requestBody?.schema;
  const baseBody = bodySchema ? sampler.sample(bodySchema) : undefined;
  const build = (
    paramValues: Record<string, string>,
    query: string[],
    body: unknown,
    partial: Partial<SweepCase>,
  ) =>
    ({
      path: op.path.replace(/\{([^}]+)\}/g, (_, name: string) => paramValues[name]!),
      query: query.map((name) => `${name}=${paramValues[name]}`).join('&'),
      ...(bodySchema
        ? { rawBody: JSON.stringify(body).replace(JSON.stringify(deeplyNested), deeplyNestedText) }
        : {}),
      ...partial,
    }) as SweepCase;

  const pick = (mutations: Mutation[]) => {
    const odd = mutations.filter((m) => !m.refused);
    const chosen: Mutation[] = [];
    for (let i = 0; i < tolerated && odd.length > 0; i += 1)
      chosen.push(...odd.splice(Math.floor(random() * odd.length), 1));
    return [...mutations.filter((m) => m.refused), ...chosen];
  };

  const cases: SweepCase[] = [];
  // Headers travel as bytes (no NUL, nothing beyond Latin-1), so only length and Latin-1 remain.
  for (const p of op.parameters.filter((param) => param.in === 'header')) {
    const s = sampler.resolve(p.schema);
    const mutations: Mutation[] = [{ what: 'Latin-1 text', value: `${marker}-clé-ñ`, refused: false }];
    if (typeof s.maxLength === 'number')
      mutations.push({ what: 'oversize', value: 'k'.repeat(s.maxLength + 1), refused: true });
    for (const m of mutations) {
      cases.push(
        build(baseParams, requiredQuery, baseBody, {
          where: `header.${p.name}`,
          what: m.what,
          refused: m.refused,
          headers: { [p.name]: m.value as string },
        }),
      );
    }
  }
  for (const p of params) {
    // The organization's id is checked against the credential before anything else runs.
    if (p.name === 'orgId') continue;
    const query = [...new Set([...requiredQuery, ...(p.in === 'query' ? [p.name] : [])])];
    for (const m of pick(parameterMutations(sampler, p.schema, baseParams[p.name]!))) {
      cases.push(
        build({ ...baseParams, [p.name]: m.value as string }, query, baseBody, {
          where: `${p.in}.${p.name}`,
          what: m.what,
          refused: m.refused,
        }),
      );
    }
  }
  if (bodySchema) {
    const fields = fieldsOf(sampler, bodySchema);
    const paths = [[] as string[], ...fields.map((f) => f.path)];
    const schemas = [bodySchema, ...fields.map((f) => f.schema)];
    for (const [index, path] of paths.entries()) {
      const mutations =
        path.length === 0
          ? mutationsFor(sampler, bodySchema, baseBody).filter((m) => m.refused)
          : pick(mutationsFor(sampler, schemas[index]!, sampler.sample(schemas[index]!, path.at(-1))));
      for (const m of mutations) {
        const body = path.length === 0 ? m.value : withValue(sampler, bodySchema, baseBody, path, m.value);
        cases.push(
          build(baseParams, requiredQuery, body, {
            where: ['body', ...path].join('.'),
            what: m.what,
            refused: m.refused,
          }),
        );
      }
    }
  }
  return cases;
}
