import type { AscoraCustomersTerms, LinkTerms } from './en.js';

export const linkTerms: LinkTerms = {
  linkState: {
    linked: 'Lié',
    pending: 'Modifié ici',
    conflict: 'Conflit',
    error: 'Échec',
    none: 'Absent d’Ascora',
  },
  lastSynced: (when) => `Synchronisé ${when}`,
  push: 'Envoyer à Ascora',
  pull: 'Récupérer d’Ascora',
  pushing: 'Envoi…',
  pulling: 'Récupération…',
  loadMore: 'Afficher plus',
  refresh: 'Actualiser',
};

export const fr: AscoraCustomersTerms = {
  ...linkTerms,
  title: 'Clients dans Ascora',
  columns: { customer: 'Client', state: 'Ascora', actions: 'Actions' },
  pushed: (name) => `${name} a été envoyé à Ascora.`,
  pulled: (name) => `${name} a été récupéré d’Ascora.`,
  noCustomers: 'Aucun client pour l’instant.',
  attention: (count) => (count === 1 ? '1 à traiter' : `${count} à traiter`),
};
