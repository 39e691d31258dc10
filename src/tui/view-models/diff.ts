/** Row diffs between two snapshots' rows, as add/update/delete events keyed by row key. */
import type { Row } from './rows.js';

export type RowChangeType = 'add' | 'update' | 'delete';

export interface RowChange {
  key: string;
  type: RowChangeType;
}

function signature(row: Row): string {
  return `${row.tone}\u0000${row.cells.join('\u0000')}`;
}

export function diffRows(prev: readonly Row[], next: readonly Row[]): RowChange[] {
  const before = new Map<string, string>();
  for (const r of prev) before.set(r.key, signature(r));
  const changes: RowChange[] = [];
  const seen = new Set<string>();
  for (const r of next) {
    seen.add(r.key);
    const old = before.get(r.key);
    if (old === undefined) changes.push({ key: r.key, type: 'add' });
    else if (old !== signature(r)) changes.push({ key: r.key, type: 'update' });
  }
  for (const r of prev) if (!seen.has(r.key)) changes.push({ key: r.key, type: 'delete' });
  return changes;
}

/**
 * Highlight bookkeeping: keys changed (added or updated) and until when they stay highlighted.
 * Returns a new map; expired entries are dropped.
 */
export function markChanged(
  current: ReadonlyMap<string, number>,
  changes: readonly RowChange[],
  now: number,
  holdMs: number,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, until] of current) if (until > now) out.set(k, until);
  for (const c of changes) {
    if (c.type === 'delete') out.delete(c.key);
    else out.set(c.key, now + holdMs);
  }
  return out;
}
