import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';

export interface VisitInvitation {
  /**
   * The same for every version of one visit — a reschedule makes a new appointment row, but the
   * customer's calendar must move the event it has, not add a second one — so it is the first
   * appointment's id in the reschedule chain.
   */
  uid: string;
  /** How many times the visit changed; calendars ignore an update whose SEQUENCE is not higher. */
  sequence: number;
  method: 'REQUEST' | 'CANCEL' | 'PUBLISH';
  start: Date;
  end: Date;
  summary: string;
  description: string;
  location: string | null;
  organizer: { name: string; email: string };
  attendee?: { name: string; email: string } | undefined;
  stamp: Date;
}

const uidDomain = 'crewkit';

const calendar = ical({ prodId: { company: 'Crewkit', product: 'Crewkit', language: 'EN' } });

/**
 * An iCalendar object (RFC 5545/5546) for one visit: an invitation (REQUEST), its withdrawal
 * (CANCEL), or a plain file to import (PUBLISH, the booking widget's "add to calendar").
 * ical-generator escapes text and folds lines at 75 octets.
 */
export function visitCalendar(visit: VisitInvitation): string {
  // One calendar, emptied for each visit: building it was a fifth of an invitation's cost, and
  // this runs start to end without yielding.
  calendar.clear().method(ICalCalendarMethod[visit.method]);
  const cancelled = visit.method === 'CANCEL';
  calendar.createEvent({
    id: `${visit.uid}@${uidDomain}`,
    sequence: visit.sequence,
    stamp: visit.stamp,
    start: visit.start,
    end: visit.end,
    summary: visit.summary,
    description: visit.description,
    location: visit.location,
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    // An invitation without an organizer is shown as a plain attachment by Outlook and Gmail.
    ...(visit.method === 'PUBLISH' ? {} : { organizer: visit.organizer }),
    ...(visit.attendee && visit.method !== 'PUBLISH'
      ? {
          attendees: [
            {
              ...visit.attendee,
              role: ICalAttendeeRole.REQ,
              status: ICalAttendeeStatus.ACCEPTED,
              rsvp: false,
            },
          ],
        }
      : {}),
  });
  return calendar.toString();
}
