import type { JobSheetTerms } from './en.js';

export const fr: JobSheetTerms = {
  title: 'Fiche d’intervention',
  statuses: {
    requested: 'Demandée',
    scheduled: 'Planifiée',
    en_route: 'En route',
    in_progress: 'En cours',
    paused: 'En pause',
    completed: 'Terminée',
    cancelled: 'Annulée',
    no_show: 'Absent',
  },
  sync: {
    saved: 'Toutes les modifications sont enregistrées.',
    sending: (count) => `Envoi de ${count} ${count === 1 ? 'modification' : 'modifications'}…`,
    offline: (count) =>
      count === 0
        ? 'Hors ligne. Les modifications restent sur cet appareil et partiront au retour de la connexion.'
        : `Hors ligne : ${count} ${count === 1 ? 'modification attend' : 'modifications attendent'} d’être envoyées.`,
    unsaved: 'Le stockage de cet appareil est plein : gardez cette page ouverte jusqu’à l’envoi.',
    retry: 'Envoyer maintenant',
  },
  waiting: 'En attente d’envoi',
  labour: {
    title: 'Temps',
    travel: 'Trajet',
    work: 'Travail',
    paused: 'Pause',
    corrected: 'corrigé',
    offlineTaps:
      'Hors ligne : le chronomètre part de votre appui, dont l’heure est envoyée au retour de la connexion.',
  },
  actions: {
    en_route: 'Je suis en route',
    in_progress: 'Commencer',
    resume: 'Reprendre',
    paused: 'Pause',
    complete: 'Terminer l’intervention',
  },
  checklist: { title: 'Liste de contrôle', none: 'Pas de liste de contrôle pour ce service.' },
  notes: {
    title: 'Notes',
    none: 'Pas encore de notes.',
    label: 'Nouvelle note',
    visibility: 'Qui peut la voir',
    internal: 'Interne',
    customer: 'Visible par le client',
    add: 'Ajouter la note',
    byTechnician: 'Technicien',
    byOffice: 'Bureau',
  },
  photos: {
    title: 'Photos et fichiers',
    none: 'Pas encore de photos.',
    add: 'Prendre ou joindre une photo',
    open: (name) => `Ouvrir ${name}`,
    tooLarge: (name) => `${name} dépasse 10 Mo.`,
  },
  parts: {
    title: 'Pièces utilisées',
    none: 'Aucune pièce pour l’instant.',
    part: 'Pièce (de la liste, ou saisie libre)',
    quantity: 'Quantité',
    quantityOf: (name) => `Quantité de ${name}`,
    add: 'Ajouter la pièce',
    remove: (name) => `Retirer ${name}`,
  },
  signature: {
    title: 'Signature',
    pad: 'Zone de signature : signez au doigt, au stylet ou à la souris',
    name: 'Nom du signataire',
    hint: 'Signez ci-dessus, ou laissez vide pour signer avec le nom saisi.',
    clear: 'Effacer',
    save: 'Signer',
    again: 'Signer à nouveau',
    signedBy: (name, when) => `Signé par ${name}, ${when}`,
    typed: 'nom saisi',
    changed: 'La fiche a changé après la signature.',
    image: (name) => `Signature de ${name}`,
  },
  completion: {
    refused: 'L’intervention ne peut pas encore être terminée. Il manque :',
    missing: {
      signature: 'la signature du client',
      photos: (minimum) => `au moins ${minimum} ${minimum === 1 ? 'photo' : 'photos'}`,
      checklist: 'toutes les lignes de la liste cochées',
    },
    completed: 'Intervention terminée.',
  },
};
