import { weekdays } from '@crewkit/sdk/enums';
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations, users } from './access.js';
import { createdAt, updatedAt } from './columns.js';

// Technicians
export interface TechnicianSkill {
  skill: string;
  proficiency: number;
}
export interface Certification {
  name: string;
  expiresOn?: string | null;
}
export interface LocalTimeRange {
  start: string;
  end: string;
}
export { weekdays };
export type Weekday = (typeof weekdays)[number];
export type WeeklyHours = Partial<Record<Weekday, LocalTimeRange[]>>;

export const technicians = pgTable(
  'technicians',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .unique()
      .references(() => users.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    // Hours are wall-clock times in this zone, so they survive daylight-saving changes.
    timeZone: text('time_zone').notNull(),
    active: boolean('active').notNull().default(true),
    skills: jsonb('skills').$type<TechnicianSkill[]>().notNull().default([]),
    certifications: jsonb('certifications').$type<Certification[]>().notNull().default([]),
    weeklyHours: jsonb('weekly_hours').$type<WeeklyHours>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('technicians_org_idx').on(t.orgId, t.id)],
);

export const scheduleOverrides = pgTable(
  'schedule_overrides',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    technicianId: uuid('technician_id')
      .notNull()
      .references(() => technicians.id, { onDelete: 'cascade' }),
    date: date('date').notNull(),
    hours: jsonb('hours').$type<LocalTimeRange[]>().notNull(),
    note: text('note'),
  },
  (t) => [primaryKey({ columns: [t.technicianId, t.date] })],
);

export const timeOff = pgTable(
  'time_off',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    technicianId: uuid('technician_id')
      .notNull()
      .references(() => technicians.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [
    index('time_off_technician_idx').on(t.technicianId, t.startsAt),
    check('time_off_range_check', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);
