/** An iCalendar (RFC 5545) file with one event, for "add to calendar". */
export interface CalendarEvent {
  uid: string;
  start: string;
  end: string;
  summary: string;
  description: string;
  /** Where the visit happens, on one line; no LOCATION when unknown. */
  location?: string | undefined;
}

/** A site address on one line, as calendars show LOCATION. */
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

const stamp = (value: string | Date) =>
  new Date(value)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

// Commas, semicolons and backslashes are separators in iCalendar text; newlines are written as \n.
const text = (value: string) => value.replace(/[\\,;]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');

export function icsFile(event: CalendarEvent, now = new Date()): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Crewkit//Booking widget//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `DTSTAMP:${stamp(now)}`,
    `DTSTART:${stamp(event.start)}`,
    `DTEND:${stamp(event.end)}`,
    `SUMMARY:${text(event.summary)}`,
    `DESCRIPTION:${text(event.description)}`,
    ...(event.location ? [`LOCATION:${text(event.location)}`] : []),
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}
