import {
  type AscoraCustomer,
  type AscoraCustomerInput,
  type AscoraJob,
  type AscoraJobInput,
  parseAscoraTimestamp,
} from '@crewkit/ascora';
import type { CustomerAddress, JobStatus } from '../db/schema.js';
import { sha256 } from '../lib/crypto.js';

/**
 * The fields both systems hold, in one neutral shape. A record's content hash is the hash of this
 * shape, so Crewkit's row and Ascora's record hash alike exactly when they agree, whichever side
 * the hash was computed from.
 */
export interface SharedCustomer {
  name: string;
  email: string | null;
  phone: string | null;
  address: CustomerAddress | null;
}

export interface SharedJob {
  name: string;
  description: string | null;
  workUndertaken: string | null;
  status: JobStatus;
  /** Ascora ids, so the shape means the same on both sides. */
  siteCustomer: string | null;
  billingCustomer: string | null;
  address: CustomerAddress | null;
  totalExTaxMinor: number;
  totalIncTaxMinor: number;
  completedAt: string | null;
}

/** JSON with sorted keys and no undefined members: equal data, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([, inner]) => inner !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}

export function contentHash(shared: SharedCustomer | SharedJob): string {
  return sha256(canonicalJson(shared));
}

// Crewkit keeps ISO 3166 alpha-2 codes; Ascora holds whatever a person typed. The common spellings
// are translated both ways; anything else that is not already a code is left out rather than stored
// as an invalid code.
const countryCodes: Record<string, string> = {
  australia: 'AU',
  'new zealand': 'NZ',
  usa: 'US',
  'united states': 'US',
  'united states of america': 'US',
  'united kingdom': 'GB',
  uk: 'GB',
  canada: 'CA',
  ireland: 'IE',
  singapore: 'SG',
};
const countryNames: Record<string, string> = {
  AU: 'Australia',
  NZ: 'New Zealand',
  US: 'USA',
  GB: 'United Kingdom',
  CA: 'Canada',
  IE: 'Ireland',
  SG: 'Singapore',
};

export function toCountryCode(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^[A-Za-z]{2}$/.test(trimmed)) return trimmed.toUpperCase();
  return countryCodes[trimmed.toLowerCase()];
}

export function toCountryName(code: string | undefined): string | null {
  if (!code) return null;
  return countryNames[code] ?? code;
}

/** Trimmed and cut to the length the Crewkit contract allows; empty becomes absent. */
function clip(value: string | null | undefined, max: number): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed.slice(0, max) : undefined;
}

function orNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function address(parts: {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  region?: string | null;
  postalCode?: string | null;
  country?: string | null;
}): CustomerAddress | null {
  const result: CustomerAddress = {};
  const line1 = clip(parts.line1, 200);
  const line2 = clip(parts.line2, 200);
  const city = clip(parts.city, 120);
  const region = clip(parts.region, 120);
  const postalCode = clip(parts.postalCode, 20);
  const country = toCountryCode(parts.country);
  if (line1) result.line1 = line1;
  if (line2) result.line2 = line2;
  if (city) result.city = city;
  if (region) result.region = region;
  if (postalCode) result.postalCode = postalCode;
  if (country) result.country = country;
  return Object.keys(result).length > 0 ? result : null;
}

export function normalizeAddress(value: CustomerAddress | null | undefined): CustomerAddress | null {
  return value ? address(value) : null;
}

export function sharedFromAscoraCustomer(remote: AscoraCustomer): SharedCustomer {
  return {
    name: remote.customerName.trim() || remote.companyName?.trim() || 'Unnamed customer',
    email: orNull(remote.emailAddress)?.toLowerCase() ?? null,
    phone: orNull(remote.phoneNumber) ?? orNull(remote.mobileNumber),
    address: address({
      line1: remote.streetLine1,
      line2: remote.streetLine2,
      city: remote.streetSuburb,
      region: remote.streetState,
      postalCode: remote.streetPostcode,
      country: remote.streetCountry,
    }),
  };
}

export function sharedFromLocalCustomer(row: {
  name: string;
  email: string | null;
  phone: string | null;
  address: CustomerAddress | null;
}): SharedCustomer {
  return {
    name: row.name.trim(),
    email: orNull(row.email)?.toLowerCase() ?? null,
    phone: orNull(row.phone),
    address: normalizeAddress(row.address),
  };
}

export function ascoraCustomerInput(shared: SharedCustomer, customerId?: string): AscoraCustomerInput {
  return {
    ...(customerId ? { customerId } : {}),
    customerName: shared.name,
    emailAddress: shared.email,
    phoneNumber: shared.phone,
    streetLine1: shared.address?.line1 ?? null,
    streetLine2: shared.address?.line2 ?? null,
    streetSuburb: shared.address?.city ?? null,
    streetState: shared.address?.region ?? null,
    streetPostcode: shared.address?.postalCode ?? null,
    streetCountry: toCountryName(shared.address?.country),
  };
}

const statusByText: Record<string, JobStatus> = {
  new: 'new',
  'in progress': 'in_progress',
  'in-progress': 'in_progress',
  completed: 'completed',
  complete: 'completed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  booked: 'booked',
};
const statusByCode: Record<number, JobStatus> = {
  0: 'new',
  1: 'in_progress',
  2: 'completed',
  3: 'cancelled',
  4: 'booked',
};

/** Ascora's text is preferred: only codes 0 and 2 are confirmed by public fixtures. */
export function jobStatusFromAscora(job: Pick<AscoraJob, 'jobStatus' | 'jobStatusText'>): JobStatus {
  const byText = job.jobStatusText ? statusByText[job.jobStatusText.trim().toLowerCase()] : undefined;
  return byText ?? statusByCode[job.jobStatus] ?? 'new';
}

export function toMinor(amount: number | null | undefined): number {
  return amount === null || amount === undefined ? 0 : Math.round(amount * 100);
}

export function sharedFromAscoraJob(remote: AscoraJob): SharedJob {
  return {
    name: orNull(remote.jobName) ?? remote.jobNumber,
    description: orNull(remote.jobDescription),
    workUndertaken: orNull(remote.workUndertaken),
    status: jobStatusFromAscora(remote),
    siteCustomer: remote.siteCustomer?.id ?? null,
    billingCustomer: remote.billingCustomer?.id ?? null,
    address: address({
      line1: remote.addressLine1,
      line2: remote.addressLine2,
      city: remote.suburb,
      region: remote.state,
      postalCode: remote.postcode,
      country: remote.country,
    }),
    totalExTaxMinor: toMinor(remote.totalExTax),
    totalIncTaxMinor: toMinor(remote.totalIncTax),
    completedAt: remote.completedDate ? parseAscoraTimestamp(remote.completedDate).toISOString() : null,
  };
}

export function sharedFromLocalJob(
  row: {
    name: string;
    description: string | null;
    workUndertaken: string | null;
    status: JobStatus;
    address: CustomerAddress | null;
    totalExTaxMinor: number;
    totalIncTaxMinor: number;
    completedAt: Date | null;
  },
  siteCustomer: string | null,
  billingCustomer: string | null,
): SharedJob {
  return {
    name: row.name.trim(),
    description: orNull(row.description),
    workUndertaken: orNull(row.workUndertaken),
    status: row.status,
    siteCustomer,
    billingCustomer,
    address: normalizeAddress(row.address),
    totalExTaxMinor: row.totalExTaxMinor,
    totalIncTaxMinor: row.totalIncTaxMinor,
    completedAt: row.completedAt ? row.completedAt.toISOString() : null,
  };
}

/** Ascora's job API has no status field to write: a completed job travels as its completed date. */
export function ascoraJobInput(shared: SharedJob, jobId?: string): AscoraJobInput {
  if (!shared.siteCustomer) throw new Error('A job needs a site customer linked to Ascora');
  return {
    ...(jobId ? { jobId } : {}),
    siteCustomer: { id: shared.siteCustomer },
    billingCustomer: shared.billingCustomer ? { id: shared.billingCustomer } : null,
    jobName: shared.name,
    jobDescription: shared.description,
    workUndertaken: shared.workUndertaken,
    totalExTax: shared.totalExTaxMinor / 100,
    totalIncTax: shared.totalIncTaxMinor / 100,
    addressLine1: shared.address?.line1 ?? null,
    addressLine2: shared.address?.line2 ?? null,
    suburb: shared.address?.city ?? null,
    state: shared.address?.region ?? null,
    postcode: shared.address?.postalCode ?? null,
    country: toCountryName(shared.address?.country),
    completedDate: shared.completedAt,
  };
}

/** The names of the shared fields whose values differ. */
export function differingFields<T extends object>(a: T, b: T): string[] {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  return Object.keys(left).filter((key) => canonicalJson(left[key]) !== canonicalJson(right[key]));
}
