// The registry of host-registered strings, apart from the controller and the built-in common tables:
// crewkit.js exports `registerTranslation` from here without carrying those tables in the loader.

/**
 * An element's strings per language. English is required and is the type every other language
 * must match, so a missing or misspelt key in `de.ts` is a compile error, not a blank label.
 */
export type Translations<Terms> = { en: Terms } & { [language: string]: Terms | undefined };

/** The languages whose tables are complete in every element. */
export const supportedLanguages = ['en', 'de', 'fr', 'es'] as const;

/** A table a host page registers: any subset of an element's strings; nested groups may be partial too. */
export type PartialTerms<Terms> = {
  [K in keyof Terms]?: Terms[K] extends (...args: never[]) => unknown
    ? Terms[K]
    : Terms[K] extends readonly unknown[]
      ? Terms[K]
      : Terms[K] extends object
        ? Partial<Terms[K]>
        : Terms[K];
};

type Registered = Map<string, Map<string, Record<string, unknown>>>;

/*
 * Kept on `globalThis` under a registry-wide symbol rather than in this module: a page that loads
 * two bundles of the elements (a CMS plugin and a theme, say) has two copies of this module, and a
 * language registered through either must reach the elements of both.
 */
const shared = globalThis as { [key: symbol]: Registered | undefined };
const registryKey = Symbol.for('crewkit.translations');
const registry: Registered = shared[registryKey] ?? new Map();
shared[registryKey] = registry;

/** Fired on `window` when a host page registers strings, so elements already on the page re-render. */
export const translationsChanged = 'crew-translations-changed';

/**
 * Adds a language to an element, or replaces some of its strings, without forking. `scope` is the
 * element's tag (`crew-booking`, `crew-appointment-list`, …) or `common` for the strings every
 * element shares (loading, retry, error messages). Strings left out come from the element's own
 * table for that language, else English. Registering again merges over what was registered.
 *
 * ```js
 * registerTranslation('crew-booking', 'it', { chooseDate: 'Scegli una data', morning: 'Mattina' });
 * registerTranslation('crew-booking', 'en', { confirmBooking: 'Book it' }); // an override
 * ```
 */
export function registerTranslation<Terms = Record<string, unknown>>(
  scope: string,
  lang: string,
  terms: PartialTerms<Terms>,
): void {
  const tag = canonical(lang).toLowerCase();
  const tables = registry.get(scope) ?? new Map<string, Record<string, unknown>>();
  registry.set(scope, tables);
  tables.set(tag, merge(tables.get(tag) ?? {}, terms as Record<string, unknown>));
  globalThis.dispatchEvent?.(new Event(translationsChanged));
}

export function canonical(tag: string): string {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? 'en';
  } catch {
    return 'en'; // an invalid tag from the host page must not break the widget
  }
}

/** The table for `lang`: exact tag, then its language, then English; with what the host registered over it. */
export function pick<Terms>(translations: Translations<Terms>, lang: string, scope: string): Terms {
  const language = lang.split('-')[0]!.toLowerCase();
  const own = translations[lang] ?? translations[language] ?? translations.en;
  const registered = registry.get(scope);
  const extra = registered?.get(lang.toLowerCase()) ?? registered?.get(language);
  if (!extra) return own;
  // Each registration stores a new object, so a merge cached by identity is never stale.
  const byOwn = merged.get(extra) ?? new WeakMap<object, unknown>();
  merged.set(extra, byOwn);
  if (!byOwn.has(own as object)) byOwn.set(own as object, merge(own as Record<string, unknown>, extra));
  return byOwn.get(own as object) as Terms;
}

const merged = new WeakMap<object, WeakMap<object, unknown>>();

/** `over` on top of `base`, one level into groups such as `reasons` and `errors`. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const under = base[key];
    const group = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    out[key] = group(value) && group(under) ? { ...(under as object), ...(value as object) } : value;
  }
  return out;
}
