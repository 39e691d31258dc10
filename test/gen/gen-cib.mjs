#!/usr/bin/env node
// Deterministic generator of large, realistic Pacemaker CIBs (configuration + status) for
// benchmarks and tests. The result reads as a running cluster: every member is online, remote,
// guest and bundle nodes are up, resources carry executor history (start + recurring monitor)
// with the operation digests Pacemaker 2.1.5 computes, and a few failures, fail counts,
// disabled resources and command-line constraints are mixed in.
//
//   node test/gen/gen-cib.mjs [--preset big|tui|small] [--members N] [--remotes N] ... > cib.xml
//   import { generateCib } from './gen-cib.mjs'; generateCib({ members: 4, seed: 1 })
//
// Plain Node ESM, no dependencies. Addresses come from 127.0.0.0/8 only.

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Feature set and schema of the Pacemaker release the files are written for (2.1.5). */
const FEATURE_SET = '3.16.1';
const SCHEMA = 'pacemaker-3.9';
const DC_VERSION = '2.1.5-a3f44794f94';
const REMOTE_PORT = '3121';

/** Named size presets. `big` is the default used by the benchmark. */
export const PRESETS = {
  big: {
    members: 32, remotes: 50, guests: 50, bundles: 50, replicas: 20, primitives: 2000,
    groups: 200, groupSize: 4, clones: 30, failures: 60, stopped: 40, probes: 1, moves: 1,
    startupProbes: false,
  },
  tui: {
    members: 32, remotes: 50, guests: 50, bundles: 30, replicas: 20, primitives: 1400,
    groups: 120, groupSize: 4, clones: 15, failures: 30, stopped: 20, probes: 0, moves: 0.5,
    startupProbes: false,
  },
  small: {
    members: 4, remotes: 2, guests: 2, bundles: 2, replicas: 3, primitives: 30,
    groups: 3, groupSize: 3, clones: 3, failures: 4, stopped: 2, probes: 1, moves: 1,
    startupProbes: true,
  },
};

// About startupProbes: the history holds probe results only where `probes` puts them, so with
// startup probes on, the scheduler would want a probe for every resource on every node lacking
// one (about a million for the big preset, which keeps crm_verify busy for hours). The large
// presets therefore set enable-startup-probes=false; crm_mon does not schedule and is unaffected.
const DEFAULTS = {
  ...PRESETS.big,
  seed: 1,
  // Fixed reference time (2024-06-10T06:13:20Z) so output never depends on the clock.
  now: 1718000000,
  clusterName: 'bench-cluster',
};

// ---------------------------------------------------------------------------------------------
// Small helpers

/** mulberry32: tiny, fast, deterministic 32-bit PRNG. */
function makeRng(seed) {
  let a = (Number(seed) >>> 0) || 0x9e3779b9;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    hex: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += Math.floor(next() * 16).toString(16);
      return s;
    },
  };
}

const XML_ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const esc = (v) => String(v).replace(/[&<>"]/g, (c) => XML_ESC[c]);
const pad = (n, width) => String(n).padStart(width, '0');
const width = (count) => Math.max(2, String(count).length);

/** "10s" / "1min" / "20" -> milliseconds (the subset of Pacemaker interval syntax used here). */
function toMs(spec) {
  const m = /^(\d+)(ms|s|m|min|h)?$/.exec(String(spec));
  if (!m) throw new Error(`unsupported interval ${spec}`);
  const n = Number(m[1]);
  switch (m[2]) {
    case 'ms': return n;
    case 'm': case 'min': return n * 60_000;
    case 'h': return n * 3_600_000;
    default: return n * 1000;
  }
}

/**
 * Operation digest as Pacemaker computes it (lib/pengine/pe_digest.c + lib/common/digest.c):
 * md5 of " <parameters a="1" b="2"/>\n" with the resource parameters sorted by name; recurring
 * operations also carry CRM_meta_timeout (milliseconds).
 */
function opDigest(params, intervalMs, timeoutMs) {
  const all = params.slice();
  if (intervalMs > 0) all.push(['CRM_meta_timeout', String(timeoutMs)]);
  all.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let s = ' <parameters';
  for (const [k, v] of all) s += ` ${k}="${esc(v)}"`;
  s += '/>\n';
  return createHash('md5').update(s).digest('hex');
}

/** An address in 127.0.0.0/8: 127.<a>.<b>.<c> built from a block number and an index. */
function loopback(block, index) {
  return `127.${block}.${(index >> 8) & 255}.${index & 255}`;
}

// ---------------------------------------------------------------------------------------------
// Resource model (configuration side)

/**
 * @typedef {{ name: string, interval: string, timeout?: string, role?: string }} OpDef
 * @typedef {{ id: string, cls: string, provider?: string, type: string,
 *   params: [string, string][], meta: [string, string][], ops: OpDef[],
 *   container?: string }} Prim
 */

function prim(id, cls, provider, type, params = [], ops = [], meta = []) {
  return { id, cls, provider, type, params, meta, ops };
}

function nvset(tag, id, pairs, ind) {
  if (pairs.length === 0) return '';
  let s = `${ind}<${tag} id="${esc(id)}">\n`;
  for (const [k, v] of pairs) {
    s += `${ind}  <nvpair id="${esc(`${id}-${k}`)}" name="${esc(k)}" value="${esc(v)}"/>\n`;
  }
  return `${s}${ind}</${tag}>\n`;
}

function primitiveXml(p, ind) {
  let s = `${ind}<primitive id="${esc(p.id)}" class="${p.cls}"`;
  if (p.provider) s += ` provider="${p.provider}"`;
  s += ` type="${esc(p.type)}">\n`;
  s += nvset('instance_attributes', `${p.id}-instance_attributes`, p.params, `${ind}  `);
  s += nvset('meta_attributes', `${p.id}-meta_attributes`, p.meta, `${ind}  `);
  if (p.ops.length) {
    s += `${ind}  <operations>\n`;
    for (const o of p.ops) {
      const rolePart = o.role ? `-role-${o.role.toLowerCase()}` : '';
      s += `${ind}    <op id="${esc(`${p.id}-${o.name}-interval-${o.interval}${rolePart}`)}" name="${o.name}" interval="${o.interval}"`;
      if (o.timeout) s += ` timeout="${o.timeout}"`;
      if (o.role) s += ` role="${o.role}"`;
      s += '/>\n';
    }
    s += `${ind}  </operations>\n`;
  }
  return `${s}${ind}</primitive>\n`;
}

const dummyOps = () => [
  { name: 'monitor', interval: '10s', timeout: '20s' },
  { name: 'start', interval: '0s', timeout: '20s' },
  { name: 'stop', interval: '0s', timeout: '20s' },
];

// ---------------------------------------------------------------------------------------------
// Status side: executor history per node

/**
 * One recorded operation. Call ids are given per node when the file is written, in `seq` order,
 * so an operation can be placed before others after the fact (a failure that was recovered).
 * @typedef {{ seq: number, kind: string, when: number, head: string, tail: string }} Op
 */

class NodeHistory {
  constructor(name, kind, id) {
    this.name = name;
    this.kind = kind; // member | remote | guest | bundle
    this.id = id;
    /** @type {Map<string, { rsc: Prim, ops: Op[] }>} */
    this.rscs = new Map();
    /** @type {[string, string][]} */
    this.attrs = [];
    /** name of the member that hosts the connection (remote/guest/bundle nodes) */
    this.host = null;
  }
}

export function generateCib(options = {}) {
  const preset = options.preset ? PRESETS[options.preset] : undefined;
  if (options.preset && !preset) throw new Error(`unknown preset ${options.preset}`);
  const o = { ...DEFAULTS, ...(preset ?? {}), ...stripUndefined(options) };
  for (const k of ['members', 'remotes', 'guests', 'bundles', 'replicas', 'primitives', 'groups',
    'groupSize', 'clones', 'failures', 'stopped', 'probes']) {
    o[k] = Math.max(0, Math.floor(Number(o[k]) || 0));
  }
  o.moves = Math.max(0, Number(o.moves) || 0);
  o.startupProbes = !(o.startupProbes === false || o.startupProbes === 'false');
  if (o.members < 1) throw new Error('at least one member node is needed');
  if (o.replicas > 254) throw new Error('at most 254 replicas per bundle');
  const rng = makeRng(o.seed);
  const now = Number(o.now);
  const dcUuid = `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12)}`;

  // ----- nodes -----
  const members = [];
  const wm = width(o.members);
  for (let i = 1; i <= o.members; i++) {
    const n = new NodeHistory(`node-${pad(i, wm)}`, 'member', String(i));
    n.attrs.push(['#feature-set', FEATURE_SET]);
    members.push(n);
  }
  const remotes = [];
  const wr = width(o.remotes);
  for (let i = 1; i <= o.remotes; i++) {
    const n = new NodeHistory(`remote-${pad(i, wr)}`, 'remote', `remote-${pad(i, wr)}`);
    n.host = members[(i - 1) % members.length];
    remotes.push(n);
  }
  const guests = [];
  const wg = width(o.guests);
  for (let i = 1; i <= o.guests; i++) {
    const n = new NodeHistory(`guest-${pad(i, wg)}`, 'guest', `guest-${pad(i, wg)}`);
    n.host = members[(i * 7 + 3) % members.length];
    guests.push(n);
  }
  const dc = members[rng.int(0, members.length - 1)];

  // Nodes that run ordinary resources: mostly members, some remote and guest nodes.
  const runnable = [...members, ...members, ...members, ...remotes, ...guests];

  // ----- history writers -----
  let transition = rng.int(20, 80);
  let actionNo = 1;
  const tkey = (target) => {
    if (rng.chance(0.05)) transition++;
    return `${actionNo++}:${transition}:${target}:${dcUuid}`;
  };

  /**
   * Record one operation result in the node's executor history.
   * kind: last (id <rsc>_last_0), recurring (<rsc>_<task>_<ms>), failure (<rsc>_last_failure_0)
   */
  let seqNo = 0;
  function record(node, rsc, { task, intervalMs = 0, rc = 0, target = 0, status = 0, kind, when,
    exitReason = '', execTime, timeoutMs = 20000, seq }) {
    let entry = node.rscs.get(rsc.id);
    if (!entry) {
      entry = { rsc, ops: [] };
      node.rscs.set(rsc.id, entry);
    }
    const key = `${rsc.id}_${task}_${intervalMs}`;
    const id = kind === 'last' ? `${rsc.id}_last_0`
      : kind === 'failure' ? `${rsc.id}_last_failure_0` : key;
    const tk = tkey(target);
    const onNode = node.host ? node.host.name : node.name;
    const digest = opDigest(rsc.params, intervalMs, timeoutMs);
    const exec = execTime ?? (task === 'monitor' && intervalMs === 0 ? rng.int(5, 60) : rng.int(10, 2500));
    // The executor of a remote/guest/bundle node is that node's own, so call ids are per node.
    const op = {
      seq: seq ?? ++seqNo,
      kind,
      when,
      head: `<lrm_rsc_op id="${esc(id)}" operation_key="${esc(key)}" operation="${task}" crm-debug-origin="do_update_resource" crm_feature_set="${FEATURE_SET}" transition-key="${tk}" transition-magic="${status}:${rc};${tk}" exit-reason="${esc(exitReason)}" on_node="${onNode}" call-id="`,
      tail: `" rc-code="${rc}" op-status="${status}" interval="${intervalMs}" last-rc-change="${when}" exec-time="${exec}" queue-time="0" op-digest="${digest}"/>`,
    };
    entry.ops.push(op);
    return op;
  }

  const ago = (maxDays = 30) => now - rng.int(600, maxDays * 86400);

  /** Monitor definitions that apply to a role (plain resources: the op without a role). */
  function monitorsFor(rsc, role) {
    return rsc.ops.filter((op) => op.name === 'monitor' && toMs(op.interval) > 0
      && (op.role ? op.role === role : role !== 'Promoted' || !rsc.ops.some((x) => x.role)));
  }

  /** History of a resource started (and optionally promoted) on a node. */
  function started(node, rsc, { promoted = false, when = ago() } = {}) {
    record(node, rsc, { task: promoted ? 'promote' : 'start', kind: 'last', when });
    const role = promoted ? 'Promoted' : (rsc.ops.some((x) => x.role) ? 'Unpromoted' : undefined);
    for (const op of monitorsFor(rsc, role)) {
      const ms = toMs(op.interval);
      record(node, rsc, {
        task: 'monitor', intervalMs: ms, rc: promoted ? 8 : 0, target: promoted ? 8 : 0,
        kind: 'recurring', when: when + rng.int(1, 3), timeoutMs: toMs(op.timeout ?? '20s'),
      });
    }
  }

  /** Probe result "not running" (what every node records for resources it does not run). */
  function probed(node, rsc) {
    if (node.rscs.has(rsc.id)) return;
    record(node, rsc, { task: 'monitor', rc: 7, target: 7, kind: 'last', when: ago(60) });
  }

  /** History of a resource that ran on a node and was stopped. */
  function stoppedOn(node, rsc, when = ago(10)) {
    record(node, rsc, { task: 'stop', kind: 'last', when });
  }

  /** Earlier homes of a resource: it ran there and was stopped (moves, failovers). */
  function previousNodes(pool, current) {
    const whole = Math.floor(o.moves);
    const count = whole + (rng.chance(o.moves - whole) ? 1 : 0);
    const found = [];
    for (let t = 0; found.length < count && t < count * 4; t++) {
      const n = rng.pick(pool);
      if (n !== current && !found.includes(n)) found.push(n);
    }
    return found;
  }
  // Older than every current start (those are at most 30 days old).
  const movedAt = () => now - rng.int(40 * 86400, 90 * 86400);

  const setAttr = (node, name, value) => node.attrs.push([name, String(value)]);

  // ----- configuration pieces -----
  const resXml = [];
  const constraints = [];
  const fencingLevels = [];
  /** resources that receive extra probes on members (ordinary resources only) */
  const probeable = [];
  /** [node, rsc] candidates for injected failures */
  const failCandidates = [];

  // Fencing: one IPMI device per member, kept off the node it fences.
  members.forEach((m, i) => {
    const id = `fence-${m.name}`;
    const p = prim(id, 'stonith', undefined, 'fence_ipmilan', [
      ['ip', '127.0.0.1'], ['ipport', String(6230 + i)], ['lanplus', '1'],
      ['password', 'bench-pw'], ['pcmk_host_list', m.name], ['username', 'admin'],
    ], [{ name: 'monitor', interval: '60s' }]);
    resXml.push(primitiveXml(p, '      '));
    const runner = members.length > 1 ? members[(i + 1) % members.length] : m;
    started(runner, p);
    constraints.push(`      <rsc_location id="location-${id}-avoid-${m.name}" rsc="${id}" node="${m.name}" score="-INFINITY"/>`);
    fencingLevels.push(`      <fencing-level id="fl-${m.name}-1" target="${m.name}" index="1" devices="${id}"/>`);
  });

  // Remote nodes: ocf:pacemaker:remote connections running on members.
  remotes.forEach((r, i) => {
    const p = prim(r.name, 'ocf', 'pacemaker', 'remote', [
      ['reconnect_interval', '60s'], ['server', loopback(1, i + 1)],
    ], [
      { name: 'migrate_from', interval: '0s', timeout: '60s' },
      { name: 'migrate_to', interval: '0s', timeout: '60s' },
      { name: 'monitor', interval: '30s', timeout: '30s' },
      { name: 'reload', interval: '0s', timeout: '60s' },
      { name: 'start', interval: '0s', timeout: '60s' },
      { name: 'stop', interval: '0s', timeout: '60s' },
    ]);
    resXml.push(primitiveXml(p, '      '));
    started(r.host, p);
  });

  // Guest nodes: VirtualDomain containers with meta remote-node, plus the implicit connection.
  guests.forEach((g, i) => {
    const addr = loopback(3, i + 1);
    const p = prim(`vm-${g.name}`, 'ocf', 'heartbeat', 'VirtualDomain', [
      ['config', `/etc/libvirt/qemu/${g.name}.xml`], ['hypervisor', 'qemu:///system'],
      ['migration_transport', 'ssh'],
    ], [
      { name: 'migrate_from', interval: '0s', timeout: '60s' },
      { name: 'migrate_to', interval: '0s', timeout: '120s' },
      { name: 'monitor', interval: '10s', timeout: '30s' },
      { name: 'start', interval: '0s', timeout: '90s' },
      { name: 'stop', interval: '0s', timeout: '90s' },
    ], [['remote-node', g.name], ['remote-addr', addr]]);
    resXml.push(primitiveXml(p, '      '));
    started(g.host, p);
    const conn = prim(g.name, 'ocf', 'pacemaker', 'remote', [['addr', addr]],
      [{ name: 'monitor', interval: '30s', timeout: '30s' }]);
    conn.container = p.id;
    started(g.host, conn);
  });

  // Ordinary primitives, a mix of common agents.
  const wp = width(o.primitives);
  const prims = [];
  const stoppedSet = new Set();
  const stoppedEvery = o.stopped > 0 ? Math.max(1, Math.floor(o.primitives / o.stopped)) : 0;
  for (let i = 1; i <= o.primitives; i++) {
    const kind = i % 10;
    let p;
    if (kind < 5) {
      p = prim(`dummy-${pad(i, wp)}`, 'ocf', 'pacemaker', 'Dummy', [], dummyOps());
    } else if (kind < 7) {
      p = prim(`vip-${pad(i, wp)}`, 'ocf', 'heartbeat', 'IPaddr2', [
        ['cidr_netmask', '32'], ['ip', loopback(4, i)],
      ], [
        { name: 'monitor', interval: '10s', timeout: '20s' },
        { name: 'start', interval: '0s', timeout: '20s' },
        { name: 'stop', interval: '0s', timeout: '20s' },
      ]);
    } else if (kind < 9) {
      p = prim(`svc-${pad(i, wp)}`, 'systemd', undefined, `app-${pad(i, wp)}`, [], [
        { name: 'monitor', interval: '60s', timeout: '100s' },
        { name: 'start', interval: '0s', timeout: '100s' },
        { name: 'stop', interval: '0s', timeout: '100s' },
      ]);
    } else {
      p = prim(`fs-${pad(i, wp)}`, 'ocf', 'heartbeat', 'Filesystem', [
        ['device', `/dev/disk/by-label/data-${pad(i, wp)}`], ['directory', `/srv/data-${pad(i, wp)}`],
        ['fstype', 'xfs'],
      ], [
        { name: 'monitor', interval: '20s', timeout: '40s' },
        { name: 'start', interval: '0s', timeout: '60s' },
        { name: 'stop', interval: '0s', timeout: '60s' },
      ]);
    }
    const disabled = stoppedEvery > 0 && i % stoppedEvery === 0 && stoppedSet.size < o.stopped;
    if (disabled) {
      p.meta.push(['target-role', 'Stopped']);
      stoppedSet.add(p.id);
    }
    prims.push(p);
  }

  // Place primitives; pairs next to each other sometimes get colocation + order constraints.
  let prevNode = null;
  /** where each primitive runs now (or last ran, if disabled) */
  const placedOn = new Map();
  prims.forEach((p, idx) => {
    const pairWithPrev = idx % 2 === 1 && rng.chance(0.1) && !stoppedSet.has(p.id)
      && !stoppedSet.has(prims[idx - 1].id) && prevNode;
    const node = pairWithPrev ? prevNode : rng.pick(runnable);
    placedOn.set(p.id, node);
    if (stoppedSet.has(p.id)) {
      stoppedOn(node, p);
    } else {
      started(node, p);
      for (const prev of previousNodes(runnable, node)) stoppedOn(prev, p, movedAt());
      failCandidates.push([node, p]);
      probeable.push([node, p]);
      if (pairWithPrev) {
        const a = p.id;
        const b = prims[idx - 1].id;
        constraints.push(`      <rsc_colocation id="colocation-${a}-${b}-INFINITY" rsc="${a}" with-rsc="${b}" score="INFINITY"/>`);
        constraints.push(`      <rsc_order id="order-${b}-${a}-mandatory" first="${b}" first-action="start" then="${a}" then-action="start"/>`);
      }
    }
    prevNode = node;
    resXml.push(primitiveXml(p, '      '));
  });

  // Command-line constraints: moves (cli-prefer), bans (cli-ban), one expired lifetime rule.
  const movable = prims.filter((p) => !stoppedSet.has(p.id));
  const nPrefer = Math.max(1, Math.round(movable.length * 0.01));
  const preferred = new Set();
  for (let k = 0; k < nPrefer && movable.length; k++) {
    const p = movable[(k * 97 + 13) % movable.length];
    if (preferred.has(p.id)) continue;
    preferred.add(p.id);
    const node = placedOn.get(p.id);
    if (k === 0) {
      // A move made with --lifetime whose lifetime has run out: the rule no longer applies.
      constraints.push([
        `      <rsc_location id="cli-prefer-${p.id}" rsc="${p.id}" role="Started">`,
        `        <rule id="cli-prefer-rule-${p.id}" score="INFINITY" boolean-op="and">`,
        `          <expression id="cli-prefer-expr-${p.id}" attribute="#uname" operation="eq" value="${node.name}" type="string"/>`,
        `          <date_expression id="cli-prefer-lifetime-end-${p.id}" operation="lt" end="2023-01-01 00:00:00 +00:00"/>`,
        '        </rule>',
        '      </rsc_location>',
      ].join('\n'));
    } else {
      constraints.push(`      <rsc_location id="cli-prefer-${p.id}" rsc="${p.id}" role="Started" node="${node.name}" score="INFINITY"/>`);
    }
  }
  const nBan = Math.max(1, Math.round(movable.length * 0.01));
  for (let k = 0, attempt = 0; k < nBan && attempt < movable.length; attempt++) {
    const p = movable[(41 + attempt * 89) % movable.length];
    if (preferred.has(p.id)) continue;
    preferred.add(p.id);
    const node = placedOn.get(p.id);
    const other = members.find((m) => m !== node);
    if (!other) break;
    constraints.push(`      <rsc_location id="cli-ban-${p.id}-on-${other.name}" rsc="${p.id}" role="Started" node="${other.name}" score="-INFINITY"/>`);
    k++;
  }

  // Groups: every member of a group on the same node.
  const wgrp = width(o.groups);
  const groupMemberKinds = ['vip', 'fs', 'app', 'svc', 'cfg', 'mon'];
  const groupIds = [];
  for (let gi = 1; gi <= o.groups; gi++) {
    const gid = `group-${pad(gi, wgrp)}`;
    groupIds.push(gid);
    const disabled = o.stopped > 0 && gi % 50 === 0;
    const node = rng.pick(runnable);
    const earlier = disabled ? [] : previousNodes(runnable, node);
    const children = [];
    for (let c = 0; c < o.groupSize; c++) {
      const kind = groupMemberKinds[c % groupMemberKinds.length];
      const cid = `${gid}-${kind}${c >= groupMemberKinds.length ? c : ''}`;
      let p;
      if (kind === 'vip') {
        p = prim(cid, 'ocf', 'heartbeat', 'IPaddr2', [['cidr_netmask', '24'], ['ip', loopback(5, gi)]], [
          { name: 'monitor', interval: '10s', timeout: '20s' },
          { name: 'start', interval: '0s', timeout: '20s' },
          { name: 'stop', interval: '0s', timeout: '20s' },
        ]);
      } else if (kind === 'fs') {
        p = prim(cid, 'ocf', 'heartbeat', 'Filesystem', [
          ['device', `/dev/disk/by-label/${gid}`], ['directory', `/srv/${gid}`], ['fstype', 'ext4'],
        ], [
          { name: 'monitor', interval: '20s', timeout: '40s' },
          { name: 'start', interval: '0s', timeout: '60s' },
          { name: 'stop', interval: '0s', timeout: '60s' },
        ]);
      } else if (kind === 'svc') {
        p = prim(cid, 'systemd', undefined, `${gid}-worker`, [], [
          { name: 'monitor', interval: '60s', timeout: '100s' },
          { name: 'start', interval: '0s', timeout: '100s' },
          { name: 'stop', interval: '0s', timeout: '100s' },
        ]);
      } else {
        p = prim(cid, 'ocf', 'pacemaker', 'Dummy', [['state', `/run/${cid}.state`]], dummyOps());
      }
      children.push(p);
      if (disabled) stoppedOn(node, p);
      else {
        started(node, p);
        for (const prev of earlier) stoppedOn(prev, p, movedAt());
        failCandidates.push([node, p]);
        probeable.push([node, p]);
      }
    }
    let s = `      <group id="${gid}">\n`;
    if (disabled) s += nvset('meta_attributes', `${gid}-meta_attributes`, [['target-role', 'Stopped']], '        ');
    for (const p of children) s += primitiveXml(p, '        ');
    resXml.push(`${s}      </group>\n`);
  }

  // Clones on members (kept off remote/guest nodes by a rule): plain, promotable, cloned groups.
  const wc = width(o.clones);
  const cloneIds = [];
  for (let ci = 1; ci <= o.clones; ci++) {
    const promotable = ci % 5 === 4;
    const clonedGroup = !promotable && ci % 7 === 6;
    const ping = !promotable && !clonedGroup && ci === 1;
    const disabled = o.stopped > 0 && ci % 10 === 8 && !promotable && !clonedGroup;
    const cid = promotable ? `promotable-${pad(ci, wc)}` : `clone-${pad(ci, wc)}`;
    cloneIds.push(cid);
    const meta = [['clone-max', String(members.length)], ['clone-node-max', '1']];
    if (promotable) meta.push(['promotable', 'true'], ['promoted-max', '1'], ['promoted-node-max', '1']);
    if (disabled) meta.push(['target-role', 'Stopped']);
    let inner;
    let children;
    if (promotable) {
      const p = prim(`stateful-${pad(ci, wc)}`, 'ocf', 'pacemaker', 'Stateful', [], [
        { name: 'demote', interval: '0s', timeout: '10s' },
        { name: 'monitor', interval: '10s', timeout: '20s', role: 'Promoted' },
        { name: 'monitor', interval: '11s', timeout: '20s', role: 'Unpromoted' },
        { name: 'notify', interval: '0s', timeout: '5s' },
        { name: 'promote', interval: '0s', timeout: '10s' },
        { name: 'start', interval: '0s', timeout: '20s' },
        { name: 'stop', interval: '0s', timeout: '20s' },
      ]);
      children = [p];
      inner = primitiveXml(p, '        ');
    } else if (clonedGroup) {
      const gid = `clone-group-${pad(ci, wc)}`;
      children = [
        prim(`${gid}-a`, 'ocf', 'pacemaker', 'Dummy', [], dummyOps()),
        prim(`${gid}-b`, 'ocf', 'pacemaker', 'Dummy', [], dummyOps()),
      ];
      inner = `        <group id="${gid}">\n${children.map((p) => primitiveXml(p, '          ')).join('')}        </group>\n`;
    } else if (ping) {
      const p = prim(`ping-${pad(ci, wc)}`, 'ocf', 'pacemaker', 'ping', [
        ['dampen', '5s'], ['host_list', '127.0.0.1'], ['multiplier', '1000'],
      ], [
        { name: 'monitor', interval: '10s', timeout: '60s' },
        { name: 'start', interval: '0s', timeout: '60s' },
        { name: 'stop', interval: '0s', timeout: '20s' },
      ]);
      children = [p];
      inner = primitiveXml(p, '        ');
    } else {
      const p = ci % 3 === 0
        ? prim(`clone-svc-${pad(ci, wc)}`, 'systemd', undefined, `agent-${pad(ci, wc)}`, [], [
          { name: 'monitor', interval: '60s', timeout: '100s' },
          { name: 'start', interval: '0s', timeout: '100s' },
          { name: 'stop', interval: '0s', timeout: '100s' },
        ])
        : prim(`clone-dummy-${pad(ci, wc)}`, 'ocf', 'pacemaker', 'Dummy', [], dummyOps());
      children = [p];
      inner = primitiveXml(p, '        ');
    }
    const promotedAt = promotable ? rng.int(0, members.length - 1) : -1;
    members.forEach((m, mi) => {
      for (const p of children) {
        if (disabled) stoppedOn(m, p);
        else {
          started(m, p, { promoted: mi === promotedAt });
          if (!promotable) failCandidates.push([m, p]);
        }
      }
      if (ping && !disabled) setAttr(m, 'pingd', 1000);
    });
    if (promotable) {
      members.forEach((m, mi) => setAttr(m, `master-${children[0].id}`, mi === promotedAt ? 10 : 5));
    }
    resXml.push(`      <clone id="${cid}">\n${nvset('meta_attributes', `${cid}-meta_attributes`, meta, '        ')}${inner}      </clone>\n`);
    if (remotes.length > 0 && ci <= 3) {
      constraints.push([
        `      <rsc_location id="location-${cid}-no-remote" rsc="${cid}">`,
        `        <rule id="location-${cid}-no-remote-rule" score="-INFINITY">`,
        `          <expression id="location-${cid}-no-remote-expr" attribute="#kind" operation="eq" value="remote"/>`,
        '        </rule>',
        '      </rsc_location>',
      ].join('\n'));
    }
  }
  // A few orders between clones and groups (clone first, as for storage or networking).
  for (let k = 0; k < Math.min(cloneIds.length, groupIds.length, 10); k++) {
    const c = cloneIds[k];
    const g = groupIds[(k * 13) % groupIds.length];
    constraints.push(`      <rsc_order id="order-${c}-${g}-optional" first="${c}" then="${g}" kind="Optional"/>`);
  }

  // Bundles: podman and docker alternately, replicas spread over members.
  const wb = width(o.bundles);
  const bundleNodes = [];
  const perHost = Math.max(1, Math.ceil(o.replicas / members.length));
  for (let bi = 0; bi < o.bundles; bi++) {
    const bid = `bundle-${pad(bi + 1, wb)}`;
    const engine = bi % 2 === 0 ? 'podman' : 'docker';
    const ipBlock = 10 + Math.floor(bi / 254);
    const ipStart = `127.${ipBlock}.${(bi % 254) + 1}.1`;
    const ipOf = (r) => `127.${ipBlock}.${(bi % 254) + 1}.${r + 1}`;
    const port = String(8000 + (bi % 1000));
    const image = `localhost/app-${pad(bi + 1, wb)}:latest`;
    const child = prim(`${bid}-app`, 'ocf', 'pacemaker', 'Dummy', [], [
      { name: 'monitor', interval: '30s', timeout: '20s' },
      { name: 'start', interval: '0s', timeout: '20s' },
      { name: 'stop', interval: '0s', timeout: '20s' },
    ]);
    let s = `      <bundle id="${bid}">\n`;
    s += `        <${engine} image="${image}" replicas="${o.replicas}" replicas-per-host="${perHost}"/>\n`;
    s += `        <network ip-range-start="${ipStart}" host-interface="eth0" host-netmask="24">\n`;
    s += `          <port-mapping id="${bid}-port" port="${port}"/>\n`;
    s += '        </network>\n';
    s += '        <storage>\n';
    s += `          <storage-mapping id="${bid}-log" source-dir="/dev/log" target-dir="/dev/log" options="rw"/>\n`;
    s += `          <storage-mapping id="${bid}-data" source-dir-root="/var/lib/bundles/${bid}" target-dir="/srv/data" options="rw"/>\n`;
    s += '        </storage>\n';
    s += primitiveXml(child, '        ');
    s += '      </bundle>\n';
    resXml.push(s);

    // Parameters Pacemaker gives the implicit replica resources (lib/pengine/bundle.c), so the
    // recorded digests match and the scheduler sees nothing to restart.
    const addHosts = Array.from({ length: o.replicas }, (_, r) => ` --add-host=${bid}-${r}:${ipOf(r)}`).join('');
    const offset = (bi * 5) % members.length;
    for (let r = 0; r < o.replicas; r++) {
      const host = members[(offset + r) % members.length];
      const ip = ipOf(r);
      const ipRsc = prim(`${bid}-ip-${ip}`, 'ocf', 'heartbeat', 'IPaddr2', [
        ['ip', ip], ['nic', 'eth0'], ['cidr_netmask', '24'],
      ], [{ name: 'monitor', interval: '60s' }]);
      const runOpts = `${engine === 'docker' ? ' --restart=no' : ''} -h ${bid}-${r} -e PCMK_stderr=1`
        + ` -e PCMK_remote_port=${REMOTE_PORT}`
        + ` -v /dev/log:/dev/log:rw -v /var/lib/bundles/${bid}/${bid}-${r}:/srv/data:rw`
        + ' -v /etc/pacemaker/authkey:/etc/pacemaker/authkey'
        + ` -v /var/log/pacemaker/bundles/${bid}-${r}:/var/log`
        + ` -p ${ip}:${port}:${port} -p ${ip}:${REMOTE_PORT}:${REMOTE_PORT} ${addHosts}`;
      const ctr = prim(`${bid}-${engine}-${r}`, 'ocf', 'heartbeat', engine, [
        ['image', image], ['allow_pull', 'true'], ['force_kill', 'false'], ['reuse', 'false'],
        ['run_opts', runOpts],
        ['mount_points', `/var/lib/bundles/${bid}/${bid}-${r},/var/log/pacemaker/bundles/${bid}-${r}`],
        ['run_cmd', '/usr/sbin/pacemaker-remoted'], ['monitor_cmd', '/bin/true'],
      ], [{ name: 'monitor', interval: '60s' }]);
      const conn = prim(`${bid}-${r}`, 'ocf', 'pacemaker', 'remote', [['addr', ip], ['port', REMOTE_PORT]],
        [{ name: 'monitor', interval: '30s', timeout: '30s' }]);
      conn.container = ctr.id;
      started(host, ipRsc);
      started(host, ctr);
      started(host, conn);
      for (const prev of previousNodes(members, host)) {
        const when = movedAt();
        stoppedOn(prev, conn, when);
        stoppedOn(prev, ctr, when + 2);
        stoppedOn(prev, ipRsc, when + 3);
      }
      const bnode = new NodeHistory(`${bid}-${r}`, 'bundle', `${bid}-${r}`);
      bnode.host = host;
      // With several replicas per host the inner clone is globally unique: instances keep
      // their number in the history (bundle-01-app:3).
      const inner = perHost > 1 ? { ...child, id: `${child.id}:${r}` } : child;
      started(bnode, inner);
      failCandidates.push([bnode, inner]);
      bundleNodes.push(bnode);
    }
  }

  // Probes ("not running" results) on members for ordinary resources they do not run.
  if (o.probes > 0) {
    for (const [node, p] of probeable) {
      for (let k = 0; k < o.probes; k++) {
        const m = members[rng.int(0, members.length - 1)];
        if (m !== node) probed(m, p);
      }
    }
  }

  // Failures: recovered monitor failures (rc=7, rc=1, timeouts) and failed starts that moved.
  const chosen = new Set();
  const step = failCandidates.length && o.failures ? Math.max(1, Math.floor(failCandidates.length / o.failures)) : 0;
  for (let f = 0; f < o.failures && step; f++) {
    const idx = (f * step + rng.int(0, step - 1)) % failCandidates.length;
    const [node, p] = failCandidates[idx];
    const key = `${node.name}/${p.id}`;
    if (chosen.has(key)) continue;
    chosen.add(key);
    const mon = monitorsFor(p, undefined)[0] ?? p.ops.find((x) => x.name === 'monitor');
    const when = now - rng.int(300, 5 * 86400);
    const mode = f % 4;
    if (mode === 3 && node.kind !== 'bundle') {
      // A failed start on another member; the resource then started where it runs now.
      const other = members.find((m) => m !== node && !m.rscs.has(p.id));
      if (other) {
        record(other, p, {
          task: 'start', rc: 1, kind: 'failure', when, exitReason: 'Failed to start: dependency missing',
        });
        record(other, p, { task: 'stop', kind: 'last', when: when + 2 });
        setAttr(other, `fail-count-${p.id}#start_0`, 'INFINITY');
        setAttr(other, `last-failure-${p.id}#start_0`, when);
        continue;
      }
    }
    if (!mon) continue;
    const ms = toMs(mon.interval);
    const timedOut = mode === 2;
    const rc = mode === 0 ? 7 : 1;
    // The monitor failed, the resource was recovered in place: the failure sits before the
    // current start in the node's call order.
    const startOp = node.rscs.get(p.id)?.ops.find((x) => x.kind === 'last');
    if (!startOp) continue;
    const failedAt = startOp.when - rng.int(5, 120);
    record(node, p, {
      task: 'monitor', intervalMs: ms, rc, status: timedOut ? 2 : 0, kind: 'failure', when: failedAt,
      seq: startOp.seq - 0.5, timeoutMs: toMs(mon.timeout ?? '20s'),
      exitReason: mode === 1 ? 'Resource health check failed' : '',
      execTime: timedOut ? toMs(mon.timeout ?? '20s') : rng.int(5, 200),
    });
    setAttr(node, `fail-count-${p.id}#monitor_${ms}`, mode === 1 ? 2 : 1);
    setAttr(node, `last-failure-${p.id}#monitor_${ms}`, failedAt);
  }

  // ----- assemble -----
  const out = [];
  // ctime() layout, as the CIB manager writes it: "Mon Jun 10 06:13:20 2024" (UTC here).
  const d = new Date(now * 1000);
  const [wd, , mon] = d.toUTCString().split(' ');
  const written = `${wd.slice(0, 3)} ${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)} ${d.getUTCFullYear()}`;
  out.push(`<cib crm_feature_set="${FEATURE_SET}" validate-with="${SCHEMA}" epoch="${rng.int(100, 900)}" num_updates="${rng.int(1000, 90000)}" admin_epoch="0" cib-last-written="${written}" update-origin="${dc.name}" update-client="crm_resource" update-user="root" have-quorum="1" dc-uuid="${dc.id}">`);
  out.push('  <configuration>');
  out.push('    <crm_config>');
  out.push('      <cluster_property_set id="cib-bootstrap-options">');
  for (const [k, v] of [
    ['have-watchdog', 'false'], ['dc-version', DC_VERSION], ['cluster-infrastructure', 'corosync'],
    ['cluster-name', o.clusterName], ['stonith-enabled', 'true'], ['no-quorum-policy', 'stop'],
    ['last-lrm-refresh', String(now - 86400 * 3)],
    ...(o.startupProbes ? [] : [['enable-startup-probes', 'false']]),
  ]) out.push(`        <nvpair id="cib-bootstrap-options-${k}" name="${k}" value="${esc(v)}"/>`);
  out.push('      </cluster_property_set>');
  out.push('    </crm_config>');
  out.push('    <nodes>');
  members.forEach((m, i) => {
    out.push(`      <node id="${m.id}" uname="${m.name}">`);
    out.push(`        <instance_attributes id="nodes-${m.id}">`);
    out.push(`          <nvpair id="nodes-${m.id}-rack" name="rack" value="rack-${pad(Math.floor(i / 8) + 1, 2)}"/>`);
    out.push('        </instance_attributes>');
    out.push('      </node>');
  });
  for (const r of remotes) {
    out.push(`      <node id="${r.id}" type="remote" uname="${r.name}">`);
    out.push(`        <instance_attributes id="nodes-${r.id}">`);
    out.push(`          <nvpair id="nodes-${r.id}-site" name="site" value="edge"/>`);
    out.push('        </instance_attributes>');
    out.push('      </node>');
  }
  out.push('    </nodes>');
  out.push('    <resources>');
  for (const s of resXml) out.push(s.replace(/\n$/, ''));
  out.push('    </resources>');
  out.push('    <constraints>');
  for (const c of constraints) out.push(c);
  out.push('    </constraints>');
  if (fencingLevels.length) {
    out.push('    <fencing-topology>');
    for (const l of fencingLevels) out.push(l);
    out.push('    </fencing-topology>');
  }
  out.push('    <rsc_defaults>');
  out.push('      <meta_attributes id="rsc_defaults-meta_attributes">');
  out.push('        <nvpair id="rsc_defaults-meta_attributes-resource-stickiness" name="resource-stickiness" value="100"/>');
  out.push('        <nvpair id="rsc_defaults-meta_attributes-migration-threshold" name="migration-threshold" value="3"/>');
  out.push('      </meta_attributes>');
  out.push('    </rsc_defaults>');
  out.push('  </configuration>');
  out.push('  <status>');
  const nodeState = (n) => {
    if (n.kind === 'member') {
      out.push(`    <node_state id="${n.id}" uname="${n.name}" in_ccm="true" crmd="online" crm-debug-origin="do_update_resource" join="member" expected="member">`);
    } else {
      out.push(`    <node_state remote_node="true" id="${n.id}" uname="${n.name}" in_ccm="true" crm-debug-origin="do_update_resource" node_fenced="0">`);
    }
    const all = [];
    for (const e of n.rscs.values()) for (const op of e.ops) all.push(op);
    all.sort((a, b) => a.seq - b.seq);
    const calls = new Map();
    let call = n.kind === 'member' ? 5 : 1;
    for (const op of all) calls.set(op, call++);
    out.push(`      <lrm id="${n.id}">`);
    out.push('        <lrm_resources>');
    for (const { rsc, ops } of n.rscs.values()) {
      let head = `          <lrm_resource id="${esc(rsc.id)}" type="${esc(rsc.type)}" class="${rsc.cls}"`;
      if (rsc.provider) head += ` provider="${rsc.provider}"`;
      if (rsc.container) head += ` container="${esc(rsc.container)}"`;
      out.push(`${head}>`);
      for (const op of ops) out.push(`            ${op.head}${calls.get(op)}${op.tail}`);
      out.push('          </lrm_resource>');
    }
    out.push('        </lrm_resources>');
    out.push('      </lrm>');
    if (n.kind !== 'bundle' || n.attrs.length) {
      out.push(`      <transient_attributes id="${n.id}">`);
      if (n.attrs.length === 0) out.push(`        <instance_attributes id="status-${n.id}"/>`);
      else {
        out.push(`        <instance_attributes id="status-${n.id}">`);
        for (const [k, v] of n.attrs) {
          out.push(`          <nvpair id="status-${esc(n.id)}-${esc(k.replace(/#/g, '.'))}" name="${esc(k)}" value="${esc(v)}"/>`);
        }
        out.push('        </instance_attributes>');
      }
      out.push('      </transient_attributes>');
    }
    out.push('    </node_state>');
  };
  for (const n of members) nodeState(n);
  for (const n of remotes) nodeState(n);
  for (const n of guests) nodeState(n);
  for (const n of bundleNodes) nodeState(n);
  out.push('  </status>');
  out.push('</cib>');
  return `${out.join('\n')}\n`;
}

function stripUndefined(obj) {
  const r = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) r[k] = v;
  return r;
}

// ---------------------------------------------------------------------------------------------
// CLI

const USAGE = `Usage: node test/gen/gen-cib.mjs [options] > cib.xml
  --preset big|tui|small   size preset (default big)
  --members N  --remotes N  --guests N  --bundles N  --replicas N  --primitives N
  --groups N   --group-size N  --clones N  --failures N  --stopped N  --probes N
  --moves X    earlier nodes per resource (stop history), may be fractional
  --startup-probes true|false   false writes enable-startup-probes=false (big and tui presets)
  --seed N     --now EPOCH  --cluster-name NAME  --out FILE`;

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return { help: true };
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unexpected argument ${a}`);
    const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value`);
    const known = ['preset', 'members', 'remotes', 'guests', 'bundles', 'replicas', 'primitives', 'groups',
      'groupSize', 'clones', 'failures', 'stopped', 'probes', 'moves', 'startupProbes', 'seed', 'now',
      'clusterName', 'out'];
    if (!known.includes(key)) throw new Error(`unknown option --${m[1]}`);
    if (key === 'startupProbes') {
      if (value !== 'true' && value !== 'false') throw new Error('--startup-probes needs true or false');
      opts[key] = value === 'true';
      continue;
    }
    opts[key] = ['preset', 'clusterName', 'out'].includes(key) ? value : Number(value);
    if (typeof opts[key] === 'number' && !Number.isFinite(opts[key])) throw new Error(`--${m[1]} needs a number`);
  }
  return opts;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const { out, help, ...opts } = parseArgs(process.argv.slice(2));
    if (help) {
      process.stdout.write(`${USAGE}\n`);
    } else {
      const xml = generateCib(opts);
      if (out) writeFileSync(out, xml);
      else {
        // A reader that stops early (| head) is not an error.
        process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(0); else throw e; });
        process.stdout.write(xml);
      }
    }
  } catch (err) {
    process.stderr.write(`gen-cib: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
}
