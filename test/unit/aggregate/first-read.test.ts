import { describe, expect, it } from 'vitest';
import { FirstReadSource } from '../../../src/aggregate/first-read.js';
import type { HostSource, SourceErrorInfo } from '../../../src/aggregate/aggregator.js';
import type { ClusterSnapshot } from '../../../src/model/snapshot.js';

/** Only identity matters here: the source passes snapshots through untouched. */
const snap = (source: string) => ({ source }) as unknown as ClusterSnapshot;

/** An in-process source the test drives by hand. */
class HandSource implements HostSource {
  starts = 0;
  stops = 0;
  onSnapshot: ((s: ClusterSnapshot) => void) | null = null;
  onError: ((e: Error, i?: SourceErrorInfo) => void) | null = null;
  constructor(
    readonly name: string,
    readonly mode: string,
  ) {}
  start(onSnapshot: (s: ClusterSnapshot) => void, onError: (e: Error, i?: SourceErrorInfo) => void): void {
    this.starts++;
    this.onSnapshot = onSnapshot;
    this.onError = onError;
  }
  stop(): void {
    this.stops++;
  }
}

function setup() {
  const quick = new HandSource('h1', 'agentless');
  const live = new HandSource('h1', 'pushed');
  const src = new FirstReadSource('h1', quick, live);
  const got: string[] = [];
  const errors: string[] = [];
  const started = src.start(
    (s) => got.push(s.source),
    (e) => errors.push(e.message),
  );
  return { quick, live, src, got, errors, started };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('FirstReadSource', () => {
  it('delivers the quick read, then starts the live source, whose snapshots follow', async () => {
    const { quick, live, src, got, started } = setup();
    expect(quick.starts).toBe(1);
    expect(live.starts).toBe(0);
    quick.onSnapshot!(snap('quick'));
    await started;
    expect(live.starts).toBe(1);
    expect(src.mode).toBe('agentless');
    live.onSnapshot!(snap('live-1'));
    expect(src.mode).toBe('pushed');
    live.onSnapshot!(snap('live-2'));
    expect(got).toEqual(['quick', 'live-1', 'live-2']);
  });

  it('a quick read that lands after the live source delivered is dropped', async () => {
    const { quick, live, got } = setup();
    quick.onError!(new Error('channel closed'));
    await tick();
    live.onSnapshot!(snap('live-1'));
    quick.onSnapshot!(snap('late quick'));
    expect(got).toEqual(['live-1']);
  });

  it("the quick read's failure is not reported and the live source still starts", async () => {
    const { quick, live, errors, started } = setup();
    quick.onError!(new Error('crm_mon timed out'));
    await started;
    expect(errors).toEqual([]);
    expect(live.starts).toBe(1);
    live.onError!(new Error('connection lost'));
    expect(errors).toEqual(['connection lost']);
  });

  it('stopped before the quick read settled: the live source never starts', async () => {
    const { quick, live, src, started } = setup();
    await src.stop();
    quick.onSnapshot!(snap('quick'));
    await started;
    expect(live.starts).toBe(0);
    expect(quick.stops).toBe(1);
  });
});
