export interface Candidate {
  technicianId: string;
  /** Weakest proficiency among the item's required skills. */
  proficiency: number;
  /** Minutes already booked for this technician on the appointment's local day. */
  bookedMinutes: number;
}

export type AssignmentReason =
  | 'requested_technician'
  | 'held_slot'
  | 'preferred_technician'
  | 'only_available'
  | 'highest_proficiency'
  | 'fewest_booked_minutes'
  | 'tie_broken_at_random';

/**
 * Orders free, qualified technicians for auto-assignment: the customer's preferred technician
 * first, then the highest proficiency, then the fewest minutes booked that day (a fair spread,
 * unlike round-robin, which ignores who is already loaded), then at random. Random, not by id:
 * simultaneous bookings that see the same calendar then spread over equally good technicians
 * instead of all racing for the first one. Each entry carries the reason it beat the next one,
 * which is recorded on the appointment.
 */
export function rankCandidates(
  candidates: Candidate[],
  preferredTechnicianId?: string | null,
  random: () => number = Math.random,
): Array<Candidate & { reason: AssignmentReason }> {
  const draw = new Map(candidates.map((c) => [c.technicianId, random()]));
  const sorted = [...candidates].sort(
    (a, b) =>
      Number(b.technicianId === preferredTechnicianId) - Number(a.technicianId === preferredTechnicianId) ||
      b.proficiency - a.proficiency ||
      a.bookedMinutes - b.bookedMinutes ||
      draw.get(a.technicianId)! - draw.get(b.technicianId)!,
  );
  return sorted.map((candidate, index) => ({
    ...candidate,
    reason: reasonAgainst(candidate, sorted.slice(index + 1), preferredTechnicianId),
  }));
}

function reasonAgainst(winner: Candidate, rest: Candidate[], preferred?: string | null): AssignmentReason {
  if (preferred && winner.technicianId === preferred) return 'preferred_technician';
  const next = rest[0];
  if (!next) return 'only_available';
  if (winner.proficiency > next.proficiency) return 'highest_proficiency';
  if (winner.bookedMinutes < next.bookedMinutes) return 'fewest_booked_minutes';
  return 'tie_broken_at_random';
}
