import type { AscoraCustomersTerms, LinkTerms } from './en.js';

export const linkTerms: LinkTerms = {
  linkState: {
    linked: 'Verknüpft',
    pending: 'Hier geändert',
    conflict: 'Konflikt',
    error: 'Fehlgeschlagen',
    none: 'Nicht in Ascora',
  },
  lastSynced: (when) => `Abgeglichen ${when}`,
  push: 'An Ascora senden',
  pull: 'Aus Ascora holen',
  pushing: 'Wird gesendet…',
  pulling: 'Wird geholt…',
  loadMore: 'Weitere laden',
  refresh: 'Aktualisieren',
};

export const de: AscoraCustomersTerms = {
  ...linkTerms,
  title: 'Kunden in Ascora',
  columns: { customer: 'Kunde', state: 'Ascora', actions: 'Aktionen' },
  pushed: (name) => `${name} wurde an Ascora gesendet.`,
  pulled: (name) => `${name} wurde aus Ascora geholt.`,
  noCustomers: 'Noch keine Kunden.',
  attention: (count) => `${count} brauchen Aufmerksamkeit`,
};
