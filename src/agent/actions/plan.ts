/**
 * Action plans: validateX() checks a request against a snapshot, planX() turns it into the exact
 * tool calls (argv arrays, never a shell string). Both are pure, so `pcmk --dry-run`, the TUI's
 * confirm dialog and the real run on the host show the same plan.
 */
import type { ClusterNode, ClusterSnapshot } from '../../model/snapshot.js';
import { ActionError, type Blocker } from './errors.js';
import { didYouMean, suggestNames } from './ids.js';
import {
  cliBansOn,
  cliConstraints,
  constraintSubjects,
  enclosingCloneOrBundle,
  findNode,
  indexResources,
  instanceOwner,
  ancestors,
  promotedNodes,
  runningNodes,
  unmanagedReason,
  type ResourceEntry,
  type ResourceIndex,
} from '../../model/resource-index.js';
import { baseResourceId, isFalse, isTrue, pacemakerOlderThan, parseDurationMs } from '../../model/values.js';
import { explainBlockers, formatBlockers, placementUnit } from './blockers.js';
import { actionScope, isDestructive, READ_ONLY_ACTIONS, type Action, type ActionName, type ActionOf } from '../../model/actions.js';

/** What must hold after the change; checked on fresh snapshots when waiting. */
export type WaitCondition =
  | { kind: 'resource-on-node'; resource: string; node: string; promoted?: boolean }
  | { kind: 'resource-off-node'; resource: string; node: string; promoted?: boolean }
  | { kind: 'resource-stopped'; resource: string }
  | { kind: 'resource-started'; resource: string }
  | { kind: 'node-attribute'; node: string; attribute: 'standby' | 'maintenance'; value: boolean }
  | { kind: 'settled' };

/** A step that only runs when its condition holds right before it (checked by executePlan). */
export type StepCondition = {
  kind: 'no-move-back';
  /** The constraint removal whose effect is simulated first. */
  resource: string;
  node: string;
};

export interface PlanStep {
  /** 'run': execute the tool. 'wait': execute it (crm_resource --wait) and then check `until`. */
  kind: 'run' | 'wait';
  tool: string;
  /** The exact argv, one entry per argument. */
  args: string[];
  description: string;
  /** The step changes the CIB (so the preview applies it to the copy). */
  changesCib: boolean;
  until?: WaitCondition;
  onlyIf?: StepCondition;
  timeoutMs: number;
}

/** How the preview reproduces the change on a copy of the CIB. */
export interface SimulationSpec {
  /** Tool calls applied to the copy with CIB_file=<copy>. */
  apply: { tool: string; args: string[] }[];
  /** Resource located in the simulated result (crm_resource --locate). */
  locate?: string;
  /** The move must bring `locate` onto this node... */
  expectOn?: string;
  /** ...or off this one. */
  expectOff?: string;
  /** Applied to the simulated result to check that it does not move back (pcs 0.11 auto-clear). */
  moveBackCheck?: { tool: string; args: string[] };
  /** Said next to the preview when it only approximates the action (restart). */
  note?: string;
}

export interface ActionPlan {
  action: ActionName;
  request: Action;
  /** One line for people: "move dregistry from cluster-1 to cluster-2, then remove cli-prefer-dregistry". */
  summary: string;
  /** Exactly what the action acts on, in words ("resource db", "node cluster-2", "the whole cluster"). */
  scope: string;
  /** Destructive (from the action table): needs confirmation or --yes. */
  danger: boolean;
  steps: PlanStep[];
  /** What the cluster should look like afterwards. */
  expected: string;
  /** Checked when the caller asks to wait. */
  waitFor?: WaitCondition;
  simulate: SimulationSpec | null;
  warnings: string[];
  /** Snapshot the plan was built from. */
  basis: { source: string; takenAt: string; cibVersion: string | null };
}

export interface PlanOptions {
  /** Seconds to wait for the cluster to settle (moves with auto-clear always wait; default 120). */
  waitSeconds?: number;
}

export const DEFAULT_WAIT_SECONDS = 120;
const STEP_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------- shared checks

interface Ctx {
  snapshot: ClusterSnapshot;
  index: ResourceIndex;
}

function ctxOf(snapshot: ClusterSnapshot): Ctx {
  return { snapshot, index: indexResources(snapshot) };
}

function basisOf(s: ClusterSnapshot): ActionPlan['basis'] {
  return { source: s.source, takenAt: s.takenAt, cibVersion: s.cluster.cibVersion };
}

/** The snapshot must describe a reachable cluster (crm_mon answered). */
export function checkReachable(snapshot: ClusterSnapshot): ActionError | null {
  const crmMon = snapshot.sources.find((s) => s.tool === 'crm_mon');
  if ((crmMon && !crmMon.ok) || snapshot.nodes.length === 0) {
    return new ActionError('cluster-unreachable', `cannot read the cluster state on ${snapshot.source}${crmMon?.error ? `: ${crmMon.error}` : ''}`);
  }
  return null;
}

export function checkQuorum(snapshot: ClusterSnapshot): ActionError | null {
  if (snapshot.cluster.quorate === false) {
    return new ActionError(
      'no-quorum',
      `the partition seen from ${snapshot.source} has no quorum; changes made here may be overridden or ignored (restore quorum first)`,
    );
  }
  return null;
}

/**
 * Resolves a resource id. `allow`: which configured kinds are fine; a clone child primitive or a
 * clone instance ("dlm:0") is refused with the clone's id as the suggestion unless allowCloneChild.
 */
function resolveResource(ctx: Ctx, id: string, opts: { allowCloneChild?: boolean } = {}): ResourceEntry | ActionError {
  const e = ctx.index.byId.get(id);
  if (!e) {
    const owner = instanceOwner(ctx.snapshot, ctx.index, id);
    if (owner) {
      const use = opts.allowCloneChild && owner.kind === 'clone' ? (owner.children[0] ?? owner.id) : owner.id;
      return new ActionError('clone-instance', `${id} is an instance of ${owner.kind} ${owner.id}; name the ${owner.kind} itself: ${use}`, {
        subject: id,
        suggestions: [use],
      });
    }
    const suggestions = suggestNames(id, ctx.index.ids);
    return new ActionError('unknown-resource', `no resource named '${id}'${didYouMean(suggestions)}`, { subject: id, suggestions });
  }
  if (!opts.allowCloneChild && e.parent) {
    const cb = enclosingCloneOrBundle(ctx.index, e.id);
    if (cb && cb.id !== e.id) {
      return new ActionError('clone-instance', `${id} runs inside ${cb.kind} ${cb.id}; constraints and roles are set on the ${cb.kind}: use ${cb.id}`, {
        subject: id,
        suggestions: [cb.id],
      });
    }
  }
  return e;
}

function resolveNode(ctx: Ctx, name: string): ClusterNode | ActionError {
  const n = findNode(ctx.snapshot, name);
  if (n) return n;
  const suggestions = suggestNames(
    name,
    ctx.snapshot.nodes.map((x) => x.name),
  );
  return new ActionError('unknown-node', `no node named '${name}'${didYouMean(suggestions)}`, { subject: name, suggestions });
}

function checkManaged(ctx: Ctx, id: string): ActionError | null {
  const why = unmanagedReason(ctx.snapshot, ctx.index, id);
  return why ? new ActionError('resource-unmanaged', `${id} is not managed by the cluster: ${why}; the cluster would not act on this change`, { subject: id }) : null;
}

/** A node resources can be placed on. */
function checkTargetNode(ctx: Ctx, node: ClusterNode, resource: string): ActionError | null {
  if (node.unclean) return new ActionError('node-unclean', `${node.name} is unclean (waiting to be fenced); nothing can be placed there`, { subject: node.name });
  if (!node.online || node.pending) return new ActionError('node-offline', `${node.name} is ${node.pending ? 'pending' : 'offline'}; ${resource} cannot run there`, { subject: node.name });
  if (node.standby) return new ActionError('node-standby', `${node.name} is in standby; run 'pcmk unstandby ${node.name}' first`, { subject: node.name });
  if (node.maintenance) return new ActionError('node-maintenance', `${node.name} is in maintenance; the cluster starts nothing there`, { subject: node.name });
  const subjects = constraintSubjects(ctx.index, placementUnit(ctx.index, resource));
  const bans = cliBansOn(ctx.snapshot, subjects, node.name);
  if (bans.length) {
    const b = bans[0]!;
    return new ActionError('node-banned', `${b.resource ?? resource} is banned from ${node.name} by ${b.id}; remove the ban first: pcmk clear ${b.resource ?? resource} ${node.name}`, {
      subject: b.id,
    });
  }
  const blockers = explainBlockers(ctx.snapshot, ctx.index, resource, node.name);
  if (blockers.length) return blocked(resource, node.name, blockers);
  return null;
}

export function blocked(resource: string, node: string, blockers: Blocker[]): ActionError {
  const names = [...new Set(blockers.map((b) => b.constraint).filter((c): c is string => !!c))];
  return new ActionError(
    'blocked-by-constraint',
    `${resource} cannot run on ${node}${names.length ? `: blocked by ${names.join(', ')}` : ''} (${formatBlockers(blockers) || 'the simulation does not place it there'})`,
    { subject: resource, blockers },
  );
}

function plan(ctx: Ctx, p: Omit<ActionPlan, 'basis' | 'warnings' | 'simulate' | 'danger' | 'scope'> & Partial<Pick<ActionPlan, 'warnings' | 'simulate'>>): ActionPlan {
  return { warnings: [], simulate: null, ...p, scope: actionScope(p.request), danger: isDestructive(p.action), basis: basisOf(ctx.snapshot) };
}

function run(tool: string, args: string[], description: string, changesCib = true, timeoutMs = STEP_TIMEOUT_MS): PlanStep {
  return { kind: 'run', tool, args, description, changesCib, timeoutMs };
}

function waitStep(seconds: number, until: WaitCondition, description: string): PlanStep {
  return {
    kind: 'wait',
    tool: 'crm_resource',
    args: ['--wait', '--timeout', `${seconds}s`],
    description,
    changesCib: false,
    until,
    timeoutMs: (seconds + 15) * 1000,
  };
}

/**
 * crm_resource's option for the promoted role of a promotable clone: `--promoted` from Pacemaker
 * 2.1 (3.0 keeps `--master` only as a deprecated alias), `--master` on 2.0 and 1.1, which have no
 * `--promoted`. Chosen from the local tools, not the DC: the XML API version of the local crm_mon
 * (2.3 on 2.0.5, 2.25 on 2.1.5, 2.38 on 3.0.0; 2.1.0 was the first release above 2.3) or its legacy
 * `--as-xml` format (docs/snapshot.md, "Pacemaker versions").
 */
export function promotedOption(snapshot: ClusterSnapshot): string {
  const c = snapshot.cluster;
  if (c.format === 'legacy-crm_mon') return '--master';
  const api = /^(\d+)\.(\d+)/.exec(c.apiVersion ?? '');
  if (api) return Number(api[1]) < 2 || (Number(api[1]) === 2 && Number(api[2]) <= 3) ? '--master' : '--promoted';
  return pacemakerOlderThan(c.pacemakerVersion, 2, 1) ? '--master' : '--promoted';
}

function lifetimeArgs(lifetime?: string): string[] {
  return lifetime ? ['--lifetime', lifetime] : [];
}

function commonChecks(snapshot: ClusterSnapshot): ActionError | null {
  return checkReachable(snapshot) ?? checkQuorum(snapshot);
}

// ---------------------------------------------------------------- move

export function validateMove(snapshot: ClusterSnapshot, req: ActionOf<'move'>): ActionError | null {
  const r = planMove(snapshot, req);
  return r instanceof ActionError ? r : null;
}

export function planMove(snapshot: ClusterSnapshot, req: ActionOf<'move'>, opts: PlanOptions = {}): ActionPlan | ActionError {
  const unreachable = checkReachable(snapshot);
  if (unreachable) return unreachable;
  const ctx = ctxOf(snapshot);
  const e = resolveResource(ctx, req.resource);
  if (e instanceof ActionError) return e;
  let target: ClusterNode | undefined;
  if (req.node) {
    const n = resolveNode(ctx, req.node);
    if (n instanceof ActionError) return n;
    target = n;
  }
  const quorum = checkQuorum(snapshot);
  if (quorum) return quorum;
  if (req.promoted && !e.promotable) return new ActionError('invalid-request', `--promoted needs a promotable clone; ${e.id} is a ${e.kind}`);
  const unmanaged = checkManaged(ctx, e.id);
  if (unmanaged) return unmanaged;

  const where = req.promoted ? promotedNodes(snapshot, ctx.index, e.id) : runningNodes(snapshot, ctx.index, e.id);
  const waitSeconds = opts.waitSeconds ?? DEFAULT_WAIT_SECONDS;
  const keep = !!req.keepConstraint || !!req.lifetime;
  const what = req.promoted ? `the promoted role of ${e.id}` : e.id;
  const promotedArg = req.promoted ? [promotedOption(snapshot)] : [];

  if (target) {
    if (where.includes(target.name)) {
      const clone = (e.kind === 'clone' || e.kind === 'bundle') && !req.promoted;
      return new ActionError('already-active', clone ? `${e.id} already has an instance on ${target.name}` : `${what} already runs on ${target.name}`, { subject: e.id });
    }
    const bad = checkTargetNode(ctx, target, e.id);
    if (bad) return bad;
    const constraint = `cli-prefer-${e.id}`;
    const moveArgs = ['--move', '--resource', e.id, '--node', target.name, ...promotedArg, ...lifetimeArgs(req.lifetime)];
    const until: WaitCondition = { kind: 'resource-on-node', resource: e.id, node: target.name, ...(req.promoted ? { promoted: true } : {}) };
    const steps: PlanStep[] = [run('crm_resource', moveArgs, `prefer ${target.name} for ${what} (location constraint ${constraint}, score INFINITY${req.lifetime ? `, expires after ${req.lifetime}` : ''})`)];
    if (!keep) {
      steps.push(waitStep(waitSeconds, until, `wait up to ${waitSeconds}s until the cluster settles with ${what} on ${target.name}`));
      steps.push({
        ...run('crm_resource', ['--clear', '--resource', e.id, '--node', target.name, ...promotedArg], `remove ${constraint} if a simulation shows ${e.id} will not move back`),
        onlyIf: { kind: 'no-move-back', resource: e.id, node: target.name },
      });
    }
    const from = where.length ? ` from ${where.join(', ')}` : '';
    return plan(ctx, {
      action: 'move',
      request: req,
      summary: `move ${what}${from} to ${target.name}${keep ? ` (keeping ${constraint}${req.lifetime ? ` for ${req.lifetime}` : ''})` : `, then remove ${constraint}`}`,
      steps,
      expected: keep
        ? `${what} runs on ${target.name}; ${constraint} stays ${req.lifetime ? `until it expires (${req.lifetime})` : `until 'pcmk clear ${e.id}'`}`
        : `${what} runs on ${target.name} and no cli-prefer/cli-ban constraint is left for ${e.id}`,
      waitFor: until,
      simulate: {
        apply: [{ tool: 'crm_resource', args: moveArgs }],
        locate: e.id,
        expectOn: target.name,
        ...(keep ? {} : { moveBackCheck: { tool: 'crm_resource', args: ['--clear', '--resource', e.id, '--node', target.name, ...promotedArg] } }),
      },
      warnings: e.parent ? [`${e.id} is a member of ${e.parent}: the whole ${ctx.index.byId.get(e.parent)?.kind ?? 'group'} moves with it`] : [],
    });
  }

  // No target: move it off the node it runs on (a cli-ban there), pcs 0.11 style.
  if (where.length === 0) return new ActionError('not-active', `${what} is not running; name a target node: pcmk move ${e.id} NODE`, { subject: e.id });
  if (where.length > 1) {
    return new ActionError('multiple-active', `${what} runs on ${where.join(', ')}; name the node to move away from with 'pcmk ban ${e.id} NODE' or a target with 'pcmk move ${e.id} NODE'`, {
      subject: e.id,
    });
  }
  const origin = where[0]!;
  const constraint = `cli-ban-${e.id}-on-${origin}`;
  const banArgs = ['--ban', '--resource', e.id, '--node', origin, ...promotedArg, ...lifetimeArgs(req.lifetime)];
  const until: WaitCondition = { kind: 'resource-off-node', resource: e.id, node: origin, ...(req.promoted ? { promoted: true } : {}) };
  const steps: PlanStep[] = [run('crm_resource', banArgs, `keep ${what} off ${origin} (location constraint ${constraint}, score -INFINITY)`)];
  if (!keep) {
    steps.push(waitStep(waitSeconds, until, `wait up to ${waitSeconds}s until the cluster settles with ${what} off ${origin}`));
    steps.push({
      ...run('crm_resource', ['--clear', '--resource', e.id, '--node', origin, ...promotedArg], `remove ${constraint} if a simulation shows ${e.id} will not move back`),
      onlyIf: { kind: 'no-move-back', resource: e.id, node: origin },
    });
  }
  return plan(ctx, {
    action: 'move',
    request: req,
    summary: `move ${what} off ${origin}${keep ? ` (keeping ${constraint})` : `, then remove ${constraint}`}`,
    steps,
    expected: keep ? `${what} runs elsewhere; ${constraint} stays` : `${what} runs on another node and no cli-ban constraint is left for ${e.id}`,
    waitFor: until,
    simulate: {
      apply: [{ tool: 'crm_resource', args: banArgs }],
      locate: e.id,
      expectOff: origin,
      ...(keep ? {} : { moveBackCheck: { tool: 'crm_resource', args: ['--clear', '--resource', e.id, '--node', origin, ...promotedArg] } }),
    },
    warnings: e.parent ? [`${e.id} is a member of ${e.parent}: the whole ${ctx.index.byId.get(e.parent)?.kind ?? 'group'} moves with it`] : [],
  });
}

// ---------------------------------------------------------------- ban / clear

export function validateBan(snapshot: ClusterSnapshot, req: ActionOf<'ban'>): ActionError | null {
  const r = planBan(snapshot, req);
  return r instanceof ActionError ? r : null;
}

export function planBan(snapshot: ClusterSnapshot, req: ActionOf<'ban'>): ActionPlan | ActionError {
  const unreachable = checkReachable(snapshot);
  if (unreachable) return unreachable;
  const ctx = ctxOf(snapshot);
  const e = resolveResource(ctx, req.resource);
  if (e instanceof ActionError) return e;
  let node: string;
  if (req.node) {
    const n = resolveNode(ctx, req.node);
    if (n instanceof ActionError) return n;
    node = n.name;
  } else {
    const where = req.promoted ? promotedNodes(snapshot, ctx.index, e.id) : runningNodes(snapshot, ctx.index, e.id);
    if (where.length === 0) return new ActionError('not-active', `${e.id} is not running; name the node to ban it from: pcmk ban ${e.id} NODE`, { subject: e.id });
    if (where.length > 1) return new ActionError('multiple-active', `${e.id} runs on ${where.join(', ')}; name the node to ban it from`, { subject: e.id });
    node = where[0]!;
  }
  const quorum = checkQuorum(snapshot);
  if (quorum) return quorum;
  if (req.promoted && !e.promotable) return new ActionError('invalid-request', `--promoted needs a promotable clone; ${e.id} is a ${e.kind}`);
  const unmanaged = checkManaged(ctx, e.id);
  if (unmanaged) return unmanaged;
  const existing = cliBansOn(snapshot, [e.id], node);
  const args = ['--ban', '--resource', e.id, '--node', node, ...(req.promoted ? [promotedOption(snapshot)] : []), ...lifetimeArgs(req.lifetime)];
  const constraint = `cli-ban-${e.id}-on-${node}`;
  const warnings: string[] = [];
  if (existing.length) warnings.push(`${e.id} is already banned from ${node} (${existing.map((c) => c.id).join(', ')}); the ban is renewed`);
  if (e.parent) warnings.push(`${e.id} is a member of ${e.parent}: the ban keeps the whole ${ctx.index.byId.get(e.parent)?.kind ?? 'group'} off ${node}`);
  const until: WaitCondition = { kind: 'resource-off-node', resource: e.id, node, ...(req.promoted ? { promoted: true } : {}) };
  return plan(ctx, {
    action: 'ban',
    request: req,
    summary: `ban ${req.promoted ? `the promoted role of ${e.id}` : e.id} from ${node}${req.lifetime ? ` for ${req.lifetime}` : ''}`,
    steps: [run('crm_resource', args, `add location constraint ${constraint} (score -INFINITY${req.lifetime ? `, expires after ${req.lifetime}` : ''})`)],
    expected: `${e.id} does not run on ${node} while ${constraint} exists (remove it with 'pcmk clear ${e.id} ${node}')`,
    waitFor: until,
    simulate: { apply: [{ tool: 'crm_resource', args }], locate: e.id, expectOff: node },
    warnings,
  });
}

export function validateClear(snapshot: ClusterSnapshot, req: ActionOf<'clear'>): ActionError | null {
  const r = planClear(snapshot, req);
  return r instanceof ActionError ? r : null;
}

export function planClear(snapshot: ClusterSnapshot, req: ActionOf<'clear'>): ActionPlan | ActionError {
  const unreachable = checkReachable(snapshot);
  if (unreachable) return unreachable;
  const ctx = ctxOf(snapshot);
  let id: string | undefined;
  if (req.resource) {
    // A leftover constraint may name a resource that no longer exists: still clearable.
    const hasConstraints = snapshot.constraints.location.some((c) => c.resource === req.resource && (c.isCliBan || c.isCliPrefer));
    if (!hasConstraints) {
      const e = resolveResource(ctx, req.resource);
      if (e instanceof ActionError) return e;
      id = e.id;
    } else id = req.resource;
  }
  if (req.node) {
    const n = resolveNode(ctx, req.node);
    if (n instanceof ActionError) return n;
  }
  const quorum = checkQuorum(snapshot);
  if (quorum) return quorum;
  const matching = snapshot.constraints.location.filter(
    (c) => (c.isCliBan || c.isCliPrefer) && (id === undefined || c.resource === id) && (req.node === undefined || c.node === req.node) && (!req.expired || c.expired),
  );
  const args = ['--clear', ...(id ? ['--resource', id] : []), ...(req.node ? ['--node', req.node] : []), ...(req.expired ? ['--expired'] : [])];
  const warnings: string[] = [];
  if (!matching.length) warnings.push(`no ${req.expired ? 'expired ' : ''}cli-prefer/cli-ban constraint ${id ? `for ${id}` : ''}${req.node ? ` on ${req.node}` : ''} in the snapshot; nothing to remove`);
  const names = matching.map((c) => c.id);
  return plan(ctx, {
    action: 'clear',
    request: req,
    summary: `remove ${req.expired ? 'expired ' : ''}move/ban constraints${id ? ` of ${id}` : ''}${req.node ? ` on ${req.node}` : ''}${names.length ? `: ${names.join(', ')}` : ''}`,
    steps: [run('crm_resource', args, names.length ? `remove ${names.join(', ')}` : 'remove matching cli-prefer/cli-ban constraints')],
    expected: names.length ? `${names.join(', ')} removed; resources may move back to their preferred nodes (see the preview)` : 'nothing changes',
    waitFor: { kind: 'settled' },
    simulate: { apply: [{ tool: 'crm_resource', args }] },
    warnings,
  });
}

// ---------------------------------------------------------------- cleanup / refresh / failcounts

function operationArgs(req: { operation?: string; interval?: string }): string[] {
  return [...(req.operation ? ['--operation', req.operation] : []), ...(req.operation ? ['--interval', req.interval ?? '0'] : [])];
}

function optionalResource(ctx: Ctx, id: string | undefined): ResourceEntry | ActionError | undefined {
  if (id === undefined) return undefined;
  return resolveResource(ctx, id, { allowCloneChild: true });
}

function failcountsOf(ctx: Ctx, id: string | undefined, node: string | undefined) {
  const e = id ? ctx.index.byId.get(id) : undefined;
  const prims = e ? new Set(e.primitives.length ? e.primitives : [e.id]) : null;
  return ctx.snapshot.failcounts.filter((f) => (!prims || prims.has(f.resource) || prims.has(baseResourceId(f.resource))) && (!node || f.node === node));
}

export function validateCleanup(snapshot: ClusterSnapshot, req: ActionOf<'cleanup'>): ActionError | null {
  const r = planCleanup(snapshot, req);
  return r instanceof ActionError ? r : null;
}

export function planCleanup(snapshot: ClusterSnapshot, req: ActionOf<'cleanup'>): ActionPlan | ActionError {
  return planCleanupLike(snapshot, req, 'cleanup');
}

export function validateRefresh(snapshot: ClusterSnapshot, req: ActionOf<'refresh'>): ActionError | null {
  const r = planRefresh(snapshot, req);
  return r instanceof ActionError ? r : null;
}

export function planRefresh(snapshot: ClusterSnapshot, req: ActionOf<'refresh'>): ActionPlan | ActionError {
  return planCleanupLike(snapshot, req, 'refresh');
}

export function validateFailcountReset(snapshot: ClusterSnapshot, req: ActionOf<'failcount-reset'>): ActionError | null {
  const r = planFailcountReset(snapshot, req);
  return r instanceof ActionError ? r : null;
}

/** crm_failcount is a shell script in 2.1 whose --delete runs `crm_resource --cleanup`; run that directly. */
export function planFailcountReset(snapshot: ClusterSnapshot, req: ActionOf<'failcount-reset'>): ActionPlan | ActionError {
  return planCleanupLike(snapshot, req, 'failcount-reset');
}

function planCleanupLike(
  snapshot: ClusterSnapshot,
  req: ActionOf<'cleanup'> | ActionOf<'refresh'> | ActionOf<'failcount-reset'>,
  kind: 'cleanup' | 'refresh' | 'failcount-reset',
): ActionPlan | ActionError {
  const unreachable = checkReachable(snapshot);
  if (unreachable) return unreachable;
  const ctx = ctxOf(snapshot);
  const e = optionalResource(ctx, req.resource);
  if (e instanceof ActionError) return e;
  if (req.node) {
    const n = resolveNode(ctx, req.node);
    if (n instanceof ActionError) return n;
  }
  const quorum = checkQuorum(snapshot);
  if (quorum) return quorum;
  const op = 'operation' in req ? operationArgs(req) : [];
  const args = [kind === 'refresh' ? '--refresh' : '--cleanup', ...(e ? ['--resource', e.id] : []), ...(req.node ? ['--node', req.node] : []), ...op];
  const prims = e ? new Set(e.primitives.length ? e.primitives : [e.id]) : null;
  const failures = snapshot.failures.filter(
    (f) => (!prims || prims.has(f.resource) || prims.has(baseResourceId(f.resource))) && (!req.node || f.node === req.node) && (!('operation' in req) || !req.operation || f.task === req.operation),
  );
  const counts = failcountsOf(ctx, e?.id, req.node);
  const scope = `${e ? e.id : 'all resources'}${req.node ? ` on ${req.node}` : ''}${'operation' in req && req.operation ? ` (${req.operation}${req.interval ? ` every ${req.interval}` : ''})` : ''}`;
  const warnings: string[] = [];
  if (kind === 'failcount-reset' && !counts.length) warnings.push(`no fail count recorded for ${scope}`);
  if (kind === 'cleanup' && !failures.length && !counts.length) warnings.push(`no failed operation or fail count recorded for ${scope}`);
  const summary =
    kind === 'refresh'
      ? `refresh ${scope}: forget the operation history and re-detect the current state`
      : kind === 'failcount-reset'
        ? `reset the fail count of ${scope}`
        : `clean up ${scope}: clear failed operations and fail counts`;
  const expected =
    kind === 'refresh'
      ? `the cluster re-probes ${scope}; failures and fail counts are cleared`
      : `${failures.length ? `${failures.length} failed operation(s) and ` : ''}${counts.length ? `fail counts (${counts.map((c) => `${c.resource}@${c.node}=${c.count}`).join(', ')})` : 'fail counts'} cleared for ${scope}; the cluster may restart or re-place what failed`;
  return plan(ctx, {
    action: kind,
    request: req,
    summary,
    steps: [run('crm_resource', args, summary, false)],
    expected,
    waitFor: { kind: 'settled' },
    simulate: null,
    warnings,
  });
}

export interface FailcountRow {
  resource: string;
  node: string;
  count: number;
  migrationThreshold: number | null;
  lastFailure: string | null;
  operations: { task: string; interval: string; rc: string | null; lastRcChange: string | null }[];
}

/** `pcmk failcount show`: read-only, from the snapshot. */
export function showFailcounts(snapshot: ClusterSnapshot, req: ActionOf<'failcount-show'>): FailcountRow[] | ActionError {
  const unreachable = checkReachable(snapshot);
  if (unreachable) return unreachable;
  const ctx = ctxOf(snapshot);
  const e = optionalResource(ctx, req.resource);
  if (e instanceof ActionError) return e;
  if (req.node) {
    const n = resolveNode(ctx, req.node);
    if (n instanceof ActionError) return n;
  }
  return failcountsOf(ctx, e?.id, req.node).map((f) => ({
    resource: f.resource,
    node: f.node,
    count: f.count,
    migrationThreshold: f.migrationThreshold,
    lastFailure: f.lastFailure,
    operations: f.operations.map((o) => ({ task: o.task, interval: o.interval, rc: o.rc, lastRcChange: o.lastRcChange })),
  }));
}

// ---------------------------------------------------------------- nodes: standby / maintenance

function nodeAttributeArgs(node: string, name: 'standby' | 'maintenance', on: boolean): string[] {
  return ['--node', node, '--name', name, '--update', on ? 'on' : 'off', '--lifetime', 'forever'];
}

export function validateStandby(snapshot: ClusterSnapshot, req: ActionOf<'standby'> | ActionOf<'unstandby'>): ActionError | null {
  const r = planStandby(snapshot, req);
  return r instanceof ActionError ? r : null;
}

export function planStandby(snapshot: ClusterSnapshot, req: ActionOf<'standby'> | ActionOf<'unstandby'>): ActionPlan | ActionError {
  const unreachable = checkReachable(snapshot);
  if (unreachable) return unreachable;
  const ctx = ctxOf(snapshot);
  const n = resolveNode(ctx, req.node);
  if (n instanceof ActionError) return n;
  const quorum = checkQuorum(snapshot);
  if (quorum) return quorum;
  const on = req.name === 'standby';
  const warnings: string[] = [];
  if (on && n.standby) warnings.push(`${n.name} is already in standby`);
  if (!on && !n.standby) warnings.push(`${n.name} is not in standby`);
  if (!n.online) warnings.push(`${n.name} is offline; the setting takes effect when it rejoins`);
  if (on) {
    const others = snapshot.nodes.filter((x) => x.name !== n.name && x.type === 'member' && x.online && !x.standby && !x.unclean);
    if (n.type === 'member' && others.length === 0) warnings.push(`${n.name} is the last active cluster node: every resource will stop`);
  }
  const args = nodeAttributeArgs(n.name, 'standby', on);
  return plan(ctx, {
    action: req.name,
    request: req,
    summary: on ? `put ${n.name} in standby: move its ${n.resourcesRunning} resource(s) away` : `take ${n.name} out of standby`,
    steps: [run('crm_attribute', args, `set node attribute standby=${on ? 'on' : 'off'} on ${n.name} (permanent)`)],
    expected: on ? `${n.name} runs no resources until 'pcmk unstandby ${n.name}'` : `${n.name} can run resources again (resources move back only where constraints or stickiness say so)`,
    waitFor: { kind: 'node-attribute', node: n.name, attribute: 'standby', value: on },
    simulate: { apply: [{ tool: 'crm_attribute', args }] },
    warnings,
  });
}

export function planNodeMaintenance(snapshot: ClusterSnapshot, req: ActionOf<'node-maintenance'>): ActionPlan | ActionError {
  const unreachable = checkReachable(snapshot);
  if (unreachable) return unreachable;
  const ctx = ctxOf(snapshot);
  const on = req.state === 'on';
  const n = resolveNode(ctx, req.node);
  if (n instanceof ActionError) return n;
  const quorum = checkQuorum(snapshot);
  if (quorum) return quorum;
  const warnings: string[] = [];
  if (on === n.maintenance) warnings.push(`${n.name} is already ${on ? 'in' : 'out of'} maintenance`);
  const args = nodeAttributeArgs(n.name, 'maintenance', on);
  return plan(ctx, {
    action: req.name,
    request: req,
    summary: on
      ? `put node ${n.name} in maintenance: the cluster stops managing the resources on ${n.name} (they keep running)`
      : `take node ${n.name} out of maintenance: the cluster manages the resources on ${n.name} again`,
    steps: [run('crm_attribute', args, `set node attribute maintenance=${on ? 'on' : 'off'} on ${n.name} (permanent)`)],
    expected: on ? `resources on ${n.name} are unmanaged; monitors stop` : `resources on ${n.name} are managed again; the cluster re-checks them and may recover anything that changed`,
    waitFor: { kind: 'node-attribute', node: n.name, attribute: 'maintenance', value: on },
    simulate: { apply: [{ tool: 'crm_attribute', args }] },
    warnings,
  });
}

export function planClusterMaintenance(snapshot: ClusterSnapshot, req: ActionOf<'cluster-maintenance'>): ActionPlan | ActionError {
  const unreachable = checkReachable(snapshot);
  if (unreachable) return unreachable;
  const ctx = ctxOf(snapshot);
  const on = req.state === 'on';
  const quorum = checkQuorum(snapshot);
  if (quorum) return quorum;
  const warnings: string[] = [];
  const current = isTrue(snapshot.cluster.options['maintenance-mode']);
  if (current === on) warnings.push(`the cluster is already ${on ? 'in' : 'out of'} maintenance mode`);
  const args = ['--type', 'crm_config', '--name', 'maintenance-mode', '--update', on ? 'true' : 'false'];
  return plan(ctx, {
    action: req.name,
    request: req,
    summary: on ? 'put the whole cluster in maintenance mode: nothing is started, stopped or monitored anywhere' : 'take the whole cluster out of maintenance mode',
    steps: [run('crm_attribute', args, `set cluster property maintenance-mode=${on ? 'true' : 'false'}`)],
    expected: on ? 'every resource is unmanaged until maintenance mode is turned off' : 'the cluster manages every resource again and may recover anything that changed meanwhile',
    waitFor: { kind: 'settled' },
    simulate: { apply: [{ tool: 'crm_attribute', args }] },
    warnings,
  });
}

/**
 * One resource in (or out of) maintenance: its own `maintenance` meta attribute, as crmsh's
 * `resource maintenance` sets it. The cluster stops managing and monitoring that resource only;
 * the cluster property maintenance-mode and every other resource stay as they are.
 */
export function planResourceMaintenance(snapshot: ClusterSnapshot, req: ActionOf<'resource-maintenance'>): ActionPlan | ActionError {
  const unreachable = checkReachable(snapshot);
  if (unreachable) return unreachable;
  const ctx = ctxOf(snapshot);
  const e = resolveResource(ctx, req.resource);
  if (e instanceof ActionError) return e;
  const quorum = checkQuorum(snapshot);
  if (quorum) return quorum;
  const on = req.state === 'on';
  const own = e.meta['maintenance'];
  const warnings: string[] = [];
  if (!on && (own === undefined || !isTrue(own))) {
    const from = ancestors(ctx.index, e.id).find((a) => isTrue(a.meta['maintenance']));
    if (from) return new ActionError('invalid-request', `${e.id} is in maintenance through ${from.kind} ${from.id}; take that out of maintenance instead: pcmk maintenance off --resource ${from.id}`, { subject: from.id });
    return new ActionError('invalid-request', `${e.id} has no maintenance meta attribute set to true; nothing to turn off`, { subject: e.id });
  }
  if (on && isTrue(own)) warnings.push(`${e.id} is already in maintenance`);
  if (isTrue(snapshot.cluster.options['maintenance-mode'])) warnings.push('the whole cluster is in maintenance mode: nothing is managed until it is turned off');
  // --force: set the attribute on this resource itself, never on a parent that has the same one.
  const args = on
    ? ['--resource', e.id, '--meta', '--set-parameter', 'maintenance', '--parameter-value', 'true', '--force']
    : ['--resource', e.id, '--meta', '--delete-parameter', 'maintenance', '--force'];
  return plan(ctx, {
    action: req.name,
    request: req,
    summary: on
      ? `put resource ${e.id} in maintenance: the cluster stops managing and monitoring ${e.id} only (it keeps running)`
      : `take resource ${e.id} out of maintenance: the cluster manages ${e.id} again`,
    steps: [run('crm_resource', args, on ? `set meta attribute maintenance=true on ${e.id}` : `remove meta attribute maintenance from ${e.id}`)],
    expected: on ? `${e.id} is unmanaged and not monitored; the rest of the cluster is managed as before` : `${e.id} is managed again; the cluster re-checks it and may recover it if it changed`,
    waitFor: { kind: 'settled' },
    simulate: { apply: [{ tool: 'crm_resource', args }] },
    warnings,
  });
}

// ---------------------------------------------------------------- enable / disable / restart

function targetRoleArgs(id: string, role: 'Started' | 'Stopped'): string[] {
  return ['--resource', id, '--meta', '--set-parameter', 'target-role', '--parameter-value', role];
}

export function validateEnableDisable(snapshot: ClusterSnapshot, req: ActionOf<'enable'> | ActionOf<'disable'>): ActionError | null {
  const r = planEnableDisable(snapshot, req);
  return r instanceof ActionError ? r : null;
}

export function planEnableDisable(snapshot: ClusterSnapshot, req: ActionOf<'enable'> | ActionOf<'disable'>): ActionPlan | ActionError {
  const unreachable = checkReachable(snapshot);
  if (unreachable) return unreachable;
  const ctx = ctxOf(snapshot);
  const e = resolveResource(ctx, req.resource);
  if (e instanceof ActionError) return e;
  const quorum = checkQuorum(snapshot);
  if (quorum) return quorum;
  const unmanaged = checkManaged(ctx, e.id);
  if (unmanaged) return unmanaged;
  const enable = req.name === 'enable';
  const warnings: string[] = [];
  const steps: PlanStep[] = [run('crm_resource', targetRoleArgs(e.id, enable ? 'Started' : 'Stopped'), `set meta attribute target-role=${enable ? 'Started' : 'Stopped'} on ${e.id}`)];
  if (enable) {
    // Members left disabled would keep the resource (partly) stopped: enable them too, as pcs does.
    const disabledInside = [...e.children, ...e.primitives].filter((c, i, a) => a.indexOf(c) === i && c !== e.id && /^stopped$/i.test(ctx.index.byId.get(c)?.meta['target-role'] ?? ''));
    for (const c of disabledInside) steps.push(run('crm_resource', targetRoleArgs(c, 'Started'), `set meta attribute target-role=Started on ${c} (it was Stopped)`));
    const parentStopped = ancestors(ctx.index, e.id)
      .filter((a) => /^stopped$/i.test(a.meta['target-role'] ?? ''))
      .map((a) => a.id);
    for (const p of parentStopped) warnings.push(`${p}, which contains ${e.id}, is disabled (target-role=Stopped): ${e.id} stays stopped until 'pcmk enable ${p}'`);
  } else if (runningNodes(snapshot, ctx.index, e.id).length === 0) {
    warnings.push(`${e.id} is not running`);
  }
  const wait: WaitCondition = enable ? { kind: 'resource-started', resource: e.id } : { kind: 'resource-stopped', resource: e.id };
  return plan(ctx, {
    action: req.name,
    request: req,
    summary: enable ? `enable ${e.id} (target-role=Started)` : `disable ${e.id}: stop it and keep it stopped (target-role=Stopped)`,
    steps,
    expected: enable ? `${e.id} is allowed to run and the cluster starts it` : `${e.id} and everything that depends on it stop, until 'pcmk enable ${e.id}'`,
    waitFor: wait,
    simulate: { apply: steps.map((s) => ({ tool: s.tool, args: s.args })) },
    warnings,
  });
}

export function validateRestart(snapshot: ClusterSnapshot, req: ActionOf<'restart'>): ActionError | null {
  const r = planRestart(snapshot, req);
  return r instanceof ActionError ? r : null;
}

export function planRestart(snapshot: ClusterSnapshot, req: ActionOf<'restart'>, opts: PlanOptions = {}): ActionPlan | ActionError {
  const unreachable = checkReachable(snapshot);
  if (unreachable) return unreachable;
  const ctx = ctxOf(snapshot);
  const e = resolveResource(ctx, req.resource);
  if (e instanceof ActionError) return e;
  if (req.node) {
    const n = resolveNode(ctx, req.node);
    if (n instanceof ActionError) return n;
  }
  const quorum = checkQuorum(snapshot);
  if (quorum) return quorum;
  const unmanaged = checkManaged(ctx, e.id);
  if (unmanaged) return unmanaged;
  const where = runningNodes(snapshot, ctx.index, e.id);
  if (!where.length) return new ActionError('not-active', `${e.id} is not running; start it with 'pcmk enable ${e.id}' or clean it up`, { subject: e.id });
  if (req.node && !where.includes(req.node)) return new ActionError('not-active', `${e.id} does not run on ${req.node} (it runs on ${where.join(', ')})`, { subject: e.id });
  if (req.node && e.kind !== 'clone' && e.kind !== 'bundle') {
    return new ActionError('invalid-request', `restart --node applies to clone and bundle instances; ${e.id} is a ${e.kind} running on ${where.join(', ')}`);
  }
  const seconds = opts.waitSeconds ?? DEFAULT_WAIT_SECONDS;
  const args = ['--restart', '--resource', e.id, ...(req.node ? ['--node', req.node] : []), '--timeout', `${seconds}s`];
  return plan(ctx, {
    action: 'restart',
    request: req,
    summary: `restart ${e.id}${req.node ? ` on ${req.node}` : ` (on ${where.join(', ')})`} and everything that depends on it`,
    steps: [run('crm_resource', args, `stop ${e.id}, wait, start it again (crm_resource waits up to ${seconds}s for each)`, true, (2 * seconds + 30) * 1000)],
    expected: `${e.id} runs again where it ran before`,
    waitFor: { kind: 'resource-started', resource: e.id },
    simulate: {
      apply: [{ tool: 'crm_resource', args: targetRoleArgs(e.id, 'Stopped') }],
      note: `the preview shows the stop half of the restart (what stops with ${e.id}); everything shown starts again afterwards`,
    },
  });
}

// ---------------------------------------------------------------- fence

/**
 * Fencing through the cluster's fencer. The host re-validates the node against its own view and
 * runs stonith_admin; the fencer picks the device (and the topology levels) as it would on its own.
 */
export function planFence(snapshot: ClusterSnapshot, req: ActionOf<'fence'>): ActionPlan | ActionError {
  const unreachable = checkReachable(snapshot);
  if (unreachable) return unreachable;
  const ctx = ctxOf(snapshot);
  const n = resolveNode(ctx, req.node);
  if (n instanceof ActionError) return n;
  // Fencing from a partition without quorum could shoot the side that has it.
  const quorum = checkQuorum(snapshot);
  if (quorum) return quorum;
  if (n.type === 'guest') {
    return new ActionError('invalid-request', `${n.name} is a guest node: the cluster fences it by recovering its ${n.container ?? 'container'}; restart that resource instead`, { subject: n.name });
  }
  const warnings: string[] = [];
  if (isFalse(snapshot.cluster.options['stonith-enabled'])) warnings.push('stonith-enabled is false: the cluster itself never fences');
  if (snapshot.source === n.name) warnings.push(`this request runs on ${n.name} itself: the answer may be lost when it goes down`);
  if (!n.online) warnings.push(`${n.name} is offline`);
  const what = req.off ? 'off' : 'reboot';
  const timeoutS = Math.max(30, Math.ceil((parseDurationMs(snapshot.cluster.options['stonith-timeout']) ?? 60_000) / 1000)) * 2;
  const args = [req.off ? '--fence' : '--reboot', n.name, '--timeout', String(timeoutS)];
  return plan(ctx, {
    action: 'fence',
    request: req,
    summary: `fence node ${n.name} (${what}) through the cluster's fencer`,
    steps: [run('stonith_admin', args, `ask the fencer to ${what === 'off' ? 'power off' : 'reboot'} ${n.name} with its configured devices (waits up to ${timeoutS}s)`, false, (timeoutS + 15) * 1000)],
    expected: req.off ? `${n.name} is powered off and stays off` : `${n.name} reboots and rejoins the cluster when it comes back`,
    simulate: null,
    warnings,
  });
}

// ---------------------------------------------------------------- dispatch

/** Builds the plan of any changing action (failcount-show has no plan: use showFailcounts). */
export function planAction(snapshot: ClusterSnapshot, action: Action, opts: PlanOptions = {}): ActionPlan | ActionError {
  switch (action.name) {
    case 'move':
      return planMove(snapshot, action, opts);
    case 'ban':
      return planBan(snapshot, action);
    case 'clear':
      return planClear(snapshot, action);
    case 'cleanup':
      return planCleanup(snapshot, action);
    case 'refresh':
      return planRefresh(snapshot, action);
    case 'failcount-reset':
      return planFailcountReset(snapshot, action);
    case 'standby':
    case 'unstandby':
      return planStandby(snapshot, action);
    case 'resource-maintenance':
      return planResourceMaintenance(snapshot, action);
    case 'node-maintenance':
      return planNodeMaintenance(snapshot, action);
    case 'cluster-maintenance':
      return planClusterMaintenance(snapshot, action);
    case 'fence':
      return planFence(snapshot, action);
    case 'enable':
    case 'disable':
      return planEnableDisable(snapshot, action);
    case 'restart':
      return planRestart(snapshot, action, opts);
    case 'failcount-show':
      return new ActionError('invalid-request', 'failcount-show changes nothing and has no plan; use showFailcounts()');
  }
}

/** Validation only: null when the action may go ahead on this snapshot. */
export function validateAction(snapshot: ClusterSnapshot, action: Action): ActionError | null {
  if (action.name === 'failcount-show') {
    const r = showFailcounts(snapshot, action);
    return r instanceof ActionError ? r : null;
  }
  const r = planAction(snapshot, action);
  return r instanceof ActionError ? r : null;
}

export function isReadOnlyAction(name: ActionName): boolean {
  return READ_ONLY_ACTIONS.has(name);
}


/** A `why` question names a configured resource (any level, clone children too) and, optionally, a known node. */
export function validateWhy(snapshot: ClusterSnapshot, resource: string, node?: string): ActionError | null {
  const ctx = ctxOf(snapshot);
  const r = resolveResource(ctx, resource, { allowCloneChild: true });
  if (r instanceof ActionError) return r;
  if (node !== undefined) {
    const n = resolveNode(ctx, node);
    if (n instanceof ActionError) return n;
  }
  return null;
}
