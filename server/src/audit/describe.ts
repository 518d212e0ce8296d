import type { JsonSchema, Operation, Spec } from '../openapi/spec.js';

type Obj = Record<string, unknown>;

/** What the audit log says an operation changed. */
export const changedMarker = 'changed';

/**
 * Where a value cannot be personal data or a secret — a choice from a list, a yes/no, a number, an
 * id, a date — the log keeps it. Free text can be a name, an email address, a phone number, a note
 * or a key, so the log says only that it changed. Decided from the contract, not field by field, so
 * a field added to the spec later is masked unless its type says it is safe.
 */
export class ChangeDescriber {
  readonly #schemas: Obj;

  constructor(spec: Spec) {
    this.#schemas = ((spec.document.components as Obj | undefined)?.schemas ?? {}) as Obj;
  }

  /** The body's fields, with nested objects as dotted names (`bookingSettings.horizonDays`). */
  describe(schema: JsonSchema | undefined, body: unknown, prefix = ''): Record<string, unknown> {
    if (!isObject(body)) return {};
    const properties = schema ? this.#properties(schema) : {};
    const changes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      const name = `${prefix}${key}`;
      const field = properties[key] ? this.#resolve(properties[key]) : undefined;
      if (isObject(value)) Object.assign(changes, this.describe(field, value, `${name}.`));
      else changes[name] = this.#safe(field, value) ? value : changedMarker;
    }
    return changes;
  }

  #safe(schema: JsonSchema | undefined, value: unknown): boolean {
    if (value === null || typeof value === 'boolean' || typeof value === 'number') return true;
    if (!schema) return false;
    if (Array.isArray(value)) {
      const items = schema.items ? this.#resolve(schema.items as JsonSchema) : undefined;
      return value.every((item) => !isObject(item) && this.#safe(items, item));
    }
    if (typeof value !== 'string') return false;
    if (Array.isArray(schema.enum) || 'const' in schema) return true;
    return ['uuid', 'date', 'date-time'].includes(schema.format as string);
  }

  #resolve(schema: JsonSchema): JsonSchema {
    let current = schema;
    while (typeof current.$ref === 'string') {
      current = this.#schemas[current.$ref.replace('#/components/schemas/', '')] as JsonSchema;
    }
    return current;
  }

  /** Every property the schema may have, across allOf, oneOf and anyOf. */
  #properties(schema: JsonSchema): Record<string, JsonSchema> {
    const resolved = this.#resolve(schema);
    const parts = [
      ...((resolved.allOf as JsonSchema[]) ?? []),
      ...((resolved.oneOf as JsonSchema[]) ?? []),
      ...((resolved.anyOf as JsonSchema[]) ?? []),
    ];
    return Object.assign(
      {},
      ...parts.map((part) => this.#properties(part)),
      (resolved.properties as Record<string, JsonSchema>) ?? {},
    );
  }
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Path parameters that are secrets (the Ascora webhook's token), never written to the log. */
const secretParams = new Set(['token']);

/** Target types whose name is not their schema's or path parameter's, kebab-cased. */
const typeOverrides: Record<string, string> = {
  ApiKeyWithSecret: 'api-key',
  keyId: 'api-key',
  categoryId: 'service-category',
  itemId: 'service-item',
  tierId: 'pricing-tier',
  contactId: 'customer-contact',
  orgId: 'organization',
  runId: 'ascora-sync-run',
  failureId: 'ascora-sync-failure',
  conflictId: 'ascora-conflict',
  AscoraRecordLink: 'ascora-record',
};

function kebab(name: string): string {
  return name
    .replace(/Id$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

/** The name of the schema an operation's success response is (`Customer`), if it names one. */
export function responseSchemaName(spec: Spec, op: Operation): string | undefined {
  const raw = ((spec.document.paths as Obj)[op.path] as Obj)[op.method] as Obj;
  for (const [status, response] of Object.entries((raw.responses ?? {}) as Obj)) {
    if (!status.startsWith('2')) continue;
    const content = (response as Obj).content as Obj | undefined;
    const ref = ((content?.['application/json'] as Obj | undefined)?.schema as Obj | undefined)?.$ref;
    if (typeof ref === 'string') return ref.replace('#/components/schemas/', '');
  }
  return undefined;
}

/**
 * What an operation acted on: the record its answer describes (a new customer, the appointment
 * whose status changed), or else the record named by the deepest id in its path
 * (`DELETE …/customers/{customerId}/contacts/{contactId}` → that contact).
 */
export function targetOf(
  op: Operation,
  schemaName: string | undefined,
  params: Record<string, string>,
  answer: unknown,
): { type: string; id: string | null } {
  if (schemaName && isObject(answer) && typeof answer.id === 'string') {
    return { type: typeOverrides[schemaName] ?? kebab(schemaName), id: answer.id };
  }
  const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).filter((n) => !secretParams.has(n));
  const deepest = names.at(-1) ?? 'orgId';
  return { type: typeOverrides[deepest] ?? kebab(deepest), id: params[deepest] ?? null };
}
