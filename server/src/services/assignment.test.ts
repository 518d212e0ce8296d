import { describe, expect, it } from 'vitest';
import { rankCandidates } from './assignment.js';
import { activeStatuses, appointmentStatuses, canTransition, transitions } from './workflow.js';

describe('auto-assignment', () => {
  const a = { technicianId: 'a', proficiency: 3, bookedMinutes: 120 };
  const b = { technicianId: 'b', proficiency: 5, bookedMinutes: 480 };
  const c = { technicianId: 'c', proficiency: 3, bookedMinutes: 60 };

  it('puts the customer’s preferred technician first', () => {
    expect(rankCandidates([a, b, c], 'a')[0]).toMatchObject({
      technicianId: 'a',
      reason: 'preferred_technician',
    });
  });

  it('then prefers the highest proficiency, however busy', () => {
    expect(rankCandidates([a, b, c])[0]).toMatchObject({ technicianId: 'b', reason: 'highest_proficiency' });
  });

  it('then spreads work to whoever has the fewest booked minutes that day', () => {
    const ranked = rankCandidates([a, c]);
    expect(ranked.map((r) => r.technicianId)).toEqual(['c', 'a']);
    expect(ranked[0]!.reason).toBe('fewest_booked_minutes');
  });

  it('breaks a perfect tie at random and says so', () => {
    const draws = [0.9, 0.1];
    const ranked = rankCandidates([a, { ...a, technicianId: 'z' }], null, () => draws.shift()!);
    expect(ranked.map((r) => r.technicianId)).toEqual(['z', 'a']);
    expect(ranked[0]!.reason).toBe('tie_broken_at_random');
    const seen = new Set(
      Array.from({ length: 50 }, () => rankCandidates([a, { ...a, technicianId: 'z' }])[0]!.technicianId),
    );
    expect(seen).toEqual(new Set(['a', 'z']));
  });

  it('says when there was no choice', () => {
    expect(rankCandidates([a])[0]!.reason).toBe('only_available');
    expect(rankCandidates([])).toEqual([]);
  });

  it('spreads a day of equal bookings evenly across equal technicians', () => {
    const booked = new Map([
      ['a', 0],
      ['b', 0],
      ['c', 0],
    ]);
    for (let i = 0; i < 9; i++) {
      const ranked = rankCandidates(
        [...booked].map(([technicianId, bookedMinutes]) => ({ technicianId, proficiency: 3, bookedMinutes })),
      );
      const chosen = ranked[0]!.technicianId;
      booked.set(chosen, booked.get(chosen)! + 60);
    }
    expect([...booked.values()]).toEqual([180, 180, 180]);
  });
});

describe('the appointment workflow', () => {
  it('allows exactly the documented transitions', () => {
    const allowed = appointmentStatuses.flatMap((from) => transitions[from].map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual(
      [
        'requested→scheduled',
        'requested→cancelled',
        'scheduled→en_route',
        'scheduled→in_progress',
        'scheduled→cancelled',
        'scheduled→no_show',
        'en_route→in_progress',
        'en_route→cancelled',
        'en_route→no_show',
        'in_progress→paused',
        'in_progress→completed',
        'paused→in_progress',
        'paused→completed',
      ].sort(),
    );
  });

  it('never leaves a final state', () => {
    for (const to of appointmentStatuses) {
      expect(canTransition('completed', to)).toBe(false);
      expect(canTransition('cancelled', to)).toBe(false);
      expect(canTransition('no_show', to)).toBe(false);
    }
    expect(activeStatuses).not.toContain('completed');
  });
});
