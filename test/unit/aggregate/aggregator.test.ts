import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Aggregator, backoffDelay, collectOnce, DEFAULT_BACKOFF, type HostSource, type SourceErrorInfo } from '../../../src/aggregate/aggregator.js';
import type { ClusterSnapshot } from '../../../src/model/snapshot.js';

function snap(source: string, dc = 'h1'): ClusterSnapshot {
  return {
    schema: 1,
    takenAt: '2025-01-01T00:00:00.000Z',
    source,
    cluster: {
      name: 'c', stack: 'corosync', dc, dcPresent: true, quorate: true, partition: null, pacemakerVersion: null, mixedVersion: null,
      apiVersion: null, format: 'pacemaker-result', lastUpdate: null, lastChange: null, lastChangeBy: null, options: {},
      counts: { nodes: 1, resources: 0, disabled: 0, blocked: 0 }, cibVersion: null,
    },
    nodes: [
      {
        name: source, id: '1', type: 'member', online: true, standby: false, standbyOnFail: false, maintenance: false,
        pending: false, unclean: false, shutdown: false, expectedUp: true, isDc: source === dc, resourcesRunning: 0,
        health: null, featureSet: null, host: null, container: null, connection: null,
      },
    ],
    resources: [], instances: [], failures: [], failcounts: [], operations: [], fencing: [], nodeAttributes: {}, tickets: [],
    constraints: { location: [], order: [], colocation: [], sets: {} }, corosync: null,
    sources: [{ tool: 'crm_mon', ok: true, durationMs: 1 }], warnings: [],
  };
}

/** An in-process source the test drives by hand. */
class FakeSource implements HostSource {
  starts = 0;
  stops = 0;
  mode = 'fake';
  onSnapshot: ((s: ClusterSnapshot) => void) | null = null;
  onError: ((e: Error, i?: SourceErrorInfo) => void) | null = null;
  onHeartbeat: (() => void) | null = null;
  constructor(
    readonly name: string,
    private readonly behaviour: 'manual' | 'reject' | 'throw' = 'manual',
  ) {}
  start(onSnapshot: (s: ClusterSnapshot) => void, onError: (e: Error, i?: SourceErrorInfo) => void, onHeartbeat?: () => void): Promise<void> | void {
    this.starts++;
    this.onSnapshot = onSnapshot;
    this.onError = onError;
    this.onHeartbeat = onHeartbeat ?? null;
    if (this.behaviour === 'reject') return Promise.reject(Object.assign(new Error(`ssh ${this.name}: connection refused`), { stage: 'connect' }));
    if (this.behaviour === 'throw') throw new Error('boom');
  }
  stop(): void {
    this.stops++;
  }
}

let now = 0;
beforeEach(() => {
  vi.useFakeTimers();
  now = 1_000_000;
});
afterEach(() => {
  vi.useRealTimers();
});
const clock = () => now;
const advance = async (ms: number): Promise<void> => {
  now += ms;
  await vi.advanceTimersByTimeAsync(ms);
};

describe('backoffDelay', () => {
  it('grows exponentially, is bounded, and jitters within the spread', () => {
    const b = { ...DEFAULT_BACKOFF, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((n) => backoffDelay(n, b))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(800);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 1)).toBe(1200);
    expect(backoffDelay(20, DEFAULT_BACKOFF, () => 1)).toBe(30000);
  });
});

describe('Aggregator', () => {
  it('starts all hosts at once and tracks state, age and mode', async () => {
    const a = new FakeSource('h1');
    const b = new FakeSource('h2');
    const agg = new Aggregator([a, b], { now: clock, staleAfterMs: 10_000 });
    agg.start();
    expect([a.starts, b.starts]).toEqual([1, 1]);
    expect(agg.hosts().map((h) => h.state)).toEqual(['connecting', 'connecting']);
    a.onSnapshot!(snap('h1'));
    await advance(3000);
    const h1 = agg.host('h1')!;
    expect(h1).toMatchObject({ state: 'live', mode: 'fake', snapshotAgeMs: 3000, lastSeenAgeMs: 3000, failures: 0 });
    a.onHeartbeat!();
    expect(agg.host('h1')).toMatchObject({ snapshotAgeMs: 3000, lastSeenAgeMs: 0 });
    await advance(10_001);
    expect(agg.host('h1')!.state).toBe('stale');
    a.onSnapshot!(snap('h1'));
    expect(agg.host('h1')!.state).toBe('live');
    await agg.stop();
  });

  it('keeps the last snapshot on failure, goes down, and reconnects with growing delays', async () => {
    const a = new FakeSource('h1');
    const agg = new Aggregator([a], { now: clock, backoff: { initialMs: 1000, maxMs: 5000, factor: 2, jitter: 0 } });
    agg.start();
    const s = snap('h1');
    a.onSnapshot!(s);
    a.onError!(Object.assign(new Error('ssh h1: connection lost'), { stage: 'closed' }));
    let h = agg.host('h1')!;
    expect(h).toMatchObject({ state: 'down', snapshot: s, failures: 1, retryInMs: 1000 });
    expect(h.lastError).toEqual({ message: 'ssh h1: connection lost', at: now, code: 'closed', exitCode: null });
    expect(a.stops).toBe(1);

    await advance(999);
    expect(a.starts).toBe(1);
    await advance(1);
    expect(a.starts).toBe(2);
    // Still 'down' while retrying after a failure, snapshot kept.
    expect(agg.host('h1')!.state).toBe('down');
    a.onError!(new Error('again'));
    expect(agg.host('h1')!.retryInMs).toBe(2000);
    await advance(2000);
    expect(a.starts).toBe(3);
    a.onError!(new Error('again'));
    await advance(4000);
    a.onError!(new Error('again'));
    expect(agg.host('h1')!.retryInMs).toBe(5000);
    await advance(5000);
    expect(a.starts).toBe(5);
    a.onSnapshot!(snap('h1'));
    h = agg.host('h1')!;
    expect(h).toMatchObject({ state: 'live', failures: 0, retryInMs: null });
    expect(h.snapshot).not.toBe(s);
    await agg.stop();
  });

  it('a non-fatal error is recorded but the source keeps running', async () => {
    const a = new FakeSource('h1');
    const agg = new Aggregator([a], { now: clock });
    agg.start();
    a.onSnapshot!(snap('h1'));
    a.onError!(Object.assign(new Error('crm_mon: Not connected'), { code: 'agent', exitCode: 102 }), { fatal: false });
    expect(agg.host('h1')).toMatchObject({ state: 'live', failures: 0, lastError: { exitCode: 102, code: 'agent' } });
    expect(a.stops).toBe(0);
    expect(agg.view().issues.map((i) => i.kind)).toEqual(['cluster-unreachable', 'no-fresh-host']);
    await agg.stop();
  });

  it('ignores late callbacks from a stopped start', async () => {
    const a = new FakeSource('h1');
    const agg = new Aggregator([a], { now: clock, backoff: { initialMs: 100, jitter: 0 } });
    agg.start();
    const oldSnapshot = a.onSnapshot!;
    a.onError!(new Error('x'));
    await advance(100);
    expect(a.starts).toBe(2);
    oldSnapshot(snap('h1'));
    expect(agg.host('h1')!.snapshot).toBeNull();
    await agg.stop();
  });

  it('a rejected or throwing start is a failure with a retry', async () => {
    const r = new FakeSource('h1', 'reject');
    const t = new FakeSource('h2', 'throw');
    const agg = new Aggregator([r, t], { now: clock, backoff: { initialMs: 100, jitter: 0 } });
    agg.start();
    await advance(0);
    expect(agg.hosts().map((h) => [h.state, h.lastError?.message, h.lastError?.code])).toEqual([
      ['down', 'ssh h1: connection refused', 'connect'],
      ['down', 'boom', null],
    ]);
    await advance(100);
    expect([r.starts, t.starts]).toEqual([2, 2]);
    await agg.stop();
    await advance(10_000);
    expect([r.starts, t.starts]).toEqual([2, 2]);
  });

  it('maxAttempts bounds the retries', async () => {
    const r = new FakeSource('h1', 'reject');
    const agg = new Aggregator([r], { now: clock, maxAttempts: 3, backoff: { initialMs: 10, jitter: 0 } });
    agg.start();
    await advance(1000);
    expect(r.starts).toBe(3);
    expect(agg.host('h1')!.retryInMs).toBeNull();
    await agg.stop();
  });

  it('waitForAll resolves when every host answered, naming silent hosts after the timeout', async () => {
    const a = new FakeSource('h1');
    const b = new FakeSource('h2');
    const agg = new Aggregator([a, b], { now: clock });
    agg.start();
    const done = agg.waitForAll(2000);
    a.onSnapshot!(snap('h1'));
    await advance(2000);
    const hosts = await done;
    expect(hosts.map((h) => [h.name, h.state, h.lastError?.message ?? null])).toEqual([
      ['h1', 'live', null],
      ['h2', 'down', 'h2: no answer within 2000 ms'],
    ]);
    await agg.stop();
  });

  it('rejects duplicate host names', () => {
    expect(() => new Aggregator([new FakeSource('x'), new FakeSource('x')])).toThrow(/listed twice/);
  });
});

describe('collectOnce', () => {
  it('queries all hosts in parallel once and merges', async () => {
    vi.useRealTimers();
    const mk = (name: string, delayMs: number, fail = false): HostSource => ({
      name,
      start(onSnapshot, onError) {
        setTimeout(() => (fail ? onError(new Error(`ssh ${name}: timed out`)) : onSnapshot(snap(name, 'h1'))), delayMs);
      },
      stop() {},
    });
    const t = performance.now();
    const { hosts, view } = await collectOnce([mk('h1', 150), mk('h2', 150), mk('h3', 150, true)], { timeoutMs: 2000 });
    const took = performance.now() - t;
    // Parallel: about one delay, not three.
    expect(took).toBeLessThan(400);
    expect(hosts.map((h) => h.state)).toEqual(['live', 'live', 'down']);
    expect(view.primary!.host).toBe('h1');
    expect(view.issues.map((i) => i.kind)).toEqual(['split-membership', 'host-down']);
  });
});
