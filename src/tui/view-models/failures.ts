/** Failures view (failed actions) and fencing history view. */
import type { ClusterSnapshot } from '../../model/snapshot.js';
import type { Column, Row, Table, Tone } from './rows.js';
import { uniqueKeys } from './rows.js';
import type { CompiledFilter } from './filter.js';
import { formatTimeUtc } from '../../model/time.js';

export const FAILURE_COLUMNS: Column[] = [
  { title: 'RESOURCE', min: 16, weight: 2 },
  { title: 'NODE', min: 10, weight: 1 },
  { title: 'OPERATION', min: 12, weight: 1, priority: 3 },
  { title: 'STATUS', min: 12, weight: 1 },
  { title: 'REASON', min: 10, weight: 3, priority: 2 },
  { title: 'TIME', min: 19, priority: 1 },
];

function byTimeDesc<T>(get: (x: T) => string | null): (a: T, b: T) => number {
  return (a, b) => {
    const ta = Date.parse(get(a) ?? '');
    const tb = Date.parse(get(b) ?? '');
    const va = Number.isNaN(ta) ? -Infinity : ta;
    const vb = Number.isNaN(tb) ? -Infinity : tb;
    return vb - va;
  };
}

export function toFailureRows(snapshot: ClusterSnapshot | null, filter?: CompiledFilter): Table {
  if (!snapshot) return { columns: FAILURE_COLUMNS, rows: [] };
  const rows: Row[] = [];
  const failures = [...snapshot.failures].sort(byTimeDesc((f) => f.lastRcChange));
  for (const f of failures) {
    const op = f.task ? `${f.task}${f.interval && f.interval !== '0' && f.interval !== '0ms' ? ` ${f.interval}` : ''}` : f.opKey;
    const status = f.exitCode !== null ? `${f.exitStatus} (${f.exitCode})` : f.exitStatus;
    const row: Row = {
      key: `fail:${f.opKey}@${f.node}`,
      cells: [f.resource, f.node, op, status, f.exitReason ?? '', formatTimeUtc(f.lastRcChange)],
      tone: 'error',
      target: { kind: 'resource', id: f.resource, node: f.node },
      search: [f.resource, f.node, f.opKey, status, f.exitReason ?? '', f.status ?? ''].join(' '),
    };
    if (!filter || filter.test(row.search)) rows.push(row);
  }
  return { columns: FAILURE_COLUMNS, rows: uniqueKeys(rows) };
}

export const FENCING_COLUMNS: Column[] = [
  { title: 'TARGET', min: 14, weight: 2 },
  { title: 'ACTION', min: 7 },
  { title: 'STATUS', min: 8 },
  { title: 'BY', min: 10, weight: 1, priority: 2 },
  { title: 'ORIGIN', min: 10, weight: 1, priority: 1 },
  { title: 'WHEN', min: 19, priority: 3 },
  { title: 'REASON', min: 8, weight: 2, priority: 1 },
];

function fenceTone(status: string): Tone {
  const s = status.toLowerCase();
  if (s === 'success' || s === 'done' || s === 'ok') return 'ok';
  if (s === 'pending' || s === 'in progress' || s === 'in-progress') return 'warn';
  return 'error';
}

/** Fencing history: pending operations first (a node being fenced shows as it happens), newest next. */
export function toFencingRows(snapshot: ClusterSnapshot | null, filter?: CompiledFilter): Table {
  if (!snapshot) return { columns: FENCING_COLUMNS, rows: [] };
  const pending = snapshot.fencing.filter((e) => fenceTone(e.status) === 'warn');
  const done = snapshot.fencing.filter((e) => fenceTone(e.status) !== 'warn').sort(byTimeDesc((e) => e.completed));
  const rows: Row[] = [];
  for (const e of [...pending, ...done]) {
    const origin = [e.client, e.origin].filter(Boolean).join('@');
    const row: Row = {
      key: `fence:${e.target}:${e.action}:${e.completed ?? 'pending'}:${e.origin ?? ''}`,
      cells: [e.target, e.action, e.status, e.delegate ?? '', origin, formatTimeUtc(e.completed), e.exitReason ?? ''],
      tone: fenceTone(e.status),
      target: { kind: 'node', name: e.target },
      search: [e.target, e.action, e.status, e.delegate ?? '', origin, e.exitReason ?? ''].join(' '),
    };
    if (!filter || filter.test(row.search)) rows.push(row);
  }
  return { columns: FENCING_COLUMNS, rows: uniqueKeys(rows) };
}
