import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { specPath } from '../paths.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export const httpMethods: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

export type JsonSchema = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

export type CredentialKind = 'user' | 'secret_key' | 'publishable_key';

/** One operation of the spec, with every `$ref` to a parameter, body or response resolved. */
export interface Operation {
  operationId: string;
  method: HttpMethod;
  /** The spec's path template, e.g. `/api/v1/organizations/{orgId}`. */
  path: string;
  /** The same path in Hono's syntax, e.g. `/api/v1/organizations/:orgId`. */
  routePath: string;
  parameters: Parameter[];
  requestBody?: { required: boolean; schema: JsonSchema };
  /** Response schemas by status code and media type (undefined schema: no body). */
  responses: Record<string, Record<string, JsonSchema | undefined>>;
  /** `security: []` — no credential needed. */
  anonymous: boolean;
  /** `x-crewkit-public` — publishable keys may call it. */
  public: boolean;
  /** `x-crewkit-roles` — user roles allowed (secret keys always are). Undefined: any role. */
  roles?: string[];
  /** `x-crewkit-credentials` — which credential kinds are accepted. */
  credentials: CredentialKind[];
  orgScoped: boolean;
  /** `x-crewkit-rate-limit` — per-client limit on this operation. */
  rateLimit?: { requests: number; perSeconds: number };
  /**
   * `x-crewkit-org-rate-limit` — the limit on one organization's requests (all its credentials
   * together), for every authenticated operation. The spec's top level sets the default, counted in
   * one bucket shared by all operations that use it; an operation declaring its own is counted apart.
   */
  orgRateLimit?: { requests: number; perSeconds: number; bucket: string };
  /**
   * `x-crewkit-calls-out` — the handler waits on another service (Ascora). With an Idempotency-Key
   * it then runs outside the database transaction, which must not stay open (on PGlite: the only
   * connection) for the length of a remote call; the operation itself must be safe to repeat.
   */
  callsOut: boolean;
}

export interface Spec {
  document: Record<string, unknown>;
  operations: Operation[];
  byId: Map<string, Operation>;
}

type Obj = Record<string, unknown>;

function resolveRef<T>(document: Obj, value: unknown): T {
  if (value && typeof value === 'object' && '$ref' in value && typeof value.$ref === 'string') {
    const pointer = value.$ref.replace(/^#\//, '').split('/');
    let target: unknown = document;
    for (const part of pointer) target = (target as Obj)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
    if (target === undefined) throw new Error(`openapi.yaml: unresolved $ref ${value.$ref}`);
    return resolveRef(document, target as T);
  }
  return value as T;
}

export function parseSpec(text: string): Spec {
  const document = parse(text) as Obj;
  const operations: Operation[] = [];
  const defaultSecured = Array.isArray(document.security) && document.security.length > 0;
  const defaultOrgLimit = rateLimitRule(document['x-crewkit-org-rate-limit'], 'the top level');
  for (const [path, rawItem] of Object.entries((document.paths ?? {}) as Obj)) {
    const item = resolveRef<Obj>(document, rawItem as Obj);
    const shared = ((item.parameters ?? []) as Obj[]).map((p) => resolveRef<Parameter>(document, p));
    for (const method of httpMethods) {
      const op = item[method] as Obj | undefined;
      if (!op) continue;
      const own = ((op.parameters ?? []) as Obj[]).map((p) => resolveRef<Parameter>(document, p));
      const parameters = [
        ...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)),
        ...own,
      ];
      const body = op.requestBody ? resolveRef<Obj>(document, op.requestBody as Obj) : undefined;
      const bodySchema = (body?.content as Obj | undefined)?.['application/json'] as Obj | undefined;
      const responses: Operation['responses'] = {};
      for (const [status, rawResponse] of Object.entries((op.responses ?? {}) as Obj)) {
        const response = resolveRef<Obj>(document, rawResponse as Obj);
        const content = (response.content ?? {}) as Obj;
        responses[status] = Object.fromEntries(
          Object.entries(content).map(([type, media]) => [type, (media as Obj).schema as JsonSchema]),
        );
      }
      const security = op.security as unknown[] | undefined;
      const anonymous = security ? security.length === 0 : !defaultSecured;
      const isPublic = op['x-crewkit-public'] === true;
      const orgScoped = path.startsWith('/api/v1/organizations/{orgId}');
      const declared = op['x-crewkit-credentials'] as CredentialKind[] | undefined;
      const ownOrgLimit = rateLimitRule(op['x-crewkit-org-rate-limit'], String(op.operationId));
      const orgRateLimit = ownOrgLimit
        ? { ...ownOrgLimit, bucket: String(op.operationId) }
        : defaultOrgLimit && { ...defaultOrgLimit, bucket: 'default' };
      operations.push({
        operationId: String(op.operationId),
        method,
        path,
        routePath: path.replace(/\{([^}]+)\}/g, ':$1'),
        parameters,
        ...(body && bodySchema
          ? { requestBody: { required: body.required === true, schema: bodySchema.schema as JsonSchema } }
          : {}),
        responses,
        anonymous,
        public: isPublic,
        callsOut: op['x-crewkit-calls-out'] === true,
        ...(Array.isArray(op['x-crewkit-roles']) ? { roles: op['x-crewkit-roles'] as string[] } : {}),
        credentials:
          declared ?? (isPublic ? ['user', 'secret_key', 'publishable_key'] : ['user', 'secret_key']),
        orgScoped,
        ...(op['x-crewkit-rate-limit']
          ? { rateLimit: rateLimitRule(op['x-crewkit-rate-limit'], String(op.operationId)) }
          : {}),
        ...(!anonymous && orgRateLimit ? { orgRateLimit } : {}),
      });
    }
  }
  return { document, operations, byId: new Map(operations.map((o) => [o.operationId, o])) };
}

/** A limit of nothing, or a fraction of a request, would be a typo that locks everyone out. */
function rateLimitRule(value: unknown, where: string): { requests: number; perSeconds: number } | undefined {
  if (value === undefined) return undefined;
  const { requests, perSeconds } = (value ?? {}) as Obj;
  if (
    !Number.isInteger(requests) ||
    !Number.isInteger(perSeconds) ||
    Number(requests) < 1 ||
    Number(perSeconds) < 1
  )
    throw new Error(`openapi.yaml: the rate limit at ${where} needs whole, positive requests and perSeconds`);
  return { requests: Number(requests), perSeconds: Number(perSeconds) };
}

let cached: Spec | undefined;

/** The spec this server was started with, read once. */
export function loadSpec(): Spec {
  cached ??= parseSpec(readFileSync(specPath, 'utf8'));
  return cached;
}
