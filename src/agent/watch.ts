/**
 * The watch's scheduler: events from the cluster's event sources come in, collections go out.
 * It merges the events that arrive within a short window, runs at most `overlap` collections at a
 * time (one by default), runs once more when events arrived while that many were running, and asks
 * only for the parts of the snapshot the events touched. Time comes from an injected clock, so
 * tests drive it by hand.
 */
import type { DeferUnlessDc } from '../model/protocol.js';

/**
 * The parts of a snapshot a collection can refresh on its own:
 * - `status`: crm_mon's XML (what runs where, operations, node states, attributes);
 * - `config`: the CIB's configuration section and version (`cibadmin`);
 * - `corosync`: membership, quorum and ring state (`corosync-cmapctl`, `-quorumtool`, `-cfgtool`).
 */
export type WatchPart = 'status' | 'config' | 'corosync';

export const ALL_PARTS: readonly WatchPart[] = ['status', 'config', 'corosync'];

/** One thing an event source saw: which source, what it touches, and when (epoch ms). */
export interface WatchEvent {
  source: string;
  parts: readonly WatchPart[];
  at: number;
  /** A short description for traces (e.g. "stop dregistry cluster-1 0"). */
  detail?: string;
  /**
   * How long this event may wait for others (ms; default: the scheduler's window). A hint that
   * something changed (a redraw, an operation still pending) waits longer than a result, so the
   * result it announces is read in the same collection.
   */
  windowMs?: number;
}

/** Events a host that is not the DC may read later (DeferUnlessDc); node and fencing events never wait. */
const DEFERRABLE = new Set(['operation', 'operation-pending', 'redraw', 'cib-config']);

/**
 * The event as this host's watch schedules it: with `defer` (one of several watched hosts), a
 * deferrable event waits `defer.ms` when this host's node (`self`) is not the DC and the DC's node
 * is among `defer.peers` (its own agent reads at once); unchanged otherwise, and while the DC is
 * unknown.
 */
export function deferUnlessDc(ev: WatchEvent, dc: string | null, self: string, defer: DeferUnlessDc | undefined): WatchEvent {
  if (!defer || defer.ms <= 0 || !dc || dc === self || !defer.peers.includes(dc) || !DEFERRABLE.has(ev.source)) return ev;
  return { ...ev, windowMs: Math.max(ev.windowMs ?? 0, defer.ms) };
}

/** One collection the scheduler asks for: the parts to refresh and the events that led to it. */
export interface CollectRequest {
  parts: Set<WatchPart>;
  events: WatchEvent[];
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface CoalescerOptions {
  /** How long after the first event of a batch the scheduler waits for more (ms). */
  windowMs?: number;
  /** Least time between the starts of two collections (ms). */
  minIntervalMs?: number;
  /**
   * How many collections may run at once (default 1). With 2, an event that arrives while one runs
   * is read beside it instead of after it; the collector must then keep the newest read of each
   * part (`mergeNewer`), as collections may settle out of order.
   */
  overlap?: number;
  clock?: Clock;
  /** Runs one collection; while `overlap` of them run, the scheduler starts no other. */
  collect(req: CollectRequest, seq: number): Promise<void>;
  onError?(e: unknown): void;
}

/** Default merge window: the events of one CIB change reach us within a few ms of each other. */
export const DEFAULT_WINDOW_MS = 15;

/** Window of hints: crm_mon's redraw and pending operations (their results follow in ~100-300 ms). */
export const HINT_WINDOW_MS = 250;

export class Coalescer {
  private readonly clock: Clock;
  private readonly windowMs: number;
  private readonly minIntervalMs: number;
  private readonly overlap: number;
  private dirty = new Set<WatchPart>();
  private events: WatchEvent[] = [];
  /** When the waiting events want to be collected (epoch ms), the earliest of their windows. */
  private due: number | null = null;
  private timer: unknown = null;
  private timerAt = Infinity;
  private running = 0;
  private lastStart = -Infinity;
  private stopped = false;
  /** Collections started so far (for tests and traces); also each collection's sequence number. */
  runs = 0;

  constructor(private readonly opts: CoalescerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
    this.minIntervalMs = opts.minIntervalMs ?? 0;
    this.overlap = Math.max(1, opts.overlap ?? 1);
  }

  notify(ev: WatchEvent): void {
    if (this.stopped) return;
    for (const p of ev.parts) this.dirty.add(p);
    this.events.push(ev);
    const due = this.clock.now() + (ev.windowMs ?? this.windowMs);
    this.due = this.due === null ? due : Math.min(this.due, due);
    this.schedule();
  }

  /** True while nothing is waiting and nothing runs. */
  get idle(): boolean {
    return this.running === 0 && this.timer === null && this.dirty.size === 0;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.running >= this.overlap || this.stopped || !this.dirty.size) return;
    const now = this.clock.now();
    const at = Math.max(this.due ?? now, this.lastStart + this.minIntervalMs);
    // An event with a shorter window than the one waiting brings the collection forward.
    if (this.timer !== null) {
      if (at >= this.timerAt) return;
      this.clock.clearTimeout(this.timer);
    }
    this.timerAt = at;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = null;
        this.timerAt = Infinity;
        void this.run();
      },
      Math.max(0, at - now),
    );
  }

  private async run(): Promise<void> {
    if (this.stopped || this.running >= this.overlap || !this.dirty.size) return;
    const req: CollectRequest = { parts: this.dirty, events: this.events };
    this.dirty = new Set();
    this.events = [];
    this.due = null;
    this.running++;
    this.lastStart = this.clock.now();
    const seq = ++this.runs;
    try {
      await this.opts.collect(req, seq);
    } catch (e) {
      this.opts.onError?.(e);
    } finally {
      this.running--;
      // Events that came in while collecting wait out the rest of their window, no more.
      this.schedule();
    }
  }
}

/**
 * Merges what collection `seq` read into `last`, each part only if no later-started collection
 * has settled with it already (`seqs`: the collection each part was last read by). Returns the
 * keys it took. With overlapping collections, an older read that settles last never replaces a
 * newer one.
 */
export function mergeNewer<T extends object>(last: Partial<T>, seqs: Map<keyof T, number>, raw: Partial<T>, seq: number): Array<keyof T> {
  const took: Array<keyof T> = [];
  for (const k of Object.keys(raw) as Array<keyof T>) {
    if ((seqs.get(k) ?? 0) > seq) continue;
    last[k] = raw[k];
    seqs.set(k, seq);
    took.push(k);
  }
  return took;
}

/**
 * What a line from crm_mon's external agent means. crm_mon runs the agent for every resource
 * operation, node and fencing event of a CIB change, with CRM_notify_* in its environment; our
 * agent writes them as one tab-separated line: task, resource, node, rc, desc.
 */
export function parseNotifyLine(line: string, at: number): WatchEvent | null {
  const f = line.replace(/\r?\n$/, '').split('\t');
  if (f.length < 3) return null;
  const [task = '', rsc = '', node = '', rc = '', desc = ''] = f;
  const detail = [task, rsc, node, rc, desc].filter(Boolean).join(' ');
  // A resource operation changes crm_mon's view only; a node joining or leaving, or a fencing
  // event, also changes membership and quorum.
  const parts: WatchPart[] = rsc ? ['status'] : ['status', 'corosync'];
  const source = rsc ? 'operation' : task.includes('fence') ? 'fencing' : 'node';
  // 193 (PCMK_OCF_UNKNOWN): the operation is in flight; its result is the change that matters.
  const pending = rsc !== '' && (rc === '193' || desc === 'pending');
  return { source: pending ? 'operation-pending' : source, parts, at, detail, ...(pending ? { windowMs: HINT_WINDOW_MS } : {}) };
}

/**
 * The external agent crm_mon runs: a shell script that appends one line per event to a file the
 * watch follows with inotify. crm_mon keeps the agent's stdout to itself, hence the file.
 */
export function notifyScript(eventsFile: string): string {
  const q = `'${eventsFile.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/bin/sh',
    '# pcmk-agent watch: crm_mon --external-agent runs this on every resource operation, node and fencing event.',
    `printf '%s\\t%s\\t%s\\t%s\\t%s\\n' "$CRM_notify_task" "$CRM_notify_rsc" "$CRM_notify_node" "$CRM_notify_rc" "$CRM_notify_desc" >> ${q}`,
    '',
  ].join('\n');
}
