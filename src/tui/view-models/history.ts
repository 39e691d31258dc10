/**
 * The History view: one row per transition, newest first, cut from the same line builder as
 * `pcmk history` (historyLineParts in src/model/history.ts), so the CLI and the console say the
 * same words.
 */
import { historyLineParts, historyLine, inputKey, inputLabel, type HistoryEntry } from '../../model/history.js';
import type { Column, Row, Table, Target, Tone } from './rows.js';
import type { CompiledFilter } from './filter.js';

export const HISTORY_COLUMNS: Column[] = [
  { title: 'TIME', min: 8 },
  { title: 'INPUT', min: 6 },
  { title: 'DC', min: 9, priority: 1 },
  { title: 'WHAT HAPPENED', min: 20, weight: 1 },
];

export type InputTarget = Extract<Target, { kind: 'input' }>;

/** Where time travel goes for an entry. */
export function inputTarget(e: Pick<HistoryEntry, 'facts'>): InputTarget {
  const f = e.facts;
  return { kind: 'input', key: inputKey(f), host: f.host, label: inputLabel(f), time: f.time ?? f.mtime, dc: f.dc };
}

function toneOf(e: HistoryEntry): Tone {
  if (e.facts.error) return 'error';
  if (e.facts.actions.some((a) => a.verb === 'Fence') || e.changes.newFailures.length) return 'warn';
  if (!e.facts.actions.length) return 'dim';
  return 'normal';
}

/**
 * Rows of the History view: `entries` newest first; `today` (YYYY-MM-DD, UTC) drops the date of
 * today's times; `current` (an inputKey) marks the input the console is travelling at with ">".
 */
export function toHistoryRows(entries: readonly HistoryEntry[], filter?: CompiledFilter, today?: string, current?: string | null): Table {
  const rows: Row[] = [];
  for (const e of entries) {
    const target = inputTarget(e);
    const p = historyLineParts(e, today);
    const row: Row = {
      key: `input:${target.key}`,
      cells: [p.time, `${target.key === current ? '>' : ''}${p.label}`, p.dc, p.what],
      tone: toneOf(e),
      target,
      search: `${historyLine(e, today)} ${e.facts.host}`,
    };
    if (!filter || filter.test(row.search)) rows.push(row);
  }
  return { columns: HISTORY_COLUMNS, rows };
}
