import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/index.js';
import type { CustomerAddress } from '../../db/schema/customers.js';
import {
  appointments,
  customerPreferences,
  customers,
  type MessageLanguage,
  organizations,
  serviceItems,
  technicians,
} from '../../db/schema.js';

/** Everything a message about one visit can say, read in one query. */
export interface Visit {
  id: string;
  orgId: string;
  reference: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  rescheduledFromId: string | null;
  rescheduledToId: string | null;
  serviceName: string;
  customer: {
    id: string;
    name: string;
    email: string | null;
    phone: string | null;
    address: CustomerAddress | null;
    /** Empty: the customer never said, so the organization's channels apply. */
    channels: string[];
  };
  technician: { id: string; name: string; email: string | null; phone: string | null };
  organization: { name: string; timeZone: string; locale: string };
}

export async function loadVisit(db: Db, orgId: string, appointmentId: string): Promise<Visit | undefined> {
  return (await loadVisits(db, orgId, [appointmentId])).get(appointmentId);
}

/** Several visits of one organization in one query, by appointment id. */
export async function loadVisits(
  db: Db,
  orgId: string,
  appointmentIds: string[],
): Promise<Map<string, Visit>> {
  const visits = new Map<string, Visit>();
  if (appointmentIds.length === 0) return visits;
  const rows = await db
    .select({
      a: appointments,
      serviceName: serviceItems.name,
      customer: customers,
      channels: customerPreferences.communicationChannels,
      technician: {
        id: technicians.id,
        name: technicians.name,
        email: technicians.email,
        phone: technicians.phone,
      },
      organization: {
        name: organizations.name,
        timeZone: organizations.timeZone,
        locale: organizations.locale,
      },
    })
    .from(appointments)
    .innerJoin(serviceItems, eq(serviceItems.id, appointments.serviceItemId))
    .innerJoin(customers, eq(customers.id, appointments.customerId))
    .leftJoin(customerPreferences, eq(customerPreferences.customerId, customers.id))
    .innerJoin(technicians, eq(technicians.id, appointments.technicianId))
    .innerJoin(organizations, eq(organizations.id, appointments.orgId))
    .where(and(eq(appointments.orgId, orgId), inArray(appointments.id, [...new Set(appointmentIds)])));
  for (const row of rows) {
    const { a } = row;
    visits.set(a.id, {
      id: a.id,
      orgId: a.orgId,
      reference: a.reference,
      status: a.status,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      rescheduledFromId: a.rescheduledFromId,
      rescheduledToId: a.rescheduledToId,
      serviceName: row.serviceName,
      customer: {
        id: row.customer.id,
        name: row.customer.name,
        email: row.customer.email,
        phone: row.customer.phone,
        address: row.customer.address,
        channels: row.channels ?? [],
      },
      technician: row.technician,
      organization: row.organization,
    });
  }
  return visits;
}

/**
 * The first appointment of a visit's reschedule chain and how many moves separate it from this
 * one: the calendar UID and SEQUENCE, so every invitation about the visit updates one event.
 */
export async function calendarIdentity(
  db: Db,
  visit: Pick<Visit, 'id' | 'rescheduledFromId'>,
): Promise<{ uid: string; moves: number }> {
  // Most visits were never moved: they are their own chain.
  if (!visit.rescheduledFromId) return { uid: visit.id, moves: 0 };
  const appointmentId = visit.id;
  const [root] = await queryRows<{ id: string; depth: number }>(
    db,
    sql`with recursive chain(id, from_id, depth) as (
          select id, rescheduled_from_id, 0 from appointments where id = ${appointmentId}
          union all
          select a.id, a.rescheduled_from_id, chain.depth + 1
            from appointments a join chain on a.id = chain.from_id
           where chain.depth < 1000)
        select id::text as id, depth from chain order by depth desc limit 1`,
  );
  return { uid: root?.id ?? appointmentId, moves: Number(root?.depth ?? 0) };
}

export function formatAddress(address: CustomerAddress | null): string {
  if (!address) return '';
  const cityLine = [address.postalCode, address.city].filter(Boolean).join(' ');
  return [address.line1, address.line2, cityLine, address.region, address.country].filter(Boolean).join(', ');
}

/** The organization's region with the message's language: `de` for an `en-AU` organization is `de-AU`. */
export function localeFor(language: MessageLanguage, orgLocale: string): string {
  const key = `${language}|${orgLocale}`;
  let locale = locales.get(key);
  if (locale === undefined) {
    const region = orgLocale.split('-')[1];
    const tag = region ? `${language}-${region}` : language;
    try {
      locale = Intl.getCanonicalLocales(tag)[0] ?? language;
    } catch {
      locale = language;
    }
    if (locales.size > 1000) locales.clear();
    locales.set(key, locale);
  }
  return locale;
}

// Canonicalising a tag costs more than formatting a date with it: kept per language and locale.
const locales = new Map<string, string>();

// Building a DateTimeFormat costs far more than using one: kept per locale, zone and style.
const formats = new Map<string, Intl.DateTimeFormat>();
function formatter(style: 'date' | 'time', language: MessageLanguage, organization: Visit['organization']) {
  const locale = localeFor(language, organization.locale);
  const key = `${style}|${locale}|${organization.timeZone}`;
  let format = formats.get(key);
  if (!format) {
    if (formats.size > 1000) formats.clear();
    format = new Intl.DateTimeFormat(locale, {
      ...(style === 'date' ? { dateStyle: 'full' } : { timeStyle: 'short' }),
      timeZone: organization.timeZone,
    });
    formats.set(key, format);
  }
  return format;
}

// Formatting is ~2 µs a call, and visits share their start times (a day has a few dozen): the
// text is kept per style, language, region, zone and instant.
const formatted = new Map<string, string>();
function formatOnce(
  style: 'date' | 'time',
  instant: Date,
  language: MessageLanguage,
  organization: Visit['organization'],
) {
  const key = `${style}|${language}|${organization.locale}|${organization.timeZone}|${instant.getTime()}`;
  let text = formatted.get(key);
  if (text === undefined) {
    text = formatter(style, language, organization).format(instant);
    if (formatted.size > 10_000) formatted.clear();
    formatted.set(key, text);
  }
  return text;
}

export function formatDate(instant: Date, language: MessageLanguage, organization: Visit['organization']) {
  return formatOnce('date', instant, language, organization);
}

export function formatTime(instant: Date, language: MessageLanguage, organization: Visit['organization']) {
  return formatOnce('time', instant, language, organization);
}

/** The language an organization writes in by default: its locale's, when Crewkit has templates for it. */
export function languageOfLocale(locale: string): MessageLanguage {
  const language = locale.split('-')[0]?.toLowerCase();
  return language === 'de' || language === 'fr' ? language : 'en';
}
