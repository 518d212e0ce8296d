import type { AppointmentStatus } from '../workflow.js';

export interface StatusLine {
  toStatus: AppointmentStatus;
  at: Date;
}

export interface DerivedLabour {
  travelMinutes: number;
  workMinutes: number;
  pausedMinutes: number;
  /** The stretch still running at `now` (for a live timer), if any. */
  running: { status: 'en_route' | 'in_progress' | 'paused'; since: Date } | undefined;
}

const counted = { en_route: 'travel', in_progress: 'work', paused: 'paused' } as const;

/**
 * Labour time from the status history: each line starts a stretch that lasts until the next line
 * (or until `now`, for the last one); stretches en route count as travel, in progress as work,
 * paused as neither. Whole minutes, rounded once over the total so short stretches are not lost.
 */
export function deriveLabour(history: StatusLine[], now: number): DerivedLabour {
  const totals = { travel: 0, work: 0, paused: 0 };
  const lines = [...history].sort((a, b) => a.at.getTime() - b.at.getTime());
  let running: DerivedLabour['running'];
  lines.forEach((line, i) => {
    const kind = counted[line.toStatus as keyof typeof counted];
    if (!kind) return;
    const next = lines[i + 1];
    const end = next ? next.at.getTime() : now;
    totals[kind] += Math.max(0, end - line.at.getTime());
    if (!next) running = { status: line.toStatus as keyof typeof counted, since: line.at };
  });
  const minutes = (ms: number) => Math.round(ms / 60_000);
  return {
    travelMinutes: minutes(totals.travel),
    workMinutes: minutes(totals.work),
    pausedMinutes: minutes(totals.paused),
    running,
  };
}
