import type { AscoraConnectTerms } from './en.js';

/** Words for sync runs, shared with `<crew-ascora-sync>`. */
export const runTerms: Pick<
  AscoraConnectTerms,
  'entities' | 'entity' | 'ways' | 'runStatus' | 'trigger' | 'counts'
> = {
  entities: {
    customers: 'Kunden',
    jobs: 'Aufträge',
    invoices: 'Rechnungen',
    payments: 'Zahlungen',
  },
  entity: {
    customer: 'Kunde',
    job: 'Auftrag',
    invoice: 'Rechnung',
    payment: 'Zahlung',
  },
  ways: { pull: 'aus Ascora', push: 'nach Ascora' },
  runStatus: {
    running: 'Läuft',
    completed: 'Abgeschlossen',
    failed: 'Fehlgeschlagen',
  },
  trigger: {
    manual: 'Von Hand gestartet',
    schedule: 'Geplant',
    webhook: 'Änderung in Ascora',
    connect: 'Erster Abgleich',
  },
  counts: {
    created: 'Neu',
    updated: 'Geändert',
    skipped: 'Unverändert',
    conflicts: 'Konflikte',
    failed: 'Fehler',
  },
};

export const de: AscoraConnectTerms = {
  ...runTerms,
  title: 'Ascora',
  notConnected: 'Nicht verbunden',
  connected: 'Verbunden',
  intro: 'Verbinden Sie Ihr Ascora-Konto, um Kunden, Aufträge, Rechnungen und Zahlungen abzugleichen.',
  apiKey: 'Ascora-API-Schlüssel',
  apiKeyHint:
    'Ascora → Einstellungen → API. Der Schlüssel wird verschlüsselt gespeichert und nie wieder angezeigt.',
  baseUrl: 'Ascora-Adresse',
  advanced: 'Erweitert',
  connect: 'Testen und verbinden',
  connecting: 'Der Schlüssel wird bei Ascora geprüft…',
  keyRequired: 'Geben Sie den API-Schlüssel ein.',
  keyTooShort: 'Dieser Schlüssel ist zu kurz für einen Ascora-Schlüssel.',
  connectErrors: {
    ascora_rejected:
      'Ascora hat diesen Schlüssel nicht akzeptiert. Prüfen Sie ihn und versuchen Sie es erneut.',
    ascora_unavailable:
      'Ascora war zum Prüfen des Schlüssels nicht erreichbar. Bitte versuchen Sie es später erneut.',
    validation_failed: 'Der Schlüssel oder die Adresse ist ungültig.',
  },
  connectedTo: (url) => `Verbunden mit ${url}`,
  connectedSince: (date) => `seit ${date}`,
  justConnected: 'Verbunden. Der erste Abgleich ist eingeplant.',
  replaceKey: 'Schlüssel ersetzen',
  replaceKeyHint: 'Der bisherige Schlüssel gilt weiter, bis Ascora den neuen akzeptiert.',
  saveKey: 'Testen und speichern',
  cancel: 'Abbrechen',
  lastSync: 'Letzter Abgleich',
  never: 'Noch kein Abgleich',
  noRunYet: 'Es lief noch kein Abgleich.',
  runError: (message) => `Abgebrochen: ${message}`,
  syncNow: 'Jetzt abgleichen',
  syncQueued: 'Abgleich eingeplant. Er beginnt gleich.',
  syncing: 'Abgleich läuft…',
  syncStarting: 'Warten auf den Start des Abgleichs…',
  stageProgress: (entities, way, done, total) => `${entities} ${way}: ${done} von ${total} Seiten`,
  stage: (entities, way) => `${entities} ${way}`,
  syncDone: 'Abgleich abgeschlossen.',
  syncFailed: 'Der Abgleich ist mit einem Fehler abgebrochen.',
  settings: 'Einstellungen',
  directions: 'Was abgeglichen wird',
  direction: { pull: 'Aus Ascora', push: 'Nach Ascora', both: 'In beide Richtungen' },
  invoicesPullOnly: 'Aus Ascora (immer)',
  interval: 'Abgleich alle (Minuten)',
  intervalInvalid: 'Zwischen 5 und 1440 Minuten.',
  strategy: 'Wenn beide Seiten geändert wurden',
  strategies: {
    local_wins: 'Crewkit gewinnt',
    remote_wins: 'Ascora gewinnt',
    newest_wins: 'Die neueste Änderung gewinnt',
    manual: 'Mich fragen (Konfliktliste)',
  },
  saveSettings: 'Einstellungen speichern',
  customFields: 'Ascora-Zusatzfelder',
  customFieldsHint:
    'Um ein Crewkit-Feld in einem Ihrer Ascora-Zusatzfelder statt im Standardfeld zu führen, geben Sie den Namen des Zusatzfelds ein. Leer lassen für keines.',
  mappable: {
    'customer.phone': 'Telefon des Kunden',
    'job.description': 'Auftragsbeschreibung',
    'job.workUndertaken': 'Ausgeführte Arbeiten',
  },
  saving: 'Wird gespeichert…',
  saved: 'Einstellungen gespeichert.',
  disconnect: 'Trennen',
  disconnectTitle: 'Verbindung zu Ascora trennen?',
  disconnectQuestion:
    'Crewkit gleicht nicht mehr ab und löscht den Schlüssel. Abgeglichene Daten, Zuordnungen und der Verlauf bleiben.',
  disconnectConfirm: 'Trennen',
  disconnected: 'Die Verbindung zu Ascora ist getrennt.',
  refresh: 'Aktualisieren',
};
