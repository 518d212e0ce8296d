import type { TechnicianEditorTerms } from './en.js';

export const fr: TechnicianEditorTerms = {
  title: 'Techniciens',
  technician: 'Technicien',
  profile: 'Profil',
  name: 'Nom',
  email: 'E-mail',
  phone: 'Téléphone',
  timeZone: 'Fuseau horaire',
  active: 'Actif (proposé et affecté)',
  saveProfile: 'Enregistrer le profil',
  skills: 'Compétences',
  skill: 'Compétence',
  proficiency: 'Niveau (1–5)',
  addSkill: 'Ajouter une compétence',
  remove: (what) => `Retirer ${what}`,
  certifications: 'Certifications',
  certification: 'Certification',
  expiresOn: 'Expire le',
  addCertification: 'Ajouter une certification',
  expired: 'Expirée',
  expiresSoon: (days) =>
    days === 0 ? 'Expire aujourd’hui' : `Expire dans ${days} ${days === 1 ? 'jour' : 'jours'}`,
  saveSkills: 'Enregistrer les compétences',
  weeklyHours: 'Horaires de la semaine',
  hoursHint: 'Plages comme « 08:00-12:00, 13:00-17:00 » ; vide pour un jour de repos.',
  overrides: 'Jours particuliers',
  overridesHint:
    'Une par ligne : une date et ses plages, ou seulement une date pour un jour de repos (« 2031-12-24 08:00-12:00 »).',
  saveSchedule: 'Enregistrer les horaires',
  timeOff: 'Absences',
  starts: 'Début',
  ends: 'Fin',
  reason: 'Motif',
  addTimeOff: 'Ajouter une absence',
  saved: 'Enregistré.',
  badHours: (what) => `« ${what} » n’est pas une liste de plages comme 08:00-12:00.`,
  collides: (count) =>
    count === 1
      ? '1 intervention réservée tombe pendant cette période :'
      : `${count} interventions réservées tombent pendant cette période :`,
  collidesDeactivate: (count) =>
    count === 1
      ? '1 intervention réservée est encore prévue pour ce technicien :'
      : `${count} interventions réservées sont encore prévues pour ce technicien :`,
  reassignTo: (reference) => `Réaffecter ${reference} à`,
  reassign: 'Réaffecter',
  reassigned: (reference, name) => `${reference} est maintenant chez ${name}.`,
  proceed: 'Continuer quand même',
  cancel: 'Annuler',
  weekdays: {
    monday: 'Lundi',
    tuesday: 'Mardi',
    wednesday: 'Mercredi',
    thursday: 'Jeudi',
    friday: 'Vendredi',
    saturday: 'Samedi',
    sunday: 'Dimanche',
  },
};
