/**
 * mergeView(): the pure merge of every host's last snapshot into one cluster view. It picks the
 * snapshot to show (a fresh, quorate host's, preferring a whole read to a peer read, then the DC's
 * own) and says where the hosts disagree instead of hiding it behind one host's opinion: different
 * DCs, different membership or quorum (a split view, as in a network partition), hosts that cannot
 * reach the cluster (crm_mon exit 102, "not connected"), and hosts that are down or silent.
 */
import { isPeerRead, type ClusterSnapshot } from '../model/snapshot.js';

export type ConnectionState = 'connecting' | 'live' | 'stale' | 'down';

export interface HostError {
  message: string;
  /** Epoch ms when it happened. */
  at: number;
  /** A typed error's code/stage, when the error had one (e.g. 'timeout', 'hostkey', 'not-connected'). */
  code: string | null;
  /** Exit code reported with the error (102: the host cannot reach the cluster). */
  exitCode: number | null;
}

/** What the aggregator knows about one host at one moment. */
export interface HostStatus {
  name: string;
  state: ConnectionState;
  /** How the console reaches the host ('agent' | 'pushed' | 'agentless' | 'local' ...), when known. */
  mode: string | null;
  /** The last good snapshot, kept across failures. */
  snapshot: ClusterSnapshot | null;
  /** Epoch ms when that snapshot arrived. */
  snapshotAt: number | null;
  /** ms since it arrived. */
  snapshotAgeMs: number | null;
  /** ms since the host last showed life (a snapshot or a heartbeat). */
  lastSeenAgeMs: number | null;
  lastError: HostError | null;
  /** Consecutive failed attempts since the last snapshot. */
  failures: number;
  /** ms until the next reconnect attempt, when one is scheduled. */
  retryInMs: number | null;
}

export interface HostSummary {
  name: string;
  state: ConnectionState;
  mode: string | null;
  /** Live and with a snapshot: its opinion counts for the disagreement checks. */
  fresh: boolean;
  /** Could the host read the cluster's state? null when it has no snapshot at all. */
  reachesCluster: boolean | null;
  /** Why not, when reachesCluster is false. */
  unreachableReason: string | null;
  /** Node the snapshot was taken on (the snapshot's source). */
  node: string | null;
  dc: string | null;
  quorate: boolean | null;
  /** Online cluster members (not remote or guest nodes) as this host sees them, sorted. */
  online: string[];
  snapshotAgeMs: number | null;
  lastError: string | null;
}

/** A group of fresh hosts that see the same DC, membership and quorum. */
export interface Partition {
  hosts: string[];
  dc: string | null;
  online: string[];
  quorate: boolean | null;
}

export type ViewIssueKind =
  | 'split-dc'
  | 'split-membership'
  | 'split-quorum'
  | 'cluster-unreachable'
  | 'host-down'
  | 'host-stale'
  | 'no-fresh-host';

export interface ViewIssue {
  kind: ViewIssueKind;
  hosts: string[];
  message: string;
}

export interface ClusterView {
  /** The snapshot to show, with the host it came from and why it was chosen; null if none. */
  primary: { host: string; snapshot: ClusterSnapshot; reason: string; fresh: boolean } | null;
  hosts: HostSummary[];
  partitions: Partition[];
  /** Fresh hosts disagree on DC, membership or quorum. */
  splitView: boolean;
  issues: ViewIssue[];
}

export interface MergeOptions {
  /** A 'live' host whose last sign of life is older than this is not fresh (default: trust state). */
  freshMs?: number;
}

/** crm_mon's exit code when it cannot connect to the cluster (CRM_EX_DISCONNECT). */
export const EXIT_NOT_CONNECTED = 102;

/** Online members as a host sees them, sorted. Pure. */
export function onlineMembers(s: ClusterSnapshot): string[] {
  return s.nodes
    .filter((n) => n.type === 'member' && n.online)
    .map((n) => n.name)
    .sort();
}

/** Whether a snapshot carries the cluster's state, and if not, why. Pure. */
export function clusterReach(s: ClusterSnapshot): { ok: boolean; reason: string | null } {
  const mon = s.sources.find((x) => x.tool === 'crm_mon');
  if (!mon) return { ok: false, reason: 'crm_mon was not run' };
  if (!mon.ok) return { ok: false, reason: mon.error ?? 'crm_mon failed' };
  if (s.nodes.length === 0) {
    const w = s.warnings.find((x) => x.section === 'crm_mon' || x.section.startsWith('crm_mon'));
    return { ok: false, reason: w ? w.message : `crm_mon reported no cluster state (not connected, exit ${EXIT_NOT_CONNECTED})` };
  }
  return { ok: true, reason: null };
}

function isOwnDc(s: ClusterSnapshot): boolean {
  if (!s.cluster.dc) return false;
  if (s.cluster.dc === s.source) return true;
  const local = s.corosync?.members.find((m) => m.local);
  return !!local?.name && local.name === s.cluster.dc;
}

function fmtList(xs: string[]): string {
  return xs.length ? xs.join(', ') : '(none)';
}

function fmtAge(ms: number | null): string {
  if (ms === null) return 'never';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

function summarize(h: HostStatus, opts: MergeOptions): HostSummary {
  const s = h.snapshot;
  let reachesCluster: boolean | null = null;
  let unreachableReason: string | null = null;
  if (s) {
    const r = clusterReach(s);
    reachesCluster = r.ok;
    unreachableReason = r.reason;
  }
  // The agent may report "not connected" as an error after its last good snapshot.
  if (h.lastError && h.lastError.exitCode === EXIT_NOT_CONNECTED && (h.snapshotAt === null || h.lastError.at >= h.snapshotAt)) {
    reachesCluster = false;
    unreachableReason = h.lastError.message;
  }
  let fresh = h.state === 'live' && s !== null;
  if (fresh && opts.freshMs !== undefined && h.lastSeenAgeMs !== null && h.lastSeenAgeMs > opts.freshMs) fresh = false;
  const usable = s && reachesCluster;
  return {
    name: h.name,
    state: h.state,
    mode: h.mode,
    fresh,
    reachesCluster,
    unreachableReason,
    node: s?.source ?? null,
    dc: usable ? s.cluster.dc : null,
    quorate: usable ? s.cluster.quorate : null,
    online: usable ? onlineMembers(s) : [],
    snapshotAgeMs: h.snapshotAgeMs,
    lastError: h.lastError?.message ?? null,
  };
}

function partitionKey(h: HostSummary): string {
  return JSON.stringify([h.dc, h.online, h.quorate]);
}

/** The last copy withNodeVersions made of a snapshot, with the versions it added (one per snapshot). */
const versioned = new WeakMap<ClusterSnapshot, { key: string; copy: ClusterSnapshot }>();

/**
 * The shown snapshot with each node's Pacemaker release as the hosts on those nodes read it (every
 * host knows only its own: in a rolling upgrade they differ). Pure; the same copy while nothing
 * changes, so a view that compares snapshots by identity does not redraw.
 */
export function withNodeVersions(shown: ClusterSnapshot, all: readonly ClusterSnapshot[]): ClusterSnapshot {
  const known = new Map<string, string>();
  for (const s of all) for (const n of s.nodes) if (n.pacemakerVersion) known.set(n.name, n.pacemakerVersion);
  const add = shown.nodes.filter((n) => !n.pacemakerVersion && known.has(n.name)).map((n) => [n.name, known.get(n.name)!]);
  if (!add.length) return shown;
  const key = JSON.stringify(add);
  const last = versioned.get(shown);
  if (last?.key === key) return last.copy;
  const versions = new Map(add as Array<[string, string]>);
  const copy = { ...shown, nodes: shown.nodes.map((n) => (versions.has(n.name) ? { ...n, pacemakerVersion: versions.get(n.name)! } : n)) };
  versioned.set(shown, { key, copy });
  return copy;
}

/** Merges the hosts' states into one view. Pure. */
export function mergeView(hosts: HostStatus[], opts: MergeOptions = {}): ClusterView {
  const summaries = hosts.map((h) => summarize(h, opts));
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const issues: ViewIssue[] = [];

  // Fresh hosts that read the cluster: their opinions are compared.
  const voters = summaries.filter((h) => h.fresh && h.reachesCluster);
  const parts = new Map<string, Partition>();
  for (const h of voters) {
    const k = partitionKey(h);
    const p = parts.get(k);
    if (p) p.hosts.push(h.name);
    else parts.set(k, { hosts: [h.name], dc: h.dc, online: h.online, quorate: h.quorate });
  }
  // Largest group first; quorate before not.
  const partitions = [...parts.values()].sort(
    (a, b) => Number(b.quorate === true) - Number(a.quorate === true) || b.hosts.length - a.hosts.length,
  );

  const distinct = <T>(f: (h: HostSummary) => T): Map<string, string[]> => {
    const m = new Map<string, string[]>();
    for (const h of voters) {
      const k = JSON.stringify(f(h));
      m.set(k, [...(m.get(k) ?? []), h.name]);
    }
    return m;
  };
  const describe = (m: Map<string, string[]>, show: (k: string) => string): string =>
    [...m.entries()].map(([k, hs]) => `${fmtList(hs)} ${hs.length > 1 ? 'see' : 'sees'} ${show(k)}`).join('; ');

  const dcs = distinct((h) => h.dc);
  if (dcs.size > 1) {
    issues.push({
      kind: 'split-dc',
      hosts: voters.map((h) => h.name),
      message: `hosts report different DCs: ${describe(dcs, (k) => {
        const v = JSON.parse(k) as string | null;
        return v ? `DC ${v}` : 'no DC';
      })}`,
    });
  }
  const members = distinct((h) => h.online);
  if (members.size > 1) {
    issues.push({
      kind: 'split-membership',
      hosts: voters.map((h) => h.name),
      message: `hosts see different online members: ${describe(members, (k) => `[${fmtList(JSON.parse(k) as string[])}]`)}`,
    });
  }
  const quorum = distinct((h) => h.quorate);
  if (quorum.size > 1) {
    issues.push({
      kind: 'split-quorum',
      hosts: voters.map((h) => h.name),
      message: `hosts disagree on quorum: ${describe(quorum, (k) => {
        const v = JSON.parse(k) as boolean | null;
        return v === true ? 'quorum' : v === false ? 'no quorum' : 'unknown quorum';
      })}`,
    });
  }
  const splitView = issues.length > 0;

  for (const h of summaries) {
    if (h.reachesCluster === false && (h.fresh || h.state === 'live' || h.state === 'stale')) {
      issues.push({ kind: 'cluster-unreachable', hosts: [h.name], message: `${h.name} cannot reach the cluster: ${h.unreachableReason}` });
    }
  }
  for (const h of summaries) {
    const st = byName.get(h.name)!;
    if (h.state === 'down') {
      const last = h.snapshotAgeMs !== null ? `; showing its snapshot from ${fmtAge(h.snapshotAgeMs)} ago` : '; no snapshot yet';
      issues.push({ kind: 'host-down', hosts: [h.name], message: `${h.name} is down: ${h.lastError ?? 'no answer'}${last}` });
    } else if (h.state === 'stale' || (h.state === 'live' && !h.fresh && h.reachesCluster !== null)) {
      issues.push({
        kind: 'host-stale',
        hosts: [h.name],
        message: `no news from ${h.name} for ${fmtAge(st.lastSeenAgeMs)}; its snapshot is ${fmtAge(h.snapshotAgeMs)} old`,
      });
    }
  }

  // Primary: rank every host that has a snapshot.
  const largest = partitions[0];
  const ranked = summaries
    .filter((h) => byName.get(h.name)!.snapshot)
    .map((h) => {
      const st = byName.get(h.name)!;
      const snap = st.snapshot!;
      const ownDc = !!h.reachesCluster && isOwnDc(snap);
      const inLargest = !!largest && largest.hosts.includes(h.name);
      const score = [
        h.fresh ? 1 : 0,
        h.reachesCluster ? 1 : 0,
        h.quorate === true ? 1 : 0,
        inLargest ? 1 : 0,
        // A whole read over a peer read (no configuration, no corosync) of the same partition.
        isPeerRead(snap) ? 0 : 1,
        ownDc ? 1 : 0,
        st.snapshotAt ?? 0,
      ];
      return { h, snap, score, ownDc };
    })
    .sort((a, b) => {
      for (let i = 0; i < a.score.length; i++) if (a.score[i] !== b.score[i]) return b.score[i]! - a.score[i]!;
      return a.h.name.localeCompare(b.h.name);
    });
  let primary: ClusterView['primary'] = null;
  const best = ranked[0];
  if (best) {
    const why: string[] = [];
    why.push(best.h.fresh ? 'fresh' : `stale (${fmtAge(best.h.snapshotAgeMs)} old)`);
    if (best.h.reachesCluster === false) why.push('cannot reach the cluster');
    else if (best.h.quorate === true) why.push('quorate');
    else if (best.h.quorate === false) why.push('without quorum');
    if (best.ownDc) why.push("the DC's own view");
    const all = hosts.flatMap((h) => (h.snapshot ? [h.snapshot] : []));
    primary = { host: best.h.name, snapshot: withNodeVersions(best.snap, all), reason: why.join(', '), fresh: best.h.fresh };
  }
  if (!voters.length && hosts.length) {
    issues.push({
      kind: 'no-fresh-host',
      hosts: hosts.map((h) => h.name),
      message: primary
        ? `no host has a fresh view of the cluster; showing ${primary.host}'s (${primary.reason})`
        : 'no host has answered with the cluster state',
    });
  }

  return { primary, hosts: summaries, partitions, splitView, issues };
}
