/**
 * Selection and scrolling, pure: the cursor stays on the same row (by key) when a snapshot
 * changes, and only the visible window [start, end) is ever rendered.
 */

export interface Selection {
  /** Index of the selected row in the (filtered) row list. */
  cursor: number;
  /** Index of the first visible row. */
  offset: number;
  /** Key of the selected row, so the selection follows the row when rows shift. */
  key: string | null;
}

export const EMPTY_SELECTION: Selection = { cursor: 0, offset: 0, key: null };

export interface WindowRange {
  cursor: number;
  offset: number;
  start: number;
  end: number;
}

/** Clamp cursor into [0,total) and offset so the cursor is visible and the window is full. */
export function clampWindow(total: number, cursor: number, offset: number, height: number): WindowRange {
  const h = Math.max(1, height);
  if (total <= 0) return { cursor: 0, offset: 0, start: 0, end: 0 };
  const c = Math.min(Math.max(0, cursor), total - 1);
  let o = Math.min(Math.max(0, offset), Math.max(0, total - h));
  if (c < o) o = c;
  if (c >= o + h) o = c - h + 1;
  return { cursor: c, offset: o, start: o, end: Math.min(total, o + h) };
}

/** Where the selection is in the current rows: by key when the key is still there, else by index. */
export function resolveSelection(rows: readonly { key: string }[], sel: Selection, height: number): WindowRange {
  let cursor = sel.cursor;
  if (sel.key !== null && rows[cursor]?.key !== sel.key) {
    const found = rows.findIndex((r) => r.key === sel.key);
    if (found >= 0) {
      // Keep the row at the same screen position when possible.
      const delta = found - cursor;
      return clampWindow(rows.length, found, sel.offset + delta, height);
    }
  }
  return clampWindow(rows.length, cursor, sel.offset, height);
}

export type Motion = { by: 'line'; n: number } | { by: 'page'; n: number } | { by: 'top' } | { by: 'bottom' } | { by: 'index'; index: number };

/** Move the selection; `keyOf` gives the key of a row index (for following the row later). */
export function moveSelection(
  sel: Selection,
  motion: Motion,
  total: number,
  height: number,
  keyOf: (index: number) => string | null,
): Selection {
  const h = Math.max(1, height);
  const cur = clampWindow(total, sel.cursor, sel.offset, h);
  let cursor = cur.cursor;
  let offset = cur.offset;
  switch (motion.by) {
    case 'line':
      cursor += motion.n;
      break;
    case 'page':
      cursor += motion.n * h;
      offset += motion.n * h;
      break;
    case 'top':
      cursor = 0;
      break;
    case 'bottom':
      cursor = total - 1;
      break;
    case 'index':
      cursor = motion.index;
      break;
  }
  const w = clampWindow(total, cursor, offset, h);
  return { cursor: w.cursor, offset: w.offset, key: total ? keyOf(w.cursor) : null };
}

/** Scroll a plain list (help, detail) by lines/pages, returning the new offset. */
export function scrollOffset(offset: number, motion: Motion, total: number, height: number): number {
  const h = Math.max(1, height);
  const max = Math.max(0, total - h);
  let o = offset;
  switch (motion.by) {
    case 'line':
      o += motion.n;
      break;
    case 'page':
      o += motion.n * h;
      break;
    case 'top':
      o = 0;
      break;
    case 'bottom':
      o = max;
      break;
    case 'index':
      o = motion.index;
      break;
  }
  return Math.min(Math.max(0, o), max);
}
