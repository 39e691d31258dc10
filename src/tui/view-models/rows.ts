/** Shared row, column and tree types for the pure view-models, plus fitting rows to a width. */
import { visible } from '../../model/view/text.js';

export type Tone = 'normal' | 'ok' | 'warn' | 'error' | 'dim' | 'info' | 'heading';

/** What a row refers to, so keys and the detail screen act on it. */
export type Target =
  | { kind: 'resource'; id: string; node?: string }
  | { kind: 'node'; name: string }
  | { kind: 'constraint'; id: string; resource: string | null; node: string | null; cli: 'prefer' | 'ban' | null }
  /** A scheduler input of the History view (inputKey), where time travel goes. */
  | { kind: 'input'; key: string; host: string; label: string; time: string | null; dc: string | null };

export interface Column {
  title: string;
  /** Minimum width in cells. */
  min: number;
  /** Share of the extra width (0 = stays at min). */
  weight?: number;
  align?: 'left' | 'right';
  /** Columns with a lower priority are dropped first when the terminal is too narrow (0 = never). */
  priority?: number;
}

export interface Row {
  /** Stable identity across snapshots (for selection and change highlight). */
  key: string;
  cells: string[];
  tone: Tone;
  target: Target | null;
  /** Text the filter matches against (id, node, agent, state). */
  search: string;
}

export interface Table {
  columns: Column[];
  rows: Row[];
}

export interface TreeNode {
  row: Row;
  children: TreeNode[];
}

/** Widest cell (or title) per column, to let columns grow toward their content. */
export function contentWidths(table: Table): number[] {
  const w = table.columns.map((c) => c.title.length);
  for (const row of table.rows) {
    for (let i = 0; i < w.length; i++) {
      const n = row.cells[i]?.length ?? 0;
      if (n > w[i]) w[i] = n;
    }
  }
  return w;
}

/**
 * Widths for the columns that fit in `width` (separated by one space); dropped columns get 0.
 * Extra space goes first to columns whose content (`ideal`) is wider than their minimum, then by
 * weight.
 */
export function layoutColumns(columns: readonly Column[], width: number, ideal?: readonly number[]): number[] {
  const active = columns.map(() => true);
  const need = () =>
    columns.reduce((sum, c, i) => (active[i] ? sum + c.min : sum), 0) + Math.max(0, active.filter(Boolean).length - 1);
  // Drop the lowest-priority optional columns until the minimums fit.
  while (need() > width) {
    let drop = -1;
    for (let i = 0; i < columns.length; i++) {
      const p = columns[i].priority ?? 0;
      if (!active[i] || p === 0) continue;
      if (drop < 0 || p < (columns[drop].priority ?? 0) || (p === (columns[drop].priority ?? 0) && i > drop)) drop = i;
    }
    if (drop < 0) break;
    active[drop] = false;
  }
  const widths = columns.map((c, i) => (active[i] ? c.min : 0));
  let extra = width - need();
  if (extra > 0 && ideal) {
    // Grow toward content: left columns (names) first, each by at most half the spare room,
    // then round-robin so no column starves the others.
    const cap = Math.floor(extra / 2);
    for (let i = 0; i < columns.length && extra > 0; i++) {
      if (!active[i]) continue;
      const add = Math.min(extra, cap, Math.max(0, (ideal[i] ?? 0) - widths[i]));
      widths[i] += add;
      extra -= add;
    }
    let grew = true;
    while (extra > 0 && grew) {
      grew = false;
      for (let i = 0; i < columns.length && extra > 0; i++) {
        if (active[i] && widths[i] < (ideal[i] ?? 0)) {
          widths[i]++;
          extra--;
          grew = true;
        }
      }
    }
  }
  const totalWeight = columns.reduce((s, c, i) => (active[i] ? s + (c.weight ?? 0) : s), 0);
  if (extra > 0 && totalWeight > 0) {
    let given = 0;
    columns.forEach((c, i) => {
      if (!active[i] || !c.weight) return;
      const add = Math.floor((extra * c.weight) / totalWeight);
      widths[i] += add;
      given += add;
    });
    // Hand the rounding remainder to the first weighted column.
    const first = columns.findIndex((c, i) => active[i] && (c.weight ?? 0) > 0);
    if (first >= 0) widths[first] += extra - given;
    extra = 0;
  }
  if (extra < 0) {
    // Still too wide (only mandatory columns left): shrink from the right, keeping 1 cell each.
    for (let i = widths.length - 1; i >= 0 && extra < 0; i--) {
      if (!widths[i]) continue;
      const cut = Math.min(widths[i] - 1, -extra);
      widths[i] -= cut;
      extra += cut;
    }
  }
  return widths;
}

/** Cut or pad `text` to exactly `width` cells (an ellipsis marks a cut). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  // Cluster strings reach the terminal only through visible(): control characters show as ^[ etc.
  const clean = visible(text);
  if (clean.length > width) return width === 1 ? clean.slice(0, 1) : `${clean.slice(0, width - 1)}…`;
  return align === 'right' ? clean.padStart(width) : clean.padEnd(width);
}

/** One line of text for a row (or a column header) at the given widths. */
export function formatCells(cells: readonly string[], columns: readonly Column[], widths: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    if (!widths[i]) continue;
    parts.push(fit(cells[i] ?? '', widths[i], columns[i].align));
  }
  return parts.join(' ');
}

/** Make row keys unique (a repeated key gets "#2", "#3"... in order). */
export function uniqueKeys<T extends { key: string }>(rows: T[]): T[] {
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const n = (seen.get(row.key) ?? 0) + 1;
    seen.set(row.key, n);
    // A copy: the row may belong to a tree kept for the next filter.
    return n > 1 ? { ...row, key: `${row.key}#${n}` } : row;
  });
}

/**
 * Flatten a tree into rows, indenting the first cell by depth. With a predicate, a node is kept
 * when it matches, when a descendant matches (as context), or when an ancestor matched.
 */
export function flattenTree(nodes: readonly TreeNode[], match?: (row: Row) => boolean): Row[] {
  const out: Row[] = [];
  const walk = (list: readonly TreeNode[], depth: number, ancestorMatched: boolean): boolean => {
    let any = false;
    for (const node of list) {
      const self = !match || ancestorMatched || match(node.row);
      const at = out.length;
      const childMatched = walk(node.children, depth + 1, self);
      if (self || childMatched) {
        out.splice(at, 0, indent(node.row, depth));
        any = true;
      }
    }
    return any;
  };
  walk(nodes, 0, false);
  return out;
}

function indent(row: Row, depth: number): Row {
  if (depth === 0) return row;
  const cells = row.cells.slice();
  cells[0] = `${'  '.repeat(depth)}${cells[0] ?? ''}`;
  return { ...row, cells };
}
