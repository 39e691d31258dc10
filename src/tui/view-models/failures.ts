/** Failures view (failed actions) and fencing history view. */
import type { ClusterSnapshot } from '../../model/snapshot.js';
import type { Column, Row, Table } from './rows.js';
import { uniqueKeys } from './rows.js';
import type { CompiledFilter } from './filter.js';
import { toFailureViewRows, toFencingViewRows, visible } from '../../model/view/index.js';

export const FAILURE_COLUMNS: Column[] = [
  { title: 'RESOURCE', min: 16, weight: 2 },
  { title: 'NODE', min: 10, weight: 1 },
  { title: 'OPERATION', min: 12, weight: 1, priority: 3 },
  { title: 'STATUS', min: 12, weight: 1 },
  { title: 'REASON', min: 10, weight: 3, priority: 2 },
  { title: 'TIME', min: 19, priority: 1 },
];

/** Failed actions, newest first: the shared view model's rows in columns. */
export function toFailureRows(snapshot: ClusterSnapshot | null, filter?: CompiledFilter): Table {
  if (!snapshot) return { columns: FAILURE_COLUMNS, rows: [] };
  const rows: Row[] = [];
  for (const f of toFailureViewRows(snapshot)) {
    const row: Row = {
      key: `fail:${f.key}`,
      cells: [f.resource, f.node, f.operation, f.status, f.reason, f.time],
      tone: 'error',
      target: { kind: 'resource', id: f.failure.resource, node: f.failure.node },
      search: [f.resource, f.node, visible(f.failure.opKey), f.status, f.reason, visible(f.failure.status ?? '')].join(' '),
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

/** Fencing history: pending operations first, newest next (the shared view model's order). */
export function toFencingRows(snapshot: ClusterSnapshot | null, filter?: CompiledFilter): Table {
  if (!snapshot) return { columns: FENCING_COLUMNS, rows: [] };
  const rows: Row[] = [];
  for (const e of toFencingViewRows(snapshot)) {
    const row: Row = {
      key: `fence:${e.key}`,
      cells: [e.target, e.action, e.status, e.by, e.origin, e.time, e.reason],
      tone: e.severity,
      target: { kind: 'node', name: e.event.target },
      search: [e.target, e.action, e.status, e.by, e.origin, e.reason].join(' '),
    };
    if (!filter || filter.test(row.search)) rows.push(row);
  }
  return { columns: FENCING_COLUMNS, rows: uniqueKeys(rows) };
}
