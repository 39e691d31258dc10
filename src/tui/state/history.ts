/**
 * The console's transition history, pure: the scheduler inputs read so far (pages asked of each
 * host, newest first, bounded), the timeline they make (the same buildTimeline as `pcmk history`),
 * and which host to ask for the next older page. No IO: the provider runs the requests.
 */
import { buildTimeline, inputKey, type HistoryEntry, type InputFacts } from '../../model/history.js';
import type { HistoryHostPage, HistoryQuery } from '../types.js';

/** Inputs asked of a host per page (each costs three tool runs on the host). */
export const HISTORY_PAGE = 20;
/** Inputs kept at most; older ones are left to `pcmk history --until`. */
export const MAX_HISTORY_INPUTS = 1000;

export interface HostCursor {
  /** File time (ms) of the oldest input read from this host, or null before any. */
  oldest: number | null;
  /** No older input on this host (or it could not be read: see error). */
  exhausted: boolean;
  error: string | null;
}

export interface HistoryList {
  /** Every input read (deduplicated by inputKey), in no particular order. */
  facts: InputFacts[];
  hosts: Record<string, HostCursor>;
  loading: { requestId: number; mode: 'newest' | 'older' } | null;
  /** The last request failed as a whole. */
  error: string | null;
  /** A first page arrived. */
  loaded: boolean;
  /** MAX_HISTORY_INPUTS reached: nothing older is read. */
  capped: boolean;
  /** The live state (CIB version) the newest page was read at. */
  readAt: string | null;
}

export const EMPTY_HISTORY: HistoryList = { facts: [], hosts: {}, loading: null, error: null, loaded: false, capped: false, readAt: null };

const fileTime = (f: Pick<InputFacts, 'mtime' | 'time'>): number => Date.parse(f.mtime ?? f.time ?? '') || 0;

/**
 * Adds a page. A host's page that reaches `limit + 1` inputs (its window plus the one before it)
 * may have older ones. On a `newest` read, a host whose page shares no input with what was read
 * before has moved on by more than a page: its older inputs are dropped (no hole in the timeline).
 */
export function mergeHistoryPage(list: HistoryList, pages: readonly HistoryHostPage[], mode: 'newest' | 'older', limit: number, max = MAX_HISTORY_INPUTS): HistoryList {
  const byKey = new Map(list.facts.map((f) => [inputKey(f), f]));
  const hosts: Record<string, HostCursor> = { ...list.hosts };
  for (const p of pages) {
    const before = hosts[p.host];
    if (p.error !== null) {
      hosts[p.host] = { oldest: before?.oldest ?? null, exhausted: true, error: p.error };
      continue;
    }
    const had = list.facts.some((f) => f.host === p.host);
    const overlaps = p.inputs.some((f) => byKey.has(inputKey(f)));
    const full = p.inputs.length > limit;
    if (mode === 'newest' && had && !overlaps && full) {
      for (const [k, f] of byKey) if (f.host === p.host) byKey.delete(k);
    }
    for (const f of p.inputs) byKey.set(inputKey(f), f);
    const keepOld = mode === 'newest' && had && (overlaps || !full) && before !== undefined;
    hosts[p.host] = { oldest: null, exhausted: keepOld ? before.exhausted : !full, error: null };
  }
  let facts = [...byKey.values()].sort((a, b) => fileTime(b) - fileTime(a));
  let capped = list.capped;
  if (facts.length > max) {
    facts = facts.slice(0, max);
    capped = true;
  }
  for (const [h, c] of Object.entries(hosts)) {
    const mine = facts.filter((f) => f.host === h);
    hosts[h] = { ...c, oldest: mine.length ? Math.min(...mine.map(fileTime)) : c.oldest, exhausted: c.exhausted || capped };
  }
  return { facts, hosts, loading: null, error: null, loaded: true, capped, readAt: list.readAt };
}

/**
 * The time down to which every host's inputs are read: older entries may still miss inputs of a
 * host not read that far, so they wait until it is. Null when nothing holds back.
 */
export function historyFrontier(list: HistoryList): number | null {
  const open = Object.values(list.hosts).filter((c) => !c.exhausted && c.error === null && c.oldest !== null);
  return open.length ? Math.max(...open.map((c) => c.oldest!)) : null;
}

/** The timeline of what was read, newest first, down to the frontier (one builder with `pcmk history`). */
export function historyEntries(list: HistoryList): HistoryEntry[] {
  const frontier = historyFrontier(list);
  const all = buildTimeline([list.facts]).reverse();
  return frontier === null ? all : all.filter((e) => fileTime(e.facts) >= frontier);
}

/** True when an older page can be asked for now. */
export function canLoadOlder(list: HistoryList): boolean {
  return list.loaded && list.loading === null && !list.capped && historyFrontier(list) !== null;
}

/** The request for the next older page: only the hosts at the frontier, each from just before its oldest input. */
export function olderQuery(list: HistoryList, limit = HISTORY_PAGE): HistoryQuery | null {
  const frontier = historyFrontier(list);
  if (frontier === null) return null;
  const until: Record<string, number> = {};
  for (const [h, c] of Object.entries(list.hosts)) if (!c.exhausted && c.error === null && c.oldest === frontier) until[h] = c.oldest - 1;
  return { limit, until };
}

/** What the History view's status says: read so far, more to come, hosts that gave nothing. */
export function historySummary(list: HistoryList): string {
  if (!list.loaded && !list.loading && !list.error) return 'not read yet';
  if (list.loading) return list.loading.mode === 'older' ? 'reading older scheduler inputs...' : 'reading the scheduler inputs...';
  if (list.error) return `history: ${list.error}`;
  const failed = Object.entries(list.hosts).filter(([, c]) => c.error);
  const more = list.capped ? `kept the newest ${MAX_HISTORY_INPUTS} (older: pcmk history --until)` : historyFrontier(list) !== null ? 'more at the end (G)' : 'all read';
  return [`${list.facts.length} inputs, ${more}`, ...failed.map(([h, c]) => `${h}: ${c.error}`)].join('; ');
}
