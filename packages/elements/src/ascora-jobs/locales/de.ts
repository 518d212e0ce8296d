import { linkTerms } from '../../ascora-customers/locales/de.js';
import type { AscoraJobsTerms } from './en.js';

export const de: AscoraJobsTerms = {
  ...linkTerms,
  title: 'Ascora-Aufträge',
  columns: { job: 'Auftrag', status: 'Status', visits: 'Termine', state: 'Ascora' },
  jobStatus: {
    new: 'Neu',
    booked: 'Gebucht',
    in_progress: 'In Arbeit',
    completed: 'Erledigt',
    cancelled: 'Storniert',
  },
  noVisits: 'Keine Termine',
  noJobs: 'Noch keine Aufträge. Senden Sie einen Termin an Ascora, um einen anzulegen.',
  sendTitle: 'Dieser Termin in Ascora',
  sent: (number) => `Gesendet: Auftrag ${number} in Ascora.`,
  fetched: (number) => `Auftrag ${number} wurde aus Ascora geholt.`,
};
