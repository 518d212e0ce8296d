import { appointmentStatuses } from '@crewkit/sdk/enums';

export { appointmentStatuses };
export type AppointmentStatus = (typeof appointmentStatuses)[number];

/**
 * The appointment state machine: every allowed change is in this one table. A change not listed
 * is refused (409, listing the allowed ones), so no flow can, say, reschedule a cancelled job.
 */
export const transitions: Record<AppointmentStatus, readonly AppointmentStatus[]> = {
  requested: ['scheduled', 'cancelled'],
  scheduled: ['en_route', 'in_progress', 'cancelled', 'no_show'],
  en_route: ['in_progress', 'cancelled', 'no_show'],
  in_progress: ['paused', 'completed'],
  paused: ['in_progress', 'completed'],
  completed: [],
  cancelled: [],
  no_show: [],
};

/** Statuses in which the appointment still holds its technician's time. */
export const activeStatuses: readonly AppointmentStatus[] = [
  'requested',
  'scheduled',
  'en_route',
  'in_progress',
  'paused',
];

/** Only appointments that have not started can move to another time. */
export const reschedulableStatuses: readonly AppointmentStatus[] = ['requested', 'scheduled'];

export function canTransition(from: AppointmentStatus, to: AppointmentStatus): boolean {
  return transitions[from].includes(to);
}

/** What a visit for an item needs before it may be completed (the item's completion rules). */
export interface CompletionRules {
  signatureRequired?: boolean;
  minimumPhotos?: number;
  checklistComplete?: boolean;
}

export type CompletionGap = 'signature' | 'photos' | 'checklist';

/**
 * What the job sheet still lacks under the item's rules; moving to `completed` is refused (409)
 * until this is empty, so a visit cannot be closed without the proof the business asked for.
 */
export function missingForCompletion(
  rules: CompletionRules,
  sheet: { signed: boolean; photos: number; checklistDone: boolean },
): CompletionGap[] {
  const missing: CompletionGap[] = [];
  if (rules.signatureRequired && !sheet.signed) missing.push('signature');
  if ((rules.minimumPhotos ?? 0) > sheet.photos) missing.push('photos');
  if (rules.checklistComplete && !sheet.checklistDone) missing.push('checklist');
  return missing;
}
