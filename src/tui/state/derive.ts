/** Derived data shared by rendering and key handling: memoized rows per view, and the layout. */
import type { ClusterSnapshot } from '../../model/snapshot.js';
import type { ViewId } from '../keymap.js';
import type { Table } from '../view-models/rows.js';
import { compileFilter } from '../view-models/filter.js';
import { toNodeRows } from '../view-models/nodes.js';
import { toResourceRows } from '../view-models/resources.js';
import { toFailureRows, toFencingRows } from '../view-models/failures.js';
import { toConstraintRows } from '../view-models/constraints.js';

/** Rows of one view for a snapshot, filter and grouping (pure). */
export function toViewRows(snapshot: ClusterSnapshot | null, view: ViewId, filter: string, groupByNode: boolean): Table {
  const f = compileFilter(filter);
  const cf = f.mode === 'none' ? undefined : f;
  switch (view) {
    case 'nodes':
      return toNodeRows(snapshot, cf);
    case 'resources':
      return toResourceRows(snapshot, { groupByNode, filter: cf });
    case 'failures':
      return toFailureRows(snapshot, cf);
    case 'fencing':
      return toFencingRows(snapshot, cf);
    case 'constraints':
      return toConstraintRows(snapshot, cf);
  }
}

export type RowCache = (snapshot: ClusterSnapshot | null, view: ViewId, filter: string, groupByNode: boolean) => Table;

/** Remembers the last table per view, so scrolling never rebuilds rows. */
export function createRowCache(build: typeof toViewRows = toViewRows): RowCache {
  const last = new Map<string, { snapshot: ClusterSnapshot | null; filter: string; groupByNode: boolean; table: Table }>();
  return (snapshot, view, filter, groupByNode) => {
    const hit = last.get(view);
    if (hit && hit.snapshot === snapshot && hit.filter === filter && hit.groupByNode === groupByNode) return hit.table;
    const table = build(snapshot, view, filter, groupByNode);
    last.set(view, { snapshot, filter, groupByNode, table });
    return table;
  };
}

export interface LayoutSizes {
  /** Lines the whole frame may use (terminal rows - 1, so Ink never clears the screen). */
  total: number;
  header: number;
  /** Lines for the body (view, detail or overlay), including a table's column header. */
  body: number;
  /** Data rows visible in a table body (body minus its column header line). */
  list: number;
}

export const TABS_HEIGHT = 1;
export const BOTTOM_HEIGHT = 2; // status line + footer

export function computeLayout(rows: number, headerLines: number): LayoutSizes {
  const total = Math.max(4, rows - 1);
  const header = Math.max(0, Math.min(headerLines, total - TABS_HEIGHT - BOTTOM_HEIGHT - 2));
  const body = Math.max(2, total - header - TABS_HEIGHT - BOTTOM_HEIGHT);
  return { total, header, body, list: Math.max(1, body - 1) };
}
