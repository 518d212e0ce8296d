import type {
  AscoraClient,
  AscoraCustomer,
  AscoraCustomerInput,
  AscoraJob,
  AscoraJobInput,
} from '@crewkit/ascora';
import type { AscoraCustomFieldMapping } from '../db/schema.js';
import { ApiError } from '../errors.js';

/*
 * Custom field mapping: an organization says that a Crewkit field lives, in Ascora, in one of its
 * custom fields rather than in Ascora's standard field for it ("the customer's phone is our 'Site
 * mobile' custom field"; "a job's work undertaken is 'Technician report'"). It applies both ways:
 * a pull reads the Crewkit field from the custom field, a push writes it there and leaves Ascora's
 * standard field as it was.
 *
 * It is done at the edge, on the Ascora client: the records the sync sees already carry the custom
 * field's value in the standard field's place, and what it sends is moved back before it leaves.
 * So hashes, conflicts and directions work on mapped fields exactly as on the others, and an
 * organization without mappings talks to Ascora unchanged.
 *
 * Ascora's API documents `customFields` only as an array (null when a record has none). Entries
 * are read by name and value under the spellings public clients show (`name`/`fieldName`,
 * `value`/`fieldValue`); an entry is written back in the spelling it was read in, and a new one as
 * `{ name, value }`.
 */

/** The Crewkit fields a custom field can hold, per record, and Ascora's standard field for each. */
export const mappableFields = {
  customer: { phone: 'phoneNumber' },
  job: { description: 'jobDescription', workUndertaken: 'workUndertaken' },
} as const;

type Entry = Record<string, unknown>;

function entryName(entry: Entry): string | undefined {
  const name = entry.name ?? entry.fieldName ?? entry.customFieldName;
  return typeof name === 'string' ? name : undefined;
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The custom field's value as text; null when the record has no such field or it is empty. */
export function customFieldValue(fields: readonly unknown[] | null | undefined, name: string): string | null {
  const entry = (fields ?? []).find(
    (f): f is Entry => !!f && typeof f === 'object' && sameName(entryName(f as Entry) ?? '', name),
  );
  if (!entry) return null;
  const value = 'value' in entry ? entry.value : entry.fieldValue;
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}

/** The custom fields with one set to `value`, in the spelling its entry already has. */
export function withCustomField(
  fields: readonly unknown[] | null | undefined,
  name: string,
  value: string | null,
): unknown[] {
  let found = false;
  const next = (fields ?? []).map((f) => {
    if (!f || typeof f !== 'object' || !sameName(entryName(f as Entry) ?? '', name)) return f;
    found = true;
    const entry = f as Entry;
    return 'fieldValue' in entry && !('value' in entry)
      ? { ...entry, fieldValue: value }
      : { ...entry, value };
  });
  if (!found) next.push({ name, value });
  return next;
}

/** Refuses a Crewkit field a record cannot map, and a Crewkit field mapped twice. */
export function checkMappings(mappings: readonly AscoraCustomFieldMapping[]): void {
  const errors: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  mappings.forEach((mapping, index) => {
    const path = `body.customFieldMappings.${index}`;
    if (!(mapping.crewkitField in mappableFields[mapping.entity])) {
      errors.push({
        path: `${path}.crewkitField`,
        message: `a ${mapping.entity} can map ${Object.keys(mappableFields[mapping.entity]).join(', ')}`,
      });
    }
    const key = `${mapping.entity}:${mapping.crewkitField}`;
    if (seen.has(key)) errors.push({ path, message: 'maps a Crewkit field already mapped' });
    seen.add(key);
  });
  if (errors.length > 0) throw new ApiError('validation_failed', { errors });
}

type StandardOf<E extends keyof typeof mappableFields> =
  (typeof mappableFields)[E][keyof (typeof mappableFields)[E]];

interface Mapped<E extends keyof typeof mappableFields> {
  ascoraField: string;
  standard: StandardOf<E>;
}

function mappedFor<E extends keyof typeof mappableFields>(
  mappings: readonly AscoraCustomFieldMapping[],
  entity: E,
): Mapped<E>[] {
  const fields = mappableFields[entity] as unknown as Record<string, StandardOf<E>>;
  return mappings
    .filter((m) => m.entity === entity && m.crewkitField in fields)
    .map((m) => ({ ascoraField: m.ascoraField, standard: fields[m.crewkitField]! }));
}

/**
 * The client with the organization's mappings applied to what it reads and sends. What Ascora
 * held in the standard fields is remembered per record as it is read (a push always reads the
 * record first), so a push puts it back untouched.
 */
export function withCustomFieldMappings(
  client: AscoraClient,
  mappings: readonly AscoraCustomFieldMapping[] | undefined,
): AscoraClient {
  const customers = mappedFor(mappings ?? [], 'customer');
  const jobs = mappedFor(mappings ?? [], 'job');
  if (customers.length === 0 && jobs.length === 0) return client;
  const readCustomers = new Map<string, AscoraCustomer>();
  const readJobs = new Map<string, AscoraJob>();

  const customerView = (remote: AscoraCustomer): AscoraCustomer => {
    if (customers.length === 0) return remote;
    readCustomers.set(remote.customerId.toLowerCase(), remote);
    const view: AscoraCustomer = { ...remote };
    for (const { ascoraField, standard } of customers) {
      view[standard] = customFieldValue(remote.customFields, ascoraField);
      // Crewkit reads a phone from the mobile number when there is no phone number: not here.
      if (standard === 'phoneNumber') view.mobileNumber = null;
    }
    return view;
  };
  const jobView = (remote: AscoraJob): AscoraJob => {
    if (jobs.length === 0) return remote;
    readJobs.set(remote.jobId.toLowerCase(), remote);
    const view: AscoraJob = { ...remote };
    for (const { ascoraField, standard } of jobs)
      view[standard] = customFieldValue(remote.customFields, ascoraField);
    return view;
  };

  return {
    ...client,
    listCustomers: async (query) => {
      const page = await client.listCustomers(query);
      return { ...page, results: page.results.map(customerView) };
    },
    getCustomer: async (customerId) => customerView(await client.getCustomer(customerId)),
    saveCustomer: async (input) => {
      if (customers.length === 0) return client.saveCustomer(input);
      const before = input.customerId ? readCustomers.get(input.customerId.toLowerCase()) : undefined;
      const body: AscoraCustomerInput = { ...input };
      let fields = before?.customFields ?? input.customFields ?? null;
      for (const { ascoraField, standard } of customers) {
        fields = withCustomField(fields, ascoraField, (input[standard] as string | null | undefined) ?? null);
        if (before) {
          body[standard] = before[standard];
          if (standard === 'phoneNumber') body.mobileNumber = before.mobileNumber;
        } else delete body[standard];
      }
      body.customFields = fields;
      return customerView(await client.saveCustomer(body));
    },
    listJobs: async (query) => {
      const page = await client.listJobs(query);
      return { ...page, results: page.results.map(jobView) };
    },
    getJob: async (jobNumber) => jobView(await client.getJob(jobNumber)),
    saveJob: async (input: AscoraJobInput) => {
      if (jobs.length === 0) return client.saveJob(input);
      const before = input.jobId ? readJobs.get(input.jobId.toLowerCase()) : undefined;
      const body: AscoraJobInput = { ...input };
      let fields = before?.customFields ?? input.customFields ?? null;
      for (const { ascoraField, standard } of jobs) {
        fields = withCustomField(fields, ascoraField, (input[standard] as string | null | undefined) ?? null);
        if (before) body[standard] = before[standard];
        else delete body[standard];
      }
      body.customFields = fields;
      return jobView(await client.saveJob(body));
    },
  };
}
