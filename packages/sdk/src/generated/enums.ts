/**
 * This file was generated from openapi.yaml by scripts/generate-enums.mjs (npm run generate).
 * Do not make direct changes to the file.
 */

/** components['schemas']['ErrorCode'] */
export const errorCodes = ["validation_failed", "malformed_json", "unsupported_media_type", "unauthorized", "forbidden", "origin_not_allowed", "invalid_publishable_key", "not_found", "method_not_allowed", "conflict", "idempotency_key_reused", "idempotency_request_in_progress", "slot_unavailable", "rate_limited", "payload_too_large", "unavailable", "queue_unavailable", "internal", "ascora_rejected", "ascora_unavailable", "invoice_not_editable", "overpayment"] as const;
/** components['schemas']['Role'] */
export const roles = ["owner", "admin", "dispatcher", "technician"] as const;
/** components['schemas']['ApiKeyKind'] */
export const apiKeyKinds = ["secret", "publishable"] as const;
/** components['schemas']['DayReason'] */
export const dayReasons = ["outside_working_hours", "fully_booked", "minimum_notice", "beyond_horizon", "no_qualified_technician"] as const;
/** components['schemas']['AppointmentStatus'] */
export const appointmentStatuses = ["requested", "scheduled", "en_route", "in_progress", "paused", "completed", "cancelled", "no_show"] as const;
/** components['schemas']['CommunicationChannel'] */
export const communicationChannels = ["email", "sms", "phone"] as const;
/** components['schemas']['AscoraDirection'] */
export const ascoraDirections = ["pull", "push", "both"] as const;
/** components['schemas']['AscoraConflictStrategy'] */
export const ascoraConflictStrategies = ["local_wins", "remote_wins", "newest_wins", "manual"] as const;
/** components['schemas']['AuditActorType'] */
export const auditActorTypes = ["user", "api_key", "system"] as const;
/** components['schemas']['JobStatus'] */
export const jobStatuses = ["new", "booked", "in_progress", "completed", "cancelled"] as const;
/** components['schemas']['InvoiceKind'] */
export const invoiceKinds = ["invoice", "credit_note"] as const;
/** components['schemas']['InvoiceStatus'] */
export const invoiceStatuses = ["draft", "issued", "part_paid", "paid", "void"] as const;
/** components['schemas']['WebhookEventType'] */
export const webhookEventTypes = ["appointment.created", "appointment.rescheduled", "appointment.cancelled", "appointment.status_changed", "appointment.technician_assigned", "customer.created", "customer.updated", "invoice.created", "invoice.updated", "invoice.issued", "invoice.voided", "invoice.paid", "invoice.credit_note_issued", "payment.recorded"] as const;
/** components['schemas']['WebhookDeliveryStatus'] */
export const webhookDeliveryStatuses = ["pending", "succeeded", "failed"] as const;
/** components['schemas']['MessageType'] */
export const messageTypes = ["confirmation", "reschedule", "cancellation", "reminder_24h", "reminder_2h", "technician_assigned", "on_my_way", "completion", "webhook_endpoint_disabled", "invoice_issued", "invoice_overdue"] as const;
/** components['schemas']['NotificationChannel'] */
export const notificationChannels = ["email", "sms"] as const;
/** components['schemas']['NotificationStatus'] */
export const notificationStatuses = ["queued", "sent", "failed", "bounced", "skipped"] as const;
/** components['schemas']['MessageLanguage'] */
export const messageLanguages = ["en", "de", "fr"] as const;
/** The keys of components['schemas']['WeeklyHours'], Monday first. */
export const weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
