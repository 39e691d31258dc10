/** Detail screens of one resource or one node, as lines with tones. */
import type { ClusterSnapshot, PrimitiveConfig, ResourceConfig } from '../../model/snapshot.js';
import type { Target, Tone } from './rows.js';
import { indexResources, locateResource } from '../../model/resource-index.js';
import { formatTimeUtc } from '../../model/time.js';
import { baseResourceId } from '../../model/values.js';
import { formatCount } from './format.js';
import { instanceFlags } from './resources.js';
import { visible } from '../../model/view/index.js';
import { nodeAttributesText, nodeLabel, nodeLinks, nodeState } from './nodes.js';
import { locationNote } from './constraints.js';

export interface DetailLine {
  text: string;
  tone: Tone;
}

export interface DetailModel {
  title: string;
  lines: DetailLine[];
  /** False when the target is not in the snapshot (any more). */
  found: boolean;
}

class Lines {
  readonly lines: DetailLine[] = [];
  section(title: string) {
    if (this.lines.length) this.lines.push({ text: '', tone: 'normal' });
    this.lines.push({ text: visible(title), tone: 'heading' });
  }
  kv(key: string, value: string, tone: Tone = 'normal') {
    this.lines.push({ text: visible(`  ${key.padEnd(18)} ${value}`), tone });
  }
  line(text: string, tone: Tone = 'normal') {
    this.lines.push({ text: visible(`  ${text}`), tone });
  }
  none() {
    this.line('(none)', 'dim');
  }
}

function agentText(p: PrimitiveConfig): string {
  return [p.agent.class, p.agent.provider, p.agent.type].filter(Boolean).join(':');
}

function primitivesOf(r: ResourceConfig): PrimitiveConfig[] {
  switch (r.kind) {
    case 'primitive':
      return [r];
    case 'group':
      return r.children;
    case 'clone':
      return r.child ? primitivesOf(r.child) : [];
    case 'bundle':
      return r.primitive ? [r.primitive] : [];
  }
}

/** Ids a detail screen considers "this resource": itself, its base id and its nested primitives. */
function relatedIds(r: ResourceConfig | null, id: string): Set<string> {
  const ids = new Set<string>([id, baseResourceId(id)]);
  if (r) {
    ids.add(r.id);
    for (const p of primitivesOf(r)) ids.add(p.id);
    if (r.kind === 'clone' && r.child) ids.add(r.child.id);
    if (r.kind === 'bundle') {
      for (const rep of r.replicas) for (const x of [rep.container, rep.ip, rep.remote, rep.child]) if (x) ids.add(x);
    }
  }
  return ids;
}

export function toResourceDetail(snapshot: ClusterSnapshot, id: string): DetailModel {
  const loc = locateResource(snapshot, indexResources(snapshot), id);
  const cfg = loc.config;
  const ids = relatedIds(cfg, id);
  const insts = snapshot.instances.filter((i) => ids.has(i.id) || ids.has(baseResourceId(i.id)) || (i.parent !== null && ids.has(baseResourceId(i.parent))));
  const found = !!cfg || insts.length > 0;
  const out = new Lines();
  out.section('Resource');
  out.kv('id', id);
  if (cfg) out.kv('kind', cfg.kind === 'clone' && cfg.promotable ? 'promotable clone' : cfg.kind);
  if (loc.parent) out.kv('in', `${loc.parent.kind} ${loc.parent.id}`);
  if (loc.top && loc.top.id !== (cfg?.id ?? id)) out.kv('top-level', loc.top.id);
  if (cfg?.kind === 'primitive') out.kv('agent', agentText(cfg));
  if (cfg?.kind === 'bundle') {
    out.kv('container', `${cfg.containerType}${cfg.image ? ` ${cfg.image}` : ''}`);
    if (cfg.replicasConfigured !== null) out.kv('replicas', String(cfg.replicasConfigured));
  }
  if (!found) out.line('not in the current snapshot', 'warn');

  out.section('Instances');
  if (!insts.length) out.none();
  for (const i of insts) {
    const flags = instanceFlags(i, snapshot);
    const tone: Tone = i.failed || i.blocked ? 'error' : !i.active ? 'warn' : 'normal';
    out.line(`${i.id.padEnd(24)} ${i.role.padEnd(11)} ${(i.nodes.join(' ') || '-').padEnd(16)} ${flags.join(' ')}`, tone);
  }

  if (cfg?.kind === 'bundle' && cfg.replicas.length) {
    out.section('Replicas');
    for (const r of cfg.replicas) {
      out.line(
        `${r.index.padEnd(3)} host ${(r.node ?? '-').padEnd(14)} ip ${(r.ip ?? '-').padEnd(20)} container ${r.container ?? '-'}  guest ${r.guestNode ?? '-'}  inner ${r.child ?? '-'}`,
      );
    }
  }

  const prims = cfg ? primitivesOf(cfg) : [];
  out.section('Parameters');
  let any = false;
  for (const p of prims) {
    for (const [k, v] of Object.entries(p.params)) {
      out.kv(prims.length > 1 ? `${p.id}.${k}` : k, v);
      any = true;
    }
  }
  if (!any) out.none();

  out.section('Meta attributes');
  any = false;
  const metaOwners: ResourceConfig[] = cfg ? [cfg, ...(cfg.kind === 'primitive' ? [] : prims)] : [];
  for (const r of metaOwners) {
    for (const [k, v] of Object.entries(r.meta)) {
      out.kv(r.id === cfg?.id ? k : `${r.id}.${k}`, v);
      any = true;
    }
  }
  if (!any) out.none();

  out.section('Operations');
  any = false;
  for (const p of prims) {
    for (const op of p.ops) {
      const extra = [op.timeout && `timeout=${op.timeout}`, op.role && `role=${op.role}`].filter(Boolean).join(' ');
      out.line(`${prims.length > 1 ? `${p.id} ` : ''}${op.name} interval=${op.interval} ${extra}`.trimEnd());
      any = true;
    }
  }
  if (!any) out.none();

  out.section('Fail counts');
  const fcs = snapshot.failcounts.filter((f) => ids.has(f.resource) || ids.has(baseResourceId(f.resource)));
  if (!fcs.length) out.none();
  for (const f of fcs) {
    const thr = f.migrationThreshold === null ? '' : ` (migration-threshold ${formatCount(f.migrationThreshold) || '0'})`;
    out.line(`${f.resource} on ${f.node}: ${formatCount(f.count) || '0'}${thr}${f.lastFailure ? ` last ${formatTimeUtc(f.lastFailure)}` : ''}`, 'warn');
    for (const op of f.operations) {
      out.line(`  ${op.task} interval=${op.interval} rc=${op.rc ?? '?'} ${formatTimeUtc(op.lastRcChange)}`.trimEnd(), 'warn');
    }
  }

  out.section('Failed actions');
  const fails = snapshot.failures.filter((f) => ids.has(f.resource) || ids.has(baseResourceId(f.resource)));
  if (!fails.length) out.none();
  for (const f of fails) {
    out.line(`${f.opKey} on ${f.node}: ${f.exitStatus}${f.exitReason ? ` (${f.exitReason})` : ''} ${formatTimeUtc(f.lastRcChange)}`.trimEnd(), 'error');
  }

  out.section('History');
  const ops = snapshot.operations.filter((o) => ids.has(o.resource) || ids.has(baseResourceId(o.resource)));
  if (!ops.length) out.none();
  for (const o of ops.slice(-50)) {
    const rc = o.rc && o.rc !== '0' ? 'error' : 'normal';
    out.line(
      `${o.node.padEnd(14)} ${`${o.task} ${o.interval}`.padEnd(18)} rc=${o.rc ?? '?'}${o.rcText ? ` ${o.rcText}` : ''}${o.lastRcChange ? ` ${formatTimeUtc(o.lastRcChange)}` : ''}${o.execTimeMs !== null ? ` ${o.execTimeMs}ms` : ''}`,
      rc,
    );
  }

  out.section('Constraints');
  const cons = constraintLines(snapshot, (r) => r !== null && (ids.has(r) || ids.has(baseResourceId(r))), () => false);
  if (!cons.length) out.none();
  out.lines.push(...cons);
  return { title: visible(`resource ${id}`), lines: out.lines, found };
}

function constraintLines(
  snapshot: ClusterSnapshot,
  touchesResource: (r: string | null) => boolean,
  touchesNode: (n: string | null) => boolean,
): DetailLine[] {
  const out: DetailLine[] = [];
  const inSet = (cid: string) => (snapshot.constraints.sets[cid] ?? []).some((r) => touchesResource(r));
  for (const c of snapshot.constraints.location) {
    if (!touchesResource(c.resource) && !touchesNode(c.node) && !inSet(c.id)) continue;
    const note = locationNote(c);
    out.push({
      text: `  location ${c.id}: ${c.resource ?? c.resourcePattern ?? '(set)'} ${c.node ? `on ${c.node} ` : ''}score ${c.score ?? '?'}${note.text ? ` [${note.text}]` : ''}`,
      tone: note.tone,
    });
  }
  for (const c of snapshot.constraints.colocation) {
    if (!touchesResource(c.rsc) && !touchesResource(c.withRsc) && !inSet(c.id)) continue;
    out.push({ text: `  colocation ${c.id}: ${c.rsc ?? '(set)'} with ${c.withRsc ?? '?'} score ${c.score ?? '?'}`, tone: 'normal' });
  }
  for (const c of snapshot.constraints.order) {
    if (!touchesResource(c.first) && !touchesResource(c.then) && !inSet(c.id)) continue;
    out.push({ text: `  order ${c.id}: ${c.first ?? '(set)'} then ${c.then ?? '?'}${c.kind ? ` (${c.kind})` : ''}`, tone: 'normal' });
  }
  return out;
}

export function toNodeDetail(snapshot: ClusterSnapshot, name: string): DetailModel {
  const node = snapshot.nodes.find((n) => n.name === name);
  const out = new Lines();
  out.section('Node');
  out.kv('name', node ? nodeLabel(node) : name);
  if (!node) {
    out.line('not in the current snapshot', 'warn');
  } else {
    const st = nodeState(node);
    out.kv('state', st.text, st.tone);
    out.kv('type', node.type);
    out.kv('id', node.id);
    if (node.isDc) out.kv('role', 'DC');
    out.kv('resources running', String(node.resourcesRunning));
    if (node.health) out.kv('health', node.health, node.health === 'red' ? 'error' : node.health === 'yellow' ? 'warn' : 'normal');
    if (node.host) out.kv('host', node.host);
    if (node.container) out.kv('container', node.container);
    if (node.connection) out.kv('connection', node.connection);
    const flags = (['standby', 'maintenance', 'pending', 'unclean', 'shutdown', 'expectedUp'] as const).filter((f) => node[f]);
    if (flags.length) out.kv('flags', flags.join(' '));
  }

  out.section('Attributes');
  const attrs = snapshot.nodeAttributes[name] ?? {};
  if (!Object.keys(attrs).length) out.none();
  for (const [k, v] of Object.entries(attrs)) out.kv(k, v);

  out.section('Corosync');
  const coro = snapshot.corosync;
  const member = coro?.members.find((m) => m.name === name) ?? (node ? coro?.members.find((m) => m.nodeId === node.id) : undefined);
  if (!coro || !member) out.none();
  else {
    out.kv('node id', member.nodeId);
    if (member.addresses.length) out.kv('addresses', member.addresses.join(' '));
    if (member.status) out.kv('status', member.status);
    if (member.votes !== null) out.kv('votes', String(member.votes));
    if (node) {
      const links = nodeLinks(snapshot, node);
      if (links) out.kv('links', links, /DOWN/.test(links) ? 'warn' : 'normal');
    }
  }

  out.section('Resources on this node');
  const insts = snapshot.instances.filter((i) => i.nodes.includes(name));
  if (!insts.length) out.none();
  for (const i of insts) {
    out.line(`${(i.parent ? `${i.parent}/${i.id}` : i.id).padEnd(30)} ${i.role.padEnd(11)} ${instanceFlags(i, snapshot).join(' ')}`.trimEnd(), i.failed ? 'error' : 'normal');
  }

  out.section('Failed actions');
  const fails = snapshot.failures.filter((f) => f.node === name);
  if (!fails.length) out.none();
  for (const f of fails) out.line(`${f.opKey}: ${f.exitStatus}${f.exitReason ? ` (${f.exitReason})` : ''} ${formatTimeUtc(f.lastRcChange)}`.trimEnd(), 'error');

  out.section('Fencing history');
  const fence = snapshot.fencing.filter((e) => e.target === name);
  if (!fence.length) out.none();
  for (const e of fence) {
    out.line(`${e.action} ${e.status}${e.delegate ? ` by ${e.delegate}` : ''}${e.completed ? ` ${formatTimeUtc(e.completed)}` : ''}${e.exitReason ? ` (${e.exitReason})` : ''}`, e.status === 'success' ? 'normal' : 'warn');
  }

  out.section('Constraints');
  const cons = constraintLines(snapshot, () => false, (n) => n === name);
  if (!cons.length) out.none();
  out.lines.push(...cons);
  return { title: visible(`node ${name}`), lines: out.lines, found: !!node };
}

/** Detail for a row's target (constraints show their resource's detail when known). */
export function toDetail(snapshot: ClusterSnapshot | null, target: Target): DetailModel {
  if (!snapshot) return { title: 'detail', lines: [{ text: 'no snapshot yet', tone: 'warn' }], found: false };
  switch (target.kind) {
    case 'node':
      return toNodeDetail(snapshot, target.name);
    case 'resource':
      return toResourceDetail(snapshot, target.id);
    case 'constraint':
      if (target.resource) return toResourceDetail(snapshot, target.resource);
      return { title: visible(`constraint ${target.id}`), lines: [{ text: visible(`constraint ${target.id}`), tone: 'normal' }], found: true };
    case 'input':
      return { title: visible(`input #${target.label}`), lines: [{ text: visible(`scheduler input #${target.label} on ${target.host}`), tone: 'normal' }], found: true };
  }
}
