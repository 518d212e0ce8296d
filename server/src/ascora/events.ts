import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { appointments, ascoraConnections } from '../db/schema.js';
import type { EventConsumer } from '../events/dispatcher.js';
import type { DomainEvent } from '../events/types.js';
import type { JobQueue } from '../queue/queue.js';
import { enqueueAppointmentPush } from './worker.js';

/** Events after which an appointment's work order may read differently in Ascora. */
const statusEvents = new Set<DomainEvent['type']>([
  'appointment.status_changed',
  'appointment.cancelled',
  'appointment.rescheduled',
]);

/**
 * Status flows to Ascora by itself (issue #16 §12): a visit whose job Ascora has changes status,
 * and a push of that job is queued in the dispatcher's transaction, so it is queued exactly when
 * the change committed and again if the dispatch is repeated (the push of unchanged content costs
 * one read and sends nothing). Appointments never sent to Ascora stay Crewkit's own.
 */
export function ascoraEventConsumer(queue: () => JobQueue | undefined): EventConsumer {
  return {
    name: 'ascora-job-status',
    async handle(db: Db, events: DomainEvent[]) {
      const wanted = events.filter((event) => statusEvents.has(event.type));
      const current = queue();
      if (wanted.length === 0 || !current) return;
      const linked = await db
        .select({ id: appointments.id, orgId: appointments.orgId })
        .from(appointments)
        .innerJoin(
          ascoraConnections,
          and(eq(ascoraConnections.orgId, appointments.orgId), eq(ascoraConnections.status, 'connected')),
        )
        .where(
          and(
            inArray(
              appointments.id,
              wanted.map((event) => event.subject),
            ),
            isNotNull(appointments.jobId),
          ),
        );
      for (const appointment of linked) {
        await enqueueAppointmentPush(current, appointment.orgId, appointment.id, db);
      }
    },
  };
}
