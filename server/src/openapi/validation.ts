import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FieldError } from '../errors.js';
import type { JsonSchema, Operation, Spec } from './spec.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ??
  formatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

const defsId = 'https://crewkit.dev/openapi.json';

/** Points the spec's `#/components/schemas/X` refs at the `$defs` of the schema Ajv knows. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) =>
        key === '$ref' && typeof inner === 'string'
          ? [key, inner.replace('#/components/schemas/', `${defsId}#/$defs/`)]
          : [key, rewriteRefs(inner)],
      ),
    );
  }
  return value;
}

/**
 * Dates the business can mean. RFC 3339 allows years 0000–9999 and a leap second, but PostgreSQL
 * has no year 0, JavaScript's Date turns second 60 into Invalid Date, and a schedule reaching year
 * 9999 is a typo that would have the availability engine walk millennia.
 */
const earliestYear = 1900;
const latestYear = 2200;

function plausibleYear(value: string): boolean {
  const year = Number(value.slice(0, 4));
  return year >= earliestYear && year <= latestYear;
}

const rfcDate = fullFormats.date as { validate: (value: string) => boolean };
const rfcDateTime = fullFormats['date-time'] as { validate: (value: string) => boolean };

const businessFormats = {
  date: (value: string) => rfcDate.validate(value) && plausibleYear(value),
  // Seconds sit at index 17 whatever the offset; a leap second is the only way to spell 60 there.
  'date-time': (value: string) =>
    rfcDateTime.validate(value) && plausibleYear(value) && value.slice(17, 19) !== '60',
};

function createAjv(spec: Spec, options: { coerceTypes?: 'array'; useDefaults: boolean }): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, ...options });
  addFormats(ajv);
  for (const [name, validate] of Object.entries(businessFormats))
    ajv.addFormat(name, { type: 'string', validate });
  // OpenAPI's own annotation keywords are allowed in schemas; Ajv should ignore them, not fail.
  ajv.addKeyword({ keyword: 'example' });
  const schemas = ((spec.document.components as Record<string, unknown>)?.schemas ?? {}) as object;
  ajv.addSchema({ $id: defsId, $defs: rewriteRefs(schemas) as object });
  return ajv;
}

function toFieldErrors(prefix: string, errors: ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const segments = e.instancePath.split('/').filter(Boolean);
      if (e.keyword === 'required') segments.push(String(e.params.missingProperty));
      if (e.keyword === 'additionalProperties') segments.push(String(e.params.additionalProperty));
      const path = [prefix, ...segments].join('.');
      const message =
        e.keyword === 'additionalProperties'
          ? 'is not a known property'
          : e.keyword === 'required'
            ? 'is required'
            : e.keyword === 'enum'
              ? `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`
              : (e.message ?? 'is invalid');
      return { path, message };
    });
}

// A UTF-16 surrogate without its partner: JSON can spell it (\ud800), UTF-8 cannot encode it.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unstorable(text: string): string | undefined {
  // PostgreSQL cannot store U+0000 in text or jsonb and fails the whole query.
  if (text.includes('\u0000')) return 'must not contain a NUL character';
  // The driver would silently store U+FFFD instead: refused, rather than changed without a word.
  if (loneSurrogate.test(text)) return 'must be well-formed Unicode (no lone surrogates)';
  return undefined;
}

/**
 * Text the database cannot hold as sent, anywhere in a request — values and keys, every field of
 * every operation — refused here once, naming where it was.
 */
function unstorableFields(prefix: string, value: unknown): FieldError[] {
  const found: FieldError[] = [];
  const pending: Array<[string, unknown]> = [[prefix, value]];
  while (pending.length > 0) {
    const [path, current] = pending.pop()!;
    if (typeof current === 'string') {
      const message = unstorable(current);
      if (message) found.push({ path, message });
    } else if (current && typeof current === 'object') {
      for (const [key, inner] of Object.entries(current)) {
        const message = unstorable(key);
        if (message) found.push({ path, message: `has a key that ${message}` });
        else pending.push([`${path}.${key}`, inner]);
      }
    }
  }
  return found;
}

export interface RequestInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}

export interface RawRequest {
  params: Record<string, string>;
  /** Every query parameter with all its values, in order. */
  query: Record<string, string[]>;
  header(name: string): string | undefined;
  /** Undefined when the request has no body. */
  body: unknown;
}

type Location = 'path' | 'query' | 'header';

interface CompiledOperation {
  locations: Array<{ location: Location; validate: ValidateFunction; arrays: Set<string> }>;
  body?: ValidateFunction;
}

/**
 * Validates requests from the spec itself: each operation's parameters and body are compiled to
 * Ajv validators the first time the operation is called, so the spec is the only definition.
 */
export class RequestValidator {
  readonly #paramAjv: Ajv2020;
  readonly #bodyAjv: Ajv2020;
  readonly #compiled = new Map<string, CompiledOperation>();

  constructor(spec: Spec) {
    this.#paramAjv = createAjv(spec, { coerceTypes: 'array', useDefaults: true });
    this.#bodyAjv = createAjv(spec, { useDefaults: true });
  }

  #compile(op: Operation): CompiledOperation {
    const locations = (['path', 'query', 'header'] as const).map((location) => {
      const params = op.parameters.filter((p) => p.in === location);
      const properties = Object.fromEntries(
        params.map((p) => [location === 'header' ? p.name.toLowerCase() : p.name, rewriteRefs(p.schema)]),
      );
      const required = params
        .filter((p) => p.required)
        .map((p) => (location === 'header' ? p.name.toLowerCase() : p.name));
      const arrays = new Set(params.filter((p) => p.schema.type === 'array').map((p) => p.name));
      const schema = { type: 'object', properties, required, additionalProperties: true };
      return { location, validate: this.#paramAjv.compile(schema), arrays };
    });
    const compiled: CompiledOperation = { locations };
    if (op.requestBody) compiled.body = this.#bodyAjv.compile(rewriteRefs(op.requestBody.schema) as object);
    return compiled;
  }

  /** Returns the coerced input, or the field errors that make the request invalid. */
  validate(op: Operation, raw: RawRequest): { input: RequestInput } | { errors: FieldError[] } {
    let compiled = this.#compiled.get(op.operationId);
    if (!compiled) {
      compiled = this.#compile(op);
      this.#compiled.set(op.operationId, compiled);
    }
    const errors: FieldError[] = [];
    const input: RequestInput = { params: {}, query: {}, headers: {}, body: undefined };
    for (const { location, validate, arrays } of compiled.locations) {
      const values: Record<string, unknown> = {};
      if (location === 'path') Object.assign(values, raw.params);
      if (location === 'query') {
        for (const [name, list] of Object.entries(raw.query)) {
          values[name] = arrays.has(name) ? list : list.at(-1);
        }
      }
      if (location === 'header') {
        for (const p of op.parameters.filter((param) => param.in === 'header')) {
          const value = raw.header(p.name);
          if (value !== undefined) values[p.name.toLowerCase()] = value;
        }
      }
      const prefix = location === 'path' ? 'path' : location;
      errors.push(...unstorableFields(prefix, values));
      if (!validate(values)) errors.push(...toFieldErrors(prefix, validate.errors));
      input[location === 'path' ? 'params' : location === 'query' ? 'query' : 'headers'] = values;
    }
    if (op.requestBody && compiled.body) {
      if (raw.body === undefined) {
        if (op.requestBody.required) errors.push({ path: 'body', message: 'is required' });
      } else {
        errors.push(...unstorableFields('body', raw.body));
        if (!compiled.body(raw.body)) errors.push(...toFieldErrors('body', compiled.body.errors));
      }
      input.body = raw.body;
    }
    return errors.length > 0 ? { errors } : { input };
  }
}

/**
 * Checks responses against the spec's schema for their status (tests use it on every response).
 * Returns a list of problems; empty means the response honours the contract.
 */
export class ResponseValidator {
  readonly #ajv: Ajv2020;
  readonly #compiled = new Map<JsonSchema, ValidateFunction>();

  constructor(spec: Spec) {
    this.#ajv = createAjv(spec, { useDefaults: false });
  }

  validate(op: Operation, status: number, contentType: string | null, body: string): string[] {
    const declared =
      op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
    const where = `${op.method.toUpperCase()} ${op.path} → ${status}`;
    if (!declared) return [`${where}: status not declared in openapi.yaml`];
    const mediaTypes = Object.keys(declared);
    if (mediaTypes.length === 0)
      return body.length === 0 ? [] : [`${where}: declared without a body, got one`];
    const type = contentType?.split(';')[0]?.trim() ?? '';
    if (!mediaTypes.includes(type))
      return [`${where}: content-type ${type || '(none)'}, spec has ${mediaTypes}`];
    const schema = declared[type];
    // A PDF or a CSV is checked by its content type, and a stream (text/event-stream) is text whose
    // messages the schema describes: only JSON bodies have a schema to hold them to.
    if (!schema || !/[/+]json$/.test(type)) return [];
    let validate = this.#compiled.get(schema);
    if (!validate) {
      validate = this.#ajv.compile(rewriteRefs(schema) as object);
      this.#compiled.set(schema, validate);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [`${where}: body is not JSON`];
    }
    if (validate(parsed)) return [];
    return toFieldErrors('body', validate.errors).map((e) => `${where}: ${e.path} ${e.message}`);
  }
}

/** Finds the operation a concrete request path belongs to. */
export function matchOperation(spec: Spec, method: string, pathname: string): Operation | undefined {
  const lower = method.toLowerCase();
  // The most specific template wins: /technicians/availability before /technicians/{technicianId}.
  const candidates = [...spec.operations].sort((a, b) => a.path.split('{').length - b.path.split('{').length);
  return candidates.find((op) => {
    if (op.method !== lower) return false;
    const pattern = new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return pattern.test(pathname);
  });
}
