/*
 * Tax arithmetic, pure and in integers: amounts are minor units (cents), rates are parts per
 * million (10 % is 100 000 ppm, 8.875 % is 88 750), quantities are thousandths. Nothing here is a
 * float, so nothing here loses a cent.
 *
 * Rounding is half away from zero (a half cent goes up for a charge and down for a credit), which
 * makes every result odd-symmetric: a credit note with the lines of an invoice negated comes to
 * exactly minus the invoice, line by line and rate by rate.
 *
 * - Per-line rounding: each line's tax is rounded; a rate's tax is the sum of its lines'.
 * - Per-invoice rounding: a rate's tax is rounded once, from the sum of its lines; that tax is then
 *   shared out to the lines (each gets its share rounded down, the cents left over go to the lines
 *   with the largest remainders), so the lines still add up to the totals.
 * - Prices entered exclusive of tax: tax = net × rate. Entered inclusive: tax = gross × rate / (1 + rate),
 *   net = gross − tax. Entering the gross amounts an exclusive invoice came to gives back the same
 *   net, tax and gross: |net × rate − tax| ≤ ½ means gross × rate / (1 + rate) is within ½ / (1 + rate)
 *   of the tax, strictly less than half a cent, so it rounds to the same cent.
 */

export const ppmScale = 1_000_000;
const bigScale = 1_000_000n;

export type TaxRounding = 'line' | 'invoice';

export interface TaxableLine {
  /** The line's amount as entered: net when prices exclude tax, gross when they include it. */
  amountMinor: number;
  taxCode: string;
  ratePpm: number;
}

export interface TaxedLine {
  netMinor: number;
  taxMinor: number;
  grossMinor: number;
}

export interface RateTotal {
  taxCode: string;
  ratePpm: number;
  netMinor: number;
  taxMinor: number;
  grossMinor: number;
}

export interface TaxResult {
  lines: TaxedLine[];
  /** One entry per tax code, in the order codes first appear on the lines. */
  byRate: RateTotal[];
  netMinor: number;
  taxMinor: number;
  grossMinor: number;
}

/** n / d rounded half away from zero (d > 0). */
export function roundDiv(n: bigint, d: bigint): bigint {
  const negative = n < 0n;
  const magnitude = negative ? -n : n;
  const q = (magnitude * 2n + d) / (2n * d);
  return negative ? -q : q;
}

/** The amount of `quantityMilli` thousandths of a unit at `unitMinor` each, rounded half away from zero. */
export function lineAmountMinor(quantityMilli: number, unitMinor: number): number {
  return Number(roundDiv(BigInt(quantityMilli) * BigInt(unitMinor), 1000n));
}

/** A quantity as thousandths; refuses more than three decimals rather than rounding someone's input. */
export function quantityMilli(quantity: number): number {
  const milli = Math.round(quantity * 1000);
  if (Math.abs(milli - quantity * 1000) > 1e-6) throw new RangeError('at most three decimals');
  return milli;
}

const percentPattern = /^(\d{1,3})(?:\.(\d{1,4}))?$/;

/** "10", "8.875" → parts per million; undefined for anything else or above 100 %. */
export function parseRatePercent(text: string): number | undefined {
  const match = percentPattern.exec(text);
  if (!match) return undefined;
  const ppm = Number(match[1]) * 10_000 + Number((match[2] ?? '').padEnd(4, '0'));
  return ppm > ppmScale ? undefined : ppm;
}

/** Parts per million → the shortest percent text ("10", "8.875"). */
export function formatRatePercent(ppm: number): string {
  const whole = Math.floor(ppm / 10_000);
  const fraction = String(ppm % 10_000)
    .padStart(4, '0')
    .replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** The tax in an amount, as a fraction numerator / divisor still to be rounded. */
function exactTax(amount: bigint, ratePpm: number, inclusive: boolean): { n: bigint; d: bigint } {
  const ppm = BigInt(ratePpm);
  return { n: amount * ppm, d: inclusive ? bigScale + ppm : bigScale };
}

/**
 * Shares `total` (the rounded sum of n_i / d) among lines in proportion to n_i: each gets its
 * share rounded toward zero, and the units left go to the largest remainders, first line first
 * on a tie. Worked on magnitudes and signed back, so negating every n_i negates every share.
 */
function allocate(numerators: bigint[], d: bigint, total: bigint): bigint[] {
  const sum = numerators.reduce((a, b) => a + b, 0n);
  const sign = sum < 0n ? -1n : 1n;
  const ns = numerators.map((n) => n * sign);
  const target = total * sign;
  const floors = ns.map((n) => {
    const q = n / d;
    return n < 0n && q * d !== n ? q - 1n : q;
  });
  let left = target - floors.reduce((a, b) => a + b, 0n);
  const order = ns
    .map((n, i) => ({ i, r: n - floors[i]! * d }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  const shares = [...floors];
  for (const { i } of order) {
    if (left <= 0n) break;
    shares[i]! += 1n;
    left -= 1n;
  }
  return shares.map((s) => s * sign);
}

/** Net, tax and gross of every line, every rate and the whole document. */
export function computeTax(
  lines: readonly TaxableLine[],
  options: { pricesIncludeTax: boolean; rounding: TaxRounding },
): TaxResult {
  const inclusive = options.pricesIncludeTax;
  const taxes: bigint[] = new Array(lines.length).fill(0n);
  const groups = new Map<string, number[]>();
  lines.forEach((line, i) => {
    const key = `${line.taxCode}\u0000${line.ratePpm}`;
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  for (const indexes of groups.values()) {
    const first = lines[indexes[0]!]!;
    const exact = indexes.map((i) => exactTax(BigInt(lines[i]!.amountMinor), first.ratePpm, inclusive));
    const d = exact[0]!.d;
    const shares =
      options.rounding === 'line'
        ? exact.map(({ n }) => roundDiv(n, d))
        : allocate(
            exact.map((e) => e.n),
            d,
            roundDiv(
              exact.reduce((a, e) => a + e.n, 0n),
              d,
            ),
          );
    indexes.forEach((lineIndex, k) => {
      taxes[lineIndex] = shares[k]!;
    });
  }
  const taxed = lines.map((line, i) => {
    const tax = Number(taxes[i]);
    return inclusive
      ? { netMinor: line.amountMinor - tax, taxMinor: tax, grossMinor: line.amountMinor }
      : { netMinor: line.amountMinor, taxMinor: tax, grossMinor: line.amountMinor + tax };
  });
  const byRate = new Map<string, RateTotal>();
  lines.forEach((line, i) => {
    const total = byRate.get(line.taxCode) ?? {
      taxCode: line.taxCode,
      ratePpm: line.ratePpm,
      netMinor: 0,
      taxMinor: 0,
      grossMinor: 0,
    };
    total.netMinor += taxed[i]!.netMinor;
    total.taxMinor += taxed[i]!.taxMinor;
    total.grossMinor += taxed[i]!.grossMinor;
    byRate.set(line.taxCode, total);
  });
  const sum = (key: keyof TaxedLine) => taxed.reduce((a, l) => a + l[key], 0);
  return {
    lines: taxed,
    byRate: [...byRate.values()],
    netMinor: sum('netMinor'),
    taxMinor: sum('taxMinor'),
    grossMinor: sum('grossMinor'),
  };
}

export interface TaxRate {
  code: string;
  name: string;
  ratePpm: number;
}

export interface LocationRule {
  country: string;
  region?: string | null | undefined;
  taxCode: string;
}

/**
 * The tax code for work done at a place: a rule for its country and region first, then one for its
 * country alone, then the organization's default.
 */
export function taxCodeForLocation(
  rules: readonly LocationRule[],
  defaultCode: string,
  place: { country?: string | null | undefined; region?: string | null | undefined } | null | undefined,
): string {
  const country = place?.country?.toUpperCase();
  const region = place?.region?.trim().toLowerCase();
  if (!country) return defaultCode;
  const exact = rules.find(
    (r) => r.country.toUpperCase() === country && r.region && r.region.trim().toLowerCase() === region,
  );
  if (exact) return exact.taxCode;
  return rules.find((r) => r.country.toUpperCase() === country && !r.region)?.taxCode ?? defaultCode;
}
