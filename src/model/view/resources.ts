/**
 * The resource tree as the operator reads it: one pure view model that both `pcmk status` (text)
 * and pcmk-top (Ink) draw. What a row says (its role, nodes, markers, counts) is decided here and
 * nowhere else; the renderers only choose columns, colours and indentation.
 *
 * Identity is the instance's POSITION in crm_mon's tree, never its id: the inner primitive of a
 * bundle has the same id in every replica, and an anonymous clone's instances share one id.
 * Positions read:
 *   primitive                  "ip-1"
 *   group member               "web/web-ip"
 *   clone instance k           "dlm-clone#2"            (k counts the clone's instances in order)
 *   member of cloned group k   "base-clone#1/base"
 *   bundle replica i           "httpd-bundle[0]"        (i is crm_mon's replica id)
 *   part of replica i          "httpd-bundle[0]/httpd"
 * Markers are crm_mon's words: FAILED, UNCLEAN (runs on an unclean node), blocked, unmanaged,
 * orphaned, maintenance, disabled, target-role:X, failure ignored, and a pending action.
 * Every string that came from the cluster goes through visible() (terminal safety).
 */
import type {
  BundleConfig,
  BundleReplica,
  CloneConfig,
  ClusterNode,
  ClusterSnapshot,
  GroupConfig,
  PrimitiveConfig,
  ResourceConfig,
  ResourceInstance,
} from '../snapshot.js';
import { visible } from './text.js';
import { baseResourceId, isFalse, isInfiniteCount, isTrue, PCMK_INFINITY } from '../values.js';

/** How a row should look; renderers map it to colours. */
export type Severity = 'normal' | 'warn' | 'error' | 'dim';

export type ResourceRowKind =
  | 'primitive'
  | 'group'
  | 'clone'
  | 'group-instance'
  | 'bundle'
  | 'replica'
  | 'instance';

export interface ResourceRow {
  /** Identity: where this row sits in crm_mon's tree (see the module comment). */
  position: string;
  kind: ResourceRowKind;
  /** First column: the resource id, or "replica 0" for a replica. */
  label: string;
  /** Second column: agent, or what kind of container ("promotable", "bundle podman", ...). */
  detail: string;
  /** An instance's role, or a container's honest count such as "2/3 up". */
  role: string;
  /** Nodes it runs on (for a container: where its instances run; "(P)" marks a promoted one). */
  nodes: string[];
  /** crm_mon's markers, most severe first. */
  markers: string[];
  /** A plain-words note the count needs, e.g. "2 kept off every node by location". */
  note: string | null;
  /** Fail count (sum over the row's instances and nodes); Number.MAX_SAFE_INTEGER is INFINITY. */
  fails: number;
  severity: Severity;
  /** The crm_mon instance the row shows (null for containers and configured-only resources). */
  instance: ResourceInstance | null;
  /** The id an action on this row names, and the node when the row is one instance on one node. */
  target: { id: string; node?: string };
  /** Text a filter matches against. */
  search: string;
  children: ResourceRow[];
}

/** "" for no failures, "INF" for Pacemaker's INFINITY, the number otherwise. */
export function formatFailCount(n: number): string {
  if (!n) return '';
  if (isInfiniteCount(n)) return 'INF';
  return String(n);
}

function agentText(p: PrimitiveConfig): string {
  return [p.agent.class, p.agent.provider, p.agent.type].filter(Boolean).join(':');
}

/** Context every row needs: node states, fail counts, bans. */
interface Ctx {
  snapshot: ClusterSnapshot;
  nodes: Map<string, ClusterNode>;
  fails: (id: string, nodes: readonly string[] | null) => number;
  used: Set<ResourceInstance>;
  clusterMaintenance: boolean;
}

function failIndex(snapshot: ClusterSnapshot): Ctx['fails'] {
  const byKey = new Map<string, number>();
  const byRes = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, Math.min(Number.MAX_SAFE_INTEGER, (m.get(k) ?? 0) + n));
  for (const fc of snapshot.failcounts) {
    add(byKey, `${fc.resource}\u0000${fc.node}`, fc.count);
    add(byRes, fc.resource, fc.count);
  }
  return (id, nodes) => {
    for (const rid of id === baseResourceId(id) ? [id] : [id, baseResourceId(id)]) {
      if (nodes === null) {
        const n = byRes.get(rid);
        if (n) return n;
        continue;
      }
      let sum = 0;
      for (const node of nodes) sum += byKey.get(`${rid}\u0000${node}`) ?? 0;
      if (sum) return Math.min(sum, Number.MAX_SAFE_INTEGER);
    }
    return 0;
  };
}

function isStopped(meta: Record<string, string>): boolean {
  return (meta['target-role'] ?? '').toLowerCase() === 'stopped';
}

/** crm_mon's markers for one instance, most severe first. */
export function instanceMarkers(inst: ResourceInstance, nodes: ReadonlyMap<string, ClusterNode>, clusterMaintenance = false): string[] {
  const m: string[] = [];
  if (inst.failed) m.push('FAILED');
  if (inst.nodes.some((n) => nodes.get(n)?.unclean)) m.push('UNCLEAN');
  if (inst.blocked) m.push('blocked');
  if (!inst.managed) m.push(clusterMaintenance || inst.nodes.some((n) => nodes.get(n)?.maintenance) ? 'maintenance' : 'unmanaged');
  if (inst.orphaned) m.push('orphaned');
  if (inst.failureIgnored) m.push('failure ignored');
  const tr = inst.targetRole?.toLowerCase();
  if (tr === 'stopped') m.push('disabled');
  else if (inst.targetRole && tr !== 'started') m.push(`target-role:${visible(inst.targetRole)}`);
  if (inst.pending) m.push(visible(inst.pending.toLowerCase()));
  return m;
}

/** Up means running where it should, as crm_mon would not flag it: active, not failed, no unclean node. */
function isUp(inst: ResourceInstance, nodes: ReadonlyMap<string, ClusterNode>): boolean {
  return inst.active && !inst.failed && inst.role !== 'Stopped' && inst.nodes.length > 0 && !inst.nodes.some((n) => nodes.get(n)?.unclean);
}

function severityOf(markers: readonly string[], running: boolean, quietWhenStopped: boolean): Severity {
  if (markers.includes('FAILED') || markers.includes('UNCLEAN') || markers.includes('blocked')) return 'error';
  if (markers.some((m) => m === 'unmanaged' || m === 'maintenance' || m === 'orphaned') || markers.some(isPendingMarker)) return 'warn';
  if (!running) return markers.includes('disabled') || quietWhenStopped ? 'dim' : 'warn';
  return 'normal';
}

const NON_PENDING = new Set(['FAILED', 'UNCLEAN', 'blocked', 'unmanaged', 'maintenance', 'orphaned', 'failure ignored', 'disabled']);
function isPendingMarker(m: string): boolean {
  return !NON_PENDING.has(m) && !m.startsWith('target-role:');
}

function instanceRow(
  ctx: Ctx,
  inst: ResourceInstance,
  position: string,
  opts: { label?: string; detail?: string; kind?: ResourceRowKind; quietWhenStopped?: boolean; failsAllNodes?: boolean } = {},
): ResourceRow {
  ctx.used.add(inst);
  const markers = instanceMarkers(inst, ctx.nodes, ctx.clusterMaintenance);
  const nodes = inst.nodes.map(visible);
  const id = visible(inst.id);
  const label = opts.label ?? id;
  const detail = opts.detail ?? visible(inst.agent);
  const running = inst.active && inst.role !== 'Stopped';
  return {
    position,
    kind: opts.kind ?? 'instance',
    label,
    detail,
    role: inst.role,
    nodes,
    markers,
    note: null,
    fails: ctx.fails(inst.id, opts.failsAllNodes || !inst.nodes.length ? null : inst.nodes),
    severity: severityOf(markers, running, !!opts.quietWhenStopped),
    instance: inst,
    target: { id: inst.id, ...(inst.nodes[0] ? { node: inst.nodes[0] } : {}) },
    search: [label, id, detail, inst.role, nodes.join(' '), markers.join(' '), inst.parent ? visible(inst.parent) : ''].join(' '),
    children: [],
  };
}

function sumFails(rows: readonly ResourceRow[]): number {
  let sum = 0;
  for (const r of rows) sum += r.children.length ? sumFails(r.children) : r.fails;
  return Math.min(sum, Number.MAX_SAFE_INTEGER);
}

/** Markers of a container row: its own configuration plus what any of its instances shows. */
function containerMarkers(insts: readonly ResourceInstance[], ctx: Ctx, meta: Record<string, string>): string[] {
  const set = new Set<string>();
  for (const i of insts) for (const m of instanceMarkers(i, ctx.nodes, ctx.clusterMaintenance)) if (m !== 'disabled') set.add(m);
  if (isStopped(meta)) set.add('disabled');
  if (isFalse(meta['is-managed'])) set.add('unmanaged');
  return [...set];
}

function containerRow(
  id: string,
  position: string,
  kind: ResourceRowKind,
  detail: string,
  count: { up: number; of: number; cannotRun: number },
  nodes: string[],
  markers: string[],
  children: ResourceRow[],
  target = id,
): ResourceRow {
  const label = visible(id);
  const role = count.of + count.cannotRun === 0 ? '-' : `${count.up}/${count.of} up`;
  const note = count.cannotRun ? `${count.cannotRun} not allowed on any node` : null;
  let severity: Severity = 'normal';
  if (markers.includes('FAILED') || markers.includes('UNCLEAN') || markers.includes('blocked')) severity = 'error';
  else if (markers.some((m) => m === 'unmanaged' || m === 'maintenance' || m === 'orphaned' || isPendingMarker(m))) severity = 'warn';
  else if (count.up === 0 && count.of > 0) severity = markers.includes('disabled') ? 'dim' : 'warn';
  return {
    position,
    kind,
    label,
    detail,
    role,
    nodes,
    markers,
    note,
    fails: sumFails(children),
    severity,
    instance: null,
    target: { id: target },
    search: [label, detail, role, nodes.join(' '), markers.join(' '), note ?? ''].join(' '),
    children,
  };
}

/** Nodes where instances run, a promoted one as "node(P)" when the clone is promotable. */
function runningNodes(insts: readonly ResourceInstance[], promotable: boolean): string[] {
  const out: string[] = [];
  for (const i of insts) {
    if (!i.active || i.role === 'Stopped') continue;
    for (const n of i.nodes) {
      const label = visible(promotable && i.role === 'Promoted' ? `${n}(P)` : n);
      if (!out.includes(label)) out.push(label);
    }
  }
  return out;
}

/** Instances by parent, in crm_mon's document order. */
function byParent(instances: readonly ResourceInstance[]): Map<string | null, ResourceInstance[]> {
  const m = new Map<string | null, ResourceInstance[]>();
  for (const i of instances) {
    const list = m.get(i.parent);
    if (list) list.push(i);
    else m.set(i.parent, [i]);
  }
  return m;
}

function primitiveRows(ctx: Ctx, p: PrimitiveConfig, pool: readonly ResourceInstance[], position: string): ResourceRow[] {
  const insts = pool.filter((i) => !ctx.used.has(i) && (i.id === p.id || baseResourceId(i.id) === p.id));
  if (insts.length === 0) {
    // Configured but absent from crm_mon's status.
    const label = visible(p.id);
    const markers = isStopped(p.meta) ? ['disabled'] : [];
    return [
      {
        position,
        kind: 'primitive',
        label,
        detail: visible(agentText(p)),
        role: 'Stopped',
        nodes: [],
        markers,
        note: null,
        fails: ctx.fails(p.id, null),
        severity: markers.length ? 'dim' : 'warn',
        instance: null,
        target: { id: p.id },
        search: [label, agentText(p), 'Stopped', markers.join(' ')].join(' '),
        children: [],
      },
    ];
  }
  return insts.map((i, k) => instanceRow(ctx, i, k === 0 ? position : `${position}#${k}`, { kind: 'primitive', failsAllNodes: true }));
}

/** A group's members (in configured order, then any crm_mon lists beyond it) under `parentId`. */
function groupMembers(ctx: Ctx, g: GroupConfig, pool: readonly ResourceInstance[], position: string, inClone: boolean): ResourceRow[] {
  const rows: ResourceRow[] = [];
  for (const child of g.children) {
    for (const inst of pool.filter((i) => !ctx.used.has(i) && (i.id === child.id || baseResourceId(i.id) === child.id))) {
      rows.push(instanceRow(ctx, inst, `${position}/${baseResourceId(inst.id)}`, { quietWhenStopped: inClone }));
    }
  }
  for (const inst of pool) if (!ctx.used.has(inst)) rows.push(instanceRow(ctx, inst, `${position}/${baseResourceId(inst.id)}`));
  return rows;
}

function groupRow(ctx: Ctx, g: GroupConfig, index: Map<string | null, ResourceInstance[]>): ResourceRow {
  const pool = index.get(g.id) ?? [];
  const members = groupMembers(ctx, g, pool, g.id, false);
  const insts = members.map((r) => r.instance).filter((i): i is ResourceInstance => i !== null);
  const up = insts.filter((i) => isUp(i, ctx.nodes)).length;
  return containerRow(g.id, g.id, 'group', 'group', { up, of: insts.length, cannotRun: 0 }, runningNodes(insts, false), containerMarkers(insts, ctx, g.meta), members);
}

/** Nodes where crm_mon says the clone may not run at all (a -INFINITY location, rules included). */
function bannedNodes(ctx: Ctx, ids: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const b of ctx.snapshot.bans ?? []) {
    if (b.promotedOnly || b.weight > -PCMK_INFINITY) continue;
    if (ids.includes(b.resource)) out.add(b.node);
  }
  return out;
}

/**
 * Honest clone count: an instance is up when it runs, has not failed and its node is not
 * unclean. Stopped instances beyond the number of nodes the clone may run on at all (crm_mon's
 * evaluated bans: `#kind ne cluster` keeps a clone off remote and guest nodes) cannot run
 * anywhere by configuration: they are counted apart, not as down.
 */
function cloneCount(ctx: Ctx, c: CloneConfig, units: readonly { up: boolean; stopped: boolean }[]): { up: number; of: number; cannotRun: number } {
  const up = units.filter((u) => u.up).length;
  const banned = bannedNodes(ctx, [c.id, ...(c.child ? [c.child.id] : [])]);
  const allowed = ctx.snapshot.nodes.filter((n) => !banned.has(n.name)).length;
  const stopped = units.filter((u) => u.stopped).length;
  const cannotRun = banned.size ? Math.max(0, Math.min(stopped, units.length - allowed)) : 0;
  return { up, of: units.length - cannotRun, cannotRun };
}

function cloneRow(ctx: Ctx, c: CloneConfig, index: Map<string | null, ResourceInstance[]>): ResourceRow {
  const children: ResourceRow[] = [];
  const all: ResourceInstance[] = [];
  const units: { up: boolean; stopped: boolean; row: ResourceRow }[] = [];
  let k = 0;
  if (c.child?.kind === 'group') {
    const g = c.child;
    // Instances of a cloned group are groups "base:0", "base:1"... in crm_mon's order.
    const groupIds = [...index.keys()].filter((key): key is string => key !== null && baseResourceId(key) === g.id);
    for (const gid of groupIds) {
      const pool = index.get(gid) ?? [];
      const position = `${c.id}#${k++}`;
      const members = groupMembers(ctx, g, pool, position, true);
      const insts = members.map((r) => r.instance).filter((i): i is ResourceInstance => i !== null);
      all.push(...insts);
      const up = insts.length > 0 && insts.every((i) => isUp(i, ctx.nodes));
      const upCount = insts.filter((i) => isUp(i, ctx.nodes)).length;
      const row = containerRow(gid, position, 'group-instance', 'group', { up: upCount, of: insts.length, cannotRun: 0 }, runningNodes(insts, false), containerMarkers(insts, ctx, {}), members);
      units.push({ up, stopped: insts.every((i) => !i.active && !i.failed), row });
      children.push(row);
    }
  }
  for (const inst of index.get(c.id) ?? []) {
    if (ctx.used.has(inst)) continue;
    const row = instanceRow(ctx, inst, `${c.id}#${k++}`, { quietWhenStopped: true });
    all.push(inst);
    units.push({ up: isUp(inst, ctx.nodes), stopped: !inst.active && !inst.failed && inst.role === 'Stopped', row });
    children.push(row);
  }
  const count = cloneCount(ctx, c, units);
  if (count.cannotRun) {
    // The last stopped instances are the ones with no node to go to.
    let left = count.cannotRun;
    for (let i = units.length - 1; i >= 0 && left > 0; i--) {
      if (!units[i]!.stopped) continue;
      units[i]!.row.note = 'not allowed on any node';
      units[i]!.row.severity = 'dim';
      left--;
    }
  }
  const detail = `${c.promotable ? 'promotable' : 'clone'}${c.unique ? ' unique' : ''}`;
  return containerRow(c.id, c.id, 'clone', detail, count, runningNodes(all, c.promotable), containerMarkers(all, ctx, c.meta), children);
}

function ipAddress(id: string): string {
  const m = /-ip-(.+)$/.exec(id);
  return m ? m[1]! : id;
}

/**
 * The parts of each replica, by position: crm_mon lists a replica's parts together, replica
 * after replica, so the bundle's instances are read in order and each replica takes the run that
 * belongs to it. The inner primitive has the same id in every replica; only its position tells
 * which replica it belongs to.
 */
function replicaParts(ctx: Ctx, b: BundleConfig, pool: readonly ResourceInstance[]): Map<BundleReplica, ResourceInstance[]> {
  const out = new Map<BundleReplica, ResourceInstance[]>();
  let cursor = 0;
  for (const r of b.replicas) {
    const want = [r.ip, r.container, r.remote, r.child].filter((x): x is string => x !== null);
    const parts: ResourceInstance[] = [];
    const left = [...want];
    while (cursor < pool.length) {
      const inst = pool[cursor]!;
      const at = left.indexOf(inst.id);
      if (at < 0 || ctx.used.has(inst)) break;
      left.splice(at, 1);
      parts.push(inst);
      cursor++;
    }
    // Parts crm_mon listed elsewhere: only ids unique to this replica are looked up by id.
    const taken = (i: ResourceInstance) => parts.includes(i) || [...out.values()].some((p) => p.includes(i));
    for (const id of left) {
      // The inner primitive by id only where it runs on this replica's own guest node.
      const inst = id === r.child
        ? (r.guestNode ? pool.find((i) => i.id === id && !taken(i) && i.nodes.includes(r.guestNode!)) : undefined)
        : pool.find((i) => i.id === id && !taken(i));
      if (inst) parts.push(inst);
    }
    out.set(r, parts);
  }
  return out;
}

function bundleRow(ctx: Ctx, b: BundleConfig, index: Map<string | null, ResourceInstance[]>): ResourceRow {
  const pool = index.get(b.id) ?? [];
  const parts = replicaParts(ctx, b, pool);
  const children: ResourceRow[] = [];
  const all: ResourceInstance[] = [];
  let up = 0;
  for (const r of b.replicas) {
    const mine = parts.get(r) ?? [];
    const position = `${b.id}[${r.index}]`;
    const kids: ResourceRow[] = [];
    let ip: ResourceInstance | null = null;
    let container: ResourceInstance | null = null;
    let inner: ResourceInstance | null = null;
    const ordered = [
      ...mine.filter((i) => i.id === r.ip),
      ...mine.filter((i) => i.id === r.container),
      ...mine.filter((i) => i.id === r.remote),
      ...mine.filter((i) => i.id !== r.ip && i.id !== r.container && i.id !== r.remote),
    ];
    for (const inst of ordered) {
      let detail: string;
      if (inst.id === r.ip) {
        ip = inst;
        detail = `ip ${visible(ipAddress(inst.id))}`;
      } else if (inst.id === r.container) {
        container = inst;
        detail = `container ${b.containerType}`;
      } else if (inst.id === r.remote) {
        detail = r.guestNode ? `guest ${visible(r.guestNode)}` : 'remote';
      } else {
        inner = inst;
        detail = `inner ${visible(inst.agent)}`;
      }
      kids.push(instanceRow(ctx, inst, `${position}/${inst.id}`, { detail, quietWhenStopped: true }));
    }
    all.push(...mine);
    const host = r.node ?? container?.nodes[0] ?? null;
    const role = inner?.role ?? container?.role ?? 'Stopped';
    const markers = [...new Set(kids.flatMap((k) => k.markers))];
    const replicaUp = mine.length > 0 && (container ? isUp(container, ctx.nodes) : true) && mine.every((i) => !i.failed) && (inner ? isUp(inner, ctx.nodes) : true);
    if (replicaUp) up++;
    const ipText = ip ? ipAddress(ip.id) : r.ip ? ipAddress(r.ip) : '';
    const label = `replica ${visible(r.index)}`;
    const detail = ipText ? `replica ip ${visible(ipText)}` : 'replica';
    const nodes = host ? [visible(host)] : [];
    let severity: Severity = 'normal';
    if (markers.includes('FAILED') || markers.includes('UNCLEAN') || markers.includes('blocked')) severity = 'error';
    else if (role === 'Stopped' || markers.some((m) => m === 'unmanaged' || m === 'maintenance' || m === 'orphaned')) severity = 'warn';
    children.push({
      position,
      kind: 'replica',
      label,
      detail,
      role,
      nodes,
      markers,
      note: r.guestNode ? `guest node ${visible(r.guestNode)}` : null,
      fails: sumFails(kids),
      severity,
      instance: inner ?? container,
      target: { id: r.container ?? inner?.id ?? b.id, ...(host ? { node: host } : {}) },
      search: [label, visible(b.id), ipText, nodes.join(' '), role, r.guestNode ?? '', r.container ?? '', inner?.agent ?? '', markers.join(' ')].map(visible).join(' '),
      children: kids,
    });
  }
  for (const inst of pool) {
    if (ctx.used.has(inst)) continue;
    all.push(inst);
    children.push(instanceRow(ctx, inst, `${b.id}/?${inst.id}`, { quietWhenStopped: true }));
  }
  const count = { up, of: b.replicas.length, cannotRun: 0 };
  const containers = new Set(b.replicas.map((r) => r.container));
  const running = all.filter((i) => containers.has(i.id));
  const row = containerRow(b.id, b.id, 'bundle', `bundle ${b.containerType}`, count, runningNodes(running.length ? running : all, false), containerMarkers(all, ctx, b.meta), children);
  row.search += ` ${visible(b.image ?? '')}`;
  return row;
}

/** The resource tree, top-level resources in crm_mon's order, then instances it cannot place. */
export function toResourceTree(snapshot: ClusterSnapshot): ResourceRow[] {
  const index = byParent(snapshot.instances);
  const ctx: Ctx = {
    snapshot,
    nodes: new Map(snapshot.nodes.map((n) => [n.name, n])),
    fails: failIndex(snapshot),
    used: new Set(),
    clusterMaintenance: isTrue(snapshot.cluster.options['maintenance-mode']),
  };
  const out: ResourceRow[] = [];
  for (const r of snapshot.resources) out.push(...configRows(ctx, r, index));
  // Instances the configuration does not explain (orphans, or no configuration at all).
  const leftovers = new Map<string | null, ResourceInstance[]>();
  for (const inst of snapshot.instances) {
    if (ctx.used.has(inst)) continue;
    const list = leftovers.get(inst.parent);
    if (list) list.push(inst);
    else leftovers.set(inst.parent, [inst]);
  }
  for (const [parent, insts] of leftovers) {
    if (parent === null) {
      insts.forEach((inst, k) => out.push(instanceRow(ctx, inst, `?${inst.id}#${k}`, { failsAllNodes: true })));
      continue;
    }
    const kids = insts.map((inst, k) => instanceRow(ctx, inst, `?${parent}/${inst.id}#${k}`));
    const up = insts.filter((i) => isUp(i, ctx.nodes)).length;
    out.push(containerRow(parent, `?${parent}`, 'group', 'container', { up, of: insts.length, cannotRun: 0 }, runningNodes(insts, false), containerMarkers(insts, ctx, {}), kids));
  }
  return out;
}

function configRows(ctx: Ctx, r: ResourceConfig, index: Map<string | null, ResourceInstance[]>): ResourceRow[] {
  switch (r.kind) {
    case 'primitive':
      return primitiveRows(ctx, r, index.get(null) ?? [], r.id);
    case 'group':
      return [groupRow(ctx, r, index)];
    case 'clone':
      return [cloneRow(ctx, r, index)];
    case 'bundle':
      return [bundleRow(ctx, r, index)];
  }
}

/** Every row of the tree in display order, with its depth. */
export function flattenResourceTree(rows: readonly ResourceRow[], depth = 0, out: { row: ResourceRow; depth: number }[] = []): { row: ResourceRow; depth: number }[] {
  for (const row of rows) {
    out.push({ row, depth });
    flattenResourceTree(row.children, depth + 1, out);
  }
  return out;
}
