/** A visit's site address on one line, as a job list or a calendar's LOCATION shows it. */
export function siteLine(
  site:
    | {
        line1?: string;
        line2?: string;
        city?: string;
        region?: string;
        postalCode?: string;
        country?: string;
      }
    | null
    | undefined,
): string | undefined {
  if (!site) return undefined;
  const line = [
    site.line1,
    site.line2,
    site.city,
    [site.region, site.postalCode].filter(Boolean).join(' '),
    site.country,
  ]
    .filter((part) => part?.trim())
    .join(', ');
  return line || undefined;
}
