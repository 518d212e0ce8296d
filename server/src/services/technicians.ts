import type { components } from '@crewkit/sdk/openapi';
import { and, asc, eq, gt, gte, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import {
  type LocalTimeRange,
  organizations,
  scheduleOverrides,
  technicians,
  timeOff,
  users,
  type WeeklyHours,
  weekdays,
} from '../db/schema.js';
import { ApiError, type FieldError } from '../errors.js';
import { pgErrorCode, pgErrors } from '../lib/db-errors.js';
import { newId } from '../lib/ids.js';
import { checkIntl } from '../lib/intl.js';
import { decodeCursor } from '../lib/pagination.js';
import type { Input } from '../openapi/handlers.js';
import { localDateOf } from '../scheduling/time.js';
import type { TechnicianRow } from '../serializers/technicians.js';
import { type AffectedAppointment, bookedWorkOf } from './booking/edit.js';

type Schemas = components['schemas'];
type TimeOffRow = typeof timeOff.$inferSelect;

/** A technician's hours from a day on: the weekly rule, the dated overrides and the absences. */
export interface Schedule {
  technician: TechnicianRow;
  overrides: (typeof scheduleOverrides.$inferSelect)[];
  timeOff: TimeOffRow[];
}

export async function findTechnician(db: Db, orgId: string, technicianId: string): Promise<TechnicianRow> {
  const [row] = await db
    .select()
    .from(technicians)
    .where(and(eq(technicians.orgId, orgId), eq(technicians.id, technicianId)));
  if (!row) throw new ApiError('not_found');
  return row;
}

async function checkUserLink(db: Db, orgId: string, userId: string | null | undefined) {
  if (!userId) return;
  const [user] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.id, userId)));
  if (!user) {
    throw new ApiError('validation_failed', {
      errors: [{ path: 'body.userId', message: 'is not a user of this organization' }],
    });
  }
}

function rethrowLinkConflict(error: unknown): never {
  if (pgErrorCode(error) === pgErrors.uniqueViolation) {
    throw new ApiError('conflict', {
      detail: 'This user is already linked to another technician.',
      errors: [{ path: 'body.userId', message: 'is already linked to another technician' }],
    });
  }
  throw error;
}

function checkTimeZone(timeZone: string | undefined) {
  const errors = checkIntl({ timeZone });
  if (errors.length > 0) throw new ApiError('validation_failed', { errors });
}

const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Each day's intervals must run forwards and not overlap; the spec can only check their format. */
function checkDay(ranges: LocalTimeRange[], path: string): FieldError[] {
  const errors: FieldError[] = [];
  const sorted = ranges.map((r, i) => ({ ...r, i })).sort((a, b) => minutes(a.start) - minutes(b.start));
  sorted.forEach((range, index) => {
    if (minutes(range.end) <= minutes(range.start)) {
      errors.push({ path: `${path}.${range.i}`, message: 'must end after it starts' });
    }
    const next = sorted[index + 1];
    if (next && minutes(next.start) < minutes(range.end)) {
      errors.push({ path: `${path}.${next.i}`, message: 'overlaps another interval of the same day' });
    }
  });
  return errors;
}

/** One page of technicians, fetched with one extra row to tell whether another page exists. */
export async function listTechnicians(
  db: Db,
  orgId: string,
  filter: Input<'listTechnicians'>['query'],
): Promise<TechnicianRow[]> {
  const after = decodeCursor(filter.cursor);
  return db
    .select()
    .from(technicians)
    .where(
      and(
        eq(technicians.orgId, orgId),
        after ? gt(technicians.id, after) : undefined,
        filter.active === undefined ? undefined : eq(technicians.active, filter.active),
        filter.skill
          ? sql`${technicians.skills} @> ${JSON.stringify([{ skill: filter.skill }])}::jsonb`
          : undefined,
      ),
    )
    .orderBy(asc(technicians.id))
    .limit(filter.limit + 1);
}

/** A new technician works in the organization's zone unless told otherwise. */
export async function createTechnician(
  db: Db,
  orgId: string,
  body: Schemas['TechnicianCreate'],
): Promise<TechnicianRow> {
  checkTimeZone(body.timeZone);
  await checkUserLink(db, orgId, body.userId);
  const [org] = await db
    .select({ timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  try {
    const [row] = await db
      .insert(technicians)
      .values({ id: newId(), orgId, ...body, timeZone: body.timeZone ?? org!.timeZone })
      .returning();
    return row!;
  } catch (error) {
    rethrowLinkConflict(error);
  }
}

export async function updateTechnician(
  db: Db,
  orgId: string,
  technicianId: string,
  body: Schemas['TechnicianUpdate'],
  now: number = Date.now(),
): Promise<TechnicianRow & { affectedAppointments?: AffectedAppointment[] }> {
  checkTimeZone(body.timeZone);
  const before = await findTechnician(db, orgId, technicianId);
  await checkUserLink(db, orgId, body.userId);
  try {
    const [row] = await db
      .update(technicians)
      .set({ ...body, updatedAt: sql`now()` })
      .where(eq(technicians.id, technicianId))
      .returning();
    // Deactivating someone does not move their booked work: say which, so nobody finds out on the day.
    if (before.active && body.active === false) {
      return {
        ...row!,
        affectedAppointments: await bookedWorkOf(db, orgId, technicianId, { start: new Date(now) }),
      };
    }
    return row!;
  } catch (error) {
    rethrowLinkConflict(error);
  }
}

export async function replaceSkills(
  db: Db,
  orgId: string,
  technicianId: string,
  body: Schemas['TechnicianSkills'],
): Promise<TechnicianRow> {
  await findTechnician(db, orgId, technicianId);
  const names = body.skills.map((s) => s.skill.toLowerCase());
  const duplicate = names.findIndex((name, i) => names.indexOf(name) !== i);
  if (duplicate >= 0) {
    throw new ApiError('validation_failed', {
      errors: [{ path: `body.skills.${duplicate}`, message: 'repeats a skill' }],
    });
  }
  const [row] = await db
    .update(technicians)
    .set({ skills: body.skills, certifications: body.certifications, updatedAt: sql`now()` })
    .where(eq(technicians.id, technicianId))
    .returning();
  return row!;
}

/** The schedule from `from` (default: today in the technician's zone) to `to` (default: open-ended). */
export async function getSchedule(
  db: Db,
  orgId: string,
  technicianId: string,
  now: number,
  from?: string,
  to?: string,
): Promise<Schedule> {
  return loadSchedule(db, await findTechnician(db, orgId, technicianId), now, from, to);
}

export async function replaceSchedule(
  db: Db,
  orgId: string,
  technicianId: string,
  body: Schemas['TechnicianScheduleUpdate'],
  now: number,
): Promise<Schedule> {
  const technician = await findTechnician(db, orgId, technicianId);
  const errors: FieldError[] = [];
  for (const day of weekdays)
    errors.push(...checkDay(body.weeklyHours[day] ?? [], `body.weeklyHours.${day}`));
  const overrides = body.overrides ?? [];
  overrides.forEach((o, i) => {
    errors.push(...checkDay(o.hours, `body.overrides.${i}.hours`));
    if (overrides.findIndex((other) => other.date === o.date) !== i) {
      errors.push({ path: `body.overrides.${i}.date`, message: 'repeats a date' });
    }
  });
  if (errors.length > 0) throw new ApiError('validation_failed', { errors });

  const today = localDateOf(technician.timeZone, now);
  await db.transaction(async (tx) => {
    await tx
      .update(technicians)
      .set({ weeklyHours: body.weeklyHours as WeeklyHours, updatedAt: sql`now()` })
      .where(eq(technicians.id, technician.id));
    // Past overrides stay as the record of what was planned; from today on, the request decides.
    await tx
      .delete(scheduleOverrides)
      .where(and(eq(scheduleOverrides.technicianId, technician.id), gte(scheduleOverrides.date, today)));
    if (overrides.length > 0) {
      await tx
        .insert(scheduleOverrides)
        .values(
          overrides.map((o) => ({
            orgId,
            technicianId: technician.id,
            date: o.date,
            hours: o.hours,
            note: o.note ?? null,
          })),
        )
        .onConflictDoUpdate({
          target: [scheduleOverrides.technicianId, scheduleOverrides.date],
          set: { hours: sql`excluded.hours`, note: sql`excluded.note` },
        });
    }
  });
  return loadSchedule(db, { ...technician, weeklyHours: body.weeklyHours as WeeklyHours }, now, today);
}

export async function createTimeOff(
  db: Db,
  orgId: string,
  technicianId: string,
  body: Schemas['TimeOffCreate'],
): Promise<TimeOffRow & { affectedAppointments: AffectedAppointment[] }> {
  await findTechnician(db, orgId, technicianId);
  if (Date.parse(body.endsAt) <= Date.parse(body.startsAt)) {
    throw new ApiError('validation_failed', {
      errors: [{ path: 'body.endsAt', message: 'must be after startsAt' }],
    });
  }
  const [row] = await db
    .insert(timeOff)
    .values({
      id: newId(),
      orgId,
      technicianId,
      startsAt: new Date(body.startsAt),
      endsAt: new Date(body.endsAt),
      reason: body.reason ?? null,
    })
    .returning();
  // Time off is allowed over booked work (someone is ill today), but never silently.
  const affectedAppointments = await bookedWorkOf(db, orgId, technicianId, {
    start: row!.startsAt,
    end: row!.endsAt,
  });
  return { ...row!, affectedAppointments };
}

export async function deleteTimeOff(
  db: Db,
  orgId: string,
  technicianId: string,
  timeOffId: string,
): Promise<void> {
  const deleted = await db
    .delete(timeOff)
    .where(and(eq(timeOff.orgId, orgId), eq(timeOff.technicianId, technicianId), eq(timeOff.id, timeOffId)))
    .returning({ id: timeOff.id });
  if (deleted.length === 0) throw new ApiError('not_found');
}

async function loadSchedule(
  db: Db,
  technician: TechnicianRow,
  now: number,
  from?: string,
  to?: string,
): Promise<Schedule> {
  const start = from ?? localDateOf(technician.timeZone, now);
  const [overrides, absences] = await Promise.all([
    db
      .select()
      .from(scheduleOverrides)
      .where(
        and(
          eq(scheduleOverrides.technicianId, technician.id),
          gte(scheduleOverrides.date, start),
          to ? lte(scheduleOverrides.date, to) : undefined,
        ),
      )
      .orderBy(asc(scheduleOverrides.date)),
    db
      .select()
      .from(timeOff)
      .where(
        and(
          eq(timeOff.technicianId, technician.id),
          gt(timeOff.endsAt, sql`${start}::date`),
          to ? sql`${timeOff.startsAt} < ${to}::date + 1` : undefined,
        ),
      )
      .orderBy(asc(timeOff.startsAt)),
  ]);
  return { technician, overrides, timeOff: absences };
}
