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
export type ApiKeyUpdate = Schemas['ApiKeyUpdate'];
export type ApiKeyWithSecret = Schemas['ApiKeyWithSecret'];
export type BookingProfile = Schemas['BookingProfile'];
export type BookingSettings = Schemas['BookingSettings'];
export type Health = Schemas['Health'];
export type LoginRequest = Schemas['LoginRequest'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditActorType = Schemas['AuditActorType'];
export type Organization = Schemas['Organization'];
export type OrganizationUpdate = Schemas['OrganizationUpdate'];
export type Principal = Schemas['Principal'];
export type RefreshRequest = Schemas['RefreshRequest'];
export type Role = Schemas['Role'];
export type TokenPair = Schemas['TokenPair'];
export type User = Schemas['User'];
export type UserCreate = Schemas['UserCreate'];
export type UserUpdate = Schemas['UserUpdate'];

export type Money = Schemas['Money'];
export type ServiceCategory = Schemas['ServiceCategory'];
export type ServiceCategoryCreate = Schemas['ServiceCategoryCreate'];
export type ServiceCategoryUpdate = Schemas['ServiceCategoryUpdate'];
export type RequiredSkill = Schemas['RequiredSkill'];
export type ServiceItem = Schemas['ServiceItem'];
export type ServiceItemCreate = Schemas['ServiceItemCreate'];
export type ServiceItemUpdate = Schemas['ServiceItemUpdate'];
export type PricingTier = Schemas['PricingTier'];
export type PricingTierCreate = Schemas['PricingTierCreate'];
export type PricingTierUpdate = Schemas['PricingTierUpdate'];
export type PriceInForce = Schemas['PriceInForce'];

export type Skill = Schemas['Skill'];
export type Certification = Schemas['Certification'];
export type Technician = Schemas['Technician'];
export type TechnicianCreate = Schemas['TechnicianCreate'];
export type TechnicianUpdate = Schemas['TechnicianUpdate'];
export type TechnicianSkills = Schemas['TechnicianSkills'];
export type LocalTimeRange = Schemas['LocalTimeRange'];
export type WeeklyHours = Schemas['WeeklyHours'];
export type ScheduleOverride = Schemas['ScheduleOverride'];
export type TechnicianSchedule = Schemas['TechnicianSchedule'];
export type TechnicianScheduleUpdate = Schemas['TechnicianScheduleUpdate'];
export type TimeOff = Schemas['TimeOff'];
export type TimeOffCreate = Schemas['TimeOffCreate'];

export type Availability = Schemas['Availability'];
export type AvailabilityDay = Schemas['AvailabilityDay'];
export type AvailabilitySlot = Schemas['AvailabilitySlot'];
export type DayReason = Schemas['DayReason'];
export type Hold = Schemas['Hold'];
export type HoldCreate = Schemas['HoldCreate'];

export type Appointment = Schemas['Appointment'];
/** A new appointment as `appointments.create` answers it: with the confirmation it will send. */
export type BookedAppointment = Schemas['BookedAppointment'];
export type PromisedMessage = Schemas['PromisedMessage'];
/** An appointment as listed: with its customer's name and the statuses it may move to next. */
export type AppointmentListItem = Schemas['AppointmentListItem'];

export type Job = Schemas['Job'];
export type JobStatus = Schemas['JobStatus'];
export type Invoice = Schemas['Invoice'];
export type InvoiceLine = Schemas['InvoiceLine'];
export type Payment = Schemas['Payment'];
export type PaymentCreate = Schemas['PaymentCreate'];
export type InvoiceCreate = Schemas['InvoiceCreate'];
export type InvoiceUpdate = Schemas['InvoiceUpdate'];
export type InvoiceLineInput = Schemas['InvoiceLineInput'];
export type InvoiceStatus = Schemas['InvoiceStatus'];
export type InvoiceKind = Schemas['InvoiceKind'];
export type InvoiceTax = Schemas['InvoiceTax'];
export type CreditNoteCreate = Schemas['CreditNoteCreate'];
export type TaxSettings = Schemas['TaxSettings'];
export type TaxSettingsUpdate = Schemas['TaxSettingsUpdate'];
export type TaxRate = Schemas['TaxRate'];
export type RevenueReport = Schemas['RevenueReport'];
export type RevenueRow = Schemas['RevenueRow'];

export type AscoraStatus = Schemas['AscoraStatus'];
export type AscoraSettings = Schemas['AscoraSettings'];
export type AscoraSettingsUpdate = Schemas['AscoraSettingsUpdate'];
export type AscoraDirection = Schemas['AscoraDirection'];
export type AscoraConflictStrategy = Schemas['AscoraConflictStrategy'];
export type AscoraSyncRun = Schemas['AscoraSyncRun'];
export type AscoraSyncRunDetail = Schemas['AscoraSyncRunDetail'];
export type AscoraSyncStatus = Schemas['AscoraSyncStatus'];
export type AscoraSyncFailure = Schemas['AscoraSyncFailure'];
export type AscoraFailureRetry = Schemas['AscoraFailureRetry'];
export type AscoraRunCounts = Schemas['AscoraRunCounts'];
export type AscoraConflict = Schemas['AscoraConflict'];
export type AppointmentCreate = Schemas['AppointmentCreate'];
export type AppointmentStatus = Schemas['AppointmentStatus'];
export type AppointmentHistoryEntry = Schemas['AppointmentHistoryEntry'];
export type Assignment = Schemas['Assignment'];
export type NewCustomerDetails = Schemas['NewCustomerDetails'];
export type StatusChange = Schemas['StatusChange'];
export type CalendarView = Schemas['CalendarView'];
export type CalendarLane = Schemas['CalendarLane'];
export type TimeSpan = Schemas['TimeSpan'];
export type SiteAddress = Schemas['SiteAddress'];
export type AppointmentSite = Schemas['AppointmentSite'];
export type VisitContact = Schemas['VisitContact'];
export type AppointmentUpdate = Schemas['AppointmentUpdate'];
export type JobSheet = Schemas['JobSheet'];
export type LabourTime = Schemas['LabourTime'];
export type LabourCorrection = Schemas['LabourCorrection'];
export type JobSheetNote = Schemas['JobSheetNote'];
export type JobSheetNoteCreate = Schemas['JobSheetNoteCreate'];
export type ChecklistItem = Schemas['ChecklistItem'];
export type Attachment = Schemas['Attachment'];
export type AttachmentCreate = Schemas['AttachmentCreate'];
export type AttachmentUpload = Schemas['AttachmentUpload'];
export type Signature = Schemas['Signature'];
export type SignatureCapture = Schemas['SignatureCapture'];
export type Part = Schemas['Part'];
export type PartCreate = Schemas['PartCreate'];
export type PartUpdate = Schemas['PartUpdate'];
export type PartUsed = Schemas['PartUsed'];
export type PartUsedCreate = Schemas['PartUsedCreate'];
export type PartUsedUpdate = Schemas['PartUsedUpdate'];

export type Customer = Schemas['Customer'];
export type CustomerCreate = Schemas['CustomerCreate'];
export type CustomerUpdate = Schemas['CustomerUpdate'];
export type CustomerAddress = Schemas['CustomerAddress'];
export type CustomerContact = Schemas['CustomerContact'];
export type CustomerContactCreate = Schemas['CustomerContactCreate'];
export type CustomerContactUpdate = Schemas['CustomerContactUpdate'];
export type CustomerPreferences = Schemas['CustomerPreferences'];
export type CommunicationChannel = Schemas['CommunicationChannel'];

export type Notification = Schemas['Notification'];
export type NotificationSettings = Schemas['NotificationSettings'];
export type NotificationSettingsUpdate = Schemas['NotificationSettingsUpdate'];
export type MessageType = Schemas['MessageType'];
export type MessageLanguage = Schemas['MessageLanguage'];
export type MessageTemplate = Schemas['MessageTemplate'];
export type MessageTemplateUpdate = Schemas['MessageTemplateUpdate'];
export type RenderedMessage = Schemas['RenderedMessage'];
export type VisitRatingCreate = Schemas['VisitRatingCreate'];

/** The JSON request body of an operation, straight from the spec (also for bodies the spec declares inline). */
export type RequestBody<Op extends keyof operations> = NonNullable<
  operations[Op]['requestBody']
>['content']['application/json'];

export type TechnicianAssignment = RequestBody<'assignTechnician'>;
export type Reschedule = RequestBody<'rescheduleAppointment'>;
export type AppointmentFeedback = RequestBody<'recordAppointmentFeedback'>;

export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type WebhookEndpointCreate = Schemas['WebhookEndpointCreate'];
export type WebhookEndpointUpdate = Schemas['WebhookEndpointUpdate'];
export type WebhookEndpointWithSecret = Schemas['WebhookEndpointWithSecret'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type WebhookEventType = Schemas['WebhookEventType'];
export type WebhookReplay = Schemas['WebhookReplay'];
export type CalendarFeed = Schemas['CalendarFeed'];

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

/** The parameters of any other method with a query (such as availability): the same shape. */
export type QueryParams<Op extends keyof operations> = Query<Op> & OrgCallOptions;
