import type { ElementError } from '../shared/api.js';

/** Why the server would not give a visit to a technician or move it, and what it offers instead. */
export interface Refusal {
  /** The server's `slotReason`: `taken`, `outside_working_hours`, `no_qualified_technician`, … */
  reason: string;
  /** Up to 3 nearest starts the server could book instead (ISO instants). */
  alternatives: string[];
}

/** The refusal inside a `409 slot_unavailable`; anything else is not one. */
export function refusalOf(error: ElementError): Refusal | undefined {
  if (error.code !== 'slot_unavailable') return undefined;
  const problem = error.problem as { slotReason?: unknown; alternatives?: unknown } | undefined;
  const reason = typeof problem?.slotReason === 'string' ? problem.slotReason : 'taken';
  const alternatives = Array.isArray(problem?.alternatives)
    ? problem.alternatives.filter((start): start is string => typeof start === 'string')
    : [];
  return { reason, alternatives };
}
