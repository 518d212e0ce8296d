import type { FieldError } from '../errors.js';

/** The spec can check shapes; only the runtime's Intl data knows which zones, currencies and locales exist. */
export function checkIntl(
  body: { timeZone?: string | undefined; currency?: string | undefined; locale?: string | undefined },
  prefix = 'body',
): FieldError[] {
  const errors: FieldError[] = [];
  if (body.timeZone !== undefined && !isTimeZone(body.timeZone)) {
    errors.push({ path: `${prefix}.timeZone`, message: 'is not an IANA time zone (e.g. Australia/Sydney)' });
  }
  if (body.currency !== undefined && !Intl.supportedValuesOf('currency').includes(body.currency)) {
    errors.push({ path: `${prefix}.currency`, message: 'is not an ISO 4217 currency code' });
  }
  if (body.locale !== undefined) {
    try {
      Intl.getCanonicalLocales(body.locale);
    } catch {
      errors.push({ path: `${prefix}.locale`, message: 'is not a BCP 47 language tag' });
    }
  }
  return errors;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
