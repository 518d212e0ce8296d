import { paginate } from '../paginate.js';
import type {
  ApiList,
  ApiResult,
  ListParams,
  OrgCallOptions,
  OrgPostOptions,
  PricingTierCreate,
  PricingTierUpdate,
  QueryParams,
  ServiceCategoryCreate,
  ServiceCategoryUpdate,
  ServiceItemCreate,
  ServiceItemUpdate,
} from '../types.js';
import type { Context } from './context.js';
import { idempotencyHeader } from './context.js';

/** The service catalog: a tree of categories, the bookable items in it, and each item's pricing tiers. */
export const services = ({ client, org }: Context) => ({
  categories: {
    /** Every category, parents before children (one response, not paginated). */
    list: (o?: OrgCallOptions): Promise<ApiResult<'listServiceCategories'>> =>
      client.GET('/api/v1/organizations/{orgId}/services/categories', {
        params: { path: { orgId: org(o?.orgId) } },
        signal: o?.signal,
      }),
    create: (body: ServiceCategoryCreate, o?: OrgPostOptions): Promise<ApiResult<'createServiceCategory'>> =>
      client.POST('/api/v1/organizations/{orgId}/services/categories', {
        params: { path: { orgId: org(o?.orgId) } },
        body,
        headers: idempotencyHeader(o),
        signal: o?.signal,
      }),
    get: (categoryId: string, o?: OrgCallOptions): Promise<ApiResult<'getServiceCategory'>> =>
      client.GET('/api/v1/organizations/{orgId}/services/categories/{categoryId}', {
        params: { path: { orgId: org(o?.orgId), categoryId } },
        signal: o?.signal,
      }),
    /** Renames or moves a category; moving it under its own descendant answers 409. */
    update: (
      categoryId: string,
      body: ServiceCategoryUpdate,
      o?: OrgCallOptions,
    ): Promise<ApiResult<'updateServiceCategory'>> =>
      client.PATCH('/api/v1/organizations/{orgId}/services/categories/{categoryId}', {
        params: { path: { orgId: org(o?.orgId), categoryId } },
        body,
        signal: o?.signal,
      }),
    /** Only an empty category can go: one with subcategories or items answers 409. */
    delete: (categoryId: string, o?: OrgCallOptions): Promise<ApiResult<'deleteServiceCategory'>> =>
      client.DELETE('/api/v1/organizations/{orgId}/services/categories/{categoryId}', {
        params: { path: { orgId: org(o?.orgId), categoryId } },
        signal: o?.signal,
      }),
  },
  items: {
    list: ({ orgId, signal, ...query }: ListParams<'listServiceItems'> = {}): ApiList<'listServiceItems'> =>
      paginate(query, (q) =>
        client.GET('/api/v1/organizations/{orgId}/services/items', {
          params: { path: { orgId: org(orgId) }, query: q },
          signal,
        }),
      ),
    create: (body: ServiceItemCreate, o?: OrgPostOptions): Promise<ApiResult<'createServiceItem'>> =>
      client.POST('/api/v1/organizations/{orgId}/services/items', {
        params: { path: { orgId: org(o?.orgId) } },
        body,
        headers: idempotencyHeader(o),
        signal: o?.signal,
      }),
    get: (itemId: string, o?: OrgCallOptions): Promise<ApiResult<'getServiceItem'>> =>
      client.GET('/api/v1/organizations/{orgId}/services/items/{itemId}', {
        params: { path: { orgId: org(o?.orgId), itemId } },
        signal: o?.signal,
      }),
    update: (
      itemId: string,
      body: ServiceItemUpdate,
      o?: OrgCallOptions,
    ): Promise<ApiResult<'updateServiceItem'>> =>
      client.PATCH('/api/v1/organizations/{orgId}/services/items/{itemId}', {
        params: { path: { orgId: org(o?.orgId), itemId } },
        body,
        signal: o?.signal,
      }),
    /** Deletes the item with its pricing tiers. */
    delete: (itemId: string, o?: OrgCallOptions): Promise<ApiResult<'deleteServiceItem'>> =>
      client.DELETE('/api/v1/organizations/{orgId}/services/items/{itemId}', {
        params: { path: { orgId: org(o?.orgId), itemId } },
        signal: o?.signal,
      }),
  },
  pricing: {
    /** An item's tiers, and the price in force `on` a date (default today, in the organization's zone). */
    list: (
      itemId: string,
      { orgId, signal, ...query }: QueryParams<'listPricingTiers'> = {},
    ): Promise<ApiResult<'listPricingTiers'>> =>
      client.GET('/api/v1/organizations/{orgId}/services/items/{itemId}/pricing', {
        params: { path: { orgId: org(orgId), itemId }, query },
        signal,
      }),
    /** Tiers of one item may not overlap in time (409). */
    create: (
      itemId: string,
      body: PricingTierCreate,
      o?: OrgPostOptions,
    ): Promise<ApiResult<'createPricingTier'>> =>
      client.POST('/api/v1/organizations/{orgId}/services/items/{itemId}/pricing', {
        params: { path: { orgId: org(o?.orgId), itemId } },
        body,
        headers: idempotencyHeader(o),
        signal: o?.signal,
      }),
    /** Renames, reprices or moves a tier; an overlap with another tier of the item answers 409. */
    update: (
      itemId: string,
      tierId: string,
      body: PricingTierUpdate,
      o?: OrgCallOptions,
    ): Promise<ApiResult<'updatePricingTier'>> =>
      client.PATCH('/api/v1/organizations/{orgId}/services/items/{itemId}/pricing/{tierId}', {
        params: { path: { orgId: org(o?.orgId), itemId, tierId } },
        body,
        signal: o?.signal,
      }),
    delete: (itemId: string, tierId: string, o?: OrgCallOptions): Promise<ApiResult<'deletePricingTier'>> =>
      client.DELETE('/api/v1/organizations/{orgId}/services/items/{itemId}/pricing/{tierId}', {
        params: { path: { orgId: org(o?.orgId), itemId, tierId } },
        signal: o?.signal,
      }),
  },
});
