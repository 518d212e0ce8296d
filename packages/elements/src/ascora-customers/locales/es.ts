import type { AscoraCustomersTerms, LinkTerms } from './en.js';

export const linkTerms: LinkTerms = {
  linkState: {
    linked: 'Vinculado',
    pending: 'Cambiado aquí',
    conflict: 'Conflicto',
    error: 'Error',
    none: 'No está en Ascora',
  },
  lastSynced: (when) => `Sincronizado ${when}`,
  push: 'Enviar a Ascora',
  pull: 'Traer de Ascora',
  pushing: 'Enviando…',
  pulling: 'Trayendo…',
  loadMore: 'Cargar más',
  refresh: 'Actualizar',
};

export const es: AscoraCustomersTerms = {
  ...linkTerms,
  title: 'Clientes en Ascora',
  columns: { customer: 'Cliente', state: 'Ascora', actions: 'Acciones' },
  pushed: (name) => `${name} se envió a Ascora.`,
  pulled: (name) => `${name} se trajo de Ascora.`,
  noCustomers: 'Todavía no hay clientes.',
  attention: (count) => (count === 1 ? '1 requiere atención' : `${count} requieren atención`),
};
