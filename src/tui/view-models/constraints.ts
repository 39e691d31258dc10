/** Constraints view: location (leftover cli-prefer/cli-ban and expired ones called out), colocation, order. */
import type { ClusterSnapshot, LocationConstraint } from '../../model/snapshot.js';
import type { Column, Row, Table, Tone } from './rows.js';
import { uniqueKeys } from './rows.js';
import type { CompiledFilter } from './filter.js';
import { formatTimeUtc } from '../../model/time.js';

export const CONSTRAINT_COLUMNS: Column[] = [
  { title: 'TYPE', min: 5 },
  { title: 'ID', min: 18, weight: 2 },
  { title: 'RESOURCE', min: 12, weight: 2 },
  { title: 'NODE/WITH', min: 10, weight: 1 },
  { title: 'SCORE', min: 9, priority: 2 },
  { title: 'NOTE', min: 12, weight: 2, priority: 1 },
];

/** The operator-facing note on a location constraint: why it matters. */
export function locationNote(c: LocationConstraint): { text: string; tone: Tone } {
  const notes: string[] = [];
  let tone: Tone = 'normal';
  if (c.isCliPrefer) {
    notes.push('move leftover');
    tone = 'warn';
  }
  if (c.isCliBan) {
    notes.push('ban leftover');
    tone = 'warn';
  }
  if (c.expired) {
    notes.push('EXPIRED');
    tone = 'error';
  } else if (c.expires) {
    notes.push(`expires ${formatTimeUtc(c.expires)}`);
  }
  if (c.role) notes.push(`role ${c.role}`);
  if (c.hasRules && !c.expires) notes.push('rules');
  return { text: notes.join(', '), tone };
}

export function toConstraintRows(snapshot: ClusterSnapshot | null, filter?: CompiledFilter): Table {
  if (!snapshot) return { columns: CONSTRAINT_COLUMNS, rows: [] };
  const rows: Row[] = [];
  const keep = (row: Row) => {
    if (!filter || filter.test(row.search)) rows.push(row);
  };
  const cli = (c: LocationConstraint) => c.isCliBan || c.isCliPrefer || c.expired;
  const locations = [...snapshot.constraints.location.filter(cli), ...snapshot.constraints.location.filter((c) => !cli(c))];
  for (const c of locations) {
    const note = locationNote(c);
    const resource = c.resource ?? (c.resourcePattern ? `/${c.resourcePattern}/` : (snapshot.constraints.sets[c.id] ?? []).join(','));
    keep({
      key: `loc:${c.id}`,
      cells: ['loc', c.id, resource, c.node ?? '', c.score ?? '', note.text],
      tone: note.tone,
      target: { kind: 'constraint', id: c.id, resource: c.resource, node: c.node, cli: c.isCliBan ? 'ban' : c.isCliPrefer ? 'prefer' : null },
      search: ['location', c.id, resource, c.node ?? '', c.score ?? '', note.text].join(' '),
    });
  }
  for (const c of snapshot.constraints.colocation) {
    const rsc = c.rsc ?? (snapshot.constraints.sets[c.id] ?? []).join(',');
    const withText = c.withRsc ?? '';
    const note = [c.rscRole && `role ${c.rscRole}`, c.withRscRole && `with-role ${c.withRscRole}`].filter(Boolean).join(', ');
    keep({
      key: `col:${c.id}`,
      cells: ['coloc', c.id, rsc, withText, c.score ?? '', note],
      tone: 'normal',
      target: { kind: 'constraint', id: c.id, resource: c.rsc, node: null, cli: null },
      search: ['colocation', c.id, rsc, withText, c.score ?? '', note].join(' '),
    });
  }
  for (const c of snapshot.constraints.order) {
    const first = c.first ?? (snapshot.constraints.sets[c.id] ?? []).join(',');
    const then = c.then ?? '';
    const note = [c.firstAction && c.thenAction ? `${c.firstAction} then ${c.thenAction}` : '', c.kind ?? ''].filter(Boolean).join(', ');
    keep({
      key: `ord:${c.id}`,
      cells: ['order', c.id, first, then ? `then ${then}` : '', c.score ?? '', note],
      tone: 'normal',
      target: { kind: 'constraint', id: c.id, resource: c.first, node: null, cli: null },
      search: ['order', c.id, first, then, c.score ?? '', note].join(' '),
    });
  }
  return { columns: CONSTRAINT_COLUMNS, rows: uniqueKeys(rows) };
}
