import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeTax,
  formatRatePercent,
  lineAmountMinor,
  parseRatePercent,
  quantityMilli,
  roundDiv,
  type TaxableLine,
  type TaxRounding,
  taxCodeForLocation,
} from './tax.js';

const rates = [
  { taxCode: 'GST', ratePpm: 100_000 },
  { taxCode: 'VAT', ratePpm: 200_000 },
  { taxCode: 'NYC', ratePpm: 88_750 },
  { taxCode: 'FREE', ratePpm: 0 },
  { taxCode: 'ODD', ratePpm: 33_333 },
];
const line = fc.record({
  amountMinor: fc.integer({ min: -5_000_000, max: 50_000_000 }),
  rate: fc.constantFrom(...rates),
});
const lines = fc
  .array(line, { minLength: 1, maxLength: 30 })
  .map((ls) => ls.map(({ amountMinor, rate }) => ({ amountMinor, ...rate }) satisfies TaxableLine));
const rounding = fc.constantFrom<TaxRounding>('line', 'invoice');
const inclusive = fc.boolean();

describe('Tax arithmetic', () => {
  it('rounds half a cent away from zero, and nothing below half', () => {
    expect(roundDiv(5n, 10n)).toBe(1n);
    expect(roundDiv(4n, 10n)).toBe(0n);
    expect(roundDiv(-5n, 10n)).toBe(-1n);
    expect(roundDiv(-4n, 10n)).toBe(0n);
    expect(roundDiv(149_999n, 100_000n)).toBe(1n);
    expect(roundDiv(150_000n, 100_000n)).toBe(2n);
  });

  it('charges 10 % GST on a 5-cent line as 1 cent and on a 4-cent line as nothing', () => {
    const on = (amountMinor: number) =>
      computeTax([{ amountMinor, taxCode: 'GST', ratePpm: 100_000 }], {
        pricesIncludeTax: false,
        rounding: 'line',
      }).taxMinor;
    expect(on(5)).toBe(1);
    expect(on(4)).toBe(0);
    expect(on(15)).toBe(2);
    expect(on(14)).toBe(1);
  });

  it('finds the GST in an inclusive $1.10 as 10 cents and in 11 cents as 1 cent', () => {
    const on = (amountMinor: number) =>
      computeTax([{ amountMinor, taxCode: 'GST', ratePpm: 100_000 }], {
        pricesIncludeTax: true,
        rounding: 'line',
      });
    expect(on(110)).toMatchObject({ netMinor: 100, taxMinor: 10, grossMinor: 110 });
    expect(on(11)).toMatchObject({ netMinor: 10, taxMinor: 1, grossMinor: 11 });
    expect(on(1)).toMatchObject({ netMinor: 1, taxMinor: 0, grossMinor: 1 });
  });

  it('rounds three 5-cent lines to 3 cents of tax per line but 2 cents per invoice', () => {
    const three = [1, 2, 3].map(() => ({ amountMinor: 5, taxCode: 'GST', ratePpm: 100_000 }));
    expect(computeTax(three, { pricesIncludeTax: false, rounding: 'line' }).taxMinor).toBe(3);
    const perInvoice = computeTax(three, { pricesIncludeTax: false, rounding: 'invoice' });
    expect(perInvoice.taxMinor).toBe(2);
    // The two cents go to the first lines, so the lines still add up.
    expect(perInvoice.lines.map((l) => l.taxMinor)).toEqual([1, 1, 0]);
  });

  it('prices quantities in thousandths without a float', () => {
    expect(lineAmountMinor(quantityMilli(1.5), 8_995)).toBe(13_493);
    expect(lineAmountMinor(quantityMilli(0.333), 100)).toBe(33);
    expect(lineAmountMinor(quantityMilli(2), -1_000)).toBe(-2_000);
    expect(() => quantityMilli(0.0005)).toThrow(RangeError);
  });

  it('reads rates as percent text and writes them back the same', () => {
    expect(parseRatePercent('10')).toBe(100_000);
    expect(parseRatePercent('8.875')).toBe(88_750);
    expect(parseRatePercent('100')).toBe(1_000_000);
    expect(parseRatePercent('100.5')).toBeUndefined();
    expect(parseRatePercent('1e1')).toBeUndefined();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (ppm) => {
        expect(parseRatePercent(formatRatePercent(ppm))).toBe(ppm);
      }),
    );
  });

  it('adds the lines up to the totals, rate by rate', () => {
    fc.assert(
      fc.property(lines, inclusive, rounding, (ls, pricesIncludeTax, r) => {
        const result = computeTax(ls, { pricesIncludeTax, rounding: r });
        const sum = (k: 'netMinor' | 'taxMinor' | 'grossMinor') => result.lines.reduce((a, l) => a + l[k], 0);
        expect(result.netMinor).toBe(sum('netMinor'));
        expect(result.taxMinor).toBe(sum('taxMinor'));
        expect(result.grossMinor).toBe(sum('grossMinor'));
        expect(result.netMinor + result.taxMinor).toBe(result.grossMinor);
        expect(result.byRate.reduce((a, g) => a + g.taxMinor, 0)).toBe(result.taxMinor);
        for (const l of result.lines) expect(l.netMinor + l.taxMinor).toBe(l.grossMinor);
      }),
    );
  });

  it('keeps every line within a cent of its exact tax when rounding per invoice', () => {
    fc.assert(
      fc.property(lines, inclusive, (ls, pricesIncludeTax) => {
        const result = computeTax(ls, { pricesIncludeTax, rounding: 'invoice' });
        result.lines.forEach((l, i) => {
          const { amountMinor, ratePpm } = ls[i]!;
          const exact = pricesIncludeTax
            ? (amountMinor * ratePpm) / (1_000_000 + ratePpm)
            : (amountMinor * ratePpm) / 1_000_000;
          expect(Math.abs(l.taxMinor - exact)).toBeLessThan(1);
        });
      }),
    );
  });

  it('agrees to the cent whether an invoice is entered exclusive or inclusive of tax', () => {
    fc.assert(
      fc.property(lines, rounding, (ls, r) => {
        const exclusive = computeTax(ls, { pricesIncludeTax: false, rounding: r });
        const asGross = ls.map((l, i) => ({ ...l, amountMinor: exclusive.lines[i]!.grossMinor }));
        const inclusiveResult = computeTax(asGross, { pricesIncludeTax: true, rounding: r });
        expect(inclusiveResult.netMinor).toBe(exclusive.netMinor);
        expect(inclusiveResult.taxMinor).toBe(exclusive.taxMinor);
        expect(inclusiveResult.grossMinor).toBe(exclusive.grossMinor);
        expect(inclusiveResult.byRate).toEqual(exclusive.byRate);
        if (r === 'line') expect(inclusiveResult.lines).toEqual(exclusive.lines);
      }),
    );
  });

  it('nets a credit note of every line to zero against its invoice, line by line', () => {
    fc.assert(
      fc.property(lines, inclusive, rounding, (ls, pricesIncludeTax, r) => {
        const invoice = computeTax(ls, { pricesIncludeTax, rounding: r });
        const credit = computeTax(
          ls.map((l) => ({ ...l, amountMinor: -l.amountMinor })),
          { pricesIncludeTax, rounding: r },
        );
        expect(invoice.grossMinor + credit.grossMinor).toBe(0);
        expect(invoice.taxMinor + credit.taxMinor).toBe(0);
        invoice.lines.forEach((l, i) => {
          expect(l.taxMinor + credit.lines[i]!.taxMinor).toBe(0);
          expect(l.grossMinor + credit.lines[i]!.grossMinor).toBe(0);
        });
      }),
    );
  });
});

describe('The tax code for a place of work', () => {
  const rules = [
    { country: 'US', region: 'NY', taxCode: 'NYC' },
    { country: 'US', taxCode: 'US-BASE' },
    { country: 'NZ', taxCode: 'GST15' },
  ];

  it('prefers the region, then the country, then the default', () => {
    expect(taxCodeForLocation(rules, 'GST', { country: 'us', region: 'ny' })).toBe('NYC');
    expect(taxCodeForLocation(rules, 'GST', { country: 'US', region: 'CA' })).toBe('US-BASE');
    expect(taxCodeForLocation(rules, 'GST', { country: 'NZ' })).toBe('GST15');
    expect(taxCodeForLocation(rules, 'GST', { country: 'AU', region: 'NSW' })).toBe('GST');
    expect(taxCodeForLocation(rules, 'GST', null)).toBe('GST');
  });
});
