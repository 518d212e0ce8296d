import type { FetchResponse } from 'openapi-fetch';
import type { components, operations } from './generated/openapi.js';
import type { ListPromise } from './paginate.js';

export type { components, operations, paths } from './generated/openapi.js';

type Schemas = components['schemas'];

/** An RFC 9457 problem document: the `error` of every failed call. */
export type Problem = Schemas['Problem'];
export type ErrorCode = Schemas['ErrorCode'];

export type ApiKey = Schemas['ApiKey'];
export type ApiKeyCreate = Schemas['ApiKeyCreate'];
export type ApiKeyKind = Schemas['ApiKeyKind'];
export type ApiKeyRotate = Schemas['ApiKeyRotate'];
export type ApiKeyWithSecret = Schemas['ApiKeyWithSecret'];
export type BookingProfile = Schemas['BookingProfile'];
export type BookingSettings = Schemas['BookingSettings'];
export type Health = Schemas['Health'];
export type LoginRequest = Schemas['LoginRequest'];
export type Organization = Schemas['Organization'];
export type OrganizationUpdate = Schemas['OrganizationUpdate'];
export type Principal = Schemas['Principal'];
export type RefreshRequest = Schemas['RefreshRequest'];
export type Role = Schemas['Role'];
export type TokenPair = Schemas['TokenPair'];
export type User = Schemas['User'];
export type UserCreate = Schemas['UserCreate'];
export type UserUpdate = Schemas['UserUpdate'];

/** What a call resolves to: `{ data, response }` or `{ error, response }`, as in openapi-fetch. */
export type ApiResult<Op extends keyof operations> = FetchResponse<
  operations[Op],
  object,
  `${string}/${string}`
>;

/** What a list call returns: its first page when awaited, every item when iterated. */
export type ApiList<Op extends keyof operations> = ListPromise<
  NonNullable<ApiResult<Op>['data']> extends { data: (infer Item)[] } ? Item : never,
  ApiResult<Op>
>;

/** The query parameters of an operation, straight from the spec. */
export type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

/** Options every method takes. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Options of a method under `/organizations/{orgId}`. */
export interface OrgCallOptions extends CallOptions {
  /** Defaults to the client's `organizationId`. */
  orgId?: string;
}

/** Options of a POST: a retried POST is only safe under one key, so callers may bring their own. */
export interface IdempotentOptions {
  /** Defaults to a fresh UUID per call, reused by that call's retries. */
  idempotencyKey?: string;
}

export type PostOptions = CallOptions & IdempotentOptions;
export type OrgPostOptions = OrgCallOptions & IdempotentOptions;

/** The parameters of a list method: the operation's query plus the organization. */
export type ListParams<Op extends keyof operations> = Query<Op> & OrgCallOptions;
