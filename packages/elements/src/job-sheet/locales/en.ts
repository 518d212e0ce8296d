export const en = {
  title: 'Job sheet',
  statuses: {
    requested: 'Requested',
    scheduled: 'Scheduled',
    en_route: 'On the way',
    in_progress: 'In progress',
    paused: 'Paused',
    completed: 'Completed',
    cancelled: 'Cancelled',
    no_show: 'No-show',
  } as Record<string, string>,
  sync: {
    saved: 'All changes saved.',
    sending: (count: number) => `Sending ${count} ${count === 1 ? 'change' : 'changes'}…`,
    offline: (count: number) =>
      count === 0
        ? 'Offline. Changes are kept on this device and sent when the connection returns.'
        : `Offline: ${count} ${count === 1 ? 'change waits' : 'changes wait'} to be sent.`,
    unsaved: 'This device’s storage is full: keep this page open until the changes are sent.',
    retry: 'Send now',
  },
  waiting: 'Waiting to send',
  labour: {
    title: 'Time',
    travel: 'Travel',
    work: 'Work',
    paused: 'Paused',
    corrected: 'corrected',
    offlineTaps:
      'Offline: the timer runs from your tap, and the time you tapped is sent when the connection returns.',
  },
  actions: {
    en_route: 'On my way',
    in_progress: 'Start work',
    resume: 'Resume work',
    paused: 'Pause',
    complete: 'Complete visit',
  },
  checklist: { title: 'Checklist', none: 'No checklist for this service.' },
  notes: {
    title: 'Notes',
    none: 'No notes yet.',
    label: 'New note',
    visibility: 'Who can see it',
    internal: 'Internal',
    customer: 'Customer can see',
    add: 'Add note',
    byTechnician: 'Technician',
    byOffice: 'Office',
  },
  photos: {
    title: 'Photos and files',
    none: 'No photos yet.',
    add: 'Take or attach a photo',
    open: (name: string) => `Open ${name}`,
    tooLarge: (name: string) => `${name} is larger than 10 MB.`,
  },
  parts: {
    title: 'Parts used',
    none: 'No parts used yet.',
    part: 'Part (from the list, or type a name)',
    quantity: 'Quantity',
    quantityOf: (name: string) => `Quantity of ${name}`,
    add: 'Add part',
    remove: (name: string) => `Remove ${name}`,
  },
  signature: {
    title: 'Signature',
    pad: 'Signature pad: draw with a finger, pen or mouse',
    name: 'Signer’s name',
    hint: 'Draw above, or leave it blank to sign with the typed name.',
    clear: 'Clear',
    save: 'Sign',
    again: 'Sign again',
    signedBy: (name: string, when: string) => `Signed by ${name}, ${when}`,
    typed: 'typed name',
    changed: 'The sheet changed after it was signed.',
    image: (name: string) => `Signature of ${name}`,
  },
  completion: {
    refused: 'The visit cannot be completed yet. Missing:',
    missing: {
      signature: 'the customer’s signature',
      photos: (minimum: number) => `at least ${minimum} ${minimum === 1 ? 'photo' : 'photos'}`,
      checklist: 'every checklist line ticked',
    },
    completed: 'Visit completed.',
  },
};

export type JobSheetTerms = typeof en;
