/**
 * Snapshots for the console's tests: real ones (crm_mon captures in test/fixtures/tui plus the
 * corpus CIBs they came from, through buildSnapshot) and small hand-built ones for edge cases.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSnapshot, captured } from '../../../src/agent/snapshot.js';
import type {
  ClusterNode,
  ClusterSnapshot,
  FailedAction,
  FenceEvent,
  LocationConstraint,
  PrimitiveConfig,
  ResourceInstance,
} from '../../../src/model/snapshot.js';
import { SNAPSHOT_SCHEMA } from '../../../src/model/snapshot.js';
import type { ClusterView } from '../../../src/tui/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const NOW = Date.parse('2024-05-01T12:00:00Z');

/** A real snapshot: crm_mon capture + the CIB it was taken from. */
export function realSnapshot(name: 'cts-cli-crm_mon' | 'bundle-order-stop-clone' | 'cloned-group-stop' | 'bundle-order-fencing'): ClusterSnapshot {
  const cibPath: Record<typeof name, string> = {
    'bundle-order-fencing': 'scheduler/bundle-order-fencing.xml',
    'cts-cli-crm_mon': 'cli/crm_mon.xml',
    'bundle-order-stop-clone': 'scheduler/bundle-order-stop-clone.xml',
    'cloned-group-stop': 'scheduler/cloned-group-stop.xml',
  };
  const mon = readFileSync(path.resolve(here, `../../fixtures/tui/${name}.crm_mon.xml`), 'utf8');
  const cib = readFileSync(path.resolve(here, '../../../../shared/corpus/pacemaker-cts', cibPath[name]), 'utf8');
  return buildSnapshot({ crmMon: captured('crm_mon', mon), cib: captured('cibadmin', cib) }, { now: new Date(NOW), source: 'cluster01' });
}

export function node(name: string, over: Partial<ClusterNode> = {}): ClusterNode {
  return {
    name,
    id: name.replace(/\D/g, '') || name,
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

export function inst(id: string, over: Partial<ResourceInstance> = {}): ResourceInstance {
  return {
    id,
    agent: 'ocf:heartbeat:Dummy',
    role: 'Started',
    targetRole: null,
    nodes: [],
    active: true,
    failed: false,
    managed: true,
    blocked: false,
    orphaned: false,
    failureIgnored: false,
    parent: null,
    pending: null,
    ...over,
  };
}

export function prim(id: string, over: Partial<PrimitiveConfig> = {}): PrimitiveConfig {
  return { kind: 'primitive', id, agent: { class: 'ocf', provider: 'heartbeat', type: 'Dummy' }, params: {}, meta: {}, ops: [], ...over };
}

export function loc(id: string, over: Partial<LocationConstraint> = {}): LocationConstraint {
  return {
    id,
    resource: null,
    resourcePattern: null,
    node: null,
    score: null,
    role: null,
    hasRules: false,
    isCliPrefer: false,
    isCliBan: false,
    expires: null,
    expired: false,
    ...over,
  };
}

export function emptySnapshot(over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    schema: SNAPSHOT_SCHEMA,
    takenAt: new Date(NOW).toISOString(),
    source: 'cluster-1',
    cluster: {
      name: 'sandbox',
      stack: 'corosync',
      dc: 'cluster-1',
      dcPresent: true,
      quorate: true,
      partition: 'partition with quorum',
      pacemakerVersion: '2.1.5',
      mixedVersion: false,
      apiVersion: '2.25',
      format: 'pacemaker-result',
      lastUpdate: null,
      lastChange: null,
      lastChangeBy: null,
      options: { 'stonith-enabled': 'true' },
      counts: { nodes: 0, resources: 0, disabled: 0, blocked: 0 },
      cibVersion: null,
    },
    nodes: [],
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
    sources: [{ tool: 'crm_mon', ok: true, durationMs: 5 }],
    warnings: [],
    ...over,
  };
}

export function failure(resource: string, nodeName: string, over: Partial<FailedAction> = {}): FailedAction {
  return {
    opKey: `${resource}_monitor_10000`,
    resource,
    node: nodeName,
    task: 'monitor',
    interval: '10000',
    exitStatus: 'not running',
    exitCode: 7,
    exitReason: null,
    call: '12',
    status: 'complete',
    lastRcChange: '2024-05-01T11:50:00Z',
    ...over,
  };
}

export function fenceEvent(target: string, over: Partial<FenceEvent> = {}): FenceEvent {
  return { target, action: 'reboot', status: 'success', delegate: 'cluster-1', client: 'pacemaker-controld', origin: 'cluster-1', completed: '2024-05-01T11:00:00Z', exitReason: null, ...over };
}

/**
 * A sandbox-like cluster: three members, a remote and a guest node, a primitive, a group, a
 * promotable clone, a bundle, failures, fencing history and leftover move/ban constraints.
 */
export function sandboxSnapshot(over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return emptySnapshot({
    nodes: [
      node('cluster-1', { id: '1', isDc: true, resourcesRunning: 4 }),
      node('cluster-2', { id: '2', resourcesRunning: 3 }),
      node('cluster-3', { id: '3', standby: true }),
      node('remote-1', { id: 'remote-1', type: 'remote', connection: 'remote-1' }),
      node('guest-1', { id: 'guest-1', type: 'guest', host: 'cluster-2', container: 'vm-guest-1', connection: 'guest-1' }),
    ],
    resources: [
      prim('fence-ipmi', { agent: { class: 'stonith', provider: null, type: 'fence_ipmilan' } }),
      prim('dregistry', { params: { image: 'registry:2' }, meta: { 'resource-stickiness': '100' }, ops: [{ id: 'op1', name: 'monitor', interval: '10s', timeout: '20s', role: null, attrs: {} }] }),
      { kind: 'group', id: 'web', meta: {}, children: [prim('web-ip'), prim('web-srv')] },
      { kind: 'clone', id: 'db-clone', promotable: true, unique: false, meta: {}, child: prim('db') },
      {
        kind: 'bundle',
        id: 'httpd-bundle',
        containerType: 'podman',
        image: 'localhost/httpd:latest',
        replicasConfigured: 2,
        meta: {},
        primitive: prim('httpd'),
        replicas: [
          { index: '0', ip: 'httpd-bundle-ip-198.51.100.10', container: 'httpd-bundle-podman-0', remote: 'httpd-bundle-0', child: 'httpd', node: 'cluster-1', guestNode: 'httpd-bundle-0' },
          { index: '1', ip: 'httpd-bundle-ip-198.51.100.11', container: 'httpd-bundle-podman-1', remote: 'httpd-bundle-1', child: 'httpd', node: null, guestNode: 'httpd-bundle-1' },
        ],
      },
    ],
    instances: [
      inst('fence-ipmi', { agent: 'stonith:fence_ipmilan', nodes: ['cluster-1'] }),
      inst('dregistry', { agent: 'ocf:heartbeat:podman', nodes: ['cluster-1'] }),
      inst('web-ip', { agent: 'ocf:heartbeat:IPaddr2', nodes: ['cluster-2'], parent: 'web' }),
      inst('web-srv', { nodes: [], role: 'Stopped', active: false, failed: false, parent: 'web' }),
      inst('db', { agent: 'ocf:pacemaker:Stateful', role: 'Promoted', nodes: ['cluster-1'], parent: 'db-clone' }),
      inst('db', { agent: 'ocf:pacemaker:Stateful', role: 'Unpromoted', nodes: ['cluster-2'], parent: 'db-clone' }),
      inst('db', { agent: 'ocf:pacemaker:Stateful', role: 'Stopped', nodes: [], active: false, parent: 'db-clone' }),
      inst('httpd-bundle-ip-198.51.100.10', { agent: 'ocf:heartbeat:IPaddr2', nodes: ['cluster-1'], parent: 'httpd-bundle' }),
      inst('httpd', { agent: 'ocf:heartbeat:apache', nodes: ['httpd-bundle-0'], parent: 'httpd-bundle' }),
      inst('httpd-bundle-podman-0', { agent: 'ocf:heartbeat:podman', nodes: ['cluster-1'], parent: 'httpd-bundle' }),
      inst('httpd-bundle-0', { agent: 'ocf:pacemaker:remote', nodes: ['cluster-1'], parent: 'httpd-bundle' }),
      inst('httpd-bundle-ip-198.51.100.11', { agent: 'ocf:heartbeat:IPaddr2', role: 'Stopped', active: false, parent: 'httpd-bundle' }),
      inst('httpd', { agent: 'ocf:heartbeat:apache', role: 'Stopped', active: false, parent: 'httpd-bundle' }),
      inst('httpd-bundle-podman-1', { agent: 'ocf:heartbeat:podman', role: 'Stopped', active: false, parent: 'httpd-bundle' }),
      inst('httpd-bundle-1', { agent: 'ocf:pacemaker:remote', role: 'Stopped', active: false, parent: 'httpd-bundle' }),
    ],
    failures: [failure('web-srv', 'cluster-2', { exitReason: 'config file missing', exitStatus: 'not installed', exitCode: 5, opKey: 'web-srv_start_0', task: 'start', interval: '0' })],
    failcounts: [{ resource: 'web-srv', node: 'cluster-2', count: Number.MAX_SAFE_INTEGER, migrationThreshold: 3, lastFailure: '2024-05-01T11:50:00Z', operations: [] }],
    fencing: [fenceEvent('cluster-3'), fenceEvent('cluster-2', { status: 'pending', completed: null })],
    nodeAttributes: { 'cluster-1': { 'master-db': '10' } },
    constraints: {
      location: [
        loc('loc-dregistry', { resource: 'dregistry', node: 'cluster-3', score: '50' }),
        loc('cli-prefer-dregistry', { resource: 'dregistry', node: 'cluster-1', score: 'INFINITY', isCliPrefer: true }),
        loc('cli-ban-web-on-cluster-3', { resource: 'web', node: 'cluster-3', score: '-INFINITY', isCliBan: true, expires: '2024-05-01T10:00:00Z', expired: true }),
      ],
      order: [{ id: 'ord-1', first: 'dregistry', then: 'web', kind: 'Mandatory', score: null, firstAction: 'start', thenAction: 'start' }],
      colocation: [{ id: 'col-1', rsc: 'web', withRsc: 'dregistry', score: 'INFINITY', rscRole: null, withRscRole: null }],
      sets: {},
    },
    corosync: {
      clusterName: 'sandbox',
      transport: 'knet',
      members: [
        { nodeId: '1', name: 'cluster-1', addresses: ['127.0.0.11'], status: 'joined', votes: 1, local: true },
        { nodeId: '2', name: 'cluster-2', addresses: ['127.0.0.12'], status: 'joined', votes: 1, local: false },
        { nodeId: '3', name: 'cluster-3', addresses: ['127.0.0.13'], status: 'joined', votes: 1, local: false },
      ],
      quorum: { quorate: true, expectedVotes: 3, highestExpected: 3, totalVotes: 3, quorum: 2, flags: ['Quorate'], ringId: '1.10', nodeId: '1' },
      links: [
        { linkId: '0', nodeId: '2', address: '127.0.0.12', status: 'connected', connected: true },
        { linkId: '0', nodeId: '3', address: '127.0.0.13', status: 'disconnected', connected: false },
        { linkId: '0', nodeId: null, address: '127.0.0.11', status: 'connected', connected: true },
      ],
    },
    ...over,
  });
}

export function viewOf(snapshot: ClusterSnapshot | null, over: Partial<ClusterView> = {}): ClusterView {
  return {
    context: null,
    hosts: [
      { name: 'cluster-1', state: 'live', snapshotAt: NOW - 1000, lastError: null, mode: 'agent' },
      { name: 'cluster-2', state: 'live', snapshotAt: NOW - 2000, lastError: null, mode: 'agent' },
      { name: 'cluster-3', state: 'stale', snapshotAt: NOW - 42_000, lastError: 'connection refused', mode: 'agent' },
    ],
    snapshot,
    disagreements: [],
    ...over,
  };
}

/**
 * A generated large cluster: 32 members, `guests` guest/remote nodes and about `instances`
 * resource instances (primitives, groups, clones and bundles), for timing the view-models.
 */
export function largeSnapshot(instances = 5000, members = 32, guests = 100): ClusterSnapshot {
  const nodes: ClusterNode[] = [];
  for (let i = 1; i <= members; i++) nodes.push(node(`node-${i}`, { id: String(i), isDc: i === 1 }));
  for (let i = 1; i <= guests; i++) {
    const remote = i % 2 === 0;
    nodes.push(node(`${remote ? 'remote' : 'guest'}-${i}`, { id: `g${i}`, type: remote ? 'remote' : 'guest', host: remote ? null : `node-${(i % members) + 1}` }));
  }
  const snap = emptySnapshot({ nodes });
  let n = 0;
  let k = 0;
  const at = (i: number) => nodes[i % nodes.length].name;
  while (n < instances) {
    k++;
    const kind = k % 10;
    if (kind < 6) {
      snap.resources.push(prim(`rsc-${k}`));
      snap.instances.push(inst(`rsc-${k}`, { nodes: [at(k)], failed: k % 97 === 0 }));
      n += 1;
    } else if (kind < 8) {
      const kids = [prim(`grp-${k}-a`), prim(`grp-${k}-b`), prim(`grp-${k}-c`)];
      snap.resources.push({ kind: 'group', id: `grp-${k}`, meta: {}, children: kids });
      for (const c of kids) snap.instances.push(inst(c.id, { nodes: [at(k)], parent: `grp-${k}` }));
      n += 3;
    } else if (kind < 9) {
      snap.resources.push({ kind: 'clone', id: `cl-${k}-clone`, promotable: k % 3 === 0, unique: false, meta: {}, child: prim(`cl-${k}`) });
      for (let m = 0; m < members; m++) {
        snap.instances.push(inst(`cl-${k}`, { nodes: [nodes[m].name], parent: `cl-${k}-clone`, role: k % 3 === 0 && m === 0 ? 'Promoted' : k % 3 === 0 ? 'Unpromoted' : 'Started' }));
      }
      n += members;
    } else {
      const reps = [0, 1, 2].map((r) => ({
        index: String(r),
        ip: `b-${k}-ip-198.51.100.${r + 1}`,
        container: `b-${k}-podman-${r}`,
        remote: `b-${k}-${r}`,
        child: `app-${k}`,
        node: at(k + r),
        guestNode: `b-${k}-${r}`,
      }));
      snap.resources.push({ kind: 'bundle', id: `b-${k}`, containerType: 'podman', image: 'img', replicasConfigured: 3, meta: {}, primitive: prim(`app-${k}`), replicas: reps });
      for (const r of reps) {
        snap.instances.push(inst(r.ip, { nodes: [r.node], parent: `b-${k}` }));
        snap.instances.push(inst(`app-${k}`, { nodes: [r.guestNode], parent: `b-${k}` }));
        snap.instances.push(inst(r.container, { nodes: [r.node], parent: `b-${k}` }));
        snap.instances.push(inst(r.remote, { nodes: [r.node], parent: `b-${k}` }));
      }
      n += 12;
    }
  }
  return snap;
}

/**
 * Control characters a hostile or broken cluster string may carry: an OSC title change ended by
 * BEL, a C1 CSI (U+009B) clear-screen, and a right-to-left override that reorders what follows.
 */
export const HOSTILE = '\u001b]0;pwned\u0007\u009b2J\u202e';
/** How visible() shows HOSTILE. */
export const HOSTILE_SHOWN = '^[]0;pwned^GM-^[2J<U+202E>';
/** The cts-cli cluster's second node, renamed to carry HOSTILE everywhere the cluster names it. */
export const HOSTILE_NODE = `cluster02${HOSTILE}`;

/**
 * The real cts-cli snapshot (crm_mon capture + corpus CIB through buildSnapshot) with HOSTILE in
 * its cluster strings: a node name (everywhere), a resource parameter value, a node attribute
 * value, and a failed start (on the renamed node) whose exit reason carries it, plus a fencing
 * event.
 */
export function hostileSnapshot(): ClusterSnapshot {
  const real = realSnapshot('cts-cli-crm_mon');
  const s = JSON.parse(JSON.stringify(real), (_k, v: unknown) => (v === 'cluster02' ? HOSTILE_NODE : v)) as ClusterSnapshot;
  const dummy = s.resources.find((r) => r.id === 'dummy');
  if (!dummy || dummy.kind !== 'primitive') throw new Error('cts-cli snapshot: no primitive "dummy"');
  dummy.params = { ...dummy.params, description: `db ${HOSTILE} primary` };
  s.nodeAttributes[HOSTILE_NODE] = { ...(s.nodeAttributes[HOSTILE_NODE] ?? {}), rack: `r1${HOSTILE}` };
  s.failures.push(failure('dummy', HOSTILE_NODE, { exitReason: `bad config${HOSTILE}`, exitStatus: 'not installed', exitCode: 5, opKey: 'dummy_start_0', task: 'start', interval: '0' }));
  s.fencing.push(fenceEvent(HOSTILE_NODE, { exitReason: `timeout${HOSTILE}`, status: 'failed', delegate: HOSTILE_NODE }));
  return s;
}
