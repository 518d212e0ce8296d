import type { AscoraSyncRun } from './events.js';
import type { runTerms } from './locales/en.js';

type RunTerms = typeof runTerms & {
  syncing: string;
  stage: (entities: string, way: string) => string;
  stageProgress: (entities: string, way: string, done: number, total: number) => string;
};

const countOrder = ['created', 'updated', 'skipped', 'conflicts', 'failed'] as const;

/** A run's counts in reading order, for a summary. */
export function runCounts(run: Pick<AscoraSyncRun, 'counts'>) {
  return countOrder.map((name) => [name, run.counts[name]] as const);
}

/**
 * A run's stage in words, e.g. `customers:pull` → "Customers from Ascora" (with pages when known).
 * Stages the element does not know (a newer server) read as plain "Syncing…" rather than as a code.
 */
export function stageLabel(t: RunTerms, stage: string | null, done?: number, total?: number): string {
  const [entity, way] = (stage ?? '').split(':');
  const entities = t.entities[entity as keyof RunTerms['entities']];
  const direction = t.ways[way as keyof RunTerms['ways']];
  if (!entities || !direction) return t.syncing;
  return done !== undefined && total !== undefined
    ? t.stageProgress(entities, direction, done, total)
    : t.stage(entities, direction);
}
