import { defineElement } from '../shared/register.js';
import { CrewBooking } from './booking.js';

defineElement('crew-booking', CrewBooking);

export { CrewBooking };
