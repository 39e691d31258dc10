/**
 * The embeddable agent: snapshots on demand, and a watch that pushes a new snapshot when the
 * cluster changes, driven by an event source instead of a tight crm_mon loop.
 *
 * Event source: crm_mon in its refreshing (non one-shot) text mode subscribes to the CIB's change
 * notifications and redraws only when something changes. We watch its output as a trigger and then
 * take one XML snapshot. A slow safety poll catches what the CIB does not see (corosync links).
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import os from 'node:os';
import { collectRaw, type ReadScope } from './collect.js';
import { canStream, LocalToolRunner, type ToolRunner, type ToolStream } from './run-tool.js';
import { buildSnapshot, parseCibVersion, type RawOutputs } from './snapshot.js';

/** After a change, how long the agent keeps probing the CIB version, and how often. */
const HOT_WINDOW_MS = 5000;
const HOT_PROBE_MS = 250;
import type { ClusterSnapshot } from '../model/snapshot.js';

export interface AgentOptions {
  runner?: ToolRunner;
  cibFile?: string;
  /** Name recorded as the snapshot's source; defaults to the host name. */
  node?: string;
  timeoutMs?: number;
  now?: () => Date;
}

export interface WatchOptions {
  /** Least time between two collections (ms). */
  minIntervalMs?: number;
  /** Safety poll: collect at least this often even without an event (ms). */
  maxIntervalMs?: number;
  onError?: (e: unknown) => void;
}

export interface Agent {
  readonly node: string;
  readonly mode: 'live' | 'cib-file';
  /** One snapshot; `status` leaves out what `pcmk status` does not print (see ReadScope). */
  snapshot(read?: ReadScope): Promise<ClusterSnapshot>;
  /** Calls onSnapshot with the first snapshot and then with every changed one. Returns a stop function. */
  watch(onSnapshot: (s: ClusterSnapshot, trigger: string) => void, opts?: WatchOptions): () => void;
}

/** Output that differs only in volatile fields (the time crm_mon ran, tool durations) is no change. */
export function fingerprint(raw: RawOutputs): string {
  const part = (r: RawOutputs[keyof RawOutputs]): string => (r ? (r.ok ? r.stdout : `!${r.skipped ?? r.error?.message ?? ''}`) : '');
  const mon = part(raw.crmMon).replace(/<last_update [^>]*>/, '');
  // Timestamps in error messages (durations) do not appear: ToolError messages carry no times.
  return [mon, part(raw.cib), part(raw.cibVersion), part(raw.cmapctl), part(raw.quorumtool), part(raw.cfgtool)].join('\u0000');
}

export function createAgent(opts: AgentOptions = {}): Agent {
  const runner = opts.runner ?? new LocalToolRunner();
  const node = opts.node ?? os.hostname();
  const source = opts.cibFile ? `file:${opts.cibFile}` : node;
  const collect = (read?: ReadScope) => collectRaw({ runner, cibFile: opts.cibFile, timeoutMs: opts.timeoutMs, read });
  const build = (raw: RawOutputs) => buildSnapshot(raw, { now: opts.now ? opts.now() : new Date(), source });

  return {
    node,
    mode: opts.cibFile ? 'cib-file' : 'live',
    async snapshot(read) {
      return build(await collect(read));
    },
    watch(onSnapshot, wopts = {}) {
      const minInterval = wopts.minIntervalMs ?? 100;
      const maxInterval = wopts.maxIntervalMs ?? 30_000;
      let stopped = false;
      let running = false;
      let pending: string | null = null;
      let lastPrint = '';
      let lastRun = 0;
      let timer: NodeJS.Timeout | null = null;

      const run = async (trigger: string): Promise<void> => {
        if (stopped) return;
        if (running) {
          pending = trigger;
          return;
        }
        const wait = lastRun + minInterval - Date.now();
        if (wait > 0) {
          if (!timer) {
            timer = setTimeout(() => {
              timer = null;
              void run(trigger);
            }, wait);
          }
          return;
        }
        running = true;
        lastRun = Date.now();
        try {
          const raw = await collect();
          const print = fingerprint(raw);
          if (!stopped && print !== lastPrint) {
            lastPrint = print;
            onSnapshot(build(raw), trigger);
          }
        } catch (e) {
          wopts.onError?.(e);
        } finally {
          running = false;
          if (pending && !stopped) {
            const t = pending;
            pending = null;
            void run(t);
          }
        }
      };

      const poll = setInterval(() => void run('poll'), maxInterval);
      poll.unref?.();
      const stops: Array<() => void> = [() => clearInterval(poll)];

      if (opts.cibFile) {
        let w: FSWatcher | null = null;
        try {
          w = fsWatch(opts.cibFile, () => void run('cib-file'));
        } catch (e) {
          wopts.onError?.(e);
        }
        stops.push(() => w?.close());
      } else if (canStream(runner)) {
        let stream: ToolStream | null = null;
        let backoff = 1000;
        const start = (): void => {
          if (stopped) return;
          const started = Date.now();
          // crm_mon redraws on every CIB change notification; each redraw is our trigger. With a 1 s
          // interval it redraws at once when idle for a while (it throttles bursts to one per 2 s)
          // and does not redraw periodically in this mode.
          stream = runner.stream('crm_mon', ['--output-as=text', '--interval=1s', '--exclude=all', '--include=summary'], () => {
            void run('cib-change');
            heatUp();
          });
          void stream.exited.then(() => {
            if (stopped) return;
            // It exits when the cluster stops or the connection drops: retry with backoff, poll meanwhile.
            backoff = Date.now() - started > 60_000 ? 1000 : Math.min(backoff * 2, 30_000);
            void run('monitor-exit');
            const t = setTimeout(start, backoff);
            t.unref?.();
          });
        };
        // While the cluster is busy, crm_mon's 2 s throttle would delay the next change: for a few
        // seconds after each redraw, probe the CIB version (one cheap cibadmin call) every
        // HOT_PROBE_MS and collect when it moved. An idle cluster costs nothing.
        let hotUntil = 0;
        let hotTimer: NodeJS.Timeout | null = null;
        let lastVersion: string | null = null;
        let probing = false;
        const probe = async (): Promise<void> => {
          if (stopped || probing) return;
          if (Date.now() > hotUntil) {
            if (hotTimer) clearInterval(hotTimer);
            hotTimer = null;
            return;
          }
          probing = true;
          try {
            const out = await runner.run('cibadmin', ['--query', '--xpath', '/cib', '--no-children'], { timeoutMs: 2000 });
            const v = parseCibVersion(out.stdout);
            if (v && lastVersion && v !== lastVersion) void run('cib-version');
            lastVersion = v;
          } catch {
            // The next redraw or the safety poll will tell.
          } finally {
            probing = false;
          }
        };
        const heatUp = (): void => {
          hotUntil = Date.now() + HOT_WINDOW_MS;
          if (!hotTimer && !stopped) {
            hotTimer = setInterval(() => void probe(), HOT_PROBE_MS);
            hotTimer.unref?.();
          }
        };
        start();
        stops.push(() => stream?.kill());
        stops.push(() => {
          if (hotTimer) clearInterval(hotTimer);
        });
      }

      void run('initial');
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        for (const s of stops) s();
      };
    },
  };
}
