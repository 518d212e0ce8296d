// The classes and helpers, without registering any tag: import a `define.ts` (or `crewkit.ts`) for that.

export { CrewAppointmentList } from './appointment-list/appointment-list.js';
export { type AppointmentListItem, CrewAppointmentSelectedEvent } from './appointment-list/events.js';
export { CrewJobList, CrewJobSelectedEvent } from './appointment-list/job-list-alias.js';
export { CrewAscoraConnect } from './ascora-connect/ascora-connect.js';
export {
  type AscoraSettings,
  type AscoraStatus,
  type AscoraSyncRun,
  CrewAscoraConnectedEvent,
  CrewAscoraDisconnectedEvent,
  CrewAscoraSettingsChangedEvent,
  CrewSyncCompletedEvent,
  CrewSyncQueuedEvent,
} from './ascora-connect/events.js';
export { CrewAscoraCustomers } from './ascora-customers/ascora-customers.js';
export {
  type AscoraLink,
  type AscoraRecordLink,
  CrewAscoraRecordSyncedEvent,
} from './ascora-customers/events.js';
export { CrewAscoraJobs } from './ascora-jobs/ascora-jobs.js';
export { CrewAscoraSync } from './ascora-sync/ascora-sync.js';
export { type AscoraConflict, CrewConflictResolvedEvent } from './ascora-sync/events.js';
export { CrewBooking } from './booking/booking.js';
export {
  CrewBookingConfirmedEvent,
  CrewServiceSelectedEvent,
  CrewSlotSelectedEvent,
} from './booking/events.js';
export { CrewCatalogEditor } from './catalog-editor/catalog-editor.js';
export { CrewDispatchBoard } from './dispatch-board/dispatch-board.js';
export { CrewVisitMovedEvent } from './dispatch-board/events.js';
export { CrewPaymentRecordedEvent, type Invoice, type Payment } from './invoices/events.js';
export { CrewInvoices } from './invoices/invoices.js';
export {
  CrewEditsSyncedEvent,
  CrewVisitCompletedEvent,
  type JobSheet,
} from './job-sheet/events.js';
export { CrewJobSheet } from './job-sheet/job-sheet.js';
export {
  CrewMessageTemplateSavedEvent,
  CrewNotificationSettingsSavedEvent,
  type MessageTemplate,
  type NotificationSettings,
} from './notification-settings/events.js';
export { CrewNotificationSettings } from './notification-settings/notification-settings.js';
export { ElementError, type ElementErrorCode } from './shared/api.js';
export { CrewElement } from './shared/element.js';
export { CrewErrorEvent, CrewReadyEvent } from './shared/events.js';
export {
  LocalizeController,
  type PartialTerms,
  registerTranslation,
  supportedLanguages,
  type Translations,
} from './shared/localize.js';
export { defineElement } from './shared/register.js';
export { StaffElement } from './shared/staff-element.js';
export { VERSION } from './shared/version.js';
export { CrewTechnicianEditor } from './technician-editor/technician-editor.js';
export {
  CrewWebhookEndpointCreatedEvent,
  CrewWebhookReplayedEvent,
  CrewWebhookSecretRotatedEvent,
  type WebhookDelivery,
  type WebhookEndpoint,
} from './webhooks/events.js';
export { CrewWebhooks } from './webhooks/webhooks.js';
