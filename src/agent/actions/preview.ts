/**
 * Previews with crm_simulate: copy the live CIB (cibadmin --query) into a scratch directory on the
 * host where the tools run, apply the planned change to the copy with the same tools
 * (CIB_file=<copy>), simulate, and report what the change causes. Everything goes through the
 * ToolRunner (mktemp, dd, cibadmin, crm_resource, crm_simulate, rm), so it works the same locally,
 * through a prefix such as nsenter, or over SSH. The live CIB is only read.
 */
import type { ClusterSnapshot } from '../../model/snapshot.js';
import { ToolError, type ToolRunner } from '../run-tool.js';
import { ActionError, type Blocker } from './errors.js';
import { explainBlockers } from './blockers.js';
import { indexResources } from '../../model/resource-index.js';
import { baseResourceId } from '../../model/values.js';
import { blocked, type ActionPlan } from './plan.js';
import {
  diffTransitions,
  parseAllocationScores,
  parseLocate,
  parseLocateText,
  parseTransitionSummary,
  type AllocationScores,
  type TransitionAction,
  type TransitionSummary,
} from './transition.js';

export interface Preview {
  /** The preview for people, one line each (transition lines, what moves along, notes). */
  lines: string[];
  /** Command lines the preview ran, in order (all on copies, except the cibadmin --query). */
  ran: string[];
  /** What the change causes: the simulated transition minus what the cluster would do anyway. */
  transition: TransitionSummary;
  /** What the cluster would do without the change (pending work); usually empty. */
  baseline: TransitionSummary;
  /** Other resources that start, stop, move or restart because of the change. */
  alongWith: string[];
  /** Where the located resource runs before and after the simulated transition. */
  location?: { resource: string; after: string[] };
  /** The move reaches its target (or leaves its origin). */
  targetReached?: boolean;
  /** When the target is not reached: the constraints in the way. */
  blockers?: Blocker[];
  /** pcs 0.11 auto-clear: removing the move constraint afterwards is safe when nothing moves back. */
  autoClear?: { safe: boolean; moveBack: TransitionSummary };
  note?: string;
}

export interface PreviewOptions {
  /** Offline mode: the "live" CIB is this file. */
  cibFile?: string;
  timeoutMs?: number;
  /** Keep the scratch directory (debugging). */
  keepFiles?: boolean;
}

const SIM_TIMEOUT_MS = 60_000;

/** Runs a tool with CIB_file set through env(1): environment variables do not cross SSH or nsenter wrappers. */
function withCibFile(file: string | undefined, tool: string, args: string[]): { tool: string; args: string[] } {
  return file ? { tool: 'env', args: [`CIB_file=${file}`, tool, ...args] } : { tool, args };
}

/** A scratch directory on the host where the tools run. */
export class Workspace {
  private constructor(
    private readonly runner: ToolRunner,
    readonly dir: string,
    private readonly ran: string[],
    private readonly timeoutMs: number,
  ) {}

  static async create(runner: ToolRunner, ran: string[], timeoutMs = SIM_TIMEOUT_MS): Promise<Workspace> {
    const out = await runner.run('mktemp', ['-d', '-t', 'pcmk-preview.XXXXXXXXXX'], { timeoutMs });
    const dir = out.stdout.trim();
    if (!/^\/[A-Za-z0-9_./-]*pcmk-preview\.[A-Za-z0-9]+$/.test(dir)) throw new Error(`mktemp returned an unexpected path: ${JSON.stringify(dir)}`);
    return new Workspace(runner, dir, ran, timeoutMs);
  }

  path(name: string): string {
    return `${this.dir}/${name}`;
  }

  async write(name: string, content: string): Promise<string> {
    const p = this.path(name);
    await this.runner.run('dd', [`of=${p}`, 'status=none'], { input: content, timeoutMs: this.timeoutMs });
    return p;
  }

  async copy(from: string, to: string): Promise<string> {
    const p = this.path(to);
    await this.runner.run('cp', ['--', from, p], { timeoutMs: this.timeoutMs });
    return p;
  }

  /** Runs a tool against a CIB file. */
  async onFile(file: string, tool: string, args: string[], okExitCodes?: number[]): Promise<string> {
    const c = withCibFile(file, tool, args);
    this.ran.push([c.tool, ...c.args].join(' '));
    const out = await this.runner.run(c.tool, c.args, { timeoutMs: this.timeoutMs, okExitCodes });
    return out.stdout;
  }

  async simulate(file: string, saveOutput?: string): Promise<{ text: string; summary: TransitionSummary }> {
    const args = ['--simulate', '--xml-file', file, ...(saveOutput ? ['--save-output', saveOutput] : [])];
    this.ran.push(['crm_simulate', ...args].join(' '));
    const out = await this.runner.run('crm_simulate', args, { timeoutMs: this.timeoutMs });
    return { text: out.stdout, summary: parseTransitionSummary(out.stdout) };
  }

  async scores(file: string): Promise<AllocationScores> {
    const args = ['--show-scores', '--run', '--xml-file', file];
    this.ran.push(['crm_simulate', ...args].join(' '));
    const out = await this.runner.run('crm_simulate', args, { timeoutMs: this.timeoutMs });
    return parseAllocationScores(out.stdout);
  }

  async locate(file: string, resource: string): Promise<string[]> {
    try {
      return parseLocate(await this.onFile(file, 'crm_resource', ['--locate', '--resource', resource, '--output-as=xml']));
    } catch (e) {
      // Pacemaker 2.0's crm_resource has no --output-as ("Unknown option"): read its text instead.
      if (!(e instanceof ToolError && e.failure === 'exit' && /unknown option --output-as/i.test(e.stderr))) throw e;
      return parseLocateText(await this.onFile(file, 'crm_resource', ['--locate', '--resource', resource]));
    }
  }

  async dispose(): Promise<void> {
    await this.runner.run('rm', ['-rf', '--', this.dir], { timeoutMs: this.timeoutMs }).catch(() => undefined);
  }
}

/** The live CIB as XML (or the CIB file in offline mode). */
export async function queryCib(runner: ToolRunner, cibFile?: string, timeoutMs = SIM_TIMEOUT_MS): Promise<string> {
  const c = withCibFile(cibFile, 'cibadmin', ['--query']);
  const out = await runner.run(c.tool, c.args, { timeoutMs });
  return out.stdout;
}

function touches(a: TransitionAction, ids: Set<string>): boolean {
  return a.resource !== null && (ids.has(a.resource) || ids.has(baseResourceId(a.resource)));
}

function alongWith(plan: ActionPlan, snapshot: ClusterSnapshot, t: TransitionSummary): string[] {
  const index = indexResources(snapshot);
  // The resource the action is about: the one located afterwards, else the request's own.
  const subject = plan.simulate?.locate ?? ('resource' in plan.request ? plan.request.resource : undefined);
  const own = new Set<string>(subject ? [subject, ...(index.byId.get(subject)?.primitives ?? [])] : []);
  const out: string[] = [];
  for (const a of t.actions) {
    if (!a.resource || a.verb === 'Fence' || touches(a, own)) continue;
    const id = baseResourceId(a.resource);
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

function promotedOn(t: TransitionSummary, ids: Set<string>, node: string): boolean {
  return t.actions.some((a) => touches(a, ids) && a.toNode === node && a.toRole === 'Promoted' && !a.blocked);
}

/**
 * Simulates the plan's change on a copy of the live CIB. Throws ActionError('simulation-failed')
 * when a tool fails; never changes the live CIB.
 */
export async function previewPlan(plan: ActionPlan, snapshot: ClusterSnapshot, runner: ToolRunner, opts: PreviewOptions = {}): Promise<Preview | null> {
  const spec = plan.simulate;
  if (!spec) return null;
  const ran: string[] = [];
  let ws: Workspace | null = null;
  try {
    ws = await Workspace.create(runner, ran, opts.timeoutMs);
    const query = withCibFile(opts.cibFile, 'cibadmin', ['--query']);
    ran.push([query.tool, ...query.args].join(' '));
    const live = await ws.write('live.xml', await queryCib(runner, opts.cibFile, opts.timeoutMs));
    const baseline = await ws.simulate(live);
    const copy = await ws.copy(live, 'change.xml');
    for (const s of spec.apply) await ws.onFile(copy, s.tool, s.args);
    const after = ws.path('after.xml');
    const change = await ws.simulate(copy, after);
    const transition = diffTransitions(baseline.summary, change.summary);
    const preview: Preview = { lines: [], ran, transition, baseline: baseline.summary, alongWith: alongWith(plan, snapshot, transition), ...(spec.note ? { note: spec.note } : {}) };

    if (spec.locate) {
      const index = indexResources(snapshot);
      const where = await ws.locate(after, spec.locate);
      preview.location = { resource: spec.locate, after: where };
      const promoted = plan.action === 'move' && plan.request.name === 'move' && plan.request.promoted;
      const own = new Set([spec.locate, ...(index.byId.get(spec.locate)?.primitives ?? [])]);
      if (spec.expectOn) {
        preview.targetReached = promoted ? promotedOn(change.summary, own, spec.expectOn) : where.includes(spec.expectOn);
        if (!preview.targetReached) preview.blockers = explainBlockers(snapshot, index, spec.locate, spec.expectOn, await ws.scores(copy));
      } else if (spec.expectOff) {
        preview.targetReached = !where.includes(spec.expectOff) && where.length > 0;
        if (where.length === 0) {
          const scores = await ws.scores(copy);
          const candidates = snapshot.nodes.filter((n) => n.name !== spec.expectOff && n.online && !n.standby && !n.unclean).map((n) => n.name);
          preview.blockers = candidates.flatMap((n) => explainBlockers(snapshot, index, spec.locate!, n, scores));
        }
      }
      if (spec.moveBackCheck && preview.targetReached) {
        const settled = await ws.copy(after, 'settled.xml');
        const before = await ws.simulate(settled);
        const cleared = await ws.copy(after, 'cleared.xml');
        await ws.onFile(cleared, spec.moveBackCheck.tool, spec.moveBackCheck.args);
        const next = await ws.simulate(cleared);
        const moveBack = diffTransitions(before.summary, next.summary);
        preview.autoClear = { safe: moveBack.actions.length === 0, moveBack };
      }
    }
    preview.lines = previewLines(preview);
    return preview;
  } catch (e) {
    if (e instanceof ActionError) throw e;
    throw new ActionError('simulation-failed', `the crm_simulate preview failed, nothing was changed: ${(e as Error).message}`);
  } finally {
    if (ws && !opts.keepFiles) await ws.dispose();
  }
}

/** The preview as text lines for people (pure). */
export function previewLines(p: Omit<Preview, 'lines'>): string[] {
  const out: string[] = [];
  if (p.transition.actions.length === 0) out.push('nothing starts, stops or moves');
  for (const a of p.transition.actions) out.push(`* ${a.line}`);
  for (const u of p.transition.unparsed) out.push(`? ${u}`);
  if (p.alongWith.length) out.push(`along with it: ${p.alongWith.join(', ')}`);
  if (p.location) out.push(`${p.location.resource} would run on: ${p.location.after.length ? p.location.after.join(', ') : 'no node (stopped)'}`);
  if (p.blockers?.length) for (const b of p.blockers) out.push(`blocked: ${b.detail}`);
  if (p.autoClear) {
    out.push(
      p.autoClear.safe
        ? 'removing the move constraint afterwards moves nothing back: it will be removed'
        : `removing the move constraint afterwards would cause: ${p.autoClear.moveBack.actions.map((a) => a.line).join('; ')}; it will be kept`,
    );
  }
  if (p.baseline.actions.length) out.push(`already pending, not caused by this change: ${p.baseline.actions.map((a) => a.line).join('; ')}`);
  if (p.note) out.push(`note: ${p.note}`);
  return out;
}

/**
 * Applies what the preview learned to the plan (pure): refuses a move whose target the simulation
 * does not reach (naming the blocking constraints), drops the auto-clear when the resource would
 * move back, and adds warnings for resources that would stop.
 */
export function finalizePlan(plan: ActionPlan, preview: Preview | null): ActionPlan | ActionError {
  if (!preview || !plan.simulate) return plan;
  const spec = plan.simulate;
  const warnings = [...plan.warnings];
  let steps = plan.steps;
  let summary = plan.summary;
  let expected = plan.expected;
  if (plan.action === 'move' && spec.locate) {
    if (spec.expectOn && preview.targetReached === false) return blocked(spec.locate, spec.expectOn, preview.blockers ?? []);
    if (spec.expectOff && preview.location && preview.location.after.length === 0) {
      const err = blocked(spec.locate, `any node other than ${spec.expectOff}`, preview.blockers ?? []);
      return new ActionError('blocked-by-constraint', `${spec.locate} cannot move off ${spec.expectOff}: no other node can run it, it would stop${preview.blockers?.length ? ` (${err.message})` : ''}`, err.details);
    }
    if (preview.autoClear && !preview.autoClear.safe) {
      const lines = preview.autoClear.moveBack.actions.map((a) => a.line).join('; ');
      steps = steps.filter((s) => !s.onlyIf && s.kind !== 'wait');
      const constraint = (plan.steps[0]?.args.includes('--ban') ? `cli-ban-${spec.locate}-on-${spec.expectOff}` : `cli-prefer-${spec.locate}`) as string;
      warnings.push(`${constraint} stays: the simulation shows that without it the cluster would move things back (${lines})`);
      summary = summary.replace(/, then remove \S+$/, ` (keeping ${constraint}: without it ${spec.locate} would move back)`);
      expected = `${spec.locate} runs ${spec.expectOn ? `on ${spec.expectOn}` : `off ${spec.expectOff}`}; ${constraint} stays until 'pcmk clear ${spec.locate}'`;
    }
  }
  if (plan.action === 'ban' && spec.locate && preview.location && preview.location.after.length === 0) {
    warnings.push(`${spec.locate} will stop: no other node can run it`);
  }
  const stopped = preview.transition.stops.filter((a) => !a.blocked).map((a) => a.resource!);
  if (stopped.length && plan.action !== 'disable' && plan.action !== 'restart') {
    const movedElsewhere = new Set(preview.transition.starts.map((a) => a.resource));
    const gone = stopped.filter((r) => !movedElsewhere.has(r));
    if (gone.length) warnings.push(`stops: ${gone.join(', ')}`);
  }
  return { ...plan, steps, summary, expected, warnings };
}

/**
 * Before removing a move constraint for real: simulate the removal on a copy of the live CIB and
 * report whether anything would move back (pcs 0.11 auto-clear semantics).
 */
export async function checkMoveBack(
  runner: ToolRunner,
  clear: { tool: string; args: string[] },
  opts: PreviewOptions = {},
): Promise<{ safe: boolean; moveBack: TransitionSummary; ran: string[] }> {
  const ran: string[] = [];
  const ws = await Workspace.create(runner, ran, opts.timeoutMs);
  try {
    const live = await ws.write('live.xml', await queryCib(runner, opts.cibFile, opts.timeoutMs));
    const before = await ws.simulate(live);
    const copy = await ws.copy(live, 'cleared.xml');
    await ws.onFile(copy, clear.tool, clear.args);
    const after = await ws.simulate(copy);
    const moveBack = diffTransitions(before.summary, after.summary);
    return { safe: moveBack.actions.length === 0, moveBack, ran };
  } finally {
    if (!opts.keepFiles) await ws.dispose();
  }
}
