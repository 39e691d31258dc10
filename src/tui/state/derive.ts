/** Derived data shared by rendering and key handling: memoized rows per view, and the layout. */
import type { ClusterSnapshot } from '../../model/snapshot.js';
import type { ViewId } from '../keymap.js';
import type { Table } from '../view-models/rows.js';
import { compileFilter } from '../view-models/filter.js';
import { toNodeRows } from '../view-models/nodes.js';
import { toResourceRows } from '../view-models/resources.js';
import { toFailureRows, toFencingRows } from '../view-models/failures.js';
import { toConstraintRows } from '../view-models/constraints.js';
import { toHistoryRows } from '../view-models/history.js';
import type { HistoryEntry } from '../../model/history.js';
import { historyEntries, type HistoryList } from './history.js';
import type { UiState } from './ui-state.js';

/** What the History view lists: the timeline newest first, today's date (UTC) and the input travelled to. */
export interface HistoryRowsInput {
  entries: readonly HistoryEntry[];
  today?: string;
  current?: string | null;
}

/** What the views show: the live snapshot, or the input travelled to (null until the first one is read). */
export function shownSnapshot(state: Pick<UiState, 'travel'>, live: ClusterSnapshot | null): ClusterSnapshot | null {
  return state.travel ? (state.travel.shown?.snapshot ?? null) : live;
}

/** Rows of one view for a snapshot, filter and grouping (pure); the History view lists `history`. */
export function toViewRows(snapshot: ClusterSnapshot | null, view: ViewId, filter: string, groupByNode: boolean, history?: HistoryRowsInput): Table {
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
    case 'history':
      return toHistoryRows(history?.entries ?? [], cf, history?.today, history?.current);
  }
}

export type RowCache = (snapshot: ClusterSnapshot | null, view: ViewId, filter: string, groupByNode: boolean, history?: HistoryRowsInput) => Table;

/** Remembers the last table per view, so scrolling never rebuilds rows. */
export function createRowCache(build: typeof toViewRows = toViewRows): RowCache {
  const last = new Map<string, { snapshot: ClusterSnapshot | null; filter: string; groupByNode: boolean; history?: HistoryRowsInput; table: Table }>();
  return (snapshot, view, filter, groupByNode, history) => {
    const hit = last.get(view);
    const same = view === 'history' ? hit?.history === history : hit?.snapshot === snapshot && hit?.groupByNode === groupByNode;
    if (hit && same && hit.filter === filter) return hit.table;
    const table = build(snapshot, view, filter, groupByNode, history);
    last.set(view, { snapshot, filter, groupByNode, history, table });
    return table;
  };
}

/**
 * The History view's input, the same object while nothing it shows changed (so the row cache
 * keeps its rows): the timeline of what was read, today's date and the input travelled to.
 */
export function createHistoryInput(): (state: Pick<UiState, 'history' | 'travel'>, now: number) => HistoryRowsInput {
  let last: { list: HistoryList; today: string; current: string | null; input: HistoryRowsInput } | null = null;
  return (state, now) => {
    const today = new Date(now).toISOString().slice(0, 10);
    const current = state.travel?.at.key ?? null;
    if (last && last.list === state.history && last.today === today && last.current === current) return last.input;
    const entries = last && last.list === state.history ? last.input.entries : historyEntries(state.history);
    last = { list: state.history, today, current, input: { entries, today, current } };
    return last.input;
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
