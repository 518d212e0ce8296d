import type { components } from '@crewkit/sdk';
import type { ElementErrorCode } from '../../shared/api.js';

type Schemas = components['schemas'];
type Run = Schemas['AscoraSyncRun'];

/** Words for sync runs, shared with `<crew-ascora-sync>`. */
export const runTerms = {
  entities: {
    customers: 'Customers',
    jobs: 'Jobs',
    invoices: 'Invoices',
    payments: 'Payments',
  },
  entity: {
    customer: 'Customer',
    job: 'Job',
    invoice: 'Invoice',
    payment: 'Payment',
  } satisfies Record<Schemas['AscoraSyncFailure']['entity'], string>,
  ways: { pull: 'from Ascora', push: 'to Ascora' },
  runStatus: {
    running: 'Running',
    completed: 'Completed',
    failed: 'Failed',
  } satisfies Record<Run['status'], string>,
  trigger: {
    manual: 'Started by hand',
    schedule: 'Scheduled',
    webhook: 'Change in Ascora',
    connect: 'First sync',
  } satisfies Record<Run['trigger'], string>,
  counts: {
    created: 'Created',
    updated: 'Updated',
    skipped: 'Unchanged',
    conflicts: 'Conflicts',
    failed: 'Failed',
  } satisfies Record<keyof Run['counts'], string>,
};

export const en = {
  ...runTerms,
  title: 'Ascora',
  notConnected: 'Not connected',
  connected: 'Connected',
  intro: 'Connect your Ascora account to keep customers, jobs, invoices and payments in step.',
  apiKey: 'Ascora API key',
  apiKeyHint: 'Ascora → Settings → API. The key is stored encrypted and never shown again.',
  baseUrl: 'Ascora address',
  advanced: 'Advanced',
  connect: 'Test and connect',
  connecting: 'Testing the key with Ascora…',
  keyRequired: 'Enter the API key.',
  keyTooShort: 'This key is too short to be an Ascora key.',
  connectErrors: {
    ascora_rejected: 'Ascora did not accept this key. Check it and try again.',
    ascora_unavailable: 'Ascora could not be reached to test the key. Please try again later.',
    validation_failed: 'The key or the address is not valid.',
  } satisfies Partial<Record<ElementErrorCode, string>>,
  connectedTo: (url: string) => `Connected to ${url}`,
  connectedSince: (date: string) => `since ${date}`,
  justConnected: 'Connected. The first sync has been queued.',
  replaceKey: 'Replace key',
  replaceKeyHint: 'The current key keeps working until Ascora accepts the new one.',
  saveKey: 'Test and save key',
  cancel: 'Cancel',
  lastSync: 'Last sync',
  never: 'No sync yet',
  noRunYet: 'No sync has run yet.',
  runError: (message: string) => `Stopped: ${message}`,
  syncNow: 'Sync now',
  syncQueued: 'Sync queued. It starts in a moment.',
  syncing: 'Syncing…',
  syncStarting: 'Waiting for the sync to start…',
  stageProgress: (entities: string, way: string, done: number, total: number) =>
    `${entities} ${way}: ${done} of ${total} pages`,
  stage: (entities: string, way: string) => `${entities} ${way}`,
  syncDone: 'Sync finished.',
  syncFailed: 'The sync stopped with an error.',
  settings: 'Settings',
  directions: 'What to sync',
  direction: { pull: 'From Ascora', push: 'To Ascora', both: 'Both ways' },
  invoicesPullOnly: 'From Ascora (always)',
  interval: 'Sync every (minutes)',
  intervalInvalid: 'Between 5 and 1440 minutes.',
  strategy: 'When both sides changed',
  strategies: {
    local_wins: 'Crewkit wins',
    remote_wins: 'Ascora wins',
    newest_wins: 'The newest change wins',
    manual: 'Ask me (conflict queue)',
  } satisfies Record<Schemas['AscoraConflictStrategy'], string>,
  saveSettings: 'Save settings',
  customFields: 'Ascora custom fields',
  customFieldsHint:
    'To keep a Crewkit field in one of your Ascora custom fields instead of Ascora’s own field, enter the custom field’s name. Leave it empty for none.',
  mappable: {
    'customer.phone': 'Customer phone',
    'job.description': 'Job description',
    'job.workUndertaken': 'Work undertaken',
  },
  saving: 'Saving…',
  saved: 'Settings saved.',
  disconnect: 'Disconnect',
  disconnectTitle: 'Disconnect from Ascora?',
  disconnectQuestion:
    'Crewkit stops syncing and deletes the key. Synced data, mappings and the sync history stay.',
  disconnectConfirm: 'Disconnect',
  disconnected: 'Disconnected from Ascora.',
  refresh: 'Refresh',
};

export type AscoraConnectTerms = typeof en;
