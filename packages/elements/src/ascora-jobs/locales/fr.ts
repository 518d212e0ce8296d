import { linkTerms } from '../../ascora-customers/locales/fr.js';
import type { AscoraJobsTerms } from './en.js';

export const fr: AscoraJobsTerms = {
  ...linkTerms,
  title: 'Ordres de travail Ascora',
  columns: { job: 'Ordre de travail', status: 'Statut', visits: 'Interventions', state: 'Ascora' },
  jobStatus: {
    new: 'Nouveau',
    booked: 'Planifié',
    in_progress: 'En cours',
    completed: 'Terminé',
    cancelled: 'Annulé',
  },
  noVisits: 'Aucune intervention',
  noJobs: 'Aucun ordre de travail. Envoyez un rendez-vous à Ascora pour en créer un.',
  sendTitle: 'Ce rendez-vous dans Ascora',
  sent: (number) => `Envoyé : ordre de travail ${number} dans Ascora.`,
  fetched: (number) => `L’ordre de travail ${number} a été récupéré d’Ascora.`,
};
