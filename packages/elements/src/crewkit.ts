// The entry of the one script tag (`dist/crewkit.js`, served at /elements/crewkit.js): a small
// loader that knows which chunk defines each tag and fetches a chunk only when the page uses one of
// its tags. A site that embeds only <crew-booking> no longer downloads every staff element.
// Each element adds its tag here (and its `define.ts` stays the entry for bundlers).
//
// Only what needs neither Lit nor the SDK is exported directly (events, translations, the version),
// so importing this module stays cheap; the element classes come from `load()`, or from the
// package's main entry for bundlers.

const chunks = {
  'crew-booking': () => import('./booking/define.js'),
  'crew-appointment-list': () => import('./appointment-list/define.js'),
  'crew-job-list': () => import('./appointment-list/define.js'),
  'crew-ascora-connect': () => import('./ascora-connect/define.js'),
  'crew-ascora-sync': () => import('./ascora-sync/define.js'),
  'crew-ascora-customers': () => import('./ascora-customers/define.js'),
  'crew-ascora-jobs': () => import('./ascora-jobs/define.js'),
  'crew-invoices': () => import('./invoices/define.js'),
  'crew-webhooks': () => import('./webhooks/define.js'),
  'crew-notification-settings': () => import('./notification-settings/define.js'),
  'crew-dispatch-board': () => import('./dispatch-board/define.js'),
  'crew-catalog-editor': () => import('./catalog-editor/define.js'),
  'crew-technician-editor': () => import('./technician-editor/define.js'),
  'crew-job-sheet': () => import('./job-sheet/define.js'),
} satisfies Record<string, () => Promise<unknown>>;

/** A tag this bundle can define. */
export type CrewTag = keyof typeof chunks;

/** Every tag this bundle can define. */
export const tags = Object.keys(chunks) as CrewTag[];

const loading = new Map<string, Promise<CustomElementConstructor>>();

/**
 * Defines `tag` (fetching its chunk the first time) and resolves to its class. Tags in the page's
 * own document are defined without this; call it for elements created where the loader cannot see
 * them, such as inside a shadow root of the host's own components:
 * `import('…/elements/crewkit.js').then((crewkit) => crewkit.load('crew-job-sheet'))`.
 */
export function load(tag: CrewTag): Promise<CustomElementConstructor> {
  const chunk = (chunks as Record<string, () => Promise<unknown>>)[tag];
  if (!chunk) {
    return Promise.reject(
      new Error(`@crewkit/elements has no <${tag}>; it defines ${tags.map((t) => `<${t}>`).join(', ')}.`),
    );
  }
  let defined = loading.get(tag);
  if (!defined) {
    defined = chunk().then(() => customElements.get(tag)!);
    // A chunk that failed to arrive (the connection dropped) is fetched again on the next call.
    defined.catch(() => loading.delete(tag));
    loading.set(tag, defined);
  }
  return defined;
}

/** Defines every tag: for pages that create elements the loader cannot see and would rather not list them. */
export async function loadAll(): Promise<void> {
  await Promise.all(tags.map(load));
}

function autoload(tag: string): void {
  // Another bundle on the page may have defined it first; the first definition wins anyway.
  if (loading.has(tag) || customElements.get(tag)) return;
  load(tag as CrewTag).catch((error: unknown) => {
    console.error(`@crewkit/elements could not load <${tag}>; it will be tried again if used again.`, error);
  });
}

if (typeof document !== 'undefined' && typeof customElements !== 'undefined') {
  const selector = tags.join(',');
  const loadUsedIn = (root: ParentNode) => {
    for (const element of root.querySelectorAll(selector)) autoload(element.localName);
  };
  // A module script runs once the document is parsed, so this finds every tag in the markup; the
  // observer catches those added later (a single-page app's route, a dialog opened on click).
  loadUsedIn(document);
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node.localName in chunks) autoload(node.localName);
        if (node.firstElementChild) loadUsedIn(node);
      }
    }
  }).observe(document, { childList: true, subtree: true });
}

export * from './appointment-list/events.js';
export * from './ascora-connect/events.js';
export * from './ascora-customers/events.js';
export * from './ascora-sync/events.js';
export * from './booking/events.js';
export * from './dispatch-board/events.js';
// The classes as types (what `load()` resolves to, narrowed by the host); their code is in the chunks.
export type {
  CrewAppointmentList,
  CrewAscoraConnect,
  CrewAscoraCustomers,
  CrewAscoraJobs,
  CrewAscoraSync,
  CrewBooking,
  CrewCatalogEditor,
  CrewDispatchBoard,
  CrewElement,
  CrewInvoices,
  CrewJobList,
  CrewJobSheet,
  CrewNotificationSettings,
  CrewTechnicianEditor,
  CrewWebhooks,
  ElementError,
  ElementErrorCode,
  LocalizeController,
  StaffElement,
} from './index.js';
export * from './invoices/events.js';
export * from './job-sheet/events.js';
export * from './notification-settings/events.js';
export { CrewErrorEvent, CrewReadyEvent } from './shared/events.js';
export { defineElement } from './shared/register.js';
export {
  type PartialTerms,
  registerTranslation,
  supportedLanguages,
  type Translations,
} from './shared/translations.js';
export { VERSION } from './shared/version.js';
export * from './webhooks/events.js';
