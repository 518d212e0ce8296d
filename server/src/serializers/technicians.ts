import type { components } from '@crewkit/sdk/openapi';
import type { scheduleOverrides, technicians, timeOff } from '../db/schema.js';
import { iso } from '../lib/time.js';
import type { AffectedAppointment } from '../services/booking/edit.js';

type Schemas = components['schemas'];
export type TechnicianRow = typeof technicians.$inferSelect;

export function toTechnician(
  row: TechnicianRow & { affectedAppointments?: AffectedAppointment[] },
): Schemas['Technician'] {
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
    ...(row.affectedAppointments ? { affectedAppointments: row.affectedAppointments.map(toAffected) } : {}),
  };
}

export function toTimeOff(
  row: typeof timeOff.$inferSelect & { affectedAppointments?: AffectedAppointment[] },
): Schemas['TimeOff'] {
  return {
    id: row.id,
    technicianId: row.technicianId,
    startsAt: iso(row.startsAt),
    endsAt: iso(row.endsAt),
    reason: row.reason,
    createdAt: iso(row.createdAt),
    ...(row.affectedAppointments ? { affectedAppointments: row.affectedAppointments.map(toAffected) } : {}),
  };
}

/** An appointment left without its technician by time off or a deactivation. */
export function toAffected(row: AffectedAppointment): Schemas['AffectedAppointment'] {
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    start: iso(row.startsAt),
    end: iso(row.endsAt),
  };
}

export function toSchedule(schedule: {
  technician: TechnicianRow;
  overrides: (typeof scheduleOverrides.$inferSelect)[];
  timeOff: (typeof timeOff.$inferSelect)[];
}): Schemas['TechnicianSchedule'] {
  const { technician } = schedule;
  return {
    technicianId: technician.id,
    timeZone: technician.timeZone,
    weeklyHours: technician.weeklyHours,
    overrides: schedule.overrides.map((o) => ({ date: o.date, hours: o.hours, note: o.note })),
    timeOff: schedule.timeOff.map(toTimeOff),
  };
}

export function toSkills(row: TechnicianRow): Schemas['TechnicianSkills'] {
  return { skills: row.skills, certifications: row.certifications };
}
