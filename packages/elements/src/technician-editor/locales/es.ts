import type { TechnicianEditorTerms } from './en.js';

export const es: TechnicianEditorTerms = {
  title: 'Técnicos',
  technician: 'Técnico',
  profile: 'Perfil',
  name: 'Nombre',
  email: 'Correo electrónico',
  phone: 'Teléfono',
  timeZone: 'Zona horaria',
  active: 'Activo (se ofrece y se asigna)',
  saveProfile: 'Guardar perfil',
  skills: 'Habilidades',
  skill: 'Habilidad',
  proficiency: 'Nivel (1–5)',
  addSkill: 'Añadir habilidad',
  remove: (what) => `Quitar ${what}`,
  certifications: 'Certificaciones',
  certification: 'Certificación',
  expiresOn: 'Caduca el',
  addCertification: 'Añadir certificación',
  expired: 'Caducada',
  expiresSoon: (days) => (days === 0 ? 'Caduca hoy' : `Caduca en ${days} ${days === 1 ? 'día' : 'días'}`),
  saveSkills: 'Guardar habilidades',
  weeklyHours: 'Horario semanal',
  hoursHint: 'Franjas como «08:00-12:00, 13:00-17:00»; vacío para un día libre.',
  overrides: 'Días especiales',
  overridesHint:
    'Una por línea: una fecha y sus franjas, o solo una fecha para un día libre («2031-12-24 08:00-12:00»).',
  saveSchedule: 'Guardar horario',
  timeOff: 'Ausencias',
  starts: 'Inicio',
  ends: 'Fin',
  reason: 'Motivo',
  addTimeOff: 'Añadir ausencia',
  saved: 'Guardado.',
  badHours: (what) => `«${what}» no es una lista de franjas como 08:00-12:00.`,
  collides: (count) =>
    count === 1
      ? '1 visita reservada cae en este periodo:'
      : `${count} visitas reservadas caen en este periodo:`,
  collidesDeactivate: (count) =>
    count === 1
      ? 'Este técnico aún tiene 1 visita reservada pendiente:'
      : `Este técnico aún tiene ${count} visitas reservadas pendientes:`,
  reassignTo: (reference) => `Reasignar ${reference} a`,
  reassign: 'Reasignar',
  reassigned: (reference, name) => `${reference} ahora es de ${name}.`,
  proceed: 'Continuar de todos modos',
  cancel: 'Cancelar',
  weekdays: {
    monday: 'Lunes',
    tuesday: 'Martes',
    wednesday: 'Miércoles',
    thursday: 'Jueves',
    friday: 'Viernes',
    saturday: 'Sábado',
    sunday: 'Domingo',
  },
};
