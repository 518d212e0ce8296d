import type { components } from '@crewkit/sdk/openapi';
import { and, asc, eq, gt, gte, lte, sql } from 'drizzle-orm';
import type { AppContext } from '../context.js';
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
import { decodeCursor, toPage } from '../lib/pagination.js';
import { iso } from '../lib/time.js';
import type { HandlerTable } from '../openapi/handlers.js';
import { localDateOf } from '../scheduling/time.js';

type Schemas = components['schemas'];
type TechnicianRow = typeof technicians.$inferSelect;

function toTechnician(row: TechnicianRow): Schemas['Technician'] {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    email: row.email,
    phone: row.phone,
    timeZone: row.timeZone,
    active: row.active,
    skills: row.skills,
    certifications: row.certifications,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

function toTimeOff(row: typeof timeOff.$inferSelect): Schemas['TimeOff'] {
  return {
    id: row.id,
    technicianId: row.technicianId,
    startsAt: iso(row.startsAt),
    endsAt: iso(row.endsAt),
    reason: row.reason,
    createdAt: iso(row.createdAt),
  };
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

export const technicianHandlers = {
  async listTechnicians(c, { params, query }) {
    const limit = query.limit ?? 25;
    const after = decodeCursor(query.cursor);
    const rows = await c.var.db
      .select()
      .from(technicians)
      .where(
        and(
          eq(technicians.orgId, params.orgId),
          after ? gt(technicians.id, after) : undefined,
          query.active === undefined ? undefined : eq(technicians.active, query.active),
          query.skill
            ? sql`${technicians.skills} @> ${JSON.stringify([{ skill: query.skill }])}::jsonb`
            : undefined,
        ),
      )
      .orderBy(asc(technicians.id))
      .limit(limit + 1);
    return c.json(toPage(rows, limit, toTechnician), 200);
  },

  async createTechnician(c, { params, body }) {
    const errors = checkIntl({ timeZone: body.timeZone });
    if (errors.length > 0) throw new ApiError('validation_failed', { errors });
    await checkUserLink(c.var.db, params.orgId, body.userId);
    const [org] = await c.var.db
      .select({ timeZone: organizations.timeZone })
      .from(organizations)
      .where(eq(organizations.id, params.orgId));
    try {
      const [row] = await c.var.db
        .insert(technicians)
        .values({ id: newId(), orgId: params.orgId, ...body, timeZone: body.timeZone ?? org!.timeZone })
        .returning();
      return c.json(toTechnician(row!), 201, {
        location: `/api/v1/organizations/${params.orgId}/technicians/${row!.id}`,
      });
    } catch (error) {
      rethrowLinkConflict(error);
    }
  },

  async getTechnician(c, { params }) {
    return c.json(toTechnician(await findTechnician(c.var.db, params.orgId, params.technicianId)), 200);
  },

  async updateTechnician(c, { params, body }) {
    const errors = checkIntl({ timeZone: body.timeZone });
    if (errors.length > 0) throw new ApiError('validation_failed', { errors });
    await findTechnician(c.var.db, params.orgId, params.technicianId);
    await checkUserLink(c.var.db, params.orgId, body.userId);
    try {
      const [row] = await c.var.db
        .update(technicians)
        .set({ ...body, updatedAt: sql`now()` })
        .where(eq(technicians.id, params.technicianId))
        .returning();
      return c.json(toTechnician(row!), 200);
    } catch (error) {
      rethrowLinkConflict(error);
    }
  },

  async getTechnicianSkills(c, { params }) {
    const row = await findTechnician(c.var.db, params.orgId, params.technicianId);
    return c.json({ skills: row.skills, certifications: row.certifications }, 200);
  },

  async replaceTechnicianSkills(c, { params, body }) {
    await findTechnician(c.var.db, params.orgId, params.technicianId);
    const names = body.skills.map((s) => s.skill.toLowerCase());
    const duplicate = names.findIndex((name, i) => names.indexOf(name) !== i);
    if (duplicate >= 0) {
      throw new ApiError('validation_failed', {
        errors: [{ path: `body.skills.${duplicate}`, message: 'repeats a skill' }],
      });
    }
    const [row] = await c.var.db
      .update(technicians)
      .set({ skills: body.skills, certifications: body.certifications, updatedAt: sql`now()` })
      .where(eq(technicians.id, params.technicianId))
      .returning();
    return c.json({ skills: row!.skills, certifications: row!.certifications }, 200);
  },

  async getTechnicianSchedule(c, { params, query }) {
    const technician = await findTechnician(c.var.db, params.orgId, params.technicianId);
    return c.json(await loadSchedule(c, technician, query.from, query.to), 200);
  },

  async replaceTechnicianSchedule(c, { params, body }) {
    const technician = await findTechnician(c.var.db, params.orgId, params.technicianId);
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

    const today = localDateOf(technician.timeZone, c.var.services.now());
    await c.var.db.transaction(async (tx) => {
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
              orgId: params.orgId,
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
    return c.json(
      await loadSchedule(c, { ...technician, weeklyHours: body.weeklyHours as WeeklyHours }, today),
      200,
    );
  },

  async createTimeOff(c, { params, body }) {
    await findTechnician(c.var.db, params.orgId, params.technicianId);
    if (Date.parse(body.endsAt) <= Date.parse(body.startsAt)) {
      throw new ApiError('validation_failed', {
        errors: [{ path: 'body.endsAt', message: 'must be after startsAt' }],
      });
    }
    const [row] = await c.var.db
      .insert(timeOff)
      .values({
        id: newId(),
        orgId: params.orgId,
        technicianId: params.technicianId,
        startsAt: new Date(body.startsAt),
        endsAt: new Date(body.endsAt),
        reason: body.reason ?? null,
      })
      .returning();
    return c.json(toTimeOff(row!), 201);
  },

  async deleteTimeOff(c, { params }) {
    const deleted = await c.var.db
      .delete(timeOff)
      .where(
        and(
          eq(timeOff.orgId, params.orgId),
          eq(timeOff.technicianId, params.technicianId),
          eq(timeOff.id, params.timeOffId),
        ),
      )
      .returning({ id: timeOff.id });
    if (deleted.length === 0) throw new ApiError('not_found');
    return c.body(null, 204);
  },
} satisfies HandlerTable;

async function loadSchedule(
  c: AppContext,
  technician: TechnicianRow,
  from?: string,
  to?: string,
): Promise<Schemas['TechnicianSchedule']> {
  const start = from ?? localDateOf(technician.timeZone, c.var.services.now());
  const [overrides, absences] = await Promise.all([
    c.var.db
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
    c.var.db
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
  return {
    technicianId: technician.id,
    timeZone: technician.timeZone,
    weeklyHours: technician.weeklyHours,
    overrides: overrides.map((o) => ({ date: o.date, hours: o.hours, note: o.note })),
    timeOff: absences.map(toTimeOff),
  };
}
