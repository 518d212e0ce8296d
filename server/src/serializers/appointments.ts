import type { components } from '@crewkit/sdk/openapi';
import { iso } from '../lib/time.js';
import type { AppointmentRow } from '../services/booking/rules.js';
import type { AscoraLink } from './ascora-links.js';
import { toSite } from './sites.js';

type Schemas = components['schemas'];

/** With `links`, the appointment carries its Ascora link (its job's), null when it has none. */
export function toAppointment(
  row: AppointmentRow,
  links?: ReadonlyMap<string, AscoraLink>,
): Schemas['Appointment'] {
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    serviceItemId: row.serviceItemId,
    customerId: row.customerId,
    technicianId: row.technicianId,
    start: iso(row.startsAt),
    end: iso(row.endsAt),
    bufferBeforeMinutes: row.bufferBeforeMinutes,
    bufferAfterMinutes: row.bufferAfterMinutes,
    price: { amountMinor: row.priceMinor, currency: row.currency },
    notes: row.notes,
    internalNotes: row.internalNotes,
    siteAddress: toSite(row.siteAddress),
    visitContact: row.visitContact,
    assignment: {
      technicianId: row.technicianId,
      reason: row.assignedTechnicianReason as Schemas['Assignment']['reason'],
    },
    rescheduledFromId: row.rescheduledFromId,
    rescheduledToId: row.rescheduledToId,
    rating: row.rating,
    feedback: row.feedback,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    ...(links ? { ascora: links.get(row.id) ?? null } : {}),
  };
}
