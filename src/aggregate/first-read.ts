/**
 * A host source that paints first and watches behind: a quick one-shot read (the tools run once
 * over the connection, no agent started on the host), then the live source (the agent's watch).
 * The quick read's snapshot is delivered only while the live source has not delivered one of its
 * own, so it never overwrites newer data. The quick read's failures are not reported: the live
 * source, started right after, reports the host's real state.
 */
import type { ClusterSnapshot } from '../model/snapshot.js';
import type { HostSource, SourceErrorInfo } from './aggregator.js';

export class FirstReadSource implements HostSource {
  private liveSeen = false;
  private quickSeen = false;
  /** Bumped by start() and stop(): a live start still waiting for its quick read is called off. */
  private run = 0;

  constructor(
    readonly name: string,
    private readonly quick: HostSource,
    private readonly live: HostSource,
  ) {}

  /** The live source's mode once it has delivered, the quick read's while it is what is shown. */
  get mode(): string | null {
    if (!this.liveSeen && this.quickSeen) return this.quick.mode ?? null;
    return this.live.mode ?? null;
  }

  start(
    onSnapshot: (snapshot: ClusterSnapshot) => void,
    onError: (error: Error, info?: SourceErrorInfo) => void,
    onHeartbeat?: () => void,
  ): Promise<void> {
    const run = ++this.run;
    this.liveSeen = false;
    this.quickSeen = false;
    // The live source starts once the quick read has settled: starting an agent (a node process
    // and its own full read on the host) at the same time only slows the first read down.
    const settled = new Promise<void>((resolve) => {
      const done = (): void => resolve();
      try {
        const r = this.quick.start((s) => {
          if (!this.liveSeen && run === this.run) {
            this.quickSeen = true;
            onSnapshot(s);
          }
          done();
        }, done);
        if (r && typeof r.then === 'function') r.catch(done);
      } catch {
        done();
      }
    });
    return settled.then(() => {
      if (run !== this.run) return;
      return this.live.start(
        (s) => {
          this.liveSeen = true;
          onSnapshot(s);
        },
        onError,
        onHeartbeat,
      );
    });
  }

  async stop(): Promise<void> {
    this.run++;
    await Promise.allSettled([Promise.resolve().then(() => this.quick.stop()), Promise.resolve().then(() => this.live.stop())]);
  }
}
