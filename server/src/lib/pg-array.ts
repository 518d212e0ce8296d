/**
 * A PostgreSQL array literal of text values (`{a,"b c",NULL}`), quoted and escaped where needed, to
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
    // Ids, times and most names go bare (fewer bytes to send); only what the array syntax would
    // misread is quoted, and only quotes and backslashes inside need escaping.
    literal += !quoted.test(text)
      ? text
      : special.test(text)
        ? `"${text.replace(specials, '\\$&')}"`
        : `"${text}"`;
  }
  return `${literal}}`;
}

/** Empty, NULL (any case), or holding a character the array syntax reads itself. */
const quoted = /^$|^null$|[{}",\\\s]/i;
const special = /["\\]/;
const specials = /["\\]/g;
