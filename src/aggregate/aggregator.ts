/**
 * The Aggregator keeps one view per host over N host sources: the last good snapshot (never thrown
 * away on a failure), its age, the last error and a connection state, and reconnects a failed
 * source with a bounded exponential backoff. All hosts run in parallel.
 *
 * Sources are anything that implements HostSource: the SSH/agent source of src/transport, a local
 * agent, or an in-process fake in tests.
 */
import { EventEmitter } from 'node:events';
import type { ClusterSnapshot } from '../model/snapshot.js';
import { mergeView, type ClusterView, type ConnectionState, type HostError, type HostStatus, type MergeOptions } from './merge-view.js';

export interface SourceErrorInfo {
  /**
   * false: the source keeps running (e.g. the agent reported one failed collection and its watch
   * goes on). Default true: the source is down; the aggregator stops it and restarts it later.
   */
  fatal?: boolean;
}

export interface HostSource {
  readonly name: string;
  /** How the host is reached ('agent' | 'pushed' | 'agentless' | 'local' ...), once known. */
  readonly mode?: string | null;
  /**
   * Starts delivering snapshots. onHeartbeat (optional) says the host is alive although nothing
   * changed (a watch only pushes changed snapshots). A rejected promise counts as a fatal error.
   */
  start(
    onSnapshot: (snapshot: ClusterSnapshot) => void,
    onError: (error: Error, info?: SourceErrorInfo) => void,
    onHeartbeat?: () => void,
  ): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Fraction of random spread (0..1) applied to each delay. */
  jitter: number;
}

export interface AggregatorOptions {
  /** A live host that has shown no sign of life for this long is 'stale' (default 45 s). */
  staleAfterMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Stop retrying after this many consecutive failures (default: never). */
  maxAttempts?: number;
  now?: () => number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.2 };

/** Delay before attempt n+1 after n consecutive failures (n >= 1). Pure. */
export function backoffDelay(failures: number, b: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(b.maxMs, b.initialMs * Math.pow(b.factor, Math.max(0, failures - 1)));
  const spread = base * b.jitter * (random() * 2 - 1);
  return Math.max(0, Math.min(b.maxMs, Math.round(base + spread)));
}

interface HostEntry {
  source: HostSource;
  gen: number;
  running: boolean;
  everConnected: boolean;
  snapshot: ClusterSnapshot | null;
  snapshotAt: number | null;
  lastSeenAt: number | null;
  lastError: HostError | null;
  failures: number;
  down: boolean;
  retryAt: number | null;
  retryTimer: NodeJS.Timeout | null;
  reported: boolean;
}

function toHostError(e: Error, at: number): HostError {
  const x = e as Error & { code?: unknown; stage?: unknown; exitCode?: unknown };
  const code = typeof x.stage === 'string' ? x.stage : typeof x.code === 'string' ? x.code : null;
  return { message: e.message, at, code, exitCode: typeof x.exitCode === 'number' ? x.exitCode : null };
}

/**
 * Events: 'update' (hostName) whenever a host's state changes.
 */
export class Aggregator extends EventEmitter {
  private readonly entries = new Map<string, HostEntry>();
  private readonly staleAfterMs: number;
  private readonly backoff: BackoffOptions;
  private readonly maxAttempts: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private started = false;

  constructor(sources: HostSource[], opts: AggregatorOptions = {}) {
    super();
    this.staleAfterMs = opts.staleAfterMs ?? 45_000;
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.maxAttempts = opts.maxAttempts ?? Infinity;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    for (const source of sources) {
      if (this.entries.has(source.name)) throw new Error(`host ${source.name} is listed twice`);
      this.entries.set(source.name, {
        source,
        gen: 0,
        running: false,
        everConnected: false,
        snapshot: null,
        snapshotAt: null,
        lastSeenAt: null,
        lastError: null,
        failures: 0,
        down: false,
        retryAt: null,
        retryTimer: null,
        reported: false,
      });
    }
  }

  /** Starts every source at once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const name of this.entries.keys()) this.startHost(name);
  }

  private startHost(name: string): void {
    const e = this.entries.get(name)!;
    if (!this.started || e.running) return;
    e.retryAt = null;
    e.retryTimer = null;
    e.running = true;
    const gen = ++e.gen;
    const current = (): boolean => this.started && e.gen === gen && e.running;
    const onSnapshot = (s: ClusterSnapshot): void => {
      if (!current()) return;
      const t = this.now();
      e.snapshot = s;
      e.snapshotAt = t;
      e.lastSeenAt = t;
      e.failures = 0;
      e.down = false;
      e.everConnected = true;
      e.reported = true;
      this.emit('update', name);
    };
    const onHeartbeat = (): void => {
      if (!current()) return;
      e.lastSeenAt = this.now();
      this.emit('update', name);
    };
    const onError = (err: Error, info: SourceErrorInfo = {}): void => {
      if (!current()) return;
      e.lastError = toHostError(err, this.now());
      e.reported = true;
      if (info.fatal === false) {
        e.lastSeenAt = this.now();
        this.emit('update', name);
        return;
      }
      this.failHost(name, e);
    };
    let ret: void | Promise<void>;
    try {
      ret = e.source.start(onSnapshot, onError, onHeartbeat);
    } catch (err) {
      onError(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (ret && typeof (ret as Promise<void>).then === 'function') {
      (ret as Promise<void>).catch((err: unknown) => onError(err instanceof Error ? err : new Error(String(err))));
    }
    this.emit('update', name);
  }

  private failHost(name: string, e: HostEntry): void {
    e.running = false;
    e.down = true;
    e.failures += 1;
    try {
      const r = e.source.stop();
      if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch(() => {});
    } catch {
      // a failing stop must not stop the retry
    }
    if (this.started && e.failures < this.maxAttempts) {
      const delay = backoffDelay(e.failures, this.backoff, this.random);
      e.retryAt = this.now() + delay;
      e.retryTimer = setTimeout(() => this.startHost(name), delay);
      e.retryTimer.unref?.();
    }
    this.emit('update', name);
  }

  /** Stops every source and every retry; the last snapshots stay readable. */
  async stop(): Promise<void> {
    this.started = false;
    const stops: Array<void | Promise<void>> = [];
    for (const e of this.entries.values()) {
      if (e.retryTimer) clearTimeout(e.retryTimer);
      e.retryTimer = null;
      e.retryAt = null;
      if (e.running) {
        e.running = false;
        try {
          stops.push(e.source.stop());
        } catch {
          // keep stopping the others
        }
      }
    }
    await Promise.allSettled(stops.map((s) => Promise.resolve(s)));
  }

  private stateOf(e: HostEntry, now: number): ConnectionState {
    if (e.down) return 'down';
    if (!e.everConnected || e.lastSeenAt === null) return 'connecting';
    if (now - e.lastSeenAt > this.staleAfterMs) return 'stale';
    return 'live';
  }

  /** Every host's status now (in the order the sources were given). */
  hosts(): HostStatus[] {
    const now = this.now();
    return [...this.entries.entries()].map(([name, e]) => ({
      name,
      state: this.stateOf(e, now),
      mode: e.source.mode ?? null,
      snapshot: e.snapshot,
      snapshotAt: e.snapshotAt,
      snapshotAgeMs: e.snapshotAt === null ? null : now - e.snapshotAt,
      lastSeenAgeMs: e.lastSeenAt === null ? null : now - e.lastSeenAt,
      lastError: e.lastError,
      failures: e.failures,
      retryInMs: e.retryAt === null ? null : Math.max(0, e.retryAt - now),
    }));
  }

  host(name: string): HostStatus | undefined {
    return this.hosts().find((h) => h.name === name);
  }

  view(opts: MergeOptions = {}): ClusterView {
    return mergeView(this.hosts(), opts);
  }

  /**
   * Resolves once every host has answered (a snapshot or an error) since start, or after
   * timeoutMs; a host still silent then gets a timeout error naming it (it keeps trying unless
   * the aggregator is stopped).
   */
  waitForAll(timeoutMs: number): Promise<HostStatus[]> {
    const pending = (): string[] => [...this.entries.entries()].filter(([, e]) => !e.reported).map(([n]) => n);
    if (!pending().length) return Promise.resolve(this.hosts());
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.off('update', check);
        resolve(this.hosts());
      };
      const check = (): void => {
        if (!pending().length) finish();
      };
      const timer = setTimeout(() => {
        for (const name of pending()) {
          const e = this.entries.get(name)!;
          e.lastError = { message: `${name}: no answer within ${timeoutMs} ms`, at: this.now(), code: 'timeout', exitCode: null };
          e.reported = true;
          e.down = true;
        }
        finish();
      }, timeoutMs);
      this.on('update', check);
    });
  }
}

/**
 * One round for scripts: start every source, wait until each host has answered or the timeout
 * passed, stop, and return the hosts and the merged view.
 */
export async function collectOnce(
  sources: HostSource[],
  opts: AggregatorOptions & { timeoutMs: number } & MergeOptions,
): Promise<{ hosts: HostStatus[]; view: ClusterView }> {
  const agg = new Aggregator(sources, { ...opts, maxAttempts: opts.maxAttempts ?? 1 });
  agg.start();
  await agg.waitForAll(opts.timeoutMs);
  await agg.stop();
  const hosts = agg.hosts();
  return { hosts, view: mergeView(hosts, opts) };
}
