import { paginate } from '../paginate.js';
import type {
  ApiList,
  ApiResult,
  CustomerContactCreate,
  CustomerContactUpdate,
  CustomerCreate,
  CustomerPreferences,
  CustomerUpdate,
  ListParams,
  OrgCallOptions,
  OrgPostOptions,
} from '../types.js';
import type { Context } from './context.js';
import { idempotencyHeader } from './context.js';

export const customers = ({ client, org }: Context) => ({
  /** Oldest first; `q` matches part of the name, email or phone, in any letter case. */
  list: ({ orgId, signal, ...query }: ListParams<'listCustomers'> = {}): ApiList<'listCustomers'> =>
    paginate(query, (q) =>
      client.GET('/api/v1/organizations/{orgId}/customers', {
        params: { path: { orgId: org(orgId) }, query: q },
        signal,
      }),
    ),
  create: (body: CustomerCreate, o?: OrgPostOptions): Promise<ApiResult<'createCustomer'>> =>
    client.POST('/api/v1/organizations/{orgId}/customers', {
      params: { path: { orgId: org(o?.orgId) } },
      body,
      headers: idempotencyHeader(o),
      signal: o?.signal,
    }),
  get: (customerId: string, o?: OrgCallOptions): Promise<ApiResult<'getCustomer'>> =>
    client.GET('/api/v1/organizations/{orgId}/customers/{customerId}', {
      params: { path: { orgId: org(o?.orgId), customerId } },
      signal: o?.signal,
    }),
  update: (
    customerId: string,
    body: CustomerUpdate,
    o?: OrgCallOptions,
  ): Promise<ApiResult<'updateCustomer'>> =>
    client.PATCH('/api/v1/organizations/{orgId}/customers/{customerId}', {
      params: { path: { orgId: org(o?.orgId), customerId } },
      body,
      signal: o?.signal,
    }),
  /** Deletes the customer with their contacts and preferences; one that other records refer to answers 409. */
  delete: (customerId: string, o?: OrgCallOptions): Promise<ApiResult<'deleteCustomer'>> =>
    client.DELETE('/api/v1/organizations/{orgId}/customers/{customerId}', {
      params: { path: { orgId: org(o?.orgId), customerId } },
      signal: o?.signal,
    }),
  contacts: {
    /** Every contact (at most 100), the primary one first (one response, not paginated). */
    list: (customerId: string, o?: OrgCallOptions): Promise<ApiResult<'listCustomerContacts'>> =>
      client.GET('/api/v1/organizations/{orgId}/customers/{customerId}/contacts', {
        params: { path: { orgId: org(o?.orgId), customerId } },
        signal: o?.signal,
      }),
    /** `isPrimary: true` makes the previous primary contact an ordinary one. */
    create: (
      customerId: string,
      body: CustomerContactCreate,
      o?: OrgPostOptions,
    ): Promise<ApiResult<'createCustomerContact'>> =>
      client.POST('/api/v1/organizations/{orgId}/customers/{customerId}/contacts', {
        params: { path: { orgId: org(o?.orgId), customerId } },
        body,
        headers: idempotencyHeader(o),
        signal: o?.signal,
      }),
    update: (
      customerId: string,
      contactId: string,
      body: CustomerContactUpdate,
      o?: OrgCallOptions,
    ): Promise<ApiResult<'updateCustomerContact'>> =>
      client.PATCH('/api/v1/organizations/{orgId}/customers/{customerId}/contacts/{contactId}', {
        params: { path: { orgId: org(o?.orgId), customerId, contactId } },
        body,
        signal: o?.signal,
      }),
    delete: (
      customerId: string,
      contactId: string,
      o?: OrgCallOptions,
    ): Promise<ApiResult<'deleteCustomerContact'>> =>
      client.DELETE('/api/v1/organizations/{orgId}/customers/{customerId}/contacts/{contactId}', {
        params: { path: { orgId: org(o?.orgId), customerId, contactId } },
        signal: o?.signal,
      }),
  },
  preferences: {
    get: (customerId: string, o?: OrgCallOptions): Promise<ApiResult<'getCustomerPreferences'>> =>
      client.GET('/api/v1/organizations/{orgId}/customers/{customerId}/preferences', {
        params: { path: { orgId: org(o?.orgId), customerId } },
        signal: o?.signal,
      }),
    /** Replaces all preferences; the preferred technician must belong to the same organization. */
    replace: (
      customerId: string,
      body: CustomerPreferences,
      o?: OrgCallOptions,
    ): Promise<ApiResult<'replaceCustomerPreferences'>> =>
      client.PUT('/api/v1/organizations/{orgId}/customers/{customerId}/preferences', {
        params: { path: { orgId: org(o?.orgId), customerId } },
        body,
        signal: o?.signal,
      }),
  },
  /** Completed appointments, newest first, with rating and feedback. */
  serviceHistory: (
    customerId: string,
    { orgId, signal, ...query }: ListParams<'getCustomerServiceHistory'> = {},
  ): ApiList<'getCustomerServiceHistory'> =>
    paginate(query, (q) =>
      client.GET('/api/v1/organizations/{orgId}/customers/{customerId}/service-history', {
        params: { path: { orgId: org(orgId), customerId }, query: q },
        signal,
      }),
    ),
  /** Active appointments from now on, soonest first (up to 100, not paginated). */
  upcoming: (customerId: string, o?: OrgCallOptions): Promise<ApiResult<'getCustomerUpcomingAppointments'>> =>
    client.GET('/api/v1/organizations/{orgId}/customers/{customerId}/upcoming-appointments', {
      params: { path: { orgId: org(o?.orgId), customerId } },
      signal: o?.signal,
    }),
});
