import { paginate } from '../paginate.js';
import type {
  ApiList,
  ApiResult,
  ListParams,
  OrgCallOptions,
  OrgPostOptions,
  RequestBody,
} from '../types.js';
import type { Context } from './context.js';
import { idempotencyHeader } from './context.js';

export const invoices = ({ client, org }: Context) => ({
  /** Oldest first, each with its lines and payments. */
  list: ({ orgId, signal, ...query }: ListParams<'listInvoices'> = {}): ApiList<'listInvoices'> =>
    paginate(query, (q) =>
      client.GET('/api/v1/organizations/{orgId}/invoices', {
        params: { path: { orgId: org(orgId) }, query: q },
        signal,
      }),
    ),
  get: (invoiceId: string, o?: OrgCallOptions): Promise<ApiResult<'getInvoice'>> =>
    client.GET('/api/v1/organizations/{orgId}/invoices/{invoiceId}', {
      params: { path: { orgId: org(o?.orgId), invoiceId } },
      signal: o?.signal,
    }),
  /** What happened to it, oldest first: issued, emailed, reminded, payments, credit notes, void. */
  history: (invoiceId: string, o?: OrgCallOptions): Promise<ApiResult<'getInvoiceHistory'>> =>
    client.GET('/api/v1/organizations/{orgId}/invoices/{invoiceId}/history', {
      params: { path: { orgId: org(o?.orgId), invoiceId } },
      signal: o?.signal,
    }),
  payments: {
    /**
     * Records a payment in minor units. With Ascora connected and payments pushed, it is sent to
     * Ascora once, in the background (`pushState: 'pending'` until then).
     */
    create: (
      invoiceId: string,
      body: RequestBody<'recordPayment'>,
      o?: OrgPostOptions,
    ): Promise<ApiResult<'recordPayment'>> =>
      client.POST('/api/v1/organizations/{orgId}/invoices/{invoiceId}/payments', {
        params: { path: { orgId: org(o?.orgId), invoiceId } },
        body,
        headers: idempotencyHeader(o),
        signal: o?.signal,
      }),
  },
});
