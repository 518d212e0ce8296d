import { appointments } from './appointments.js';
import { availability } from './availability.js';
import type { Resource } from './context.js';
import { holds } from './holds.js';
import { organizations } from './organizations.js';
import { services } from './services.js';

/** What a booking page calls: the business's profile and catalog, free times, holds, the booking. */
export const bookingResources = {
  organizations,
  services,
  availability,
  holds,
  appointments,
} satisfies Record<string, Resource>;
