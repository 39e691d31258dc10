/**
 * Resources view: the resource tree (groups, clones, promotable clones, bundles with each
 * replica's IP, container, host and inner resource) or the same instances grouped by node.
 */
import type {
  BundleConfig,
  BundleReplica,
  CloneConfig,
  ClusterSnapshot,
  GroupConfig,
  PrimitiveConfig,
  ResourceConfig,
  ResourceInstance,
} from '../../model/snapshot.js';
import type { Column, Row, Table, Tone, TreeNode } from './rows.js';
import { flattenTree, uniqueKeys } from './rows.js';
import { compileFilter, type CompiledFilter } from './filter.js';
import { baseId, formatCount } from './format.js';
import { nodeLabel, nodeState } from './nodes.js';

export const RESOURCE_COLUMNS: Column[] = [
  { title: 'RESOURCE', min: 22, weight: 3 },
  { title: 'KIND', min: 12, weight: 2, priority: 2 },
  { title: 'ROLE', min: 10 },
  { title: 'NODES', min: 12, weight: 2 },
  { title: 'FLAGS', min: 9, weight: 1, priority: 3 },
  { title: 'FAIL', min: 4, align: 'right', priority: 1 },
];

export interface ResourceRowOptions {
  groupByNode?: boolean;
  /** Filter text (regex or substring) or a compiled filter. */
  filter?: string | CompiledFilter;
}

type FailIndex = (id: string, nodes: readonly string[] | null) => number;

function failIndex(snapshot: ClusterSnapshot): FailIndex {
  const byKey = new Map<string, number>();
  const byRes = new Map<string, number>();
  for (const fc of snapshot.failcounts) {
    const k = `${fc.resource}\u0000${fc.node}`;
    byKey.set(k, Math.min(Number.MAX_SAFE_INTEGER, (byKey.get(k) ?? 0) + fc.count));
    byRes.set(fc.resource, Math.min(Number.MAX_SAFE_INTEGER, (byRes.get(fc.resource) ?? 0) + fc.count));
  }
  return (id, nodes) => {
    const ids = id === baseId(id) ? [id] : [id, baseId(id)];
    for (const rid of ids) {
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

export function instanceFlags(inst: ResourceInstance): string[] {
  const flags: string[] = [];
  if (inst.failed) flags.push('FAILED');
  if (inst.blocked) flags.push('blocked');
  if (!inst.managed) flags.push('unmanaged');
  if (inst.orphaned) flags.push('orphaned');
  if (inst.failureIgnored) flags.push('fail-ignored');
  if (inst.targetRole === 'Stopped') flags.push('disabled');
  if (inst.pending) flags.push(inst.pending.toLowerCase());
  return flags;
}

function instanceTone(inst: ResourceInstance, inClone: boolean): Tone {
  if (inst.failed || inst.blocked) return 'error';
  if (!inst.managed || inst.pending || inst.orphaned) return 'warn';
  if (!inst.active || inst.role === 'Stopped') {
    if (inst.targetRole === 'Stopped') return 'dim';
    return inClone ? 'dim' : 'warn';
  }
  return 'normal';
}

function shortAgent(agent: string): string {
  return agent;
}

interface Ctx {
  snapshot: ClusterSnapshot;
  fails: FailIndex;
  used: Set<ResourceInstance>;
}

function instanceNode(
  ctx: Ctx,
  inst: ResourceInstance,
  opts: { keyPrefix: string; label?: string; kind?: string; inClone?: boolean; failNodes?: 'own' | 'all' },
): TreeNode {
  ctx.used.add(inst);
  const flags = instanceFlags(inst);
  const fails = ctx.fails(inst.id, opts.failNodes === 'all' || !inst.nodes.length ? null : inst.nodes);
  const label = opts.label ?? inst.id;
  const kind = opts.kind ?? shortAgent(inst.agent);
  const row: Row = {
    key: `res:${opts.keyPrefix}${inst.id}@${inst.nodes.join(',') || '-'}`,
    cells: [label, kind, inst.role, inst.nodes.join(' '), flags.join(' '), formatCount(fails)],
    tone: instanceTone(inst, !!opts.inClone),
    target: { kind: 'resource', id: inst.id, ...(inst.nodes[0] ? { node: inst.nodes[0] } : {}) },
    search: [label, inst.id, inst.agent, inst.role, inst.nodes.join(' '), flags.join(' '), inst.parent ?? ''].join(' '),
  };
  return { row, children: [] };
}

interface Summary {
  role: string;
  nodes: string;
  flags: string;
  fails: number;
  tone: Tone;
  search: string;
}

/** Summary of a container row from its instances. */
function summarize(insts: readonly ResourceInstance[], fails: number, meta: Record<string, string>, promotable = false): Summary {
  const active = insts.filter((i) => i.active && i.role !== 'Stopped');
  const nodes: string[] = [];
  for (const inst of active) {
    for (const n of inst.nodes) {
      const label = promotable && inst.role === 'Promoted' ? `${n}(P)` : n;
      if (!nodes.includes(label)) nodes.push(label);
    }
  }
  const flagSet = new Set<string>();
  for (const inst of insts) {
    for (const f of instanceFlags(inst)) if (f !== 'disabled') flagSet.add(f);
  }
  const disabled = (meta['target-role'] ?? '').toLowerCase() === 'stopped';
  if (disabled) flagSet.add('disabled');
  const isManagedFalse = (meta['is-managed'] ?? '').toLowerCase() === 'false';
  if (isManagedFalse) flagSet.add('unmanaged');
  const flags = [...flagSet];
  let tone: Tone = 'normal';
  if (flags.includes('FAILED') || flags.includes('blocked')) tone = 'error';
  else if (flags.includes('unmanaged') || insts.some((i) => i.pending)) tone = 'warn';
  else if (active.length === 0) tone = disabled ? 'dim' : 'warn';
  const role = insts.length === 0 ? '-' : `${active.length}/${insts.length} up`;
  return { role, nodes: nodes.join(' '), flags: flags.join(' '), fails, tone, search: [role, nodes.join(' '), flags.join(' ')].join(' ') };
}

function containerNode(id: string, kind: string, s: Summary, children: TreeNode[], target = id): TreeNode {
  return {
    row: {
      key: `res:${id}`,
      cells: [id, kind, s.role, s.nodes, s.flags, formatCount(s.fails)],
      tone: s.tone,
      target: { kind: 'resource', id: target },
      search: [id, kind, s.search].join(' '),
    },
    children,
  };
}

/** Instances by parent, and by parent plus configured (base) id, for linear-time tree building. */
class InstanceIndex {
  readonly byParent = new Map<string | null, ResourceInstance[]>();
  private readonly byParentId = new Map<string, ResourceInstance[]>();

  constructor(instances: readonly ResourceInstance[]) {
    for (const inst of instances) {
      push(this.byParent, inst.parent, inst);
      push(this.byParentId, `${inst.parent ?? ''}\u0000${baseId(inst.id)}`, inst);
    }
  }

  /** Unused instances under `parent` whose id (or base id) is `id`, in document order. */
  withId(parent: string | null, id: string, used: Set<ResourceInstance>): ResourceInstance[] {
    const list = this.byParentId.get(`${parent ?? ''}\u0000${baseId(id)}`) ?? [];
    return list.filter((i) => !used.has(i) && (i.id === id || baseId(i.id) === id));
  }

  /** All unused instances under `parent`. */
  rest(parent: string | null, used: Set<ResourceInstance>): ResourceInstance[] {
    return (this.byParent.get(parent) ?? []).filter((i) => !used.has(i));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function sumFails(nodes: readonly TreeNode[]): number {
  let sum = 0;
  for (const n of nodes) {
    const c = n.row.cells[5];
    if (c === 'INF') return Number.MAX_SAFE_INTEGER;
    if (n.children.length === 0) sum += Number(c) || 0;
    else sum += sumFails(n.children);
  }
  return Math.min(sum, Number.MAX_SAFE_INTEGER);
}

function primitiveNode(ctx: Ctx, p: PrimitiveConfig, index: InstanceIndex, parent: string | null, prefix: string): TreeNode[] {
  const insts = index.withId(parent, p.id, ctx.used);
  if (insts.length === 0) {
    const agent = [p.agent.class, p.agent.provider, p.agent.type].filter(Boolean).join(':');
    const disabled = (p.meta['target-role'] ?? '').toLowerCase() === 'stopped';
    return [
      {
        row: {
          key: `res:${prefix}${p.id}`,
          cells: [p.id, agent, 'Stopped', '', disabled ? 'disabled' : '', formatCount(ctx.fails(p.id, null))],
          tone: disabled ? 'dim' : 'warn',
          target: { kind: 'resource', id: p.id },
          search: [p.id, agent, 'Stopped', disabled ? 'disabled' : ''].join(' '),
        },
        children: [],
      },
    ];
  }
  return insts.map((i) => instanceNode(ctx, i, { keyPrefix: prefix, failNodes: 'all' }));
}

function groupNode(ctx: Ctx, g: GroupConfig, index: InstanceIndex, parentId: string, label: string, prefix: string, meta = g.meta): TreeNode {
  const children: TreeNode[] = [];
  const insts: ResourceInstance[] = [];
  for (const child of g.children) {
    const found = index.withId(parentId, child.id, ctx.used);
    for (const inst of found) {
      insts.push(inst);
      children.push(instanceNode(ctx, inst, { keyPrefix: `${prefix}${label}/`, inClone: label !== g.id }));
    }
  }
  for (const inst of index.rest(parentId, ctx.used)) {
    insts.push(inst);
    children.push(instanceNode(ctx, inst, { keyPrefix: `${prefix}${label}/` }));
  }
  const s = summarize(insts, sumFails(children), meta);
  return containerNode(label, 'group', s, children);
}

function cloneNode(ctx: Ctx, c: CloneConfig, index: InstanceIndex): TreeNode {
  const children: TreeNode[] = [];
  const all: ResourceInstance[] = [];
  const prefix = `${c.id}/`;
  if (c.child && c.child.kind === 'group') {
    const g = c.child;
    const re = new RegExp(`^${escapeRe(g.id)}(:\\d+)?$`);
    const instanceGroups = [...index.byParent.keys()].filter((k): k is string => k !== null && re.test(k));
    for (const gid of instanceGroups) {
      const before = ctx.used.size;
      const node = groupNode(ctx, g, index, gid, gid, prefix, {});
      if (ctx.used.size > before) {
        for (const inst of index.byParent.get(gid) ?? []) all.push(inst);
        children.push(node);
      }
    }
  }
  for (const inst of index.rest(c.id, ctx.used)) {
    all.push(inst);
    children.push(instanceNode(ctx, inst, { keyPrefix: prefix, inClone: true }));
  }
  const kind = `${c.promotable ? 'promotable' : 'clone'}${c.unique ? ' unique' : ''}`;
  const s = summarize(all, sumFails(children), c.meta, c.promotable);
  // For a cloned group, count instances as group instances.
  if (c.child?.kind === 'group' && children.length) {
    const up = children.filter((n) => n.row.cells[2] !== '-' && !n.row.cells[2].startsWith('0/')).length;
    s.role = `${up}/${children.length} up`;
  }
  return containerNode(c.id, kind, s, children);
}

function ipAddress(id: string): string {
  const m = /-ip-(.+)$/.exec(id);
  return m ? m[1] : id;
}

function bundleNode(ctx: Ctx, b: BundleConfig, index: InstanceIndex): TreeNode {
  const pool = index.byParent.get(b.id) ?? [];
  const children: TreeNode[] = [];
  const all: ResourceInstance[] = [];
  const prefix = `${b.id}/`;
  const replicaParts = (r: BundleReplica) => {
    const pick = (pred: (i: ResourceInstance) => boolean) => pool.find((i) => !ctx.used.has(i) && pred(i)) ?? null;
    const ip = r.ip ? pick((i) => i.id === r.ip) : null;
    const container = r.container ? pick((i) => i.id === r.container) : null;
    const remote = r.remote ? pick((i) => i.id === r.remote) : null;
    let inner: ResourceInstance | null = null;
    if (r.guestNode) inner = pick((i) => i.nodes.includes(r.guestNode as string) && i.id !== r.remote);
    if (!inner && r.child) inner = pick((i) => i.id === r.child);
    if (!inner && b.primitive) {
      const pid = b.primitive.id;
      inner = pick((i) => (i.id === pid || baseId(i.id) === pid) && !i.active);
    }
    return { ip, container, remote, inner };
  };
  for (const r of b.replicas) {
    const parts = replicaParts(r);
    const kids: TreeNode[] = [];
    const insts: ResourceInstance[] = [];
    const add = (inst: ResourceInstance | null, kind: string) => {
      if (!inst) return;
      insts.push(inst);
      kids.push(instanceNode(ctx, inst, { keyPrefix: `${prefix}${r.index}/`, kind, inClone: true }));
    };
    add(parts.ip, `ip ${ipAddress(parts.ip?.id ?? '')}`);
    add(parts.container, `container ${b.containerType}`);
    add(parts.remote, r.guestNode ? `guest ${r.guestNode}` : 'remote');
    add(parts.inner, parts.inner ? `inner ${parts.inner.agent}` : 'inner');
    all.push(...insts);
    const host = r.node ?? parts.container?.nodes[0] ?? '';
    const role = parts.inner?.role ?? parts.container?.role ?? 'Stopped';
    const flags = [...new Set(insts.flatMap(instanceFlags))];
    const ip = parts.ip ? ipAddress(parts.ip.id) : r.ip ? ipAddress(r.ip) : '';
    const label = `replica ${r.index}`;
    const tone: Tone = flags.includes('FAILED') || flags.includes('blocked') ? 'error' : role === 'Stopped' ? 'warn' : 'normal';
    children.push({
      row: {
        key: `res:${prefix}replica:${r.index}`,
        cells: [label, ip ? `replica ip ${ip}` : 'replica', role, host, flags.join(' '), formatCount(sumFails(kids))],
        tone,
        target: { kind: 'resource', id: r.container ?? parts.inner?.id ?? b.id, ...(host ? { node: host } : {}) },
        search: [label, b.id, ip, host, role, r.guestNode ?? '', r.container ?? '', parts.inner?.agent ?? '', flags.join(' ')].join(' '),
      },
      children: kids,
    });
  }
  for (const inst of index.rest(b.id, ctx.used)) {
    all.push(inst);
    children.push(instanceNode(ctx, inst, { keyPrefix: prefix, inClone: true }));
  }
  // A replica is up when its container is; count containers when the bundle has them.
  const containerIds = new Set(b.replicas.map((r) => r.container).filter((x): x is string => !!x));
  const containers = all.filter((i) => containerIds.has(i.id));
  const s = summarize(containers.length ? containers : all, sumFails(children), b.meta);
  const kind = `bundle ${b.containerType}`;
  const node = containerNode(b.id, kind, s, children);
  node.row.search += ` ${b.image ?? ''}`;
  return node;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The resource tree as nodes (unfiltered). */
export function toResourceTree(snapshot: ClusterSnapshot): TreeNode[] {
  const index = new InstanceIndex(snapshot.instances);
  const ctx: Ctx = { snapshot, fails: failIndex(snapshot), used: new Set() };
  const out: TreeNode[] = [];
  for (const r of snapshot.resources) out.push(...configNode(ctx, r, index));
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
      for (const inst of insts) out.push(instanceNode(ctx, inst, { keyPrefix: '', failNodes: 'all' }));
      continue;
    }
    const kids = insts.map((inst) => instanceNode(ctx, inst, { keyPrefix: `${parent}/` }));
    out.push(containerNode(parent, 'container', summarize(insts, sumFails(kids), {}), kids));
  }
  return out;
}

function configNode(ctx: Ctx, r: ResourceConfig, index: InstanceIndex): TreeNode[] {
  switch (r.kind) {
    case 'primitive':
      return primitiveNode(ctx, r, index, null, '');
    case 'group':
      return [groupNode(ctx, r, index, r.id, r.id, '')];
    case 'clone':
      return [cloneNode(ctx, r, index)];
    case 'bundle':
      return [bundleNode(ctx, r, index)];
  }
}

/** Instances grouped under the node(s) they run on, then the ones not running anywhere. */
export function toResourceByNodeTree(snapshot: ClusterSnapshot): TreeNode[] {
  const ctx: Ctx = { snapshot, fails: failIndex(snapshot), used: new Set() };
  const byNode = new Map<string, ResourceInstance[]>();
  const stopped: ResourceInstance[] = [];
  for (const inst of snapshot.instances) {
    if (!inst.nodes.length) stopped.push(inst);
    for (const n of inst.nodes) {
      const list = byNode.get(n);
      if (list) list.push(inst);
      else byNode.set(n, [inst]);
    }
  }
  const out: TreeNode[] = [];
  const label = (i: ResourceInstance) => (i.parent ? `${i.parent}/${i.id}` : i.id);
  const nodeNames = [...snapshot.nodes.map((n) => n.name), ...[...byNode.keys()].filter((n) => !snapshot.nodes.some((x) => x.name === n))];
  for (const name of nodeNames) {
    const node = snapshot.nodes.find((n) => n.name === name);
    const insts = byNode.get(name) ?? [];
    const state = node ? nodeState(node) : { text: 'unknown', tone: 'warn' as Tone };
    const kids = insts.map((i) =>
      instanceNode(ctx, i, { keyPrefix: `bynode:${name}/${i.parent ?? ''}/`, label: label(i), inClone: true }),
    );
    out.push({
      row: {
        key: `bynode:${name}`,
        cells: [node ? nodeLabel(node) : name, node ? `node ${node.type}` : 'node', state.text, '', '', formatCount(sumFails(kids))],
        tone: state.tone === 'ok' ? 'heading' : state.tone,
        target: { kind: 'node', name },
        search: [name, 'node', state.text].join(' '),
      },
      children: kids,
    });
  }
  if (stopped.length) {
    const kids = stopped.map((i) => instanceNode(ctx, i, { keyPrefix: 'bynode:-/', label: label(i), inClone: !!i.parent }));
    out.push({
      row: {
        key: 'bynode:-',
        cells: ['(not running)', '', '', '', '', ''],
        tone: 'heading',
        target: null,
        search: 'not running stopped',
      },
      children: kids,
    });
  }
  return out;
}

export function toResourceRows(snapshot: ClusterSnapshot | null, options: ResourceRowOptions = {}): Table {
  if (!snapshot) return { columns: RESOURCE_COLUMNS, rows: [] };
  const tree = options.groupByNode ? toResourceByNodeTree(snapshot) : toResourceTree(snapshot);
  const filter = typeof options.filter === 'string' ? compileFilter(options.filter) : options.filter;
  const rows = flattenTree(tree, filter && filter.mode !== 'none' ? (row) => filter.test(row.search) : undefined);
  return { columns: RESOURCE_COLUMNS, rows: uniqueKeys(rows) };
}

/** Where a configured resource sits: itself and its top-level ancestor. */
export interface ResourceLocation {
  config: ResourceConfig | null;
  /** Top-level configured resource containing it (itself when top-level). */
  top: ResourceConfig | null;
  /** Configured parent (group, clone or bundle), when nested. */
  parent: ResourceConfig | null;
}

/** Find a resource by configured id, instance id ("dlm:0") or bundle part id. */
export function findResource(snapshot: ClusterSnapshot, id: string): ResourceLocation {
  const ids = [id, baseId(id)];
  for (const want of ids) {
    for (const top of snapshot.resources) {
      const hit = searchConfig(top, want, top, null);
      if (hit) return hit;
    }
  }
  // Instance known by parent only (e.g. a cloned group's "glance:0").
  const inst = snapshot.instances.find((i) => i.id === id);
  if (inst?.parent && inst.parent !== id) {
    const p = findResource(snapshot, inst.parent);
    if (p.top) return { config: null, top: p.top, parent: p.config };
  }
  return { config: null, top: null, parent: null };
}

function searchConfig(r: ResourceConfig, id: string, top: ResourceConfig, parent: ResourceConfig | null): ResourceLocation | null {
  if (r.id === id) return { config: r, top, parent };
  switch (r.kind) {
    case 'group':
      for (const c of r.children) if (c.id === id) return { config: c, top, parent: r };
      return null;
    case 'clone':
      return r.child ? searchConfig(r.child, id, top, r) : null;
    case 'bundle':
      if (r.primitive && r.primitive.id === id) return { config: r.primitive, top, parent: r };
      if (r.replicas.some((x) => x.container === id || x.ip === id || x.remote === id || x.child === id)) {
        return { config: r, top, parent: null };
      }
      return null;
    default:
      return null;
  }
}

/** The id actions such as move and ban should use for a selected resource (its top-level one). */
export function actionResourceId(snapshot: ClusterSnapshot, id: string): string {
  return findResource(snapshot, id).top?.id ?? baseId(id);
}

export interface MoveTarget {
  node: string;
  note: string;
}

/** Nodes a resource may be moved to: online, not standby/unclean, not where it runs, not banned. */
export function toMoveTargets(snapshot: ClusterSnapshot, resourceId: string): MoveTarget[] {
  const top = actionResourceId(snapshot, resourceId);
  const related = new Set<string>([top, resourceId, baseId(resourceId)]);
  const running = new Set<string>();
  for (const inst of snapshot.instances) {
    if (!inst.active) continue;
    const loc = related.has(inst.id) || related.has(baseId(inst.id)) || (inst.parent !== null && (related.has(inst.parent) || related.has(baseId(inst.parent))));
    if (loc) for (const n of inst.nodes) running.add(n);
  }
  const banned = new Set<string>();
  for (const c of snapshot.constraints.location) {
    if (!c.node || !c.resource || !related.has(c.resource) || c.expired) continue;
    if ((c.score ?? '').replace(/^-/, '') !== (c.score ?? '') && /inf/i.test(c.score ?? '')) banned.add(c.node);
  }
  const out: MoveTarget[] = [];
  for (const n of snapshot.nodes) {
    if (!n.online || n.unclean || n.standby || n.pending || n.shutdown) continue;
    if (n.type === 'guest') continue;
    if (running.has(n.name) || banned.has(n.name)) continue;
    const notes: string[] = [];
    if (n.type === 'remote') notes.push('remote');
    if (n.maintenance) notes.push('maintenance');
    if (n.isDc) notes.push('DC');
    out.push({ node: n.name, note: notes.join(', ') });
  }
  return out;
}
