import type { JobSheetTerms } from './en.js';

export const es: JobSheetTerms = {
  title: 'Parte de trabajo',
  statuses: {
    requested: 'Solicitada',
    scheduled: 'Programada',
    en_route: 'En camino',
    in_progress: 'En curso',
    paused: 'En pausa',
    completed: 'Completada',
    cancelled: 'Cancelada',
    no_show: 'Ausente',
  },
  sync: {
    saved: 'Todos los cambios guardados.',
    sending: (count) => `Enviando ${count} ${count === 1 ? 'cambio' : 'cambios'}…`,
    offline: (count) =>
      count === 0
        ? 'Sin conexión. Los cambios se guardan en este dispositivo y se envían al volver la conexión.'
        : `Sin conexión: ${count} ${count === 1 ? 'cambio espera' : 'cambios esperan'} para enviarse.`,
    unsaved: 'El almacenamiento del dispositivo está lleno: deje esta página abierta hasta que se envíen.',
    retry: 'Enviar ahora',
  },
  waiting: 'Pendiente de envío',
  labour: {
    title: 'Tiempo',
    travel: 'Viaje',
    work: 'Trabajo',
    paused: 'Pausa',
    corrected: 'corregido',
    offlineTaps:
      'Sin conexión: el cronómetro corre desde su toque, y la hora se envía cuando vuelva la conexión.',
  },
  actions: {
    en_route: 'Voy en camino',
    in_progress: 'Empezar',
    resume: 'Reanudar',
    paused: 'Pausa',
    complete: 'Completar la visita',
  },
  checklist: { title: 'Lista de control', none: 'Sin lista de control para este servicio.' },
  notes: {
    title: 'Notas',
    none: 'Aún no hay notas.',
    label: 'Nueva nota',
    visibility: 'Quién la ve',
    internal: 'Interna',
    customer: 'Visible para el cliente',
    add: 'Añadir nota',
    byTechnician: 'Técnico',
    byOffice: 'Oficina',
  },
  photos: {
    title: 'Fotos y archivos',
    none: 'Aún no hay fotos.',
    add: 'Hacer o adjuntar una foto',
    open: (name) => `Abrir ${name}`,
    tooLarge: (name) => `${name} supera los 10 MB.`,
  },
  parts: {
    title: 'Piezas usadas',
    none: 'Aún no hay piezas.',
    part: 'Pieza (de la lista o escrita)',
    quantity: 'Cantidad',
    quantityOf: (name) => `Cantidad de ${name}`,
    add: 'Añadir pieza',
    remove: (name) => `Quitar ${name}`,
  },
  signature: {
    title: 'Firma',
    pad: 'Área de firma: firme con el dedo, un lápiz o el ratón',
    name: 'Nombre de quien firma',
    hint: 'Firme arriba, o déjelo en blanco para firmar con el nombre escrito.',
    clear: 'Borrar',
    save: 'Firmar',
    again: 'Firmar de nuevo',
    signedBy: (name, when) => `Firmado por ${name}, ${when}`,
    typed: 'nombre escrito',
    changed: 'El parte cambió después de firmarse.',
    image: (name) => `Firma de ${name}`,
  },
  completion: {
    refused: 'La visita aún no puede completarse. Falta:',
    missing: {
      signature: 'la firma del cliente',
      photos: (minimum) => `al menos ${minimum} ${minimum === 1 ? 'foto' : 'fotos'}`,
      checklist: 'todas las líneas de la lista marcadas',
    },
    completed: 'Visita completada.',
  },
};
