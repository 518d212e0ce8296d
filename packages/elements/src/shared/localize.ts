import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ElementErrorCode } from './api.js';
import { de as commonDe } from './locales/de.js';
import { type CommonTerms, en as commonEn } from './locales/en.js';
import { es as commonEs } from './locales/es.js';
import { fr as commonFr } from './locales/fr.js';

/**
 * An element's strings per language. English is required and is the type every other language
 * must match, so a missing or misspelt key in `de.ts` is a compile error, not a blank label.
 */
export type Translations<Terms> = { en: Terms } & { [language: string]: Terms | undefined };

const common: Translations<CommonTerms> = { en: commonEn, de: commonDe, fr: commonFr, es: commonEs };

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
const changed = 'crew-translations-changed';

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
  globalThis.dispatchEvent?.(new Event(changed));
}

type LocalizedHost = ReactiveControllerHost & HTMLElement & { locale?: string | undefined };

/**
 * Picks the language and formats for one element. The language comes from the element's `locale`
 * (property or attribute), else the browser's `navigator.language`, else English. Matching goes from
 * the exact tag to its language (`de-AT` → `de`), so regional formats stay regional while the words
 * come from the nearest table.
 */
export class LocalizeController<Terms> implements ReactiveController {
  private readonly formats = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

  /** `scope` names the element's strings for `registerTranslation`: its tag, by default. */
  constructor(
    private readonly host: LocalizedHost,
    private readonly translations: Translations<Terms>,
    private readonly scope: string = host.localName,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    globalThis.addEventListener?.('languagechange', this.onLanguageChange);
    globalThis.addEventListener?.(changed, this.onLanguageChange);
  }

  hostDisconnected(): void {
    globalThis.removeEventListener?.('languagechange', this.onLanguageChange);
    globalThis.removeEventListener?.(changed, this.onLanguageChange);
  }

  private readonly onLanguageChange = () => this.host.requestUpdate();

  /** The BCP 47 tag used for formatting, e.g. `en-AU`. */
  get lang(): string {
    const wanted = this.host.locale || this.host.getAttribute('locale') || globalThis.navigator?.language;
    return canonical(wanted || 'en');
  }

  /** Text direction for the `dir` attribute of the element's root. */
  get dir(): 'ltr' | 'rtl' {
    const { language } = new Intl.Locale(this.lang);
    return ['ar', 'fa', 'he', 'ur'].includes(language) ? 'rtl' : 'ltr';
  }

  /** The element's own strings in the best language it has. */
  get t(): Terms {
    return pick(this.translations, this.lang, this.scope);
  }

  /** Strings shared by every element: state views and error messages. */
  get common(): CommonTerms {
    return pick(common, this.lang, 'common');
  }

  /** The visitor-facing message for an error code, never the server's English title. */
  error(code: ElementErrorCode): string {
    return this.common.errors[code] ?? this.common.errors.unknown_error;
  }

  dateTime(value: Date | string | number, options: Intl.DateTimeFormatOptions): string {
    return this.format('d', options, () => new Intl.DateTimeFormat(this.lang, options)).format(
      new Date(value),
    );
  }

  number(value: number, options: Intl.NumberFormatOptions = {}): string {
    return this.format('n', options, () => new Intl.NumberFormat(this.lang, options)).format(value);
  }

  /** An amount in minor units (cents) in its currency, with that currency's own number of decimals. */
  money({ amountMinor, currency }: { amountMinor: number; currency: string }): string {
    const options: Intl.NumberFormatOptions = { style: 'currency', currency };
    const format = this.format('n', options, () => new Intl.NumberFormat(this.lang, options));
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amountMinor / 10 ** digits);
  }

  /** A duration such as "1 hr, 30 min" (or "1 Std., 30 Min."). */
  minutes(total: number): string {
    const hours = Math.floor(total / 60);
    const minutes = total % 60;
    const parts = [
      hours > 0 && this.number(hours, { style: 'unit', unit: 'hour', unitDisplay: 'short' }),
      (minutes > 0 || hours === 0) &&
        this.number(minutes, { style: 'unit', unit: 'minute', unitDisplay: 'short' }),
    ].filter((part): part is string => typeof part === 'string');
    return parts.join(' ');
  }

  private format<F extends Intl.DateTimeFormat | Intl.NumberFormat>(
    kind: string,
    options: object,
    create: () => F,
  ): F {
    const key = `${kind}|${this.lang}|${JSON.stringify(options)}`;
    let format = this.formats.get(key) as F | undefined;
    if (!format) {
      format = create();
      this.formats.set(key, format);
    }
    return format;
  }
}

function canonical(tag: string): string {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? 'en';
  } catch {
    return 'en'; // an invalid tag from the host page must not break the widget
  }
}

/** The table for `lang`: exact tag, then its language, then English; with what the host registered over it. */
function pick<Terms>(translations: Translations<Terms>, lang: string, scope: string): Terms {
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
