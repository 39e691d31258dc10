/** The pure side of the transition history: names, diffs, the merged timeline, filters, one line. */
import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  describeAction,
  diffConfig,
  filterTimeline,
  findEntry,
  historyLine,
  parseHistoryTime,
  parseInputName,
  parseInputSpec,
  type InputFacts,
  type TransitionStep,
} from '../../../src/model/history.js';
import { parseTransitionLine } from '../../../src/agent/actions/transition.js';

const step = (line: string): TransitionStep => parseTransitionLine(line)!;

/** Facts as the agent reads them from a sandbox-shaped cluster (3 members, dregistry). */
function facts(host: string, seq: number, time: string, over: Partial<InputFacts> = {}): InputFacts {
  return {
    host,
    path: `/var/lib/pacemaker/pengine/pe-input-${seq}.bz2`,
    name: `pe-input-${seq}.bz2`,
    kind: 'input',
    seq,
    mtime: time,
    size: 100,
    time,
    timeFrom: 'execution-date',
    dc: host,
    cibVersion: `0:${seq}:0`,
    changedBy: { user: 'root', client: 'crm_resource', origin: 'cluster-1' },
    config: { dregistry: 'primitive:1' },
    nodes: { 'cluster-1': 'online', 'cluster-2': 'online', 'cluster-3': 'online' },
    resources: { dregistry: ['Started cluster-1'] },
    failures: [],
    actions: [],
    error: null,
    ...over,
  };
}

describe('names', () => {
  it('knows the three series and nothing else', () => {
    expect(parseInputName('pe-input-412.bz2')).toEqual({ kind: 'input', seq: 412 });
    expect(parseInputName('pe-warn-3.bz2')).toEqual({ kind: 'warn', seq: 3 });
    expect(parseInputName('pe-error-0')).toEqual({ kind: 'error', seq: 0 });
    expect(parseInputName('pe-input.last')).toBeNull();
    expect(parseInputName('../pe-input-1.bz2')).toBeNull();
  });

  it('history show takes a number, a series, a file name or HOST:, never a path', () => {
    expect(parseInputSpec('412')).toEqual({ host: null, kind: 'input', seq: 412 });
    expect(parseInputSpec('warn-3')).toEqual({ host: null, kind: 'warn', seq: 3 });
    expect(parseInputSpec('cluster-2:pe-input-7.bz2')).toEqual({ host: 'cluster-2', kind: 'input', seq: 7 });
    expect(parseInputSpec('/etc/passwd')).toBeNull();
    expect(parseInputSpec('../../pe-input-1.bz2')).toBeNull();
  });
});

describe('diffs', () => {
  it('configuration: added, removed and changed ids', () => {
    expect(diffConfig({ a: 'x:1', b: 'x:2', c: 'x:3' }, { a: 'x:1', b: 'x:9', d: 'x:4' })).toEqual({ added: ['d'], removed: ['c'], changed: ['b'] });
  });

  it('merges hosts by time and compares each input with the one before, whichever host saved it', () => {
    const c1 = [
      facts('cluster-1', 411, '2026-12-06T14:01:00Z'),
      facts('cluster-1', 412, '2026-12-06T14:02:11Z', {
        config: { dregistry: 'primitive:1', 'cli-prefer-dregistry': 'rsc_location:5' },
        actions: [step('* Move       dregistry          ( cluster-1 -> cluster-2 )')],
      }),
    ];
    // cluster-2 became DC afterwards; its numbering starts again.
    const c2 = [facts('cluster-2', 1, '2026-12-06T14:03:00Z', { dc: 'cluster-2', resources: { dregistry: ['Started cluster-2'] }, nodes: { 'cluster-1': 'offline', 'cluster-2': 'online', 'cluster-3': 'online' }, config: { dregistry: 'primitive:1', 'cli-prefer-dregistry': 'rsc_location:5' } })];
    const t = buildTimeline([c2, c1]);
    expect(t.map((e) => historyLine(e, '2026-12-06'))).toEqual([
      '14:01:00 #411 DC cluster-1: no actions',
      '14:02:11 #412 DC cluster-1: dregistry moved cluster-1 -> cluster-2; config changed by root via crm_resource on cluster-1 (+cli-prefer-dregistry)',
      '14:03:00 #1 DC cluster-2: no actions; nodes: cluster-1 online -> offline; now: dregistry Started cluster-1 -> Started cluster-2',
    ]);
    expect(historyLine(t[0]!, '2026-12-05')).toBe('2026-12-06 14:01:00 #411 DC cluster-1: no actions');
  });

  it('new failures are the ones the previous input did not have', () => {
    const f = 'dregistry monitor on cluster-1: not running at 2026-12-06T14:05:00.000Z';
    const t = buildTimeline([[facts('c', 1, '2026-12-06T14:04:00Z'), facts('c', 2, '2026-12-06T14:05:00Z', { failures: [f] }), facts('c', 3, '2026-12-06T14:06:00Z', { failures: [f] })]]);
    expect(t.map((e) => e.changes.newFailures)).toEqual([[], [f], []]);
  });

  it('an input seen twice (a host and its copy) is kept once', () => {
    const a = facts('cluster-1', 5, '2026-12-06T14:00:00Z');
    expect(buildTimeline([[a], [{ ...a, host: 'report' }]])).toHaveLength(1);
  });
});

describe('filters and words', () => {
  const t = buildTimeline([
    [
      facts('c', 1, '2026-12-06T14:00:00Z'),
      facts('c', 2, '2026-12-06T14:10:00Z', { actions: [step('* Move       dregistry          ( cluster-1 -> cluster-2 )')] }),
      facts('c', 3, '2026-12-06T14:20:00Z', { actions: [step("* Fence (reboot) cluster-3 'peer is no longer part of the cluster'"), step('* Start      dlm:2              ( cluster-1 )')] }),
    ],
  ]);

  it('by time, resource (clone instances too) and node', () => {
    expect(filterTimeline(t, { since: Date.parse('2026-12-06T14:05:00Z') }).map((e) => e.facts.seq)).toEqual([2, 3]);
    expect(filterTimeline(t, { until: Date.parse('2026-12-06T14:05:00Z') }).map((e) => e.facts.seq)).toEqual([1]);
    expect(filterTimeline(t, { resource: 'dregistry' }).map((e) => e.facts.seq)).toEqual([2]);
    expect(filterTimeline(t, { resource: 'dlm' }).map((e) => e.facts.seq)).toEqual([3]);
    expect(filterTimeline(t, { node: 'cluster-3' }).map((e) => e.facts.seq)).toEqual([3]);
  });

  it('says each action in words', () => {
    expect(t[2]!.facts.actions.map(describeAction)).toEqual(['fence cluster-3 (reboot)', 'dlm:2 started on cluster-1']);
    expect(describeAction(step('* Promote    rsc2:4             ( Stopped -> Promoted node2 )  due to colocation with rsc1 (blocked)'))).toBe('rsc2:4 promoted on node2 (blocked)');
  });

  it('finds an entry by number, series and host; a number on two hosts is ambiguous', () => {
    const two = buildTimeline([[facts('cluster-1', 7, '2026-12-06T14:00:00Z')], [facts('cluster-2', 7, '2026-12-06T15:00:00Z', { cibVersion: '0:99:0' })]]);
    expect(Array.isArray(findEntry(two, '7'))).toBe(true);
    expect((findEntry(two, 'cluster-2:7') as { facts: InputFacts }).facts.host).toBe('cluster-2');
    expect(findEntry(two, 'warn-7')).toBeNull();
  });

  it('reads --since/--until as a date, a time of today (UTC) or an age', () => {
    const now = new Date('2026-12-06T15:00:00Z');
    expect(parseHistoryTime('2026-12-06T14:02', now)).toBe(Date.parse('2026-12-06T14:02:00Z'));
    expect(parseHistoryTime('14:02', now)).toBe(Date.parse('2026-12-06T14:02:00Z'));
    expect(parseHistoryTime('30m', now)).toBe(Date.parse('2026-12-06T14:30:00Z'));
    expect(parseHistoryTime('yesterday-ish', now)).toBeNull();
  });
});
