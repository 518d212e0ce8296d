import type { components } from '@crewkit/sdk';

type Appointment = components['schemas']['Appointment'];
type CalendarView = components['schemas']['CalendarView'];

const statuses: Appointment['status'][] = [
  'scheduled',
  'scheduled',
  'scheduled',
  'requested',
  'en_route',
  'completed',
];

/**
 * A dispatch board's calendar for `technicians` people over `days` days from `from` (a Monday), with
 * `visits` spread over them: working hours 08:00–17:00 in Sydney, a time off every seventh lane, and
 * one- or two-hour visits that never overlap within a lane. For stories, tests and the bench.
 */
export function boardCalendar({
  technicians,
  days,
  visits,
  from = '2031-03-03',
  serviceItemIds = ['0190f3c4-0000-7000-8000-000000000011', '0190f3c4-0000-7000-8000-000000000012'],
}: {
  technicians: number;
  days: number;
  visits: number;
  from?: string;
  serviceItemIds?: string[];
}): CalendarView {
  const [y, m, d] = from.split('-').map(Number);
  // Sydney is at UTC+11 in March: a wall-clock hour of a day is this instant.
  const at = (day: number, hour: number) => new Date(Date.UTC(y!, m! - 1, d! + day, hour - 11)).toISOString();
  const names = [
    'Priya Raman',
    'Sam Okafor',
    'Luis Moreno',
    'Aiko Tanaka',
    'Grace Oduya',
    'Tomás Herrera',
    'Jun Park',
  ];
  const lanes: CalendarView['lanes'] = Array.from({ length: technicians }, (_, t) => ({
    technician: {
      id: `0190f3c4-2222-7000-8000-${String(100 + t).padStart(12, '0')}`,
      name:
        technicians <= names.length
          ? names[t]!
          : `${names[t % names.length]} ${Math.floor(t / names.length) + 1}`,
      timeZone: 'Australia/Sydney',
    },
    workingHours: Array.from({ length: days }, (_, day) => ({ start: at(day, 8), end: at(day, 17) })),
    timeOff: t % 7 === 6 ? [{ start: at(1, 12), end: at(1, 17), reason: 'Training' }] : [],
    appointments: [],
  }));
  for (let n = 0; n < visits; n++) {
    const lane = lanes[n % technicians]!;
    const slot = Math.floor(n / technicians);
    const day = slot % days;
    const hour = 8 + ((Math.floor(slot / days) * 2) % 8);
    const length = n % 3 === 0 ? 2 : 1;
    const start = at(day, hour);
    const id = `0190f3c4-4444-7000-8000-${String(n + 1).padStart(12, '0')}`;
    lane.appointments.push({
      id,
      reference: `HCP-${1000 + n}`,
      status: statuses[n % statuses.length]!,
      serviceItemId: serviceItemIds[n % serviceItemIds.length]!,
      customerId: `0190f3c4-5555-7000-8000-${String(n + 1).padStart(12, '0')}`,
      technicianId: lane.technician.id,
      start,
      end: new Date(Date.parse(start) + length * 3_600_000).toISOString(),
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      price: { amountMinor: 14900, currency: 'AUD' },
      notes: null,
      assignment: { technicianId: lane.technician.id, reason: 'only_available' },
      rescheduledFromId: null,
      rescheduledToId: null,
      rating: null,
      feedback: null,
      createdAt: start,
      updatedAt: start,
    });
  }
  const last = new Date(Date.UTC(y!, m! - 1, d! + days - 1)).toISOString().slice(0, 10);
  return { timeZone: 'Australia/Sydney', from, to: last, lanes };
}
