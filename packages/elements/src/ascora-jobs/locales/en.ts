import type { components } from '@crewkit/sdk';
import { linkTerms } from '../../ascora-customers/locales/en.js';

export const en = {
  ...linkTerms,
  title: 'Ascora work orders',
  columns: { job: 'Work order', status: 'Status', visits: 'Visits', state: 'Ascora' },
  jobStatus: {
    new: 'New',
    booked: 'Booked',
    in_progress: 'In progress',
    completed: 'Completed',
    cancelled: 'Cancelled',
  } satisfies Record<components['schemas']['JobStatus'], string>,
  noVisits: 'No visits',
  noJobs: 'No work orders yet. Send an appointment to Ascora to create one.',
  sendTitle: 'This appointment in Ascora',
  sent: (number: string) => `Sent: work order ${number} in Ascora.`,
  fetched: (number: string) => `Work order ${number} was fetched from Ascora.`,
};
export type AscoraJobsTerms = typeof en;
