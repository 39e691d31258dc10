import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Coalescer, deferUnlessDc, HINT_WINDOW_MS, mergeNewer, notifyScript, parseNotifyLine, type Clock, type CollectRequest, type WatchEvent, type WatchPart } from '../../../src/agent/watch.js';

/** A clock the test moves by hand: timers fire in order when time passes them. */
class ManualClock implements Clock {
  t = 1_000_000;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private next = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== h);
  };
  /** Moves time forward by ms, firing every timer due on the way (and letting promises settle). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      this.timers.sort((a, b) => a.at - b.at);
      const due = this.timers[0];
      if (!due || due.at > end) break;
      this.timers.shift();
      this.t = due.at;
      due.fn();
    }
    this.t = end;
    await flush();
  }
}
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** A coalescer whose collections the test finishes by hand; records when each started. */
function harness(opts: { windowMs?: number; minIntervalMs?: number; overlap?: number } = {}) {
  const clock = new ManualClock();
  const started: Array<{ at: number; parts: WatchPart[]; sources: string[]; seq?: number }> = [];
  const finish: Array<(e?: Error) => void> = [];
  const errors: unknown[] = [];
  const c = new Coalescer({
    ...opts,
    clock,
    onError: (e) => errors.push(e),
    collect: (req: CollectRequest, seq: number) => {
      started.push({ at: clock.t, parts: [...req.parts].sort(), sources: req.events.map((e) => e.source), ...(opts.overlap ? { seq } : {}) });
      return new Promise<void>((resolve, reject) => finish.push((e) => (e ? reject(e) : resolve())));
    },
  });
  const ev = (source: string, parts: WatchPart[], windowMs?: number): WatchEvent => ({ source, parts, at: clock.t, ...(windowMs !== undefined ? { windowMs } : {}) });
  return { clock, c, started, finish, errors, ev, t0: clock.t };
}

describe('Coalescer', () => {
  it('merges the events of one window into one collection of the parts they touched', async () => {
    const h = harness({ windowMs: 15 });
    h.c.notify(h.ev('cib-config', ['config', 'status']));
    await h.clock.advance(5);
    h.c.notify(h.ev('operation', ['status']));
    await h.clock.advance(5);
    h.c.notify(h.ev('node', ['status', 'corosync']));
    await h.clock.advance(100);
    expect(h.started).toEqual([{ at: h.t0 + 15, parts: ['config', 'corosync', 'status'], sources: ['cib-config', 'operation', 'node'] }]);
  });

  it('runs one collection at a time and once more, for what came in meanwhile', async () => {
    const h = harness({ windowMs: 15 });
    h.c.notify(h.ev('operation', ['status']));
    await h.clock.advance(15);
    expect(h.started).toHaveLength(1);
    // A burst during the collection (0.3 s apart would be the same): none starts a second one.
    for (let i = 0; i < 5; i++) {
      h.c.notify(h.ev(i % 2 ? 'operation' : 'cib-config', i % 2 ? ['status'] : ['config']));
      await h.clock.advance(60);
    }
    expect(h.started).toHaveLength(1);
    h.finish[0]!();
    await h.clock.advance(0);
    // The events waited longer than their window already: the re-run starts at once, once.
    expect(h.started).toHaveLength(2);
    expect(h.started[1]).toEqual({ at: h.t0 + 15 + 300, parts: ['config', 'status'], sources: ['cib-config', 'operation', 'cib-config', 'operation', 'cib-config'] });
    h.finish[1]!();
    await h.clock.advance(10_000);
    expect(h.started).toHaveLength(2);
    expect(h.c.idle).toBe(true);
  });

  it('with an overlap of 2, reads a burst\'s next change beside the running collection, and a third after one settles', async () => {
    const h = harness({ windowMs: 15, overlap: 2 });
    h.c.notify(h.ev('operation', ['status']));
    await h.clock.advance(15);
    // The next change of a burst, 0.3 s later, while the first is still being read: read at once.
    await h.clock.advance(285);
    h.c.notify(h.ev('cib-config', ['config', 'status']));
    await h.clock.advance(15);
    expect(h.started.map((s) => [s.at - h.t0, s.seq, s.parts.join('+')])).toEqual([
      [15, 1, 'status'],
      [315, 2, 'config+status'],
    ]);
    // A third while two run waits for one of them, then starts at once.
    h.c.notify(h.ev('operation', ['status']));
    await h.clock.advance(100);
    expect(h.started).toHaveLength(2);
    h.finish[1]!();
    await h.clock.advance(0);
    expect(h.started.map((s) => [s.at - h.t0, s.seq])).toEqual([
      [15, 1],
      [315, 2],
      [415, 3],
    ]);
    h.finish[0]!();
    h.finish[2]!();
    await h.clock.advance(10_000);
    expect(h.started).toHaveLength(3);
    expect(h.c.idle).toBe(true);
  });

  it('lets a result bring forward the collection a hint was waiting for', async () => {
    const h = harness({ windowMs: 15 });
    h.c.notify(h.ev('redraw', ['status'], HINT_WINDOW_MS));
    await h.clock.advance(100);
    expect(h.started).toHaveLength(0);
    h.c.notify(h.ev('operation', ['status']));
    await h.clock.advance(HINT_WINDOW_MS);
    expect(h.started).toEqual([{ at: h.t0 + 115, parts: ['status'], sources: ['redraw', 'operation'] }]);
  });

  it('collects a lone hint after its own window', async () => {
    const h = harness({ windowMs: 15 });
    h.c.notify(h.ev('redraw', ['status'], HINT_WINDOW_MS));
    await h.clock.advance(1000);
    expect(h.started.map((s) => s.at)).toEqual([h.t0 + HINT_WINDOW_MS]);
  });

  it('keeps the least time between the starts of two collections', async () => {
    const h = harness({ windowMs: 10, minIntervalMs: 500 });
    h.c.notify(h.ev('operation', ['status']));
    await h.clock.advance(10);
    h.finish[0]!();
    await h.clock.advance(40);
    h.c.notify(h.ev('operation', ['status']));
    await h.clock.advance(1000);
    expect(h.started.map((s) => s.at - h.t0)).toEqual([10, 510]);
  });

  it('reports a failed collection and keeps going', async () => {
    const h = harness({ windowMs: 10 });
    h.c.notify(h.ev('operation', ['status']));
    await h.clock.advance(10);
    h.finish[0]!(new Error('crm_mon: timed out'));
    await h.clock.advance(0);
    expect(h.errors.map((e) => (e as Error).message)).toEqual(['crm_mon: timed out']);
    h.c.notify(h.ev('operation', ['status']));
    await h.clock.advance(10);
    expect(h.started).toHaveLength(2);
  });

  it('collects nothing after stop, not even what was waiting', async () => {
    const h = harness({ windowMs: 10 });
    h.c.notify(h.ev('operation', ['status']));
    h.c.stop();
    h.c.notify(h.ev('operation', ['status']));
    await h.clock.advance(1000);
    expect(h.started).toHaveLength(0);
  });
});

describe('mergeNewer: overlapping collections settle out of order', () => {
  it('keeps each part from the collection that started last, whatever order they settle in', () => {
    const last: Record<string, string> = {};
    const seqs = new Map<string, number>();
    // Collection 2 (status and config, the later change) settles before collection 1 (status).
    expect(mergeNewer(last, seqs, { crmMon: 'status after change 2', cib: 'config 2' }, 2)).toEqual(['crmMon', 'cib']);
    expect(mergeNewer(last, seqs, { crmMon: 'status after change 1', cmapctl: 'members' }, 1)).toEqual(['cmapctl']);
    expect(last).toEqual({ crmMon: 'status after change 2', cib: 'config 2', cmapctl: 'members' });
    // A later collection replaces what it read again.
    expect(mergeNewer(last, seqs, { crmMon: 'status after change 3' }, 3)).toEqual(['crmMon']);
    expect(last.crmMon).toBe('status after change 3');
  });
});

describe('crm_mon external agent lines', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  /** Runs the real notify script with crm_mon's environment and returns what it wrote. */
  function runScript(env: Record<string, string>): string {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pcmk-watch-test-'));
    const events = path.join(dir, "it's events");
    const script = path.join(dir, 'notify');
    writeFileSync(script, notifyScript(events));
    chmodSync(script, 0o700);
    execFileSync(script, [], { env: { PATH: '/usr/bin:/bin', ...env } });
    execFileSync(script, [], { env: { PATH: '/usr/bin:/bin', ...env } });
    return readFileSync(events, 'utf8');
  }

  it('turns a finished operation into a status event', () => {
    const out = runScript({ CRM_notify_task: 'stop', CRM_notify_rsc: 'dregistry', CRM_notify_node: 'cluster-1', CRM_notify_rc: '0', CRM_notify_desc: 'OK' });
    const lines = out.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(parseNotifyLine(lines[0]!, 5)).toEqual({ source: 'operation', parts: ['status'], at: 5, detail: 'stop dregistry cluster-1 0 OK' });
  });

  it('lets a pending operation wait for its result', () => {
    const out = runScript({ CRM_notify_task: 'start', CRM_notify_rsc: 'dregistry', CRM_notify_node: 'cluster-1', CRM_notify_rc: '193', CRM_notify_desc: 'pending' });
    expect(parseNotifyLine(out.split('\n')[0]!, 5)).toMatchObject({ source: 'operation-pending', parts: ['status'], windowMs: HINT_WINDOW_MS });
  });

  it('reads node and fencing events as membership changes too', () => {
    const out = runScript({ CRM_notify_task: 'st_notify_fence', CRM_notify_node: 'cluster-3', CRM_notify_rc: '0', CRM_notify_desc: 'Operation reboot of cluster-3 by cluster-1: OK' });
    expect(parseNotifyLine(out.split('\n')[0]!, 5)).toMatchObject({ source: 'fencing', parts: ['status', 'corosync'] });
    expect(parseNotifyLine('\t\tcluster-2\t\t', 5)).toMatchObject({ source: 'node', parts: ['status', 'corosync'] });
  });

  it('ignores what is not one of its lines', () => {
    expect(parseNotifyLine('garbage', 5)).toBeNull();
  });
});

describe('deferUnlessDc: one of several watched hosts reads later when it is not the DC', () => {
  const defer = { ms: 2000, peers: ['cluster-1', 'cluster-2', 'cluster-3'] };
  const op: WatchEvent = { source: 'operation', parts: ['status'], at: 0 };

  it('holds a resource operation, a redraw and a configuration change on a host that is not the DC; the DC reads at once', async () => {
    const h = harness({ windowMs: 15 });
    const on = (self: string, e: WatchEvent) => h.c.notify(deferUnlessDc(e, 'cluster-1', self, defer));
    on('cluster-2', h.ev('cib-config', ['config', 'status']));
    await h.clock.advance(300);
    on('cluster-2', h.ev('operation-pending', ['status'], HINT_WINDOW_MS));
    on('cluster-2', h.ev('redraw', ['status'], HINT_WINDOW_MS));
    await h.clock.advance(500);
    on('cluster-2', h.ev('operation', ['status']));
    await h.clock.advance(1000);
    expect(h.started).toEqual([]);
    await h.clock.advance(200);
    // One collection, 2 s after the first event, for all four.
    expect(h.started).toEqual([{ at: h.t0 + 2000, parts: ['config', 'status'], sources: ['cib-config', 'operation-pending', 'redraw', 'operation'] }]);

    const dc = harness({ windowMs: 15 });
    dc.c.notify(deferUnlessDc(dc.ev('operation', ['status']), 'cluster-1', 'cluster-1', defer));
    await dc.clock.advance(20);
    expect(dc.started).toEqual([{ at: dc.t0 + 15, parts: ['status'], sources: ['operation'] }]);
  });

  it('never holds a node or fencing event, and brings a held collection forward', async () => {
    const h = harness({ windowMs: 15 });
    h.c.notify(deferUnlessDc(h.ev('operation', ['status']), 'cluster-1', 'cluster-2', defer));
    await h.clock.advance(100);
    h.c.notify(deferUnlessDc(h.ev('node', ['status', 'corosync']), 'cluster-1', 'cluster-2', defer));
    await h.clock.advance(20);
    expect(h.started).toEqual([{ at: h.t0 + 115, parts: ['corosync', 'status'], sources: ['operation', 'node'] }]);
    expect(deferUnlessDc({ ...op, source: 'fencing' }, 'cluster-1', 'cluster-2', defer).windowMs).toBeUndefined();
  });

  it('reads at once when the DC is unknown, not among the watched hosts, or no delay was asked', () => {
    expect(deferUnlessDc(op, 'cluster-1', 'cluster-2', defer)).toEqual({ ...op, windowMs: 2000 });
    expect(deferUnlessDc(op, null, 'cluster-2', defer)).toBe(op);
    expect(deferUnlessDc(op, 'cluster-9', 'cluster-2', defer)).toBe(op);
    expect(deferUnlessDc(op, 'cluster-1', 'cluster-2', undefined)).toBe(op);
    expect(deferUnlessDc(op, 'cluster-1', 'cluster-2', { ...defer, ms: 0 })).toBe(op);
  });
});
