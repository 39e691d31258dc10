/**
 * Failed actions, fail counts and fencing history as the operator reads them, for `pcmk status`
 * and pcmk-top alike: what each row says (operation, status, reason, time, order) is decided here.
 * Cluster strings (exit reasons above all) go through visible().
 */
import type { ClusterSnapshot, FailCount, FailedAction, FenceEvent } from '../snapshot.js';
import { formatTimeUtc } from '../time.js';
import { isInfiniteCount } from '../values.js';
import type { Severity } from './resources.js';
import { visible } from './text.js';

function byTimeDesc<T>(get: (x: T) => string | null): (a: T, b: T) => number {
  return (a, b) => {
    const ta = Date.parse(get(a) ?? '');
    const tb = Date.parse(get(b) ?? '');
    return (Number.isNaN(tb) ? -Infinity : tb) - (Number.isNaN(ta) ? -Infinity : ta);
  };
}

const zeroInterval = (i: string | null) => !i || i === '0' || i === '0ms';

export interface FailureRow {
  /** Stable identity: operation key and node. */
  key: string;
  resource: string;
  node: string;
  /** "monitor 10000" (task and interval), or the operation key when the task is unknown. */
  operation: string;
  /** "not running (7)": exit status and code. */
  status: string;
  reason: string;
  /** "YYYY-MM-DD HH:MM:SS" UTC, or "". */
  time: string;
  failure: FailedAction;
}

/** Failed actions, newest first. */
export function toFailureViewRows(snapshot: ClusterSnapshot): FailureRow[] {
  return [...snapshot.failures].sort(byTimeDesc((f) => f.lastRcChange)).map((f) => ({
    key: `${f.opKey}@${f.node}`,
    resource: visible(f.resource),
    node: visible(f.node),
    operation: visible(f.task ? `${f.task}${zeroInterval(f.interval) ? '' : ` ${f.interval}`}` : f.opKey),
    status: visible(f.exitCode !== null ? `${f.exitStatus} (${f.exitCode})` : f.exitStatus),
    reason: visible(f.exitReason ?? ''),
    time: formatTimeUtc(f.lastRcChange),
    failure: f,
  }));
}

export interface FailCountRow {
  resource: string;
  node: string;
  /** "3", "3/5" against a finite migration-threshold, "INF" for INFINITY. */
  count: string;
  /** The failed operations, e.g. "monitor/10000 rc=7 start rc=1". */
  operations: string;
  failcount: FailCount;
}

/** Fail counts above zero, in crm_mon's order. */
export function toFailCountViewRows(snapshot: ClusterSnapshot): FailCountRow[] {
  return snapshot.failcounts
    .filter((f) => f.count > 0)
    .map((f) => ({
      resource: visible(f.resource),
      node: visible(f.node),
      count: `${isInfiniteCount(f.count) ? 'INF' : f.count}${f.migrationThreshold != null && !isInfiniteCount(f.migrationThreshold) ? `/${f.migrationThreshold}` : ''}`,
      operations: visible(f.operations.map((o) => `${o.task}${zeroInterval(o.interval) ? '' : `/${o.interval}`} rc=${o.rc ?? '?'}`).join(' ')),
      failcount: f,
    }));
}

export interface FenceRow {
  key: string;
  target: string;
  action: string;
  status: string;
  severity: Severity | 'ok';
  /** The node that carried it out. */
  by: string;
  /** "client@origin". */
  origin: string;
  time: string;
  reason: string;
  event: FenceEvent;
}

function fenceSeverity(status: string): Severity | 'ok' {
  const s = status.toLowerCase();
  if (s === 'success' || s === 'done' || s === 'ok') return 'ok';
  if (s === 'pending' || s === 'in progress' || s === 'in-progress') return 'warn';
  return 'error';
}

/** Fencing history: pending operations first (a node being fenced shows as it happens), newest next. */
export function toFencingViewRows(snapshot: ClusterSnapshot): FenceRow[] {
  const pending = snapshot.fencing.filter((e) => fenceSeverity(e.status) === 'warn');
  const done = snapshot.fencing.filter((e) => fenceSeverity(e.status) !== 'warn').sort(byTimeDesc((e) => e.completed));
  return [...pending, ...done].map((e) => ({
    key: `${e.target}:${e.action}:${e.completed ?? 'pending'}:${e.origin ?? ''}`,
    target: visible(e.target),
    action: visible(e.action),
    status: visible(e.status),
    severity: fenceSeverity(e.status),
    by: visible(e.delegate ?? ''),
    origin: visible([e.client, e.origin].filter(Boolean).join('@')),
    time: formatTimeUtc(e.completed),
    reason: visible(e.exitReason ?? ''),
    event: e,
  }));
}
