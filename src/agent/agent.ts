/**
 * The embeddable agent: snapshots on demand, and a watch that pushes a new snapshot when the
 * cluster changes, driven by event sources instead of a crm_mon loop (docs/protocol.md, "Watch").
 *
 * Event sources: crm_mon's external agent (every resource operation, node and fencing event, as
 * it happens), inotify on the CIB directory (configuration changes) and crm_mon's throttled redraw
 * (the catch-all). Each event marks the parts of the snapshot it touched; the coalescer
 * (./watch.ts) merges bursts and collects only those parts. A slow safety poll reads corosync,
 * which the CIB does not record.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, fstatSync, ftruncateSync, mkdtempSync, openSync, readSync, rmSync, watch as fsWatch, writeFileSync, type FSWatcher } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectRaw, type ReadScope } from './collect.js';
import { canStream, LocalToolRunner, type ToolRunner, type ToolStream } from './run-tool.js';
import { buildSnapshot, parseCibVersion, type RawOutputs } from './snapshot.js';
import { ALL_PARTS, Coalescer, deferUnlessDc, HINT_WINDOW_MS, mergeNewer, notifyScript, parseNotifyLine, systemClock, type Clock, type WatchEvent, type WatchPart } from './watch.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import type { DeferUnlessDc, WatchTiming } from '../model/protocol.js';

/** Where Pacemaker keeps the CIB on disk (its configuration; the status section is never written). */
export const CIB_DIR = '/var/lib/pacemaker/cib';

/** Collections a watch runs at once: one for the change being read, one for the change after it. */
export const WATCH_OVERLAP = 2;

export interface AgentOptions {
  runner?: ToolRunner;
  cibFile?: string;
  /** Name recorded as the snapshot's source; defaults to the host name. */
  node?: string;
  timeoutMs?: number;
  now?: () => Date;
  /** The CIB's directory, watched for configuration changes (default CIB_DIR). */
  cibDir?: string;
}

export interface WatchOptions {
  /** Least time between the starts of two collections (ms; default 0: the merge window is enough). */
  minIntervalMs?: number;
  /** Safety poll: read corosync (everything, when an event source is missing) this often (ms). */
  maxIntervalMs?: number;
  /** How long to wait for more events after the first of a burst (ms; default 15). */
  windowMs?: number;
  /** One of several watched hosts: read later when not the DC (src/model/protocol.ts DeferUnlessDc). */
  deferUnlessDc?: DeferUnlessDc;
  clock?: Clock;
  onError?: (e: unknown) => void;
}

export interface Agent {
  readonly node: string;
  readonly mode: 'live' | 'cib-file';
  /** One snapshot; `status` leaves out what `pcmk status` does not print (see ReadScope). */
  snapshot(read?: ReadScope): Promise<ClusterSnapshot>;
  /** Calls onSnapshot with the first snapshot and then with every changed one. Returns a stop function. */
  watch(onSnapshot: (s: ClusterSnapshot, trigger: string, timing: WatchTiming) => void, opts?: WatchOptions): () => void;
}

/** Output that differs only in volatile fields (the time crm_mon ran, tool durations) is no change. */
export function fingerprint(raw: RawOutputs): string {
  const part = (r: RawOutputs[keyof RawOutputs]): string => (r ? (r.ok ? r.stdout : `!${r.skipped ?? r.error?.message ?? ''}`) : '');
  const mon = part(raw.crmMon).replace(/<last_update [^>]*>/, '');
  // Timestamps in error messages (durations) do not appear: ToolError messages carry no times.
  return [mon, part(raw.cib), part(raw.cibVersion), part(raw.cmapctl), part(raw.quorumtool), part(raw.cfgtool), part(raw.version)].join('\u0000');
}

/** "admin_epoch:epoch" of a CIB version probe (the configuration's version, not the status's), or null. */
export function configEpoch(probe: RawOutputs['cibVersion']): string | null {
  const v = probe?.ok ? parseCibVersion(probe.stdout) : null;
  return v ? v.split(':').slice(0, 2).join(':') : null;
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
      const maxInterval = wopts.maxIntervalMs ?? 30_000;
      const clock = wopts.clock ?? systemClock;
      let stopped = false;
      let lastPrint = '';
      const last: RawOutputs = {};
      // Which event sources are up: while they are, the safety poll reads only corosync.
      const live = { notify: false, cibDir: false };
      // The DC and this host's node name, as the last snapshot says (deferUnlessDc).
      const seen: { dc: string | null; self: string } = { dc: null, self: node };
      // The configuration's epoch ("admin_epoch:epoch") when it was last read.
      let readEpoch: string | null = null;
      // Which collection each part of `last` was read by (collections may settle out of order).
      const readBy = new Map<keyof RawOutputs, number>();

      const coalescer = new Coalescer({
        windowMs: wopts.windowMs,
        minIntervalMs: wopts.minIntervalMs ?? 0,
        // An event that arrives while a collection runs (a burst of changes) is read beside it,
        // not after it: its change reaches the screen one collection sooner.
        overlap: WATCH_OVERLAP,
        clock,
        onError: wopts.onError,
        async collect({ parts, events }, seq) {
          // The first snapshot, a file, or a lost event source: everything.
          const all = opts.cibFile || !Object.keys(last).length;
          const collectedFrom = clock.now();
          const raw = await collectRaw({ runner, cibFile: opts.cibFile, timeoutMs: opts.timeoutMs, parts: all ? ALL_PARTS : parts });
          if (stopped) return;
          // A status read that finds the configuration changed since it was last read (the CIB's
          // epoch, in the version probe) reads it too: no snapshot shows the status of a
          // configuration newer than its own (a resource unmanaged, its maintenance meta not yet).
          const epoch = configEpoch(raw.cibVersion);
          const stale = !all && !parts.has('config') && epoch !== null && epoch !== readEpoch;
          if (stale) {
            Object.assign(raw, await collectRaw({ runner, timeoutMs: opts.timeoutMs, parts: ['config'] }));
            if (stopped) return;
          }
          const took = mergeNewer(last, readBy, raw, seq);
          if (took.includes('cib') && (all || parts.has('config') || stale)) readEpoch = configEpoch(raw.cibVersion);
          const print = fingerprint(last);
          if (print === lastPrint) return;
          lastPrint = print;
          const trigger = [...new Set(events.map((e) => e.source))].join(',');
          const snapshot = build(last);
          seen.dc = snapshot.cluster.dc;
          seen.self = snapshot.corosync?.members.find((m) => m.local)?.name ?? node;
          onSnapshot(snapshot, trigger, {
            eventAt: Math.min(...events.map((e) => e.at)),
            collectedFrom,
            collectedAt: clock.now(),
            parts: all ? [...ALL_PARTS] : [...parts],
            events: events.length,
          });
        },
      });
      const schedule = (ev: WatchEvent): void => coalescer.notify(deferUnlessDc(ev, seen.dc, seen.self, wopts.deferUnlessDc));
      const event = (source: string, parts: readonly WatchPart[], detail?: string): void => schedule({ source, parts, at: clock.now(), detail });

      const poll = setInterval(() => event('poll', live.notify && live.cibDir ? ['corosync'] : ALL_PARTS), maxInterval);
      poll.unref?.();
      const stops: Array<() => void> = [() => clearInterval(poll), () => coalescer.stop()];

      if (opts.cibFile) {
        let w: FSWatcher | null = null;
        try {
          w = fsWatch(opts.cibFile, () => event('cib-file', ALL_PARTS));
        } catch (e) {
          wopts.onError?.(e);
        }
        stops.push(() => w?.close());
      } else if (canStream(runner)) {
        // Configuration changes: the CIB writes its configuration (never the status) to disk, so
        // inotify on its directory sees them within tens of ms, at no cost.
        const cibDir = opts.cibDir ?? CIB_DIR;
        try {
          // One write is a dozen renames; the last one is cib.xml, the configuration as written.
          const w = fsWatch(cibDir, (_type, file) => {
            if (!file || String(file) === 'cib.xml') event('cib-config', ['config', 'status']);
          });
          w.on('error', () => (live.cibDir = false));
          live.cibDir = true;
          stops.push(() => w.close());
        } catch {
          // Not readable here (or elsewhere): crm_mon's redraws then refresh the configuration too.
        }
        // Status changes: crm_mon's external agent runs on every resource operation, node and
        // fencing event of a CIB change, without the redraw throttle. It writes a line to a file
        // in a private directory; we follow the file.
        const notify = startNotify((line) => {
          const ev = parseNotifyLine(line, clock.now());
          if (ev) schedule(ev);
          else event('operation', ['status']);
        }, wopts.onError);
        if (notify) {
          live.notify = true;
          stops.push(notify.stop);
        }
        let stream: ToolStream | null = null;
        let backoff = 1000;
        const start = (): void => {
          if (stopped) return;
          const started = Date.now();
          // The same crm_mon redraws its summary on every CIB change (throttled to one per 2 s in a
          // burst): the catch-all for what the external agent does not report (node attributes).
          const args = ['--output-as=text', '--interval=1s', '--exclude=all', '--include=summary'];
          if (notify) args.push(`--external-agent=${notify.script}`, '--watch-fencing');
          stream = runner.stream('crm_mon', args, () =>
            schedule({ source: 'redraw', parts: live.cibDir ? ['status'] : ['status', 'config'], at: clock.now(), windowMs: HINT_WINDOW_MS }),
          );
          void stream.exited.then(() => {
            if (stopped) return;
            // It exits when the cluster stops or the connection drops: retry with backoff, poll meanwhile.
            backoff = Date.now() - started > 60_000 ? 1000 : Math.min(backoff * 2, 30_000);
            event('monitor-exit', ALL_PARTS);
            const t = setTimeout(start, backoff);
            t.unref?.();
          });
        };
        start();
        stops.push(() => stream?.kill());
      }

      event('initial', ALL_PARTS);
      return () => {
        stopped = true;
        for (const s of stops) s();
      };
    },
  };
}

/**
 * crm_mon's external agent: a script in a private directory that appends one line per event to a
 * file there, followed with inotify. The script is run once first, so a directory where nothing
 * may be executed (noexec) is noticed: then there is no external agent and the redraw remains.
 */
function startNotify(onLine: (line: string) => void, onError?: (e: unknown) => void): { script: string; stop: () => void } | null {
  let dir: string | null = null;
  try {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pcmk-watch-'));
    const events = path.join(dir, 'events');
    const script = path.join(dir, 'notify');
    writeFileSync(events, '', { mode: 0o600 });
    writeFileSync(script, notifyScript(events), { mode: 0o700 });
    execFileSync(script, [], { timeout: 5000, stdio: 'ignore', env: { PATH: '/usr/bin:/bin', CRM_notify_task: 'self-test' } });
    const fd = openSync(events, 'r+');
    let offset = 0;
    let partial = '';
    let selfTest = true;
    const read = (): void => {
      const size = fstatSync(fd).size;
      if (size < offset) offset = 0;
      if (size === offset) return;
      const buf = Buffer.alloc(size - offset);
      const n = readSync(fd, buf, 0, buf.length, offset);
      offset += n;
      const lines = (partial + buf.toString('utf8', 0, n)).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        if (selfTest && l.startsWith('self-test')) {
          selfTest = false;
          continue;
        }
        onLine(l);
      }
      // Keep the file small; an event appended in between still woke us (the watcher fires).
      if (offset > 1 << 20 && !partial) {
        ftruncateSync(fd, 0);
        offset = 0;
      }
    };
    read();
    const w = fsWatch(events, () => {
      try {
        read();
      } catch (e) {
        onError?.(e);
      }
    });
    const d = dir;
    return {
      script,
      stop: () => {
        w.close();
        closeSync(fd);
        rmSync(d, { recursive: true, force: true });
      },
    };
  } catch {
    if (dir) rmSync(dir, { recursive: true, force: true });
    return null;
  }
}
