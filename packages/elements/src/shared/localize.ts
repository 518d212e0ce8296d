import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ElementErrorCode } from './api.js';
import { de as commonDe } from './locales/de.js';
import { type CommonTerms, en as commonEn } from './locales/en.js';
import { es as commonEs } from './locales/es.js';
import { fr as commonFr } from './locales/fr.js';
import { canonical, pick, type Translations, translationsChanged } from './translations.js';

export {
  type PartialTerms,
  registerTranslation,
  supportedLanguages,
  type Translations,
} from './translations.js';

const common: Translations<CommonTerms> = { en: commonEn, de: commonDe, fr: commonFr, es: commonEs };

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
    globalThis.addEventListener?.(translationsChanged, this.onLanguageChange);
  }

  hostDisconnected(): void {
    globalThis.removeEventListener?.('languagechange', this.onLanguageChange);
    globalThis.removeEventListener?.(translationsChanged, this.onLanguageChange);
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
