import type { TechnicianEditorTerms } from './en.js';

export const de: TechnicianEditorTerms = {
  title: 'Techniker',
  technician: 'Techniker',
  profile: 'Profil',
  name: 'Name',
  email: 'E-Mail',
  phone: 'Telefon',
  timeZone: 'Zeitzone',
  active: 'Aktiv (wird angeboten und zugewiesen)',
  saveProfile: 'Profil speichern',
  skills: 'Fähigkeiten',
  skill: 'Fähigkeit',
  proficiency: 'Stufe (1–5)',
  addSkill: 'Fähigkeit hinzufügen',
  remove: (what) => `${what} entfernen`,
  certifications: 'Zertifikate',
  certification: 'Zertifikat',
  expiresOn: 'Gültig bis',
  addCertification: 'Zertifikat hinzufügen',
  expired: 'Abgelaufen',
  expiresSoon: (days) =>
    days === 0 ? 'Läuft heute ab' : `Läuft in ${days} ${days === 1 ? 'Tag' : 'Tagen'} ab`,
  saveSkills: 'Fähigkeiten speichern',
  weeklyHours: 'Wochenarbeitszeit',
  hoursHint: 'Zeiträume wie „08:00-12:00, 13:00-17:00“; leer für einen freien Tag.',
  overrides: 'Abweichende Tage',
  overridesHint:
    'Eine pro Zeile: ein Datum und seine Zeiträume, oder nur ein Datum für einen freien Tag („2031-12-24 08:00-12:00“).',
  saveSchedule: 'Zeiten speichern',
  timeOff: 'Abwesenheit',
  starts: 'Beginn',
  ends: 'Ende',
  reason: 'Grund',
  addTimeOff: 'Abwesenheit eintragen',
  saved: 'Gespeichert.',
  badHours: (what) => `„${what}“ ist keine Liste von Zeiträumen wie 08:00-12:00.`,
  collides: (count) =>
    count === 1
      ? '1 gebuchter Einsatz fällt in diese Zeit:'
      : `${count} gebuchte Einsätze fallen in diese Zeit:`,
  collidesDeactivate: (count) =>
    count === 1
      ? '1 gebuchter Einsatz steht für diesen Techniker noch an:'
      : `${count} gebuchte Einsätze stehen für diesen Techniker noch an:`,
  reassignTo: (reference) => `${reference} übergeben an`,
  reassign: 'Übergeben',
  reassigned: (reference, name) => `${reference} ist jetzt bei ${name}.`,
  proceed: 'Trotzdem fortfahren',
  cancel: 'Abbrechen',
  weekdays: {
    monday: 'Montag',
    tuesday: 'Dienstag',
    wednesday: 'Mittwoch',
    thursday: 'Donnerstag',
    friday: 'Freitag',
    saturday: 'Samstag',
    sunday: 'Sonntag',
  },
};
