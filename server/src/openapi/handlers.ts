import type { operations } from '@crewkit/sdk/openapi';
import type { AppContext } from '../context.js';

export type OperationId = keyof operations;

type JsonBody<T> = T extends { content: { 'application/json': infer B } } ? B : undefined;
type Query<O extends OperationId> = NonNullable<operations[O]['parameters']['query']>;

/**
 * The query parameters the spec gives a `default`, by operation. The validator (Ajv with
 * `useDefaults`) fills them in before a handler runs, so handlers see them as always present and
 * never repeat the spec's value. openapi-typescript keeps them optional (a client may omit them);
 * a test checks this table against openapi.yaml, so a new or removed default fails it.
 */
export const queryDefaults = {
  listUsers: ['limit'],
  listApiKeys: ['limit', 'includeRevoked'],
  listServiceItems: ['limit'],
  getAvailability: ['includeTechnicians'],
  listTechnicians: ['limit'],
  listAppointments: ['limit'],
  listCustomers: ['limit'],
  getCustomerServiceHistory: ['limit'],
  listAscoraSyncRuns: ['limit'],
  listAscoraConflicts: ['limit', 'status'],
  listJobs: ['limit'],
  listInvoices: ['limit'],
  listAuditLog: ['limit'],
  listWebhookEndpoints: ['limit'],
  listWebhookDeliveries: ['limit'],
} as const satisfies { [O in OperationId]?: readonly (keyof Query<O>)[] };

type Defaulted<O extends OperationId> = O extends keyof typeof queryDefaults
  ? (typeof queryDefaults)[O][number] & keyof Query<O>
  : never;

/** The query as a handler sees it: parameters with a spec default are required. */
type FilledQuery<O extends OperationId> = Omit<Query<O>, Defaulted<O>> & {
  [K in Defaulted<O>]-?: NonNullable<Query<O>[K]>;
};

/** A request's input after validation against the spec, typed from the generated operation. */
export interface Input<O extends OperationId> {
  params: NonNullable<operations[O]['parameters']['path']>;
  query: FilledQuery<O>;
  headers: NonNullable<operations[O]['parameters']['header']>;
  body: JsonBody<NonNullable<operations[O]['requestBody']>>;
}

export type Handler<O extends OperationId> = (c: AppContext, input: Input<O>) => Response | Promise<Response>;

/** Handlers by operationId: the key ties each handler to exactly one operation of the spec. */
export type HandlerTable = { [O in OperationId]?: Handler<O> };
