import { z } from 'zod';
import { normaliseAscoraTimestamp } from './timestamps.js';

// Ascora's data is untrusted input. These schemas are the boundary: every record is parsed on its own
// so that one bad record is skipped and reported instead of failing a whole page.
//
// Conventions, so consumers see one shape whatever Ascora sent:
// - optional fields are `T | null` (absent and null both become null);
// - timestamps are normalised to ISO 8601 with `Z` (see parseAscoraTimestamp: no zone means UTC);
// - unknown fields are dropped, so a field Ascora never sends cannot be read by accident.

const optional = <T extends z.ZodType>(schema: T) => schema.nullable().default(null);

const text = optional(z.string());
const amount = optional(z.number());

/** A GUID as .NET writes it; not necessarily an RFC 4122 UUID, so no version or variant check. */
export const ascoraGuid = z.guid();

export const ascoraTimestamp = z.string().transform((value, ctx) => {
  try {
    return normaliseAscoraTimestamp(value);
  } catch {
    ctx.issues.push({ code: 'custom', message: `not a timestamp: ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }
});

/** `{ id, name }` links: a job's site and billing customers, job type, customer type. */
export const ascoraReferenceSchema = z.object({ id: z.string(), name: text });
export type AscoraReference = z.output<typeof ascoraReferenceSchema>;

/** Lead source and assigned user appear as plain names in some payloads and as references in others. */
const nameOrReference = optional(z.union([z.string(), ascoraReferenceSchema]));

export const ascoraCustomerSchema = z.object({
  customerId: ascoraGuid,
  // Seen as strings; a number would be the same identifier, so it is accepted and kept as text.
  customerNumber: optional(z.union([z.string(), z.number()]).transform(String)),
  customerName: z.string(),
  companyName: text,
  contactFirstName: text,
  contactLastName: text,
  emailAddress: text,
  phoneNumber: text,
  mobileNumber: text,
  onHold: optional(z.boolean()),
  streetLine1: text,
  streetLine2: text,
  streetSuburb: text,
  streetPostcode: text,
  streetState: text,
  streetCountry: text,
  postalLine1: text,
  postalLine2: text,
  postalSuburb: text,
  postalPostcode: text,
  postalState: text,
  postalCountry: text,
  customerType: optional(ascoraReferenceSchema),
  leadSource: nameOrReference,
  billingCustomer: optional(ascoraReferenceSchema),
  assignedUser: nameOrReference,
  customFields: optional(z.array(z.unknown())),
});
export type AscoraCustomer = z.output<typeof ascoraCustomerSchema>;

export const ascoraContactSchema = z.object({
  contactId: ascoraGuid,
  customerId: optional(ascoraGuid),
  firstName: text,
  lastName: text,
  emailAddress: text,
  phoneNumber: text,
  mobileNumber: text,
  defaultContact: optional(z.boolean()),
  contactRole: text,
});
export type AscoraContact = z.output<typeof ascoraContactSchema>;

/**
 * `jobStatus` is numeric with `jobStatusText` beside it. 0 New and 2 Completed are confirmed by a
 * public fixture; the others are ASSUMED from the `JobStatus` filter values and may differ. Sync
 * code should prefer `jobStatusText` when it is present.
 */
export const ASCORA_JOB_STATUS = {
  0: 'New',
  1: 'In Progress',
  2: 'Completed',
  3: 'Cancelled',
  4: 'Booked',
} as const;
export type AscoraJobStatusCode = keyof typeof ASCORA_JOB_STATUS;

/** Values of the `JobStatus` query parameter of `GET /Jobs/Jobs`. */
export type AscoraJobStatusFilter =
  | 'NEW'
  | 'IN-PROGRESS'
  | 'COMPLETED'
  | 'CANCELLED'
  | 'BOOKED'
  | 'ALL-OPEN'
  | 'ALL';

export const ascoraPricingMethods = ['FIXED-PRICE', 'TIME-AND-MATERIALS'] as const;

export const ascoraJobSchema = z.object({
  jobId: ascoraGuid,
  jobNumber: z.string(),
  jobName: text,
  jobDescription: text,
  workUndertaken: text,
  jobStatus: z.number().int(),
  jobStatusText: text,
  dateCreated: ascoraTimestamp,
  pricingMethod: text,
  totalIncTax: amount,
  totalExTax: amount,
  addressLine1: text,
  addressLine2: text,
  suburb: text,
  state: text,
  postcode: text,
  country: text,
  latitude: amount,
  longitude: amount,
  jobType: optional(ascoraReferenceSchema),
  siteCustomer: optional(ascoraReferenceSchema),
  billingCustomer: optional(ascoraReferenceSchema),
  completedDate: optional(ascoraTimestamp),
  customFields: optional(z.array(z.unknown())),
});
export type AscoraJob = z.output<typeof ascoraJobSchema>;

export const ascoraInvoiceLineTypes = ['material', 'labour', 'discount', 'none'] as const;
export type AscoraInvoiceLineType = (typeof ascoraInvoiceLineTypes)[number];

export const ascoraInvoiceLineSchema = z.object({
  itemCode: text,
  description: text,
  quantity: z.number(),
  unitAmountExTax: z.number(),
  amountExTax: z.number(),
  // Compared without case: the legacy accounting API capitalises what the native one does not.
  invoiceLineType: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(ascoraInvoiceLineTypes)),
});
export type AscoraInvoiceLine = z.output<typeof ascoraInvoiceLineSchema>;

export const ascoraInvoiceSchema = z.object({
  id: ascoraGuid,
  invoiceNumber: z.string(),
  invoiceDate: ascoraTimestamp,
  jobId: optional(ascoraGuid),
  lines: z.array(ascoraInvoiceLineSchema),
});
export type AscoraInvoice = z.output<typeof ascoraInvoiceSchema>;

/**
 * A payment from the `GetPaymentsToSend` queue. Its shape is not published; ASSUMED to mirror the
 * body of `CreatePayment` plus the payment's and its invoice's GUIDs.
 */
export const ascoraPaymentSchema = z.object({
  id: ascoraGuid,
  invoiceId: optional(ascoraGuid),
  invoiceNumber: z.string(),
  paymentAmount: z.number(),
  paymentDate: ascoraTimestamp,
  paymentMethod: text,
  receiptNumber: text,
  surchargeAmount: amount,
  comment: text,
});
export type AscoraPayment = z.output<typeof ascoraPaymentSchema>;

// ── What we send ────────────────────────────────────────────────────────────────────────────────
// Validated before sending (a bad input is our bug, reported as AscoraValidationError without a
// request) and by the fake Ascora on arrival.

const maybeText = z.string().nullish();
const idReference = z.object({ id: ascoraGuid });
/**
 * A named link as clients send it: a plain name, Ascora's own `{ id, name }`, or the `{ Name }`
 * Pipedream's customer action sends (ASP.NET binds member names without case).
 */
const namedInput = z
  .union([
    z.string(),
    z
      .object({ id: z.string().optional(), name: z.string().optional(), Name: z.string().optional() })
      .refine((ref) => ref.id !== undefined || ref.name !== undefined || ref.Name !== undefined, {
        message: 'needs an id or a name',
      }),
  ])
  .nullish();

export const ascoraCustomerInputSchema = z
  .object({
    /** Set to update that customer; absent to create one. */
    customerId: ascoraGuid.optional(),
    /** Required to create; an update leaves it unchanged when absent. */
    customerName: z.string().min(1).optional(),
    companyName: maybeText,
    contactFirstName: maybeText,
    contactLastName: maybeText,
    emailAddress: maybeText,
    phoneNumber: maybeText,
    mobileNumber: maybeText,
    onHold: z.boolean().nullish(),
    streetLine1: maybeText,
    streetLine2: maybeText,
    streetSuburb: maybeText,
    streetPostcode: maybeText,
    streetState: maybeText,
    streetCountry: maybeText,
    postalLine1: maybeText,
    postalLine2: maybeText,
    postalSuburb: maybeText,
    postalPostcode: maybeText,
    postalState: maybeText,
    postalCountry: maybeText,
    leadSource: namedInput,
    customerType: namedInput,
    customFields: z.array(z.unknown()).nullish(),
  })
  // Real clients create with a company name alone (corsair) or a contact's name (Pipedream); Ascora
  // names the customer after whichever is given.
  .refine(
    (input) =>
      input.customerId !== undefined ||
      [input.customerName, input.companyName, input.contactFirstName, input.contactLastName].some(
        (name) => typeof name === 'string' && name.trim() !== '',
      ),
    {
      message: 'a customer needs a customerName, companyName or contact name to be created',
      path: ['customerName'],
    },
  );
export type AscoraCustomerInput = z.input<typeof ascoraCustomerInputSchema>;

export const ascoraJobInputSchema = z.object({
  /** Set to update that job; absent to create one. */
  jobId: ascoraGuid.optional(),
  siteCustomer: idReference,
  billingCustomer: idReference.nullish(),
  jobName: maybeText,
  jobDescription: maybeText,
  workUndertaken: maybeText,
  pricingMethod: z.enum(ascoraPricingMethods).nullish(),
  /** The status code Ascora reads back (`ASCORA_JOB_STATUS`); without it a created job is New. */
  jobStatus: z.number().int().min(0).max(4).nullish(),
  jobType: namedInput,
  totalExTax: z.number().nullish(),
  totalIncTax: z.number().nullish(),
  addressLine1: maybeText,
  addressLine2: maybeText,
  suburb: maybeText,
  state: maybeText,
  postcode: maybeText,
  country: maybeText,
  completedDate: maybeText,
  customFields: z.array(z.unknown()).nullish(),
});
export type AscoraJobInput = z.input<typeof ascoraJobInputSchema>;

export const ascoraPaymentInputSchema = z.object({
  invoiceNumber: z.string().min(1),
  paymentAmount: z.number(),
  paymentDate: z.string().min(1),
  paymentMethod: z.string().min(1),
  receiptNumber: z.string().optional(),
  surchargeAmount: z.number().optional(),
  comment: z.string().optional(),
});
export type AscoraPaymentInput = z.input<typeof ascoraPaymentInputSchema>;

export const ascoraWebhookEvents = [
  'JobCreated',
  'JobStatusChanged',
  'CustomerModified',
  'InvoiceCreated',
  'InvoiceModified',
] as const;
export type AscoraWebhookEvent = (typeof ascoraWebhookEvents)[number];

export const ascoraWebhookInputSchema = z.object({
  hookUrl: z.url({ protocol: /^https?$/ }),
  systemName: z.string().min(1),
  hookEvent: z.enum(ascoraWebhookEvents),
});
export type AscoraWebhookInput = z.input<typeof ascoraWebhookInputSchema>;

/** Describes zod issues in one line for logs: `lines.0.quantity: expected number, received string`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(record)'}: ${issue.message}`)
    .join('; ');
}
