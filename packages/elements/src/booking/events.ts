import type { Appointment, Hold, ServiceItem } from '@crewkit/sdk';
import { eventOptions } from '../shared/events.js';

/** The visitor chose a service. */
export class CrewServiceSelectedEvent extends Event {
  static readonly type = 'crew-service-selected';
  constructor(public readonly service: ServiceItem) {
    super(CrewServiceSelectedEvent.type, eventOptions);
  }
}

/** The visitor chose a start time and it is now held for them. */
export class CrewSlotSelectedEvent extends Event {
  static readonly type = 'crew-slot-selected';
  constructor(public readonly hold: Hold) {
    super(CrewSlotSelectedEvent.type, eventOptions);
  }
}

/** The appointment is booked. */
export class CrewBookingConfirmedEvent extends Event {
  static readonly type = 'crew-booking-confirmed';
  constructor(public readonly appointment: Appointment) {
    super(CrewBookingConfirmedEvent.type, eventOptions);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crew-service-selected': CrewServiceSelectedEvent;
    'crew-slot-selected': CrewSlotSelectedEvent;
    'crew-booking-confirmed': CrewBookingConfirmedEvent;
  }
}
