/**
 * The aggregator as the console's view source: host states, the primary snapshot and the
 * disagreements between hosts, re-read on every aggregator update and on a timer (a host turns
 * stale by time alone, without an event).
 */
import { mergeView, type ClusterView as MergedView, type HostStatus as AggregateHost, type MergeOptions } from '../aggregate/merge-view.js';
import type { ClusterView, Disagreement, HostStatus, ViewSource } from './types.js';

/** Issues the header shows as warning lines; host-down/stale already show in the hosts line. */
const HEADER_ISSUES = new Set(['split-dc', 'split-membership', 'split-quorum', 'cluster-unreachable', 'no-fresh-host']);

/** Pure: the aggregator's hosts and merged view as the console's ClusterView. */
export function toTuiView(hosts: readonly AggregateHost[], merged: MergedView, context: string | null): ClusterView {
  const tuiHosts: HostStatus[] = hosts.map((h) => ({
    name: h.name,
    state: h.state,
    // A live host's data is as fresh as its last sign of life (a watch only pushes changes; the
    // heartbeat confirms nothing changed), so the header shows that age, not the last change's.
    snapshotAt:
      h.state === 'live' && h.snapshotAt !== null && h.snapshotAgeMs !== null && h.lastSeenAgeMs !== null
        ? h.snapshotAt + h.snapshotAgeMs - h.lastSeenAgeMs
        : h.snapshotAt,
    lastError: h.lastError?.message ?? null,
    mode: h.mode,
  }));
  const disagreements: Disagreement[] = merged.issues
    .filter((i) => HEADER_ISSUES.has(i.kind))
    .map((i) => ({ kind: i.kind, message: i.message, hosts: i.hosts }));
  return { context, hosts: tuiHosts, snapshot: merged.primary?.snapshot ?? null, disagreements };
}

/** What the source needs from the Aggregator (its 'update' event and hosts()). */
export interface AggregatorLike {
  hosts(): AggregateHost[];
  on(event: 'update', listener: (host: string) => void): unknown;
  off(event: 'update', listener: (host: string) => void): unknown;
}

export interface AggregatorSourceOptions {
  context?: string | null;
  /** Re-read interval for time-based state changes (stale hosts). Default 1000 ms; 0 = events only. */
  pollMs?: number;
  merge?: MergeOptions;
}

function signature(v: ClusterView): string {
  return JSON.stringify([v.context, v.hosts, v.disagreements]);
}

export function aggregatorViewSource(agg: AggregatorLike, opts: AggregatorSourceOptions = {}): ViewSource & { close(): void } {
  const context = opts.context ?? null;
  const read = (): ClusterView => {
    const hosts = agg.hosts();
    return toTuiView(hosts, mergeView(hosts, opts.merge), context);
  };
  let view = read();
  let sig = signature(view);
  const listeners = new Set<() => void>();
  const refresh = () => {
    const next = read();
    const nextSig = signature(next);
    // Same hosts, same issues, same snapshot object: keep the old view object (no re-render).
    if (next.snapshot === view.snapshot && nextSig === sig) return;
    view = next;
    sig = nextSig;
    for (const l of [...listeners]) l();
  };
  const onUpdate = () => refresh();
  agg.on('update', onUpdate);
  const pollMs = opts.pollMs ?? 1000;
  const timer = pollMs > 0 ? setInterval(refresh, pollMs) : null;
  timer?.unref?.();
  return {
    getView: () => view,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      agg.off('update', onUpdate);
      if (timer) clearInterval(timer);
      listeners.clear();
    },
  };
}
