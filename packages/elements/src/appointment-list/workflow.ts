import type { components } from '@crewkit/sdk';

export { appointmentStatuses } from '@crewkit/sdk';

export type AppointmentStatus = components['schemas']['AppointmentStatus'];

/**
 * A copy of the server's table (server/src/services/workflow.ts), used only to show a changed row's
 * next actions before the next refresh; the list itself carries the server's `allowedTransitions`,
 * and the server refuses any change this copy might get wrong.
 */
export const nextStatuses: Record<AppointmentStatus, readonly AppointmentStatus[]> = {
  requested: ['scheduled', 'cancelled'],
  scheduled: ['en_route', 'in_progress', 'cancelled', 'no_show'],
  en_route: ['in_progress', 'cancelled', 'no_show'],
  in_progress: ['paused', 'completed'],
  paused: ['in_progress', 'completed'],
  completed: [],
  cancelled: [],
  no_show: [],
};

/** Only appointments that have not started may go to another technician (the server checks it again). */
export const assignableStatuses: readonly AppointmentStatus[] = ['requested', 'scheduled'];
