/**
 * Constraint rows as the operator reads them, for `pcmk constraints`, `pcmk status` (leftovers)
 * and pcmk-top: location constraints first when they are leftovers of a move or ban or have
 * expired, then the others, then colocation and order. The note says why a row matters.
 */
import type { ClusterSnapshot, LocationConstraint } from '../snapshot.js';
import { formatTimeUtc } from '../time.js';
import type { Severity } from './resources.js';
import { visible } from './text.js';

export interface ConstraintRow {
  kind: 'location' | 'colocation' | 'order';
  id: string;
  /** The constrained resource (a pattern as /re/, a resource set as "a,b"). */
  resource: string;
  /** Location: the node; colocation: the resource it goes with; order: "then X". */
  other: string;
  score: string;
  /** "move leftover", "ban leftover", "EXPIRED", "expires ...", roles, actions, "rules". */
  note: string;
  severity: Severity;
  /** A leftover of `crm_resource --move/--ban` (cli-prefer / cli-ban), or an expired one. */
  leftover: boolean;
  /** For actions: the raw ids (not made visible). */
  raw: { id: string; resource: string | null; node: string | null; cli: 'prefer' | 'ban' | null };
}

/** The operator-facing note on a location constraint: why it matters. */
export function locationNote(c: LocationConstraint): { text: string; severity: Severity } {
  const notes: string[] = [];
  let severity: Severity = 'normal';
  if (c.isCliPrefer) {
    notes.push('move leftover');
    severity = 'warn';
  }
  if (c.isCliBan) {
    notes.push('ban leftover');
    severity = 'warn';
  }
  if (c.expired) {
    notes.push('EXPIRED');
    severity = 'error';
  } else if (c.expires) {
    notes.push(`expires ${formatTimeUtc(c.expires)}`);
  }
  if (c.role) notes.push(`role ${visible(c.role)}`);
  if (c.hasRules && !c.expires) notes.push('rules');
  return { text: notes.join(', '), severity };
}

export function toConstraintViewRows(snapshot: ClusterSnapshot): ConstraintRow[] {
  const sets = (id: string) => (snapshot.constraints.sets[id] ?? []).join(',');
  const rows: ConstraintRow[] = [];
  const leftover = (c: LocationConstraint) => c.isCliBan || c.isCliPrefer || c.expired;
  const locations = [...snapshot.constraints.location.filter(leftover), ...snapshot.constraints.location.filter((c) => !leftover(c))];
  for (const c of locations) {
    const note = locationNote(c);
    rows.push({
      kind: 'location',
      id: visible(c.id),
      resource: visible(c.resource ?? (c.resourcePattern ? `/${c.resourcePattern}/` : sets(c.id))),
      other: visible(c.node ?? ''),
      score: visible(c.score ?? ''),
      note: note.text,
      severity: note.severity,
      leftover: leftover(c),
      raw: { id: c.id, resource: c.resource, node: c.node, cli: c.isCliBan ? 'ban' : c.isCliPrefer ? 'prefer' : null },
    });
  }
  for (const c of snapshot.constraints.colocation) {
    rows.push({
      kind: 'colocation',
      id: visible(c.id),
      resource: visible(c.rsc ?? sets(c.id)),
      other: visible(c.withRsc ?? ''),
      score: visible(c.score ?? ''),
      note: visible([c.rscRole && `role ${c.rscRole}`, c.withRscRole && `with-role ${c.withRscRole}`].filter(Boolean).join(', ')),
      severity: 'normal',
      leftover: false,
      raw: { id: c.id, resource: c.rsc, node: null, cli: null },
    });
  }
  for (const c of snapshot.constraints.order) {
    rows.push({
      kind: 'order',
      id: visible(c.id),
      resource: visible(c.first ?? sets(c.id)),
      other: c.then ? `then ${visible(c.then)}` : '',
      score: visible(c.score ?? ''),
      note: visible([c.firstAction && c.thenAction ? `${c.firstAction} then ${c.thenAction}` : '', c.kind ?? ''].filter(Boolean).join(', ')),
      severity: 'normal',
      leftover: false,
      raw: { id: c.id, resource: c.first, node: null, cli: null },
    });
  }
  return rows;
}
