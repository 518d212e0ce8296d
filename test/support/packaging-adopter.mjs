// Run by test/packaging.test.ts with node, from the folder where the packed tarballs are installed:
// an adopter's first booking through @crewkit/sdk as npm installed it (not the repository's source).
// Prints { technicianId, slot, appointment } as JSON.
import { createCrewkit } from '@crewkit/sdk';

const [baseUrl, organizationId, apiKey] = process.argv.slice(2);
const crewkit = createCrewkit({ baseUrl, apiKey, organizationId });

async function must(what, call) {
  const { data, error } = await call;
  if (error) throw new Error(`${what} failed: ${JSON.stringify(error)}`);
  return data;
}

const category = await must('creating a category', crewkit.services.categories.create({ name: 'Drains' }));
const item = await must(
  'creating a service item',
  crewkit.services.items.create({
    categoryId: category.id,
    name: 'Blocked drain',
    durationMinutes: 60,
    basePriceMinor: 15000,
  }),
);
const technician = await must('creating a technician', crewkit.technicians.create({ name: 'Sam' }));
const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
await must(
  'setting working hours',
  crewkit.technicians.schedule.replace(technician.id, {
    weeklyHours: Object.fromEntries(weekdays.map((day) => [day, [{ start: '08:00', end: '17:00' }]])),
  }),
);

// From two days ahead, so the first open slot clears any minimum notice whatever the hour is now.
const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const availability = await must(
  'reading availability',
  crewkit.availability.get({ serviceItemId: item.id, from: day(2), to: day(8) }),
);
const slot = availability.days.flatMap((d) => d.slots).find((s) => s.available);
if (!slot) throw new Error(`No open slot: ${JSON.stringify(availability)}`);

const appointment = await must(
  'booking',
  crewkit.appointments.create({
    serviceItemId: item.id,
    start: slot.start,
    customer: { name: 'Bea Rivers', email: 'bea@home.example' },
  }),
);
console.log(JSON.stringify({ technicianId: technician.id, slot, appointment }));
