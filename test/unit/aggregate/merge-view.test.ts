import { describe, expect, it } from 'vitest';
import { clusterReach, mergeView, onlineMembers, type HostStatus } from '../../../src/aggregate/merge-view.js';
import { NOT_READ_ON_PEER, type ClusterNode, type ClusterSnapshot } from '../../../src/model/snapshot.js';

function node(name: string, over: Partial<ClusterNode> = {}): ClusterNode {
  return {
    name,
    id: name.replace(/\D/g, '') || '0',
    type: 'member',
    online: true,
    standby: false,
    standbyOnFail: false,
    maintenance: false,
    pending: false,
    unclean: false,
    shutdown: false,
    expectedUp: true,
    isDc: false,
    resourcesRunning: 0,
    health: null,
    featureSet: null,
    host: null,
    container: null,
    connection: null,
    ...over,
  };
}

/** A snapshot as host `source` sees the cluster: DC, online members, quorum. */
function snap(source: string, o: { dc: string | null; online: string[]; all?: string[]; quorate?: boolean | null; crmMonOk?: boolean }): ClusterSnapshot {
  const all = o.all ?? ['cluster-1', 'cluster-2', 'cluster-3'];
  return {
    schema: 1,
    takenAt: '2025-01-01T00:00:00.000Z',
    source,
    cluster: {
      name: 'c',
      stack: 'corosync',
      dc: o.dc,
      dcPresent: o.dc !== null,
      quorate: o.quorate === undefined ? true : o.quorate,
      partition: null,
      pacemakerVersion: '2.1.5',
      mixedVersion: false,
      apiVersion: '2.25',
      format: 'pacemaker-result',
      lastUpdate: null,
      lastChange: null,
      lastChangeBy: null,
      options: {},
      counts: { nodes: all.length, resources: 0, disabled: 0, blocked: 0 },
      cibVersion: null,
    },
    nodes: o.crmMonOk === false ? [] : [...all.map((n) => node(n, { online: o.online.includes(n), isDc: n === o.dc })), node('remote-1', { type: 'remote' })],
    resources: [],
    instances: [],
    failures: [],
    failcounts: [],
    operations: [],
    fencing: [],
    nodeAttributes: {},
    tickets: [],
    constraints: { location: [], order: [], colocation: [], sets: {} },
    corosync: null,
    sources: [{ tool: 'crm_mon', ok: o.crmMonOk !== false, durationMs: 10, ...(o.crmMonOk === false ? { error: 'crm_mon: exit code 102 (ssh cluster-3): Not connected' } : {}) }],
    warnings: [],
  };
}

function host(name: string, s: ClusterSnapshot | null, over: Partial<HostStatus> = {}): HostStatus {
  return {
    name,
    state: s ? 'live' : 'down',
    mode: 'agent',
    snapshot: s,
    snapshotAt: s ? 1000 : null,
    snapshotAgeMs: s ? 500 : null,
    lastSeenAgeMs: s ? 500 : null,
    lastError: null,
    failures: 0,
    retryInMs: null,
    ...over,
  };
}

const ALL = ['cluster-1', 'cluster-2', 'cluster-3'];

describe('mergeView', () => {
  it('three agreeing hosts: no issues, primary is the DC host', () => {
    const v = mergeView([
      host('cluster-1', snap('cluster-1', { dc: 'cluster-2', online: ALL })),
      host('cluster-2', snap('cluster-2', { dc: 'cluster-2', online: ALL })),
      host('cluster-3', snap('cluster-3', { dc: 'cluster-2', online: ALL })),
    ]);
    expect(v.splitView).toBe(false);
    expect(v.issues).toEqual([]);
    expect(v.partitions).toEqual([{ hosts: ['cluster-1', 'cluster-2', 'cluster-3'], dc: 'cluster-2', online: ALL, quorate: true }]);
    expect(v.primary).toMatchObject({ host: 'cluster-2', reason: "fresh, quorate, the DC's own view", fresh: true });
    expect(v.hosts.map((h) => h.online)).toEqual([ALL, ALL, ALL]);
  });

  it('a whole read is shown before the DC\'s own peer read (crm_mon only) of the same partition', () => {
    const peer = (s: ClusterSnapshot): ClusterSnapshot => ({ ...s, sources: [...s.sources, { tool: 'cibadmin', ok: false, durationMs: 0, error: NOT_READ_ON_PEER }] });
    const v = mergeView([
      host('cluster-1', snap('cluster-1', { dc: 'cluster-2', online: ALL })),
      host('cluster-2', peer(snap('cluster-2', { dc: 'cluster-2', online: ALL }))),
      host('cluster-3', peer(snap('cluster-3', { dc: 'cluster-2', online: ALL }))),
    ]);
    expect(v.issues).toEqual([]);
    expect(v.primary).toMatchObject({ host: 'cluster-1', reason: 'fresh, quorate' });
    // Peer reads still count in the comparison: a partition is seen from a peer read too.
    const split = mergeView([
      host('cluster-1', snap('cluster-1', { dc: 'cluster-1', online: ['cluster-1'], quorate: false })),
      host('cluster-2', peer(snap('cluster-2', { dc: 'cluster-2', online: ['cluster-2', 'cluster-3'] }))),
      host('cluster-3', peer(snap('cluster-3', { dc: 'cluster-2', online: ['cluster-2', 'cluster-3'] }))),
    ]);
    expect(split.splitView).toBe(true);
    // The whole read is in the minority without quorum: the quorate partition's DC is shown, a peer read.
    expect(split.primary).toMatchObject({ host: 'cluster-2', reason: "fresh, quorate, the DC's own view" });
  });

  it('a network partition: two DCs, different membership and quorum; the quorate DC wins', () => {
    const v = mergeView([
      host('cluster-1', snap('cluster-1', { dc: 'cluster-1', online: ['cluster-1', 'cluster-2'] })),
      host('cluster-2', snap('cluster-2', { dc: 'cluster-1', online: ['cluster-1', 'cluster-2'] })),
      host('cluster-3', snap('cluster-3', { dc: 'cluster-3', online: ['cluster-3'], quorate: false })),
    ]);
    expect(v.splitView).toBe(true);
    expect(v.issues.map((i) => i.kind)).toEqual(['split-dc', 'split-membership', 'split-quorum']);
    expect(v.issues[0]!.message).toBe('hosts report different DCs: cluster-1, cluster-2 see DC cluster-1; cluster-3 sees DC cluster-3');
    expect(v.issues[1]!.message).toBe(
      'hosts see different online members: cluster-1, cluster-2 see [cluster-1, cluster-2]; cluster-3 sees [cluster-3]',
    );
    expect(v.issues[2]!.message).toBe('hosts disagree on quorum: cluster-1, cluster-2 see quorum; cluster-3 sees no quorum');
    expect(v.partitions.map((p) => p.hosts)).toEqual([['cluster-1', 'cluster-2'], ['cluster-3']]);
    expect(v.primary!.host).toBe('cluster-1');
  });

  it('prefers a quorate partition even when the minority host is its own DC and newer', () => {
    const v = mergeView([
      host('cluster-3', snap('cluster-3', { dc: 'cluster-3', online: ['cluster-3'], quorate: false }), { snapshotAt: 5000 }),
      host('cluster-1', snap('cluster-1', { dc: 'cluster-2', online: ['cluster-1', 'cluster-2'] })),
    ]);
    expect(v.primary).toMatchObject({ host: 'cluster-1', reason: 'fresh, quorate' });
  });

  it('membership differs while DC and quorum agree (a node seen offline by one host only)', () => {
    const v = mergeView([
      host('cluster-1', snap('cluster-1', { dc: 'cluster-1', online: ALL })),
      host('cluster-2', snap('cluster-2', { dc: 'cluster-1', online: ['cluster-1', 'cluster-2'] })),
    ]);
    expect(v.issues.map((i) => i.kind)).toEqual(['split-membership']);
    expect(v.splitView).toBe(true);
  });

  it('remote and offline nodes do not count as online members', () => {
    expect(onlineMembers(snap('x', { dc: 'cluster-1', online: ['cluster-2', 'cluster-1'] }))).toEqual(['cluster-1', 'cluster-2']);
  });

  it('a host that cannot reach the cluster (crm_mon exit 102) is reported and not compared', () => {
    const bad = snap('cluster-3', { dc: null, online: [], crmMonOk: false });
    expect(clusterReach(bad)).toEqual({ ok: false, reason: 'crm_mon: exit code 102 (ssh cluster-3): Not connected' });
    const v = mergeView([
      host('cluster-1', snap('cluster-1', { dc: 'cluster-1', online: ALL })),
      host('cluster-3', bad),
    ]);
    expect(v.splitView).toBe(false);
    expect(v.issues).toEqual([
      { kind: 'cluster-unreachable', hosts: ['cluster-3'], message: 'cluster-3 cannot reach the cluster: crm_mon: exit code 102 (ssh cluster-3): Not connected' },
    ]);
    expect(v.hosts[1]).toMatchObject({ reachesCluster: false, dc: null, online: [] });
    expect(v.primary!.host).toBe('cluster-1');
  });

  it('an agent error with exit 102 after the last snapshot marks the host unreachable', () => {
    const v = mergeView([
      host('cluster-1', snap('cluster-1', { dc: 'cluster-1', online: ALL })),
      host('cluster-2', snap('cluster-2', { dc: 'cluster-1', online: ALL }), {
        lastError: { message: 'crm_mon: Not connected', at: 2000, code: 'agent', exitCode: 102 },
      }),
    ]);
    expect(v.hosts[1]).toMatchObject({ reachesCluster: false, unreachableReason: 'crm_mon: Not connected' });
    expect(v.issues.map((i) => i.kind)).toEqual(['cluster-unreachable']);
  });

  it('an older error does not override a newer good snapshot', () => {
    const v = mergeView([
      host('cluster-2', snap('cluster-2', { dc: 'cluster-1', online: ALL }), {
        snapshotAt: 3000,
        lastError: { message: 'old', at: 2000, code: 'agent', exitCode: 102 },
      }),
    ]);
    expect(v.hosts[0]!.reachesCluster).toBe(true);
  });

  it('keeps showing the last snapshot of a down host, and says so', () => {
    const last = snap('cluster-1', { dc: 'cluster-1', online: ALL });
    const v = mergeView([
      host('cluster-1', last, {
        state: 'down',
        snapshotAgeMs: 65_000,
        lastError: { message: 'ssh cluster-1: connection refused by 127.0.0.1:22', at: 3, code: 'connect', exitCode: null },
      }),
      host('cluster-2', null, { lastError: { message: 'ssh cluster-2: timed out', at: 3, code: 'timeout', exitCode: null } }),
    ]);
    expect(v.primary).toMatchObject({ host: 'cluster-1', fresh: false, reason: "stale (65 s old), quorate, the DC's own view" });
    expect(v.primary!.snapshot).toBe(last);
    expect(v.issues).toEqual([
      {
        kind: 'host-down',
        hosts: ['cluster-1'],
        message: 'cluster-1 is down: ssh cluster-1: connection refused by 127.0.0.1:22; showing its snapshot from 65 s ago',
      },
      { kind: 'host-down', hosts: ['cluster-2'], message: 'cluster-2 is down: ssh cluster-2: timed out; no snapshot yet' },
      {
        kind: 'no-fresh-host',
        hosts: ['cluster-1', 'cluster-2'],
        message: "no host has a fresh view of the cluster; showing cluster-1's (stale (65 s old), quorate, the DC's own view)",
      },
    ]);
  });

  it('stale hosts are not compared, and are reported', () => {
    const v = mergeView([
      host('cluster-1', snap('cluster-1', { dc: 'cluster-1', online: ALL })),
      host('cluster-3', snap('cluster-3', { dc: 'cluster-3', online: ['cluster-3'] }), { state: 'stale', lastSeenAgeMs: 90_000, snapshotAgeMs: 90_000 }),
    ]);
    expect(v.splitView).toBe(false);
    expect(v.issues).toEqual([{ kind: 'host-stale', hosts: ['cluster-3'], message: 'no news from cluster-3 for 90 s; its snapshot is 90 s old' }]);
  });

  it('freshMs demotes a live host whose last sign of life is too old', () => {
    const v = mergeView([host('cluster-1', snap('cluster-1', { dc: 'cluster-1', online: ALL }), { lastSeenAgeMs: 10_000 })], { freshMs: 5000 });
    expect(v.hosts[0]!.fresh).toBe(false);
    expect(v.issues.map((i) => i.kind)).toEqual(['host-stale', 'no-fresh-host']);
  });

  it('no hosts, or none with a snapshot', () => {
    expect(mergeView([])).toEqual({ primary: null, hosts: [], partitions: [], splitView: false, issues: [] });
    const v = mergeView([host('a', null, { state: 'connecting' })]);
    expect(v.primary).toBeNull();
    expect(v.issues).toEqual([{ kind: 'no-fresh-host', hosts: ['a'], message: 'no host has answered with the cluster state' }]);
  });
});
