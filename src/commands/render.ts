/**
 * Text rendering of snapshots for people (`pcmk status`, `nodes`, `resources`, `constraints`).
 * Pure: snapshot in, lines out (print them through src/commands/output.ts, which makes them safe
 * for a terminal and turns Style into colour). `--json` prints the data instead.
 */
import type { ClusterSnapshot } from '../model/snapshot.js';
import type { FailcountRow } from '../agent/actions/plan.js';
import { displayWidth, plain, type Style } from './output.js';
import { isFalse, isTrue } from '../model/values.js';
import {
  flattenResourceTree,
  formatFailCount,
  toFailCountViewRows,
  toFailureViewRows,
  toFencingViewRows,
  toConstraintViewRows,
  type ConstraintRow,
  toNodeViewRows,
  mixedVersionWarning,
  toResourceTree,
  visible,
  type NodeState,
  type ResourceRow,
} from '../model/view/index.js';

/** Pads columns to their widest cell; the last column is not padded. Cells are made visible first (their width is what the terminal shows). */
export function table(rows: string[][], indent = '  '): string[] {
  if (!rows.length) return [];
  const width = displayWidth;
  const safe = rows.map((r) => r.map(visible));
  const widths: number[] = [];
  for (const r of safe) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, width(c))));
  return safe.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - width(c)))).join('  ').trimEnd());
}

function colorNode(st: Style, state: NodeState): string {
  if (state.severity === 'ok') return st.green(state.text);
  if (state.severity === 'error') return st.red(state.text);
  return st.yellow(state.text);
}

/** The node rows of the shared view model, one line each. */
export function renderNodes(s: ClusterSnapshot, st: Style = plain): string[] {
  const rows: string[][] = [['NAME', 'TYPE', 'STATE', 'RSC', 'HOST', 'ATTRIBUTES'].map(st.bold)];
  for (const n of toNodeViewRows(s)) {
    rows.push([
      n.name + (n.isDc ? ' (DC)' : ''),
      n.type,
      colorNode(st, n.state),
      String(n.resourcesRunning),
      n.type === 'guest' ? `${n.host ?? '-'} (${n.container ?? '?'})` : '',
      n.attributes,
    ]);
  }
  return table(rows);
}

function colorMarker(st: Style, m: string): string {
  if (m === 'FAILED' || m === 'UNCLEAN' || m === 'blocked') return st.red(m);
  if (m === 'failure ignored') return m;
  return st.yellow(m);
}

/** STATE column: the row's role (or count), crm_mon's markers, and the note the count needs. */
function stateText(r: ResourceRow, st: Style): string {
  const role = r.role === 'Stopped' || r.severity === 'dim' ? st.dim(r.role) : r.role;
  const parts = [role, ...r.markers.map((m) => colorMarker(st, m))];
  if (r.note && r.kind !== 'replica') parts.push(st.dim(`(${r.note})`));
  return parts.join(' ');
}

function matches(r: ResourceRow, only: string): boolean {
  return r.label === only || r.instance?.id === only || r.target.id === only || r.children.some((c) => matches(c, only));
}

/** The resource rows of the shared view model (the tree pcmk-top draws), one line each. */
export function resourceLines(rows: readonly ResourceRow[], st: Style = plain): string[] {
  const cells: string[][] = [['RESOURCE', 'AGENT', 'STATE', 'NODES', 'FAILS'].map(st.bold)];
  for (const { row, depth } of flattenResourceTree(rows)) {
    const fails = formatFailCount(row.fails);
    const label = row.kind === 'replica' && row.note ? `${row.label} (${row.note})` : row.label;
    cells.push(['  '.repeat(depth) + label, row.detail, stateText(row, st), row.nodes.join(',') || '-', fails ? st.red(fails) : '']);
  }
  return table(cells);
}

/** The resource tree (optionally only the top-level resources containing `only`). */
export function renderResources(s: ClusterSnapshot, st: Style = plain, only?: string): string[] {
  const tree = toResourceTree(s);
  return resourceLines(only ? tree.filter((r) => matches(r, only)) : tree, st);
}

/** The constraint rows of the shared view model (only move/ban leftovers and expired ones with `leftoversOnly`). */
export function renderConstraints(s: ClusterSnapshot, st: Style = plain, leftoversOnly = false): string[] {
  const all = toConstraintViewRows(s);
  const note = (c: ConstraintRow) => (c.severity === 'error' ? st.red(c.note) : c.severity === 'warn' ? st.yellow(c.note) : c.note);
  const locations = all.filter((c) => c.kind === 'location' && (!leftoversOnly || c.leftover));
  const rows = [['ID', 'RESOURCE', 'NODE', 'SCORE', 'NOTE'].map(st.bold), ...locations.map((c) => [c.id, c.resource || '(set)', c.other || '-', c.score || '-', note(c)])];
  if (leftoversOnly) return locations.length ? table(rows) : [];
  const out = table(rows);
  const colocation = all.filter((c) => c.kind === 'colocation');
  if (colocation.length) out.push('', st.bold('Colocation'), ...table(colocation.map((c) => [c.id, c.resource || '(set)', 'with', c.other, c.score, c.note])));
  const order = all.filter((c) => c.kind === 'order');
  if (order.length) out.push('', st.bold('Order'), ...table(order.map((c) => [c.id, c.resource || '(set)', c.other, c.score, c.note])));
  return out;
}

/** `pcmk failcount show`: one line per resource and node. */
export function failcountLines(rows: readonly FailcountRow[]): string[] {
  return table([['RESOURCE', 'NODE', 'COUNT', 'OPERATIONS'], ...rows.map((r) => [r.resource, r.node, String(r.count), JSON.stringify(r.operations)])]);
}

export function renderStatus(s: ClusterSnapshot, st: Style = plain): string[] {
  const c = s.cluster;
  const out: string[] = [];
  const quorum = c.quorate ? st.green('partition with quorum') : c.quorate === false ? st.red('partition WITHOUT quorum') : st.yellow('quorum unknown');
  const stonith = c.options['stonith-enabled'];
  out.push(
    `${st.bold(`Cluster ${visible(c.name ?? '(unnamed)')}`)}  ${visible(c.stack ?? '')}  DC ${c.dc ? visible(c.dc) : st.red('NONE')}  ${quorum}  Pacemaker ${c.pacemakerVersion ?? '?'}  stonith ${isFalse(stonith) ? st.red('DISABLED') : isTrue(stonith) ? 'enabled' : stonith ?? '?'}${isTrue(c.options['maintenance-mode']) ? `  ${st.yellow('MAINTENANCE MODE')}` : ''}`,
  );
  const mixed = mixedVersionWarning(s);
  if (mixed) out.push(st.yellow(mixed));
  if (c.lastChange) out.push(st.dim(visible(`last change ${c.lastChange}${c.lastChangeBy ? ` by ${c.lastChangeBy}` : ''}`)));
  out.push('', st.bold('Nodes'), ...renderNodes(s, st));
  out.push('', st.bold('Resources'), ...renderResources(s, st));
  const failures = toFailureViewRows(s);
  if (failures.length) {
    out.push('', st.bold(st.red('Failed actions')));
    out.push(...table(failures.map((f) => [f.resource, f.node, f.operation, `${f.status}${f.reason ? ` (${f.reason})` : ''}`, f.time])));
  }
  const fcs = toFailCountViewRows(s);
  if (fcs.length) {
    out.push('', st.bold('Fail counts'));
    out.push(...table(fcs.map((f) => [f.resource, f.node, f.count, f.operations])));
  }
  const fencing = toFencingViewRows(s);
  if (fencing.length) {
    out.push('', st.bold('Fencing history'));
    out.push(...table(fencing.slice(0, 10).map((f) => [f.target, f.action, f.severity === 'ok' ? f.status : st.red(f.status), f.by ? `by ${f.by}` : '', f.time])));
  }
  const left = renderConstraints(s, st, true);
  if (left.length) out.push('', st.bold(st.yellow('Constraints left by move/ban, or expired')), ...left);
  if (s.corosync) {
    const q = s.corosync.quorum;
    out.push('', st.bold('Corosync'));
    out.push(`  votes ${q.totalVotes ?? '?'}/${q.expectedVotes ?? '?'} (quorum ${q.quorum ?? '?'})${q.flags.length ? `  flags ${q.flags.join(' ')}` : ''}  transport ${s.corosync.transport ?? '?'}`);
    const down = s.corosync.links.filter((l) => !l.connected);
    out.push(down.length ? st.red(`  links down: ${down.map((l) => `${l.nodeId ?? 'local'}/link${l.linkId}`).join(', ')}`) : `  links: ${s.corosync.links.length} up`);
  }
  for (const src of s.sources) if (!src.ok && src.error && !src.error.startsWith('not collected')) out.push(st.yellow(`! ${src.tool}: ${visible(src.error)}`));
  for (const w of s.warnings) out.push(st.yellow(`! [${visible(w.section)}] ${visible(w.message)}`));
  return out.map(visible);
}
