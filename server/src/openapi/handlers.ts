import type { operations } from '@crewkit/sdk/openapi';
import type { AppContext } from '../context.js';

export type OperationId = keyof operations;

type JsonBody<T> = T extends { content: { 'application/json': infer B } } ? B : undefined;

/** A request's input after validation against the spec, typed from the generated operation. */
export interface Input<O extends OperationId> {
  params: NonNullable<operations[O]['parameters']['path']>;
  query: NonNullable<operations[O]['parameters']['query']>;
  headers: NonNullable<operations[O]['parameters']['header']>;
  body: JsonBody<NonNullable<operations[O]['requestBody']>>;
}

export type Handler<O extends OperationId> = (c: AppContext, input: Input<O>) => Response | Promise<Response>;

/** Handlers by operationId: the key ties each handler to exactly one operation of the spec. */
export type HandlerTable = { [O in OperationId]?: Handler<O> };
