import {
  type AscoraCustomer,
  type AscoraCustomerInput,
  type AscoraJob,
  type AscoraJobInput,
  ascoraPricingMethods,
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

/** A new Ascora customer: the fields Crewkit holds. Updates go through `ascoraCustomerUpdate`. */
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

type AddressKeys = Record<keyof CustomerAddress, string>;
const customerAddressFields: AddressKeys = {
  line1: 'streetLine1',
  line2: 'streetLine2',
  city: 'streetSuburb',
  region: 'streetState',
  postalCode: 'streetPostcode',
  country: 'streetCountry',
};
const jobAddressFields: AddressKeys = {
  line1: 'addressLine1',
  line2: 'addressLine2',
  city: 'suburb',
  region: 'state',
  postalCode: 'postcode',
  country: 'country',
};

/**
 * The address parts Crewkit changed, as Ascora fields. A part both sides read the same is left
 * alone, which keeps what Crewkit cannot hold: a country it has no code for reads as absent on
 * both sides, so Ascora's "Germany" is never replaced by nothing.
 */
function addressChanges(
  seen: CustomerAddress | null,
  local: CustomerAddress | null,
  fields: AddressKeys,
): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  for (const part of Object.keys(fields) as (keyof CustomerAddress)[]) {
    const before = seen?.[part] ?? null;
    const after = local?.[part] ?? null;
    if (before === after) continue;
    changes[fields[part]] = part === 'country' ? toCountryName(after ?? undefined) : after;
  }
  return changes;
}

/** Every field of an Ascora customer that its create-or-update call takes, as Ascora holds it. */
function writableCustomer(remote: AscoraCustomer): AscoraCustomerInput {
  const { customerNumber: _number, billingCustomer: _billing, assignedUser: _user, ...rest } = remote;
  return rest as AscoraCustomerInput;
}

/**
 * An update of an Ascora customer: the record as Ascora holds it now, with only the fields Crewkit
 * owns and changed laid over it. Whether Ascora merges a partial body or replaces the record, no
 * field Crewkit did not read is nulled.
 */
export function ascoraCustomerUpdate(remote: AscoraCustomer, local: SharedCustomer): AscoraCustomerInput {
  const seen = sharedFromAscoraCustomer(remote);
  const body: AscoraCustomerInput = { ...writableCustomer(remote), customerId: remote.customerId };
  if (local.name !== seen.name) body.customerName = local.name;
  // Crewkit reads an email several Ascora customers share as absent on all but one of them
  // (`emailOwnership`): an absent email is never sent as a clearing of Ascora's.
  if (local.email !== seen.email && local.email !== null) body.emailAddress = local.email;
  if (local.phone !== seen.phone) body.phoneNumber = local.phone;
  return { ...body, ...addressChanges(seen.address, local.address, customerAddressFields) };
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

/** The code Ascora reads a status by; the inverse of `statusByCode`. */
export function ascoraJobStatusCode(status: JobStatus): number {
  return Number(Object.entries(statusByCode).find(([, value]) => value === status)?.[0] ?? 0);
}

/**
 * A new Ascora job, status included: a job sent without one is "New" in Ascora, and the next pull
 * would take that back over the booked or completed job it came from. Updates go through
 * `ascoraJobUpdate`.
 */
export function ascoraJobInput(shared: SharedJob, jobId?: string): AscoraJobInput {
  if (!shared.siteCustomer) throw new Error('A job needs a site customer linked to Ascora');
  return {
    ...(jobId ? { jobId } : {}),
    jobStatus: ascoraJobStatusCode(shared.status),
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

/** An update of an Ascora job, as `ascoraCustomerUpdate` is of a customer. */
export function ascoraJobUpdate(remote: AscoraJob, local: SharedJob): AscoraJobInput {
  if (!local.siteCustomer) throw new Error('A job needs a site customer linked to Ascora');
  const seen = sharedFromAscoraJob(remote);
  const pricingMethod = (ascoraPricingMethods as readonly string[]).includes(remote.pricingMethod ?? '')
    ? (remote.pricingMethod as AscoraJobInput['pricingMethod'])
    : undefined;
  const body: AscoraJobInput = {
    jobId: remote.jobId,
    siteCustomer: { id: local.siteCustomer },
    billingCustomer: remote.billingCustomer ? { id: remote.billingCustomer.id } : null,
    jobName: remote.jobName,
    jobDescription: remote.jobDescription,
    workUndertaken: remote.workUndertaken,
    ...(pricingMethod ? { pricingMethod } : {}),
    totalExTax: remote.totalExTax,
    totalIncTax: remote.totalIncTax,
    addressLine1: remote.addressLine1,
    addressLine2: remote.addressLine2,
    suburb: remote.suburb,
    state: remote.state,
    postcode: remote.postcode,
    country: remote.country,
    completedDate: remote.completedDate,
    jobStatus: remote.jobStatus,
  };
  if (local.name !== seen.name) body.jobName = local.name;
  if (local.description !== seen.description) body.jobDescription = local.description;
  if (local.workUndertaken !== seen.workUndertaken) body.workUndertaken = local.workUndertaken;
  if (local.status !== seen.status) body.jobStatus = ascoraJobStatusCode(local.status);
  if (local.billingCustomer !== seen.billingCustomer) {
    body.billingCustomer = local.billingCustomer ? { id: local.billingCustomer } : null;
  }
  if (local.totalExTaxMinor !== seen.totalExTaxMinor) body.totalExTax = local.totalExTaxMinor / 100;
  if (local.totalIncTaxMinor !== seen.totalIncTaxMinor) body.totalIncTax = local.totalIncTaxMinor / 100;
  if (local.completedAt !== seen.completedAt) body.completedDate = local.completedAt;
  return { ...body, ...addressChanges(seen.address, local.address, jobAddressFields) };
}

/** The names of the shared fields whose values differ. */
export function differingFields<T extends object>(a: T, b: T): string[] {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  return Object.keys(left).filter((key) => canonicalJson(left[key]) !== canonicalJson(right[key]));
}
