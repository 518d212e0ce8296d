import { linkTerms } from '../../ascora-customers/locales/es.js';
import type { AscoraJobsTerms } from './en.js';

export const es: AscoraJobsTerms = {
  ...linkTerms,
  title: 'Órdenes de trabajo de Ascora',
  columns: { job: 'Orden de trabajo', status: 'Estado', visits: 'Visitas', state: 'Ascora' },
  jobStatus: {
    new: 'Nueva',
    booked: 'Programada',
    in_progress: 'En curso',
    completed: 'Terminada',
    cancelled: 'Cancelada',
  },
  noVisits: 'Sin visitas',
  noJobs: 'Todavía no hay órdenes de trabajo. Envíe una cita a Ascora para crear una.',
  sendTitle: 'Esta cita en Ascora',
  sent: (number) => `Enviada: orden de trabajo ${number} en Ascora.`,
  fetched: (number) => `La orden de trabajo ${number} se trajo de Ascora.`,
};
