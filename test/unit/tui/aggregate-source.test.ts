import { describe, expect, it } from 'vitest';
import { Aggregator, type HostSource } from '../../../src/aggregate/index.js';
import type { ClusterSnapshot } from '../../../src/model/snapshot.js';
import { aggregatorViewSource } from '../../../src/tui/aggregate-source.js';
import { sandboxSnapshot } from './fixtures.js';

/** An in-process host that hands out what the test pushes. */
class FakeHost implements HostSource {
  readonly mode = 'agent';
  private onSnapshot: ((s: ClusterSnapshot) => void) | null = null;
  private onError: ((e: Error) => void) | null = null;
  constructor(readonly name: string) {}
  start(onSnapshot: (s: ClusterSnapshot) => void, onError: (e: Error) => void) {
    this.onSnapshot = onSnapshot;
    this.onError = onError;
  }
  stop() {}
  push(s: ClusterSnapshot) {
    this.onSnapshot?.(s);
  }
  fail(message: string) {
    this.onError?.(new Error(message));
  }
}

function snapFrom(source: string, dc: string): ClusterSnapshot {
  const s = sandboxSnapshot({ source });
  s.cluster.dc = dc;
  return s;
}

describe('aggregatorViewSource', () => {
  it('maps hosts, primary snapshot and split-view issues; keeps the last snapshot when a host drops', async () => {
    let now = 1_000_000;
    const h1 = new FakeHost('cluster-1');
    const h2 = new FakeHost('cluster-2');
    const agg = new Aggregator([h1, h2], { now: () => now, backoff: { initialMs: 60_000 } });
    agg.start();
    const src = aggregatorViewSource(agg, { context: 'sandbox', pollMs: 0 });
    let notified = 0;
    src.subscribe(() => notified++);
    expect(src.getView().snapshot).toBeNull();
    expect(src.getView().hosts.map((h) => h.state)).toEqual(['connecting', 'connecting']);

    const s1 = snapFrom('cluster-1', 'cluster-1');
    h1.push(s1);
    h2.push(snapFrom('cluster-2', 'cluster-1'));
    const v = src.getView();
    expect(v.context).toBe('sandbox');
    expect(v.snapshot?.cluster.dc).toBe('cluster-1');
    expect(v.hosts).toEqual([
      { name: 'cluster-1', state: 'live', snapshotAt: now, lastError: null, mode: 'agent' },
      { name: 'cluster-2', state: 'live', snapshotAt: now, lastError: null, mode: 'agent' },
    ]);
    expect(v.disagreements).toEqual([]);
    expect(notified).toBeGreaterThan(0);

    // Same state again: the view object stays the same (no needless re-render).
    const before = src.getView();
    h1.push(s1);
    expect(src.getView()).toBe(before);

    // The hosts disagree on the DC: a split view.
    now += 1000;
    h2.push(snapFrom('cluster-2', 'cluster-2'));
    const split = src.getView();
    expect(split.disagreements.map((d) => d.kind)).toEqual(['split-dc']);
    expect(split.disagreements[0].message).toContain('DC cluster-2');

    // cluster-2 drops: its error shows, the data stays.
    now += 1000;
    h2.fail('ssh: connect ECONNREFUSED 127.0.0.12:22');
    const dropped = src.getView();
    expect(dropped.hosts[1]).toMatchObject({ name: 'cluster-2', state: 'down', lastError: 'ssh: connect ECONNREFUSED 127.0.0.12:22' });
    expect(dropped.snapshot).not.toBeNull();
    expect(dropped.disagreements).toEqual([]);
    src.close();
    await agg.stop();
  });
});
