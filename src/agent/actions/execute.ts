/**
 * Runs a plan's steps through the ToolRunner, stops at the first failure, and (when asked) waits
 * for the cluster to settle and for the plan's expected state. Conditional steps (the pcs 0.11
 * auto-clear) are decided right before they run, on a fresh simulation of the live CIB.
 */
import type { ClusterSnapshot } from '../../model/snapshot.js';
import { ToolError, type ToolRunner } from '../run-tool.js';
import { collectSnapshot } from '../collect.js';
import { ActionError, type ActionErrorCode } from './errors.js';
import { conditionHolds, describeCondition } from './conditions.js';
import { checkMoveBack } from './preview.js';
import type { ActionPlan, PlanStep, WaitCondition } from './plan.js';

export type StepStatus = 'ok' | 'failed' | 'skipped';

export interface StepOutcome {
  index: number;
  kind: PlanStep['kind'];
  tool: string;
  args: string[];
  description: string;
  status: StepStatus;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Why a step was skipped or failed, or what a wait observed. */
  note?: string;
}

export interface ExecutionResult {
  ok: boolean;
  /** One line for people: what was done, or what failed. */
  message: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  steps: StepOutcome[];
  /** The final wait (--wait), when asked for. */
  waited?: { condition: string; reached: boolean; seconds: number };
  warnings: string[];
  error?: { code: ActionErrorCode; exitCode: number; message: string };
}

export interface ExecuteOptions {
  dryRun?: boolean;
  /** Seconds to wait afterwards for the cluster to settle and the plan's expected state. */
  wait?: number;
  /** Offline mode: the tools work on this CIB file (nothing to wait for). */
  cibFile?: string;
  /** Fresh snapshots for waiting (default: collectSnapshot through the runner). */
  snapshot?: () => Promise<ClusterSnapshot>;
  pollIntervalMs?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function outcome(step: PlanStep, index: number, status: StepStatus, extra: Partial<StepOutcome> = {}): StepOutcome {
  return { index, kind: step.kind, tool: step.tool, args: step.args, description: step.description, status, exitCode: null, stdout: '', stderr: '', durationMs: 0, ...extra };
}

function fail(code: ActionErrorCode, message: string): ExecutionResult['error'] {
  const e = new ActionError(code, message);
  return { code, exitCode: e.exitCode, message };
}

/** Runs `tool` with the CIB file in offline mode (env(1), so it crosses wrappers). */
function argvFor(step: { tool: string; args: string[] }, cibFile?: string): { tool: string; args: string[] } {
  return cibFile ? { tool: 'env', args: [`CIB_file=${cibFile}`, step.tool, ...step.args] } : { tool: step.tool, args: step.args };
}

/**
 * Polls snapshots until `cond` holds or `deadline` passes. Returns whether it held and a note.
 */
async function pollUntil(cond: WaitCondition, deadline: number, opts: ExecuteOptions, takeSnapshot: () => Promise<ClusterSnapshot>): Promise<{ reached: boolean; note: string }> {
  const now = opts.now ?? (() => new Date());
  const sleep = opts.sleep ?? defaultSleep;
  const interval = opts.pollIntervalMs ?? 1000;
  let lastError = '';
  for (;;) {
    try {
      const s = await takeSnapshot();
      if (conditionHolds(s, cond)) return { reached: true, note: `${describeCondition(cond)}` };
    } catch (e) {
      lastError = (e as Error).message;
    }
    if (now().getTime() >= deadline) return { reached: false, note: `not reached in time: ${describeCondition(cond)}${lastError ? ` (last error: ${lastError})` : ''}` };
    await sleep(Math.min(interval, Math.max(0, deadline - now().getTime())));
  }
}

/** crm_resource --wait, then poll for the condition; returns the step outcome. */
async function runWait(
  runner: ToolRunner,
  step: { tool: string; args: string[]; timeoutMs: number },
  cond: WaitCondition,
  seconds: number,
  opts: ExecuteOptions,
  takeSnapshot: () => Promise<ClusterSnapshot>,
): Promise<{ status: StepStatus; exitCode: number | null; stdout: string; stderr: string; durationMs: number; note: string; code?: ActionErrorCode }> {
  const now = opts.now ?? (() => new Date());
  const started = now().getTime();
  const deadline = started + seconds * 1000;
  let exitCode: number | null = 0;
  let stdout = '';
  let stderr = '';
  try {
    const out = await runner.run(step.tool, step.args, { timeoutMs: step.timeoutMs, okExitCodes: [124] });
    exitCode = out.exitCode;
    stdout = out.stdout;
    stderr = out.stderr;
  } catch (e) {
    if (!(e instanceof ToolError)) throw e;
    exitCode = e.exitCode;
    stdout = e.stdout;
    stderr = e.stderr;
  }
  const settledNote = exitCode === 0 ? 'cluster settled' : exitCode === 124 ? 'cluster did not settle in time' : `crm_resource --wait failed (exit ${exitCode})`;
  const polled = await pollUntil(cond, Math.max(deadline, now().getTime()), opts, takeSnapshot);
  const durationMs = now().getTime() - started;
  if (polled.reached) return { status: 'ok', exitCode, stdout, stderr, durationMs, note: `${settledNote}; ${polled.note}` };
  return { status: 'failed', exitCode, stdout, stderr, durationMs, note: `${settledNote}; ${polled.note}`, code: exitCode === 124 ? 'wait-timeout' : 'target-not-reached' };
}

function resultMessage(plan: ActionPlan, steps: StepOutcome[], dryRun: boolean, waited?: ExecutionResult['waited']): string {
  if (dryRun) return `dry run: ${plan.summary} (nothing changed)`;
  const ran = steps.filter((s) => s.status === 'ok' && s.kind === 'run').length;
  const skipped = steps.filter((s) => s.status === 'skipped' && s.note).map((s) => s.note);
  return `${plan.summary}: ${ran} command(s) run${skipped.length ? `; ${skipped.join('; ')}` : ''}${waited ? `; ${waited.condition} after ${waited.seconds}s` : ''}`;
}

export async function executePlan(plan: ActionPlan, runner: ToolRunner, opts: ExecuteOptions = {}): Promise<ExecutionResult> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const steps: StepOutcome[] = [];
  const warnings: string[] = [];
  const takeSnapshot = opts.snapshot ?? (() => collectSnapshot({ runner, cibFile: opts.cibFile, now }));
  const finish = (ok: boolean, extra: Partial<ExecutionResult> = {}): ExecutionResult => ({
    ok,
    message: extra.error?.message ?? resultMessage(plan, steps, !!opts.dryRun, extra.waited),
    dryRun: !!opts.dryRun,
    startedAt,
    finishedAt: now().toISOString(),
    steps,
    warnings,
    ...extra,
  });

  if (opts.dryRun) {
    plan.steps.forEach((s, i) => steps.push(outcome(s, i, 'skipped', { note: 'dry run' })));
    return finish(true);
  }

  for (let i = 0; i < plan.steps.length; i++) {
    const step = plan.steps[i]!;
    if (step.kind === 'wait') {
      if (opts.cibFile) {
        steps.push(outcome(step, i, 'skipped', { note: 'offline CIB file: nothing runs, nothing to wait for' }));
        continue;
      }
      const seconds = Math.max(1, Math.round((step.timeoutMs - 15_000) / 1000));
      const w = await runWait(runner, step, step.until ?? { kind: 'settled' }, seconds, opts, takeSnapshot);
      steps.push(outcome(step, i, w.status, { exitCode: w.exitCode, stdout: w.stdout, stderr: w.stderr, durationMs: w.durationMs, note: w.note }));
      if (w.status === 'failed') {
        for (let j = i + 1; j < plan.steps.length; j++) steps.push(outcome(plan.steps[j]!, j, 'skipped', { note: 'not run: an earlier step failed' }));
        const kept = plan.steps.slice(i + 1).some((s) => s.onlyIf) ? ' (the move constraint was left in place)' : '';
        return finish(false, { error: fail(w.code ?? 'target-not-reached', `${w.note}${kept}`) });
      }
      continue;
    }
    if (step.onlyIf?.kind === 'no-move-back') {
      if (opts.cibFile) {
        steps.push(outcome(step, i, 'skipped', { note: 'offline CIB file: the constraint is kept (no running cluster to check against)' }));
        continue;
      }
      try {
        const check = await checkMoveBack(runner, { tool: step.tool, args: step.args });
        if (!check.safe) {
          const lines = check.moveBack.actions.map((a) => a.line).join('; ');
          steps.push(outcome(step, i, 'skipped', { note: `kept the constraint: without it the cluster would ${lines}` }));
          warnings.push(`the move constraint of ${step.onlyIf.resource} stays: removing it would cause ${lines}`);
          continue;
        }
      } catch (e) {
        steps.push(outcome(step, i, 'skipped', { note: `kept the constraint: the move-back simulation failed: ${(e as Error).message}` }));
        warnings.push(`the move constraint of ${step.onlyIf.resource} stays: could not simulate its removal`);
        continue;
      }
    }
    const argv = argvFor(step, opts.cibFile);
    const t0 = now().getTime();
    try {
      const out = await runner.run(argv.tool, argv.args, { timeoutMs: step.timeoutMs });
      steps.push(outcome(step, i, 'ok', { exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr, durationMs: Math.round(out.durationMs) }));
    } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      steps.push(outcome(step, i, 'failed', { exitCode: e.exitCode, stdout: e.stdout, stderr: e.stderr, durationMs: now().getTime() - t0, note: e.message }));
      for (let j = i + 1; j < plan.steps.length; j++) steps.push(outcome(plan.steps[j]!, j, 'skipped', { note: 'not run: an earlier step failed' }));
      return finish(false, { error: fail('step-failed', e.message) });
    }
  }

  if (opts.wait !== undefined && opts.wait > 0 && plan.waitFor && !opts.cibFile) {
    const seconds = opts.wait;
    const w = await runWait(runner, { tool: 'crm_resource', args: ['--wait', '--timeout', `${seconds}s`], timeoutMs: (seconds + 15) * 1000 }, plan.waitFor, seconds, opts, takeSnapshot);
    const waited = { condition: describeCondition(plan.waitFor), reached: w.status === 'ok', seconds: Math.round(w.durationMs / 1000) };
    if (w.status !== 'ok') return finish(false, { waited, error: fail('wait-timeout', `the change was made, but ${w.note}`) });
    return finish(true, { waited });
  }
  return finish(true);
}
