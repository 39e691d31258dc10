/** Constraints view: location (leftover cli-prefer/cli-ban and expired ones called out), colocation, order. */
import type { ClusterSnapshot, LocationConstraint } from '../../model/snapshot.js';
import type { Column, Row, Table, Tone } from './rows.js';
import { uniqueKeys } from './rows.js';
import type { CompiledFilter } from './filter.js';
import { locationNote as modelLocationNote, toConstraintViewRows, type ConstraintRow } from '../../model/view/index.js';

export const CONSTRAINT_COLUMNS: Column[] = [
  { title: 'TYPE', min: 5 },
  { title: 'ID', min: 18, weight: 2 },
  { title: 'RESOURCE', min: 12, weight: 2 },
  { title: 'NODE/WITH', min: 10, weight: 1 },
  { title: 'SCORE', min: 9, priority: 2 },
  { title: 'NOTE', min: 12, weight: 2, priority: 1 },
];

/** The operator-facing note on a location constraint (decided by the shared view model). */
export function locationNote(c: LocationConstraint): { text: string; tone: Tone } {
  const n = modelLocationNote(c);
  return { text: n.text, tone: n.severity };
}

const KIND: Record<ConstraintRow['kind'], { cell: string; key: string }> = {
  location: { cell: 'loc', key: 'loc' },
  colocation: { cell: 'coloc', key: 'col' },
  order: { cell: 'order', key: 'ord' },
};

/** The shared view model's constraint rows in columns. */
export function toConstraintRows(snapshot: ClusterSnapshot | null, filter?: CompiledFilter): Table {
  if (!snapshot) return { columns: CONSTRAINT_COLUMNS, rows: [] };
  const rows: Row[] = [];
  for (const c of toConstraintViewRows(snapshot)) {
    const row: Row = {
      key: `${KIND[c.kind].key}:${c.raw.id}`,
      cells: [KIND[c.kind].cell, c.id, c.resource, c.other, c.score, c.note],
      tone: c.severity,
      target: { kind: 'constraint', ...c.raw },
      search: [c.kind, c.id, c.resource, c.other, c.score, c.note].join(' '),
    };
    if (!filter || filter.test(row.search)) rows.push(row);
  }
  return { columns: CONSTRAINT_COLUMNS, rows: uniqueKeys(rows) };
}
