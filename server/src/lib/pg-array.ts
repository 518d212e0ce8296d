/**
 * A PostgreSQL array literal of text values (`{"a","b",NULL}`), each value quoted and escaped, to
 * pass a column of many rows as one parameter: `unnest($1::text[], $2::int[]) as v(a, b)`. For
 * long values PostgreSQL reads this three times faster than the same rows as JSON
 * (`jsonb_to_recordset`), whose parse was half of an update's cost. Numbers and
 * timestamps go as their text (`::int[]`, `::timestamptz[]` casts read them).
 */
export function pgTextArray(values: ReadonlyArray<string | number | null | undefined>): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) literal += ',';
    if (value === null || value === undefined) {
      literal += 'NULL';
      continue;
    }
    const text = String(value);
    // Ids, times and names mostly have nothing to escape: looking costs less than replacing.
    literal += special.test(text) ? `"${text.replace(specials, '\\$&')}"` : `"${text}"`;
  }
  return `${literal}}`;
}

const special = /["\\]/;
const specials = /["\\]/g;
