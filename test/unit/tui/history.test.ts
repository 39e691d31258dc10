/**
 * The console's History view and time travel, without a terminal: pages of real scheduler inputs
 * (a pengine directory made with the real tools from a CTS input, ../agent/history/inputs.ts, read
 * with the agent's own reader) merged as pcmk-top merges them, the rows it lists (the same line
 * builder as `pcmk history`), and the keys: Enter travels, `[` / `]` step, actions are refused,
 * Esc returns to live.
 */
import { copyFileSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectHistory, showInput } from '../../../src/agent/history/index.js';
import { LocalToolRunner } from '../../../src/agent/run-tool.js';
import { buildTimeline, historyLine, type InputFacts } from '../../../src/model/history.js';
import { canLoadOlder, EMPTY_HISTORY, historyEntries, historyFrontier, mergeHistoryPage, olderQuery, type HistoryList } from '../../../src/tui/state/history.js';
import { toHistoryRows } from '../../../src/tui/view-models/history.js';
import { toHeader } from '../../../src/tui/view-models/header.js';
import { footerHints } from '../../../src/tui/keymap.js';
import { toViewRows } from '../../../src/tui/state/derive.js';
import type { HistoryHostPage, HistoryQuery } from '../../../src/tui/types.js';
import type { ClusterSnapshot } from '../../../src/model/snapshot.js';
import { makePengineDir, T0 } from '../agent/history/inputs.js';
import { harness } from './key-harness.js';
import { viewOf } from './fixtures.js';

const runner = new LocalToolRunner();
const TODAY = '2026-12-06';
let dir = '';
/** The same four inputs split as if the DC had moved: #1, #2 on node-a, #3, #4 on node-b. */
const split: Record<string, string> = {};
const cleanup: string[] = [];

beforeAll(() => {
  dir = makePengineDir();
  cleanup.push(dir);
  for (const [host, seqs] of [['node-a', [1, 2]], ['node-b', [3, 4]]] as const) {
    const d = mkdtempSync(path.join(os.tmpdir(), `pcmk-history-${host}-`));
    cleanup.push(d);
    for (const n of seqs) {
      copyFileSync(path.join(dir, `pe-input-${n}.bz2`), path.join(d, `pe-input-${n}.bz2`));
      utimesSync(path.join(d, `pe-input-${n}.bz2`), T0 + 60 * n, T0 + 60 * n);
    }
    split[host] = d;
  }
}, 60_000);
afterAll(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

/** What the agent answers to a console page, per host (its directory), read with the real tools. */
async function page(dirs: Record<string, string>, q: HistoryQuery): Promise<HistoryHostPage[]> {
  const hosts = q.until ? Object.keys(q.until) : Object.keys(dirs);
  return Promise.all(
    hosts.map(async (host) => ({ host, inputs: await collectHistory({ runner, host, dir: dirs[host]!, until: q.until?.[host] ?? null, limit: q.limit }), error: null })),
  );
}

/** Reads everything the way the console does when the operator keeps scrolling to the end. */
async function readAll(dirs: Record<string, string>, limit: number, seen: (l: HistoryList) => void = () => {}): Promise<{ list: HistoryList; requests: HistoryQuery[] }> {
  const requests: HistoryQuery[] = [{ limit }];
  let list = mergeHistoryPage(EMPTY_HISTORY, await page(dirs, { limit }), 'newest', limit);
  seen(list);
  for (let i = 0; i < 10 && canLoadOlder(list); i++) {
    const q = olderQuery(list, limit)!;
    requests.push(q);
    list = mergeHistoryPage(list, await page(dirs, q), 'older', limit);
    seen(list);
  }
  return { list, requests };
}

describe('the History view, page by page', () => {
  it('one host read one input at a time gives the lines of pcmk history, newest first', async () => {
    const { list, requests } = await readAll({ 'node-a': dir }, 1);
    const cli = buildTimeline([await collectHistory({ runner, host: 'node-a', dir })]).map((e) => historyLine(e, TODAY));
    const rows = toHistoryRows(historyEntries(list), undefined, TODAY).rows;
    expect(rows.map((r) => `${r.cells[0]} ${r.cells[1]} DC ${r.cells[2]}: ${r.cells[3]}`)).toEqual([...cli].reverse());
    expect(rows[0]!.search).toContain(cli[cli.length - 1]);
    // Each older page starts just before the oldest input read (no input read twice).
    expect(requests.slice(1).map((q) => q.until!['node-a'])).toEqual([(T0 + 180) * 1000 - 1, (T0 + 60) * 1000 - 1]);
    expect(list.hosts['node-a']).toEqual({ oldest: (T0 + 60) * 1000, exhausted: true, error: null });
    expect(historyFrontier(list)).toBeNull();
  }, 60_000);

  it('two hosts: inputs older than what the other host has read wait for it, then the timeline is the merged one', async () => {
    const shown: string[][] = [];
    const { list, requests } = await readAll(split, 1, (l) => shown.push(historyEntries(l).map((e) => `${e.facts.host}#${e.facts.seq}`)));
    // First page: node-a gave #2 (and #1 before it), node-b #4 (and #3); node-b has not been read
    // below #3 yet, so node-a's older inputs are held back rather than shown out of order.
    expect(shown[0]).toEqual(['node-b#4', 'node-b#3']);
    expect(requests[1]).toEqual({ limit: 1, until: { 'node-b': (T0 + 180) * 1000 - 1 } });
    expect(shown[shown.length - 1]).toEqual(['node-b#4', 'node-b#3', 'node-a#2', 'node-a#1']);
    // Across hosts the first input of node-b is compared with node-a's last, as pcmk history does.
    const cli = buildTimeline([await collectHistory({ runner, host: 'node-a', dir: split['node-a']! }), await collectHistory({ runner, host: 'node-b', dir: split['node-b']! })]);
    expect(historyEntries(list).map((e) => historyLine(e, TODAY))).toEqual(cli.map((e) => historyLine(e, TODAY)).reverse());
    expect(historyEntries(list)[1]!.changes.resources).toEqual(['B Started 18node2 -> Started 18node3']);
  }, 60_000);

  it('a newest read that shares nothing with what was read drops the older inputs of that host (no hole)', async () => {
    const old = await page({ 'node-a': split['node-a']! }, { limit: 1 });
    let list = mergeHistoryPage(EMPTY_HISTORY, old, 'newest', 1);
    expect(list.facts.map((f) => f.seq).sort()).toEqual([1, 2]);
    // Later the host has #3 and #4 too: its newest page (#4 and #3 before it) does not reach #2.
    list = mergeHistoryPage(list, await page({ 'node-a': dir }, { limit: 1 }), 'newest', 1);
    expect(list.facts.map((f) => f.seq)).toEqual([4, 3]);
    expect(list.hosts['node-a']!.exhausted).toBe(false);
    // With a page that overlaps (limit 3: #4, #3, #2 and #1 before), nothing is dropped.
    list = mergeHistoryPage(mergeHistoryPage(EMPTY_HISTORY, old, 'newest', 1), await page({ 'node-a': dir }, { limit: 3 }), 'newest', 3);
    expect(list.facts.map((f) => f.seq)).toEqual([4, 3, 2, 1]);
  }, 60_000);

  it('keeps a bounded number of inputs, the newest, and then reads no older ones', async () => {
    const list = mergeHistoryPage(EMPTY_HISTORY, await page({ 'node-a': dir }, { limit: 10 }), 'newest', 10, 2);
    expect(list.facts.map((f) => f.seq)).toEqual([4, 3]);
    expect(list.capped).toBe(true);
    expect(canLoadOlder(list)).toBe(false);
  }, 60_000);

  it('a host that cannot give its inputs is named, and does not hold the others back', async () => {
    const pages: HistoryHostPage[] = [...(await page({ 'node-a': dir }, { limit: 10 })), { host: 'node-x', inputs: [], error: 'no route to host' }];
    const list = mergeHistoryPage(EMPTY_HISTORY, pages, 'newest', 10);
    expect(list.hosts['node-x']).toEqual({ oldest: null, exhausted: true, error: 'no route to host' });
    expect(historyEntries(list)).toHaveLength(4);
  }, 60_000);
});

describe('time travel keys', () => {
  let facts: InputFacts[] = [];
  const moments = new Map<string, ClusterSnapshot>();
  beforeAll(async () => {
    facts = await collectHistory({ runner, host: 'node-a', dir });
    for (const n of [1, 2, 3, 4]) moments.set(String(n), (await showInput(runner, 'node-a', String(n), dir))!.snapshot!);
  }, 60_000);

  /** The console after opening the History view and receiving the real page. */
  function opened() {
    const h = harness({ view: 'resources', now: Date.parse(`${TODAY}T15:00:00Z`) });
    h.press('6');
    expect(h.state.view).toBe('history');
    const load = h.effects.find((e) => e.type === 'history');
    expect(load).toMatchObject({ type: 'history', mode: 'newest', query: { limit: 20 } });
    h.dispatch({ type: 'historyLoaded', requestId: (load as { requestId: number }).requestId, mode: 'newest', limit: 20, pages: [{ host: 'node-a', inputs: facts, error: null }] });
    return h;
  }

  it('Enter on a transition travels there: every view shows that input, under a banner, read-only', () => {
    const h = opened();
    expect(h.selected()!.cells.slice(0, 3)).toEqual(['14:04:00', '#4', '18node3']);
    h.press('j', 'j');
    expect(h.selected()!.cells[1]).toBe('#2');
    h.press('enter');
    expect(h.state.view).toBe('resources');
    const travel = h.effects.find((e) => e.type === 'travel');
    expect(travel).toMatchObject({ at: { host: 'node-a', label: '2', dc: '18node3' } });
    // While the input is read nothing is shown (never the live cluster under the banner).
    expect(h.selected()).toBeUndefined();
    h.dispatch({ type: 'travelReady', requestId: (travel as { requestId: number }).requestId, snapshot: moments.get('2')! });
    // The resources view now lists the input's resources: B still on 18node2, before the move.
    const rows = toViewRows(h.state.travel!.shown!.snapshot, 'resources', '', false).rows;
    expect(rows.find((r) => r.cells[0] === 'B')?.cells[3]).toBe('18node2');
    expect(h.selected()!.target).toMatchObject({ kind: 'resource' });
    const banner = toHeader(viewOf(h.state.travel!.shown!.snapshot), 0, { at: h.state.travel!.at, shown: h.state.travel!.shown!.at, loading: false, error: null }).warnings[0]!;
    expect(banner.text).toBe(`TIME TRAVEL #2 ${TODAY} 14:02:00 UTC, DC 18node3: read-only; [ older, ] newer, Esc live`);
    // The footer offers the step keys and no action.
    const hints = footerHints({ screen: 'resources', readOnly: false, target: 'resource', travelling: true });
    expect(hints).toEqual(expect.arrayContaining(['[ older', '] newer']));
    expect(hints).not.toContain('m move');
    expect(hints).not.toContain('w why');
    // Action keys are refused with the reason; why too (it answers for now, not then).
    for (const k of ['m', 'c', 'w']) {
      h.press(k);
      expect(h.state.overlay.kind).toBe('none');
      expect(h.state.status?.text).toBe('time travel: the cluster as of #2 is read-only (Esc returns to live)');
    }
  });

  it('[ and ] step along the History list, from memory when it was read lately; Esc returns to live', () => {
    const h = opened();
    h.press('j', 'j', 'enter');
    const first = h.effects.filter((e) => e.type === 'travel').pop() as { requestId: number };
    h.dispatch({ type: 'travelReady', requestId: first.requestId, snapshot: moments.get('2')! });
    h.press(']');
    const next = h.effects.filter((e) => e.type === 'travel').pop() as { requestId: number; at: { label: string } };
    expect(next.at.label).toBe('3');
    // Until #3 is read, #2 stays on screen, and the banner says #3 is being read.
    expect(h.state.travel).toMatchObject({ at: { label: '3' }, loading: true, shown: { at: { label: '2' } } });
    h.dispatch({ type: 'travelReady', requestId: next.requestId, snapshot: moments.get('3')! });
    expect(toViewRows(h.state.travel!.shown!.snapshot, 'resources', '', false).rows.find((r) => r.cells[0] === 'B')?.cells[3]).toBe('18node3');
    // The History view follows: its selection is on the input travelled to, marked ">".
    h.press('6');
    expect(h.selected()!.cells[1]).toBe('>#3');
    // Back to #2: read lately, so shown at once without asking the host again.
    const asked = h.effects.filter((e) => e.type === 'travel').length;
    h.press('[');
    expect(h.effects.filter((e) => e.type === 'travel')).toHaveLength(asked);
    expect(h.state.travel).toMatchObject({ at: { label: '2' }, loading: false, shown: { at: { label: '2' } } });
    h.press('[', '[');
    expect(h.state.travel!.at.label).toBe('1');
    h.dispatch({ type: 'travelReady', requestId: h.state.travel!.requestId, snapshot: moments.get('1')! });
    h.press('[');
    expect(h.state.status?.text).toBe('#1 is the oldest input read');
    h.press(']', ']', ']', ']');
    expect(h.state.status?.text).toBe('#4 is the newest input read; Esc returns to live');
    h.press('escape');
    expect(h.state.travel).toBeNull();
    expect(h.state.status?.text).toBe('back to the live cluster');
    h.press('2');
    expect(h.selected()!.cells[0]).toBe('fence-ipmi');
    // Another context forgets this cluster's history.
    h.press('[', '6');
    h.dispatch({ type: 'forgetHistory' });
    expect(h.state.history.facts).toEqual([]);
    expect(h.state.travelCache).toEqual([]);
  });

  it('scrolling to the end of the History view reads the next older page', () => {
    const h = harness({ view: 'resources' });
    h.press('6');
    const load = h.effects.find((e) => e.type === 'history') as { requestId: number };
    // A first page of the two newest (and the one before): more may be older.
    h.dispatch({ type: 'historyLoaded', requestId: load.requestId, mode: 'newest', limit: 2, pages: [{ host: 'node-a', inputs: facts.slice(0, 3), error: null }] });
    h.press('j');
    expect(h.effects.filter((e) => e.type === 'history')).toHaveLength(1);
    h.press('G');
    expect(h.effects.filter((e) => e.type === 'history').pop()).toMatchObject({ mode: 'older', query: { limit: 20, until: { 'node-a': (T0 + 120) * 1000 - 1 } } });
    expect(h.state.history.loading?.mode).toBe('older');
  });

  it('without a connection the History view says so instead of reading', () => {
    const h = harness({ hasActions: false });
    h.press('6');
    expect(h.effects).toEqual([]);
    expect(h.state.status?.text).toBe('history is not available here (no connection to the cluster)');
  });
});
