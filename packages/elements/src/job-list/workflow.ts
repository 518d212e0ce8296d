import { appointmentStatuses, type components } from '@crewkit/sdk';

export type JobStatus = components['schemas']['AppointmentStatus'];

export const jobStatuses: readonly JobStatus[] = appointmentStatuses;

/**
 * A copy of the server's table (server/src/services/workflow.ts), used only to show a changed row's
 * next actions before the next refresh; the list itself carries the server's `allowedTransitions`,
 * and the server refuses any change this copy might get wrong.
 */
export const nextStatuses: Record<JobStatus, readonly JobStatus[]> = {
  requested: ['scheduled', 'cancelled'],
  scheduled: ['en_route', 'in_progress', 'cancelled', 'no_show'],
  en_route: ['in_progress', 'cancelled', 'no_show'],
  in_progress: ['paused', 'completed'],
  paused: ['in_progress', 'completed'],
  completed: [],
  cancelled: [],
  no_show: [],
};

/** Only jobs that have not started may go to another technician (the server checks it again). */
export const assignableStatuses: readonly JobStatus[] = ['requested', 'scheduled'];
