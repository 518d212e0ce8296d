import type { components } from '@crewkit/sdk/openapi';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { taxSettings } from '../../db/schema.js';
import { ApiError, type FieldError } from '../../errors.js';
import { computeTax, parseRatePercent, type TaxRate, type TaxRounding, taxCodeForLocation } from './tax.js';

type Schemas = components['schemas'];
export type TaxSettingsRow = typeof taxSettings.$inferSelect;

/** What an organization that never set its tax up invoices with: no tax, 14 days to pay. */
export function defaultTaxSettings(orgId: string): TaxSettingsRow {
  return {
    orgId,
    taxName: 'Tax',
    taxId: null,
    pricesIncludeTax: false,
    rounding: 'line',
    rates: [{ code: 'NONE', name: 'No tax', ratePercent: '0' }],
    defaultTaxCode: 'NONE',
    locationRules: [],
    paymentTermsDays: 14,
    paymentDetails: null,
    businessAddress: null,
    logoDataUrl: null,
    invoicePrefix: 'INV-',
    creditNotePrefix: 'CN-',
    updatedAt: new Date(0),
  };
}

export async function getTaxSettings(db: Db, orgId: string): Promise<TaxSettingsRow> {
  const [row] = await db.select().from(taxSettings).where(eq(taxSettings.orgId, orgId));
  return row ?? defaultTaxSettings(orgId);
}

/** Replaces the settings, after checking what the contract cannot: codes unique and every code known. */
export async function updateTaxSettings(
  db: Db,
  orgId: string,
  body: Schemas['TaxSettingsUpdate'],
): Promise<TaxSettingsRow> {
  const errors: FieldError[] = [];
  const codes = new Set<string>();
  body.rates.forEach((rate, i) => {
    if (codes.has(rate.code))
      errors.push({ path: `body.rates.${i}.code`, message: 'is used by another rate' });
    codes.add(rate.code);
    if (parseRatePercent(rate.ratePercent) === undefined)
      errors.push({ path: `body.rates.${i}.ratePercent`, message: 'must be a percent from 0 to 100' });
  });
  if (!codes.has(body.defaultTaxCode))
    errors.push({ path: 'body.defaultTaxCode', message: 'is not one of the rates' });
  (body.locationRules ?? []).forEach((rule, i) => {
    if (!codes.has(rule.taxCode))
      errors.push({ path: `body.locationRules.${i}.taxCode`, message: 'is not one of the rates' });
  });
  if (errors.length > 0) throw new ApiError('validation_failed', { errors });
  const values = {
    taxName: body.taxName,
    taxId: body.taxId ?? null,
    pricesIncludeTax: body.pricesIncludeTax,
    rounding: body.rounding,
    rates: body.rates,
    defaultTaxCode: body.defaultTaxCode,
    locationRules: body.locationRules ?? [],
    paymentTermsDays: body.paymentTermsDays ?? 14,
    paymentDetails: body.paymentDetails ?? null,
    businessAddress: body.businessAddress ?? null,
    logoDataUrl: body.logoDataUrl ?? null,
    invoicePrefix: body.invoicePrefix ?? 'INV-',
    creditNotePrefix: body.creditNotePrefix ?? 'CN-',
  };
  const [row] = await db
    .insert(taxSettings)
    .values({ orgId, ...values })
    .onConflictDoUpdate({ target: taxSettings.orgId, set: { ...values, updatedAt: sql`now()` } })
    .returning();
  return row!;
}

/** The settings as the tax arithmetic needs them: rates by code in ppm. */
export class TaxPolicy {
  readonly rates: Map<string, TaxRate>;
  constructor(readonly settings: TaxSettingsRow) {
    this.rates = new Map(
      settings.rates.map((r) => [
        r.code,
        { code: r.code, name: r.name, ratePpm: parseRatePercent(r.ratePercent) ?? 0 },
      ]),
    );
  }

  get pricesIncludeTax(): boolean {
    return this.settings.pricesIncludeTax;
  }

  get rounding(): TaxRounding {
    return this.settings.rounding;
  }

  /** The rate for work at this place (location rules, then the default). */
  rateFor(place: { country?: string | null; region?: string | null } | null | undefined): TaxRate {
    const code = taxCodeForLocation(this.settings.locationRules, this.settings.defaultTaxCode, place);
    return (
      this.rates.get(code) ?? this.rates.get(this.settings.defaultTaxCode) ?? { code, name: code, ratePpm: 0 }
    );
  }
}

/**
 * A price entered the way the organization enters prices (inclusive or exclusive of tax), as
 * ex-tax and inc-tax totals at the rate for the place of work: what a work order pushed to Ascora
 * carries, so a GST-registered business sends different totals with and without tax.
 */
export async function taxedPrice(
  db: Db,
  orgId: string,
  priceMinor: number,
  place: { country?: string | null; region?: string | null } | null | undefined,
): Promise<{ totalExTaxMinor: number; totalIncTaxMinor: number }> {
  const policy = new TaxPolicy(await getTaxSettings(db, orgId));
  const rate = policy.rateFor(place);
  const result = computeTax([{ amountMinor: priceMinor, taxCode: rate.code, ratePpm: rate.ratePpm }], {
    pricesIncludeTax: policy.pricesIncludeTax,
    rounding: policy.rounding,
  });
  return { totalExTaxMinor: result.netMinor, totalIncTaxMinor: result.grossMinor };
}
