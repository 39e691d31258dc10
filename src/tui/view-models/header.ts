/** Header: cluster facts, every host's connection state and snapshot age, split-view warnings. */
import { visible } from '../../model/view/text.js';
import type { ClusterView, HostStatus, OfflineInputs } from '../types.js';
import type { Tone } from './rows.js';
import { isFalse, isTrue } from '../../model/values.js';
import { formatAge } from './format.js';
import { mixedVersionWarning } from '../../model/view/nodes.js';
import { inputTarget, type InputTarget } from './history.js';

export interface Segment {
  text: string;
  tone: Tone;
}

export interface HostBadge {
  name: string;
  state: HostStatus['state'];
  age: string;
  error: string | null;
  tone: Tone;
}

export interface HeaderModel {
  facts: Segment[];
  hosts: HostBadge[];
  /** Split view, stale data, missing snapshot: shown as warning lines. */
  warnings: Segment[];
}

function hostTone(h: HostStatus): Tone {
  switch (h.state) {
    case 'live':
      return 'ok';
    case 'connecting':
      return 'info';
    case 'stale':
      return 'warn';
    case 'down':
      return 'error';
    case 'offline':
      return 'dim';
  }
}

/** Time travel as the header tells it: the input asked for, the one on screen, and how reading it went. */
export interface TravelBanner {
  at: InputTarget;
  shown: InputTarget | null;
  loading: boolean;
  error: string | null;
}

function when(t: InputTarget): string {
  return t.time ? `${t.time.slice(0, 10)} ${t.time.slice(11, 19)} UTC` : 'time unknown';
}

/**
 * "TIME TRAVEL #46 2026-12-06 02:06:11 UTC, DC cluster-1: read-only; [ older, ] newer, Esc live".
 * Offline (pcmk-top --from), Esc returns to the newest input, not to a live cluster.
 */
export function travelWarning(t: TravelBanner, offline = false): Segment {
  const keys = `read-only; [ older, ] newer, Esc ${offline ? 'newest' : 'live'}`;
  const s = t.shown;
  const base = s ? `TIME TRAVEL #${s.label} ${when(s)}, DC ${s.dc ?? '?'}` : `TIME TRAVEL #${t.at.label}`;
  const note = t.error ? `cannot read #${t.at.label} on ${t.at.host}: ${t.error}` : t.loading ? `reading #${t.at.label} on ${t.at.host}...` : '';
  return { text: visible(`${base}${note ? ` (${note})` : ''}: ${keys}`), tone: t.error ? 'error' : 'warn' };
}

/**
 * What an offline console shows: "OFFLINE INPUT #4 2026-12-06 14:04:00 UTC, DC 18node3, the newest
 * in /srv/report.tar.bz2: read-only, nothing to change"; while travelling, where Esc returns.
 */
export function offlineWarning(o: OfflineInputs, travelling: boolean): Segment {
  const n = o.newest ? inputTarget({ facts: o.newest }) : null;
  if (!n) return { text: visible(`OFFLINE: the newest scheduler input in ${o.from} could not be read: ${o.error ?? 'unknown error'}`), tone: 'error' };
  if (travelling) return { text: visible(`OFFLINE: saved scheduler inputs in ${o.from}; Esc returns to the newest, #${n.label}`), tone: 'info' };
  if (o.newest?.error) return { text: visible(`OFFLINE: the newest scheduler input, #${n.label} on ${n.host}, could not be read: ${o.newest.error}`), tone: 'error' };
  return { text: visible(`OFFLINE INPUT #${n.label} ${when(n)}, DC ${n.dc ?? '?'}, the newest in ${o.from}: read-only, nothing to change`), tone: 'warn' };
}

export function toHeader(view: ClusterView, now: number, travel?: TravelBanner | null): HeaderModel {
  const snap = view.snapshot;
  const facts: Segment[] = [];
  const fact = (label: string, value: string, tone: Tone = 'normal') => facts.push({ text: visible(`${label} ${value}`), tone });
  if (view.context) fact('ctx', view.context, 'info');
  if (snap) {
    const c = snap.cluster;
    fact('cluster', c.name ?? snap.corosync?.clusterName ?? '?', 'heading');
    fact('DC', c.dc ?? 'NONE', c.dc ? 'normal' : 'error');
    const q = c.quorate ?? snap.corosync?.quorum.quorate ?? null;
    const votes = snap.corosync?.quorum;
    const voteText = votes && votes.totalVotes !== null && votes.expectedVotes !== null ? ` ${votes.totalVotes}/${votes.expectedVotes}` : '';
    fact('quorum', q === null ? '?' : q ? `yes${voteText}` : `NO${voteText}`, q === null ? 'warn' : q ? 'ok' : 'error');
    const stonithOn = !isFalse(c.options['stonith-enabled']);
    fact('stonith', stonithOn ? 'on' : 'OFF', stonithOn ? 'normal' : 'warn');
    const maint = isTrue(c.options['maintenance-mode']);
    fact('maintenance', maint ? 'ON' : 'off', maint ? 'warn' : 'normal');
    const online = snap.nodes.filter((n) => n.online).length;
    fact('nodes', `${online}/${snap.nodes.length}`, online < snap.nodes.length ? 'warn' : 'normal');
    fact('resources', String(snap.instances.length));
    if (c.stack) fact('stack', c.stack);
    // Builds print long versions ("2.0.4-1.e97f9675f.git.el7-e97f9675f"); the release is enough here.
    if (c.pacemakerVersion) fact('pacemaker', c.pacemakerVersion.split('-')[0]);
  }
  const hosts: HostBadge[] = view.hosts.map((h) => ({
    name: h.name,
    state: h.state,
    age: h.snapshotAt === null ? '' : formatAge(now - h.snapshotAt),
    error: h.lastError,
    tone: hostTone(h),
  }));
  const warnings: Segment[] = [];
  if (travel) warnings.push(travelWarning(travel, !!view.offline));
  if (view.offline) warnings.push(offlineWarning(view.offline, !!travel));
  if (snap && view.cachedAt != null) {
    warnings.push({ text: `CACHED ${formatAge(now - view.cachedAt)} ago (an earlier run's; waiting for the hosts, no actions until one answers)`, tone: 'warn' });
  }
  for (const d of view.disagreements) {
    warnings.push({ text: visible(d.kind.startsWith('split') ? `SPLIT VIEW: ${d.message}` : d.message), tone: 'error' });
  }
  if (!snap && (travel || view.offline)) {
    // Nothing read yet of the input travelled to, or the newest offline input unreadable: the
    // banner says so; the live hosts are not the question.
  } else if (!snap) {
    const any = view.hosts.some((h) => h.state === 'connecting');
    const err = view.hosts.find((h) => h.lastError)?.lastError;
    warnings.push({
      text: any ? 'waiting for the first snapshot...' : visible(`no snapshot${err ? `: ${err}` : ''}`),
      tone: any ? 'info' : 'error',
    });
  } else if (view.hosts.length && view.hosts.every((h) => h.state === 'stale' || h.state === 'down')) {
    const oldest = Math.min(...view.hosts.map((h) => h.snapshotAt ?? now));
    warnings.push({ text: `STALE: no host reachable, showing data from ${formatAge(now - oldest)} ago`, tone: 'error' });
  }
  // A rolling upgrade: its own line (at the end of the facts a narrow terminal would cut it).
  const mixed = snap ? mixedVersionWarning(snap) : null;
  if (mixed) warnings.push({ text: mixed, tone: 'warn' });
  return { facts, hosts, warnings };
}

/** The host badges as one line: "cluster-1 live 1s  cluster-2 STALE 42s (connection refused)". */
export function hostSegments(hosts: readonly HostBadge[]): Segment[] {
  return hosts.map((h) => {
    // Live and offline (saved files, no connection) are the normal states; the others stand out.
    const state = h.state === 'live' || h.state === 'offline' ? h.state : h.state.toUpperCase();
    const parts = [h.name, state, h.age].filter(Boolean).join(' ');
    const err = h.error && h.state !== 'live' ? ` (${h.error})` : '';
    return { text: visible(`${parts}${err}`), tone: h.tone };
  });
}
