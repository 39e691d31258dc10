/**
 * Why a resource runs where it runs, or why it does not run (on a node, or anywhere): the
 * scheduler's allocation scores (crm_simulate --show-scores on a copy of the live CIB) with the
 * winner marked, and for each node the concrete causes behind its score, read from the snapshot's
 * configuration and state. The answer ends in the next action to take, as an action request of the
 * one action contract (src/model/actions.ts). Pure.
 *
 * A -INFINITY the causes do not account for is reported as unexplained, never guessed at.
 */
import { pcmkCommand, type Action } from './actions.js';
import type { ClusterNode, ClusterSnapshot } from './snapshot.js';
import {
  ancestors,
  constraintSubjects,
  indexResources,
  instancesOf,
  locationsFor,
  runningNodes,
  type ResourceEntry,
  type ResourceIndex,
} from './resource-index.js';
import { colocationPartners, mandatoryPartners, placementCauses, placementUnit, type AllocationScores, type PlacementCause, type RuleMatches } from './placement.js';
import { baseResourceId, formatDurationMs, formatScore, isFalse, isInfiniteCount, isMinusInfinity, isPlusInfinity, isTrue, parseDurationMs, scoreValue } from './values.js';
import { parsePacemakerTime } from './time.js';

export type WhyCauseKind =
  | PlacementCause['kind']
  | 'target-role'
  | 'unmanaged'
  | 'blocked'
  | 'failcount'
  | 'standby'
  | 'node-maintenance'
  | 'offline'
  | 'unclean'
  | 'pending'
  | 'no-quorum'
  | 'stonith'
  | 'order'
  | 'stopped-partner'
  | 'clone-max'
  | 'unexplained';

export interface WhyCause {
  kind: WhyCauseKind;
  /** The node it concerns; null when it keeps the resource off every node. */
  node: string | null;
  /** The resource the cause is about (the asked one, its group/clone, or one it depends on). */
  resource: string;
  constraint: string | null;
  /** One sentence for people. */
  text: string;
  /** What the sentence rests on: attribute values, fail counts, scores. */
  evidence: string[];
  /** The action that removes this cause, when the action contract has one. */
  fix: Action | null;
}

export interface WhyNode {
  node: string;
  /** The scheduler's score for the resource's placement unit there, as Pacemaker writes it ("-INFINITY", "100"); null without scores. */
  score: string | null;
  runs: boolean;
  /** Where the scheduler places it (the highest score, the node it runs on when tied). */
  winner: boolean;
  causes: WhyCause[];
  /** Facts that do not block: expired constraints, preferences. */
  notes: string[];
}

export interface WhyAnswer {
  resource: string;
  /** The outermost group, clone or bundle the scheduler places (itself when top level). */
  unit: string;
  /** The node asked about ("why not on NODE"); null for the whole picture. */
  node: string | null;
  running: string[];
  /** The answer in plain words, first. */
  verdict: string;
  /** Causes that keep the resource from running anywhere (or that concern it as a whole). */
  causes: WhyCause[];
  nodes: WhyNode[];
  /** The next step: the action and the exact pcmk command line that takes it. */
  next: { action: Action; command: string; reason: string } | null;
  /** Nodes whose -INFINITY nothing we know explains. */
  unexplained: string[];
  /** Whether scores came from the scheduler. */
  scored: boolean;
}

export interface WhyOptions {
  node?: string;
  now?: Date;
  /** Which rule-based location constraints match on which node (src/agent/parse/rules.ts). */
  rules?: RuleMatches;
}

const STOPPED_ROLES = new Set(['stopped']);

function roleStops(v: string | undefined): boolean {
  return v !== undefined && STOPPED_ROLES.has(v.trim().toLowerCase());
}

function cause(kind: WhyCauseKind, node: string | null, resource: string, text: string, fix: Action | null = null, evidence: string[] = [], constraint: string | null = null): WhyCause {
  return { kind, node, resource, constraint, text, evidence, fix };
}

/** The score the scheduler places the unit by: a group's first member carries the group's placement. */
export function placementScores(index: ResourceIndex, scores: AllocationScores | null, unit: string): Record<string, number> {
  if (!scores) return {};
  const e = index.byId.get(unit);
  if (e?.kind === 'group' && e.primitives[0] && scores[e.primitives[0]]) return scores[e.primitives[0]]!;
  return scores[unit] ?? {};
}

// ---------------------------------------------------------------------------------------------
// Causes that concern the resource as a whole

function targetRoleCauses(index: ResourceIndex, e: ResourceEntry): WhyCause[] {
  const out: WhyCause[] = [];
  const chain = [e, ...ancestors(index, e.id)];
  for (const a of chain) {
    const tr = a.meta['target-role'];
    if (roleStops(tr)) {
      const whose = a.id === e.id ? '' : ` (its ${a.kind} ${a.id})`;
      out.push(cause('target-role', null, a.id, `${a.id} has target-role=${tr}: the configuration says it stays stopped${whose ? `, and ${e.id} belongs to it` : ''}`, { name: 'enable', resource: a.id }, [`${a.id} meta target-role=${tr}`]));
    }
  }
  // A group member stopped by its own target-role stops the members after it.
  if (e.kind === 'group') {
    for (const p of e.primitives) {
      const pe = index.byId.get(p);
      const tr = pe?.meta['target-role'];
      if (pe && roleStops(tr)) out.push(cause('target-role', null, p, `member ${p} has target-role=${tr}: it and the members after it stay stopped`, { name: 'enable', resource: p }, [`${p} meta target-role=${tr}`]));
    }
  } else if (e.parent) {
    const g = index.byId.get(e.parent);
    if (g?.kind === 'group') {
      for (const p of g.primitives) {
        if (p === e.id) break;
        const tr = index.byId.get(p)?.meta['target-role'];
        if (roleStops(tr)) out.push(cause('target-role', null, p, `${p}, before ${e.id} in group ${g.id}, has target-role=${tr}: the members after it stay stopped`, { name: 'enable', resource: p }, [`${p} meta target-role=${tr}`]));
      }
    }
  }
  return out;
}

function unmanagedCauses(snapshot: ClusterSnapshot, index: ResourceIndex, e: ResourceEntry): WhyCause[] {
  if (isTrue(snapshot.cluster.options['maintenance-mode'])) {
    return [cause('unmanaged', null, e.id, 'the whole cluster is in maintenance mode: the cluster starts, stops and moves nothing', { name: 'cluster-maintenance', state: 'off' }, ['cluster property maintenance-mode=true'])];
  }
  for (const a of [e, ...ancestors(index, e.id), ...e.primitives.filter((p) => p !== e.id).map((p) => index.byId.get(p)!).filter(Boolean)]) {
    const whose = a.id === e.id ? a.id : `${a.id} (${e.id} ${a.parent === e.id || e.primitives.includes(a.id) ? 'contains it' : 'belongs to it'})`;
    if (isTrue(a.meta['maintenance'])) {
      return [cause('unmanaged', null, a.id, `${whose} is in maintenance (maintenance=true): the cluster does not start, stop or monitor it`, { name: 'resource-maintenance', resource: a.id, state: 'off' }, [`${a.id} meta maintenance=${a.meta['maintenance']}`])];
    }
    if (isFalse(a.meta['is-managed'])) {
      return [
        cause(
          'unmanaged',
          null,
          a.id,
          `${whose} is not managed (is-managed=false): the cluster does not start or stop it (to manage it again: crm_resource --resource ${a.id} --meta --delete-parameter is-managed)`,
          null,
          [`${a.id} meta is-managed=${a.meta['is-managed']}`],
        ),
      ];
    }
  }
  return [];
}

function blockedCauses(snapshot: ClusterSnapshot, index: ResourceIndex, e: ResourceEntry): WhyCause[] {
  const out: WhyCause[] = [];
  const prims = new Set(e.primitives);
  for (const i of instancesOf(snapshot, index, e.id)) {
    if (!i.blocked) continue;
    const stop = snapshot.failures.find((f) => (prims.has(f.resource) || prims.has(baseResourceId(f.resource))) && f.task === 'stop');
    out.push(
      cause(
        'blocked',
        i.nodes[0] ?? null,
        baseResourceId(i.id),
        `${i.id} is blocked${i.nodes.length ? ` on ${i.nodes.join(', ')}` : ''}: a stop failed and the cluster will not touch it until the failure is cleaned up`,
        { name: 'cleanup', resource: baseResourceId(i.id), ...(i.nodes[0] ? { node: i.nodes[0] } : {}) },
        stop ? [`${stop.opKey} on ${stop.node}: ${stop.exitStatus}${stop.exitReason ? ` (${stop.exitReason})` : ''}`] : [],
      ),
    );
  }
  return out;
}

function quorumCauses(snapshot: ClusterSnapshot, unit: string): WhyCause[] {
  if (snapshot.cluster.quorate !== false) return [];
  const policy = snapshot.cluster.options['no-quorum-policy'] ?? 'stop';
  if (policy === 'ignore') return [];
  const gone = snapshot.nodes.filter((n) => n.type === 'member' && !n.online).map((n) => n.name);
  const what = policy === 'freeze' ? 'starts nothing new (it keeps what runs)' : policy === 'demote' ? 'demotes promoted resources and stops the rest' : policy === 'suicide' ? 'fences its own nodes' : 'stops every resource';
  return [
    cause(
      'no-quorum',
      null,
      unit,
      `this partition has no quorum and no-quorum-policy=${policy}: the cluster ${what}${gone.length ? `; members offline: ${gone.join(', ')} (bring them back)` : ''}`,
      null,
      [`partition without quorum${snapshot.cluster.partition ? ` (${snapshot.cluster.partition})` : ''}`, `no-quorum-policy=${policy}${snapshot.cluster.options['no-quorum-policy'] ? '' : ' (default)'}`],
    ),
  ];
}

function stonithCauses(snapshot: ClusterSnapshot, unit: string): WhyCause[] {
  const enabled = !isFalse(snapshot.cluster.options['stonith-enabled']);
  if (!enabled) return [];
  return snapshot.nodes
    .filter((n) => n.unclean)
    .map((n) =>
      cause(
        'stonith',
        n.name,
        unit,
        `${n.name} is unclean and must be fenced first (stonith-enabled): the cluster waits before it recovers resources that may have run there`,
        { name: 'fence', node: n.name },
        [`node ${n.name}: unclean`],
      ),
    );
}

/** Resources the unit must run with or start after that are themselves not running, with their own reasons. */
function dependencyCauses(snapshot: ClusterSnapshot, index: ResourceIndex, e: ResourceEntry, depth: number, seen: Set<string>, opts: WhyOptions): WhyCause[] {
  const out: WhyCause[] = [];
  const unit = placementUnit(index, e.id);
  const subjects = new Set(constraintSubjects(index, unit));
  const nested = (partner: string): { causes: WhyCause[]; fix: Action | null } => {
    if (depth > 4 || seen.has(placementUnit(index, partner))) return { causes: [], fix: null };
    const a = explainResource(snapshot, index, null, partner, { ...opts, node: undefined }, depth + 1, seen);
    return { causes: a.causes, fix: a.next?.action ?? null };
  };
  for (const { constraint, partner } of mandatoryPartners(snapshot, index, e.id)) {
    if (runningNodes(snapshot, index, partner).length) continue;
    const n = nested(partner);
    out.push(
      cause('stopped-partner', null, unit, `${unit} must run with ${partner} (colocation ${constraint}), and ${partner} is not running${n.causes[0] ? `: ${n.causes[0].text}` : ''}`, n.fix, n.causes.map((c) => c.text), constraint),
    );
  }
  for (const o of snapshot.constraints.order) {
    if (!o.first || !o.then || !subjects.has(o.then) || subjects.has(o.first)) continue;
    const kind = (o.kind ?? '').toLowerCase();
    const optional = kind === 'optional' || kind === 'serialize' || (o.kind === null && o.score !== null && scoreValue(o.score) === 0);
    if (optional) continue;
    const act = o.firstAction ?? 'start';
    if (act !== 'start' && act !== 'promote') continue;
    if (runningNodes(snapshot, index, o.first).length) continue;
    const n = nested(o.first);
    out.push(
      cause('order', null, unit, `${o.then} starts only after ${o.first} (order ${o.id}), and ${o.first} is not started${n.causes[0] ? `: ${n.causes[0].text}` : ''}`, n.fix, n.causes.map((c) => c.text), o.id),
    );
  }
  return out;
}

function cloneLimitCauses(snapshot: ClusterSnapshot, index: ResourceIndex, e: ResourceEntry, node: string, running: string[]): WhyCause[] {
  const clone = [e, ...ancestors(index, e.id)].find((a) => a.kind === 'clone' || a.kind === 'bundle');
  if (!clone || running.includes(node)) return [];
  const maxText = clone.kind === 'clone' ? clone.meta['clone-max'] : undefined;
  const configured = clone.kind === 'bundle' && clone.config?.kind === 'bundle' ? clone.config.replicasConfigured : maxText !== undefined ? Number(maxText) : null;
  if (configured === null || !Number.isFinite(configured) || running.length < configured) return [];
  const what = clone.kind === 'bundle' ? `bundle ${clone.id} has replicas=${configured}` : `clone ${clone.id} has clone-max=${configured}`;
  return [cause('clone-max', node, clone.id, `${what}, and all of them run elsewhere (${running.join(', ')})`, null, [what])];
}

// ---------------------------------------------------------------------------------------------
// Causes on one node

function nodeStateCauses(n: ClusterNode, unit: string): WhyCause[] {
  if (n.unclean) return [cause('unclean', n.name, unit, `${n.name} is unclean (it must be fenced before it runs anything)`, null, [`node ${n.name}: unclean`])];
  if (n.pending) return [cause('pending', n.name, unit, `${n.name} is pending (it has not finished joining the cluster)`, null, [`node ${n.name}: pending`])];
  if (!n.online) return [cause('offline', n.name, unit, `${n.name} is offline`, null, [`node ${n.name}: offline`])];
  const out: WhyCause[] = [];
  if (n.standby) out.push(cause('standby', n.name, unit, `${n.name} is in standby: it runs no resources`, { name: 'unstandby', node: n.name }, [`node ${n.name}: standby${n.standbyOnFail ? ' (on-fail)' : ''}`]));
  if (n.maintenance) out.push(cause('node-maintenance', n.name, unit, `${n.name} is in maintenance: the cluster starts and stops nothing there`, { name: 'node-maintenance', node: n.name, state: 'off' }, [`node ${n.name}: maintenance`]));
  return out;
}

/** Pacemaker runs fence devices and remote connections only on cluster members (never on remote or guest nodes). */
function memberOnlyCauses(index: ResourceIndex, e: ResourceEntry, n: ClusterNode, unit: string): WhyCause[] {
  if (n.type === 'member') return [];
  for (const p of e.primitives) {
    const c = index.byId.get(p)?.config;
    if (c?.kind !== 'primitive') continue;
    const what = c.agent.class === 'stonith' ? 'a fence device' : c.agent.provider === 'pacemaker' && c.agent.type === 'remote' ? 'a remote node connection' : null;
    if (what) return [cause('node', n.name, unit, `${p} is ${what}: Pacemaker runs those only on cluster members, and ${n.name} is a ${n.type} node`, null, [`${p}: ${c.agent.class}:${c.agent.provider ? `${c.agent.provider}:` : ''}${c.agent.type}`, `node ${n.name}: ${n.type}`])];
  }
  return [];
}

function failcountCauses(snapshot: ClusterSnapshot, index: ResourceIndex, e: ResourceEntry, node: string, now: Date): WhyCause[] {
  const out: WhyCause[] = [];
  const prims = new Set(e.primitives);
  for (const fc of snapshot.failcounts) {
    if (fc.node !== node || !(prims.has(fc.resource) || prims.has(baseResourceId(fc.resource)))) continue;
    const pe = index.byId.get(baseResourceId(fc.resource));
    const metaThreshold = [pe, ...(pe ? ancestors(index, pe.id) : [])].map((a) => a?.meta['migration-threshold']).find((v) => v !== undefined);
    const threshold = fc.migrationThreshold ?? (metaThreshold !== undefined ? scoreValue(metaThreshold) : Number.POSITIVE_INFINITY);
    if (!Number.isFinite(threshold) || isInfiniteCount(threshold) || threshold <= 0 || fc.count < threshold) continue;
    const evidence = [`fail count ${isInfiniteCount(fc.count) ? 'INFINITY' : fc.count} on ${node}, migration-threshold ${threshold}`];
    for (const op of fc.operations) evidence.push(`${op.task}${op.interval && op.interval !== '0' ? ` (every ${op.interval})` : ''} failed${op.lastRcChange ? ` at ${op.lastRcChange}` : ''}${op.rc ? `: rc ${op.rc}` : ''}`);
    const timeout = [pe, ...(pe ? ancestors(index, pe.id) : [])].map((a) => a?.meta['failure-timeout']).find((v) => v !== undefined);
    const timeoutMs = parseDurationMs(timeout);
    let expiry = 'it never expires by itself (no failure-timeout)';
    if (timeoutMs && timeoutMs > 0) {
      const last = fc.lastFailure ? (parsePacemakerTime(fc.lastFailure)?.ms ?? Date.parse(fc.lastFailure)) : NaN;
      if (Number.isFinite(last)) {
        const at = new Date(last + timeoutMs);
        expiry = at.getTime() > now.getTime() ? `it expires at ${at.toISOString().replace(/\.\d+Z$/, 'Z')} (failure-timeout ${formatDurationMs(timeoutMs)}, checked at the next cluster recheck)` : `its failure-timeout (${formatDurationMs(timeoutMs)}) has passed: it goes at the next cluster recheck`;
      } else expiry = `it expires failure-timeout ${formatDurationMs(timeoutMs)} after the last failure`;
    }
    evidence.push(expiry);
    const rsc = baseResourceId(fc.resource);
    out.push(
      cause(
        'failcount',
        node,
        rsc,
        `${rsc} failed ${isInfiniteCount(fc.count) ? 'INFINITY' : fc.count} time(s) on ${node}, at or over its migration-threshold (${threshold}): it may not run there until the failures are cleaned up; ${expiry}`,
        { name: 'cleanup', resource: rsc, node },
        evidence,
      ),
    );
  }
  return out;
}

function placementToWhy(p: PlacementCause, node: string): WhyCause {
  let fix: Action | null = null;
  if (p.kind === 'ban' && p.constraint) fix = { name: 'clear', resource: p.resource, node };
  const kind = p.kind === 'score' ? 'unexplained' : p.kind;
  return cause(kind, node, p.resource, p.detail, fix, [], p.constraint);
}

/**
 * Resources that must run with the unit and cannot run on the node: the scheduler keeps the unit
 * off that node for them too (a mandatory colocation works both ways for -INFINITY).
 */
function dependentCauses(snapshot: ClusterSnapshot, index: ResourceIndex, unit: string, node: string): WhyCause[] {
  const out: WhyCause[] = [];
  const subjects = new Set(constraintSubjects(index, unit));
  for (const c of snapshot.constraints.colocation) {
    if (!isPlusInfinity(c.score)) continue;
    for (const { partner, dependent } of colocationPartners(snapshot, c, subjects)) {
      if (dependent) continue;
      const pu = placementUnit(index, partner);
      const pe = index.byId.get(pu);
      if (pe && [...targetRoleCauses(index, pe)].length) continue;
      for (const l of locationsFor(snapshot, constraintSubjects(index, pu))) {
        if (l.expired || l.node !== node || !isMinusInfinity(l.score)) continue;
        out.push(
          cause(
            l.isCliBan ? 'ban' : 'location',
            node,
            l.resource ?? pu,
            `${partner} must run with ${unit} (colocation ${c.id}) and ${l.isCliBan ? 'is banned from' : 'may not run on'} ${node} (${l.id}), so the scheduler keeps ${unit} off ${node} too`,
            l.isCliBan ? { name: 'clear', resource: l.resource ?? pu, node } : null,
            [],
            l.id,
          ),
        );
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** Kinds whose scheduler effect is -INFINITY on every node (so they account for every node's score). */
const EVERYWHERE = new Set<WhyCauseKind>(['target-role', 'stopped-partner']);

/**
 * Explains where `resource` runs or why it does not. `scores` are the scheduler's allocation scores
 * for the same CIB (null when they could not be computed: then nothing is called unexplained).
 */
export function explainWhy(snapshot: ClusterSnapshot, scores: AllocationScores | null, resource: string, opts: WhyOptions = {}): WhyAnswer {
  return explainResource(snapshot, indexResources(snapshot), scores, resource, opts, 0, new Set());
}

function explainResource(snapshot: ClusterSnapshot, index: ResourceIndex, scores: AllocationScores | null, resource: string, opts: WhyOptions, depth: number, seen: Set<string>): WhyAnswer {
  const now = opts.now ?? new Date();
  const e = index.byId.get(resource);
  if (!e) throw new Error(`no such resource: ${resource}`);
  const unit = placementUnit(index, resource);
  seen.add(unit);
  // Where it runs on a node the cluster still has: an instance on a lost (offline, unclean) node is not running there.
  const alive = (name: string) => {
    const n = snapshot.nodes.find((x) => x.name === name);
    return !n || (n.online && !n.unclean);
  };
  const running = runningNodes(snapshot, index, resource).filter(alive);

  const causes: WhyCause[] = [...unmanagedCauses(snapshot, index, e), ...targetRoleCauses(index, e), ...blockedCauses(snapshot, index, e)];
  const stopped = running.length === 0;
  if (stopped) causes.push(...quorumCauses(snapshot, unit), ...stonithCauses(snapshot, unit), ...dependencyCauses(snapshot, index, e, depth, seen, opts));
  const everywhere = causes.some((c) => EVERYWHERE.has(c.kind));

  const unitScores = placementScores(index, scores, unit);
  const names = snapshot.nodes.map((n) => n.name).filter((n) => !scores || n in unitScores || running.includes(n));
  const nodes: WhyNode[] = names.map((name) => {
    const n = snapshot.nodes.find((x) => x.name === name)!;
    const score = name in unitScores ? formatScore(unitScores[name]!) : null;
    const runs = running.includes(name);
    // Running where the scheduler scores -INFINITY: it is about to be taken off that node.
    const leaving = runs && score !== null && isMinusInfinity(score);
    const state = nodeStateCauses(n, unit);
    const nodeDown = state.some((c) => c.kind !== 'node-maintenance');
    const own: WhyCause[] = runs && !leaving ? [] : [...state, ...memberOnlyCauses(index, e, n, unit), ...failcountCauses(snapshot, index, e, name, now), ...cloneLimitCauses(snapshot, index, e, name, running)];
    // A node the scheduler scores above -INFINITY is allowed: it only scores lower than the winner.
    const allowed = scores !== null && name in unitScores && unitScores[name] !== Number.NEGATIVE_INFINITY;
    if ((!runs || leaving) && !allowed) {
      for (const p of placementCauses(snapshot, index, resource, name, scores)) {
        if (p.kind === 'score' && (own.length || everywhere)) continue;
        // A node that runs nothing (standby, offline...) runs none of the partners either: that follows.
        if (p.kind === 'colocation' && nodeDown) continue;
        if (p.kind === 'rule' && p.constraint) {
          const m = opts.rules?.[p.constraint]?.[name];
          if (m === false) continue;
          if (m !== true) {
            own.push({ ...placementToWhy(p, name), text: `${p.detail} (if its rule matches here: it could not be evaluated from the configuration alone)` });
            continue;
          }
        }
        own.push(placementToWhy(p, name));
      }
      if (!own.length && !everywhere && score !== null && isMinusInfinity(score)) {
        own.push(cause('unexplained', name, unit, `the scheduler gives ${unit} a score of -INFINITY on ${name}, but nothing we know explains it (see: crm_simulate --live-check --show-scores)`));
      }
      if (own.length === 1 && own[0]!.kind === 'unexplained') {
        const dep = dependentCauses(snapshot, index, unit, name);
        if (dep.length) own.splice(0, 1, ...dep);
      }
    }
    const notes = locationsFor(snapshot, constraintSubjects(index, unit))
      .filter((c) => c.expired && (c.node === name || c.node === null))
      .map((c) => `${c.id} has expired (${c.expires ?? 'lifetime over'}): it no longer applies (pcmk clear --expired removes it)`);
    for (const c of locationsFor(snapshot, constraintSubjects(index, unit))) {
      if (!c.expired && c.node === name && c.score !== null && !isMinusInfinity(c.score)) notes.push(`${c.id}: score ${c.score} for ${c.resource ?? unit} on ${name}${c.isCliPrefer ? ' (a move left it)' : ''}`);
    }
    return { node: name, score, runs, winner: false, causes: own, notes };
  });
  // The winner: where it runs, else the highest score above -INFINITY (when nothing stops it everywhere).
  const value = (n: WhyNode): number => (n.score === null ? Number.NaN : scoreValue(n.score));
  const candidates = nodes.filter((n) => n.score !== null && value(n) !== Number.NEGATIVE_INFINITY && !n.causes.length);
  const best = Math.max(...candidates.map(value), Number.NEGATIVE_INFINITY);
  // Where it runs is where the scheduler placed it (every instance of a clone).
  for (const n of nodes) if (n.runs && !n.causes.length) n.winner = true;
  const winner = nodes.find((n) => n.runs && (n.score === null || value(n) === best)) ?? nodes.find((n) => n.winner) ?? (causes.length ? undefined : candidates.find((n) => value(n) === best));
  if (winner) winner.winner = true;

  const unexplained = nodes.filter((n) => n.causes.some((c) => c.kind === 'unexplained')).map((n) => n.node);
  const node = opts.node ?? null;
  const asked = node ? nodes.find((n) => n.node === node) : undefined;

  // The verdict, in plain words first.
  let verdict: string;
  if (node && running.includes(node) && asked?.causes.length) verdict = `${resource} runs on ${node}, but the scheduler takes it off: ${asked.causes.map((c) => c.text).join('; ')}`;
  else if (node && running.includes(node)) verdict = `${resource} runs on ${node}${winner?.node === node && winner.score !== null ? ` (the scheduler's highest score: ${winner.score})` : ''}`;
  else if (node) {
    const why = [...causes, ...(asked?.causes ?? [])];
    if (why.length) verdict = `${resource} does not run on ${node}: ${why.map((c) => c.text).join('; ')}`;
    else if (!asked) verdict = `${resource} does not run on ${node}: the scheduler does not consider ${node} for it`;
    else if (winner && winner.node !== node) verdict = `${resource} could run on ${node} (score ${asked.score ?? 'unknown'}), but ${winner.node} scores higher (${winner.score ?? 'unknown'})`;
    else verdict = `${resource} does not run on ${node}, and nothing we know keeps it off`;
  } else if (!stopped) {
    verdict = `${resource} runs on ${running.join(', ')}${winner?.score != null && winner.runs ? ` (the scheduler's highest score: ${winner.score})` : ''}`;
    const um = causes.find((c) => c.kind === 'unmanaged');
    if (um) verdict += `, but ${um.text}`;
    for (const n of nodes) if (n.runs && n.causes.length) verdict += `, but the scheduler takes it off ${n.node}: ${n.causes.map((c) => c.text).join('; ')}`;
  } else if (causes.length) {
    verdict = `${resource} is stopped: ${causes.map((c) => c.text).join('; ')}`;
  } else if (nodes.length && nodes.every((n) => n.causes.length)) {
    verdict = `${resource} is stopped: no node can run it (${nodes.map((n) => `${n.node}: ${n.causes.map((c) => c.text).join('; ')}`).join('; ')})`;
  } else if (winner) verdict = `${resource} is stopped, but the scheduler would place it on ${winner.node} (score ${winner.score ?? 'unknown'}): it may be starting, or waiting for another action`;
  else verdict = `${resource} is stopped, and nothing we know explains it`;

  const next = nextStep(resource, node, stopped, running, causes, nodes, asked);
  return { resource, unit, node, running, verdict, causes, nodes, next, unexplained, scored: scores !== null };
}

function nextStep(resource: string, node: string | null, stopped: boolean, running: string[], causes: WhyCause[], nodes: WhyNode[], asked: WhyNode | undefined): WhyAnswer['next'] {
  const pick = (c: WhyCause | undefined): WhyAnswer['next'] => (c?.fix ? { action: c.fix, command: pcmkCommand(c.fix), reason: c.text } : null);
  const wide = causes.find((c) => c.fix && c.kind !== 'stonith');
  if (wide && (stopped || (node !== null && !running.includes(node)) || wide.kind === 'unmanaged')) return pick(wide);
  if (node && !running.includes(node)) {
    if (asked?.causes.length) {
      const fixable = asked.causes.filter((c) => c.fix);
      if (fixable.length === asked.causes.length) return pick(fixable[0]);
      return null;
    }
    if (asked && asked.score !== null && !isMinusInfinity(asked.score) && !causes.length) {
      const action: Action = { name: 'move', resource, node };
      return { action, command: pcmkCommand(action), reason: `move ${resource} to ${node}` };
    }
    return null;
  }
  const leaving = nodes.find((n) => n.runs && n.causes.length && n.causes.every((c) => c.fix));
  if (leaving && (node === null || node === leaving.node)) return pick(leaving.causes[0]);
  if (!stopped) return null;
  // Banned from several nodes and nowhere else to go: one clear removes every ban.
  const banOnly = nodes.filter((n) => n.causes.length && n.causes.every((c) => c.kind === 'ban'));
  if (banOnly.length > 1 && nodes.every((n) => n.causes.length)) {
    const on = new Set(banOnly.flatMap((n) => n.causes.map((c) => c.resource)));
    if (on.size === 1) {
      const action: Action = { name: 'clear', resource: [...on][0]! };
      return { action, command: pcmkCommand(action), reason: `${[...on][0]} is banned from every node` };
    }
  }
  // The node easiest to open: one whose every cause has a fix, fewest causes first.
  const open = nodes.filter((n) => n.causes.length && n.causes.every((c) => c.fix)).sort((a, b) => a.causes.length - b.causes.length || (b.score === null ? -Infinity : scoreValue(b.score)) - (a.score === null ? -Infinity : scoreValue(a.score)));
  return pick(open[0]?.causes[0]);
}
