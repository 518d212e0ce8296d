import type { JobSheetTerms } from './en.js';

export const de: JobSheetTerms = {
  title: 'Arbeitsbericht',
  statuses: {
    requested: 'Angefragt',
    scheduled: 'Geplant',
    en_route: 'Unterwegs',
    in_progress: 'In Arbeit',
    paused: 'Pausiert',
    completed: 'Abgeschlossen',
    cancelled: 'Storniert',
    no_show: 'Nicht angetroffen',
  },
  sync: {
    saved: 'Alle Änderungen gespeichert.',
    sending: (count) => `${count} ${count === 1 ? 'Änderung wird' : 'Änderungen werden'} gesendet…`,
    offline: (count) =>
      count === 0
        ? 'Offline. Änderungen bleiben auf diesem Gerät und werden gesendet, sobald die Verbindung zurück ist.'
        : `Offline: ${count} ${count === 1 ? 'Änderung wartet' : 'Änderungen warten'} auf das Senden.`,
    unsaved: 'Der Speicher dieses Geräts ist voll: Lassen Sie die Seite offen, bis alles gesendet ist.',
    retry: 'Jetzt senden',
  },
  waiting: 'Wartet auf Senden',
  labour: {
    title: 'Zeit',
    travel: 'Anfahrt',
    work: 'Arbeit',
    paused: 'Pause',
    corrected: 'korrigiert',
    offlineTaps:
      'Offline: Die Zeit läuft ab Ihrem Tippen und wird gesendet, sobald die Verbindung zurück ist.',
  },
  actions: {
    en_route: 'Bin unterwegs',
    in_progress: 'Arbeit beginnen',
    resume: 'Weiterarbeiten',
    paused: 'Pause',
    complete: 'Einsatz abschließen',
  },
  checklist: { title: 'Checkliste', none: 'Keine Checkliste für diese Leistung.' },
  notes: {
    title: 'Notizen',
    none: 'Noch keine Notizen.',
    label: 'Neue Notiz',
    visibility: 'Wer sie sieht',
    internal: 'Intern',
    customer: 'Für den Kunden sichtbar',
    add: 'Notiz hinzufügen',
    byTechnician: 'Techniker',
    byOffice: 'Büro',
  },
  photos: {
    title: 'Fotos und Dateien',
    none: 'Noch keine Fotos.',
    add: 'Foto aufnehmen oder anhängen',
    open: (name) => `${name} öffnen`,
    tooLarge: (name) => `${name} ist größer als 10 MB.`,
  },
  parts: {
    title: 'Verbrauchtes Material',
    none: 'Noch kein Material erfasst.',
    part: 'Teil (aus der Liste oder frei eingeben)',
    quantity: 'Menge',
    quantityOf: (name) => `Menge von ${name}`,
    add: 'Teil hinzufügen',
    remove: (name) => `${name} entfernen`,
  },
  signature: {
    title: 'Unterschrift',
    pad: 'Unterschriftsfeld: mit Finger, Stift oder Maus zeichnen',
    name: 'Name der unterschreibenden Person',
    hint: 'Oben unterschreiben oder leer lassen, um mit dem eingegebenen Namen zu zeichnen.',
    clear: 'Löschen',
    save: 'Unterschreiben',
    again: 'Erneut unterschreiben',
    signedBy: (name, when) => `Unterschrieben von ${name}, ${when}`,
    typed: 'eingegebener Name',
    changed: 'Der Bericht wurde nach der Unterschrift geändert.',
    image: (name) => `Unterschrift von ${name}`,
  },
  completion: {
    refused: 'Der Einsatz kann noch nicht abgeschlossen werden. Es fehlt:',
    missing: {
      signature: 'die Unterschrift des Kunden',
      photos: (minimum) => `mindestens ${minimum} ${minimum === 1 ? 'Foto' : 'Fotos'}`,
      checklist: 'alle Punkte der Checkliste abgehakt',
    },
    completed: 'Einsatz abgeschlossen.',
  },
};
