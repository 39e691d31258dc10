/**
 * executePlan's control flow: failures stop the plan, waits check the expected state on fresh
 * snapshots, and the auto-clear runs only when a simulation shows nothing moving back. The tools
 * answer from a script of real outputs (crm_simulate captures); snapshots are real captures too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ToolError, type RunOptions, type ToolOutput, type ToolRunner } from '../../../../src/agent/run-tool.js';
import { ActionError, EXIT_CODES } from '../../../../src/agent/actions/errors.js';
import { planAction, type ActionPlan } from '../../../../src/agent/actions/plan.js';
import { executePlan } from '../../../../src/agent/actions/execute.js';
import { appendAuditLog, auditEntry, defaultAuditPath, readAuditLog } from '../../../../src/agent/actions/audit.js';
import type { Action } from '../../../../src/model/actions.js';
import type { ClusterSnapshot } from '../../../../src/model/snapshot.js';
import { fixture, stateSnapshot } from './helpers.js';

type Answer = { stdout?: string; exitCode?: number; stderr?: string };

/** A ToolRunner whose tools answer from a script: the first matching rule wins. */
class ScriptedRunner implements ToolRunner {
  readonly where = 'script';
  readonly calls: string[] = [];
  constructor(private readonly rules: Array<[RegExp, Answer | ((line: string) => Answer)]>) {}
  async run(tool: string, args: string[], opts: RunOptions = {}): Promise<ToolOutput> {
    const line = [tool, ...args].join(' ');
    this.calls.push(line);
    const rule = this.rules.find(([re]) => re.test(line));
    const a = rule ? (typeof rule[1] === 'function' ? rule[1](line) : rule[1]) : {};
    const exitCode = a.exitCode ?? 0;
    if (exitCode !== 0 && !opts.okExitCodes?.includes(exitCode)) {
      throw new ToolError({ tool, args, failure: 'exit', exitCode, signal: null, stderr: a.stderr ?? '', stdout: a.stdout ?? '', timeoutMs: opts.timeoutMs ?? null, durationMs: 1, where: this.where });
    }
    return { stdout: a.stdout ?? '', stderr: a.stderr ?? '', exitCode, durationMs: 1 };
  }
}

const live = stateSnapshot('live');

function planOf(a: Action, s: ClusterSnapshot = live): ActionPlan {
  const p = planAction(s, a);
  if (p instanceof ActionError) throw p;
  return p;
}

/** Snapshots: `before` until the change ran, then `after`. */
function snapshots(runner: ScriptedRunner, before: ClusterSnapshot, after: ClusterSnapshot): () => Promise<ClusterSnapshot> {
  return async () => (runner.calls.some((c) => /--move|--ban|--update on|target-role/.test(c)) ? after : before);
}

const fastClock = () => {
  let t = Date.parse('2026-11-23T21:00:00Z');
  return { now: () => new Date(t), sleep: async (ms: number) => void (t += ms) };
};

describe('executePlan', () => {
  it('dry run runs nothing', async () => {
    const runner = new ScriptedRunner([]);
    const r = await executePlan(planOf({ name: 'ban', resource: 'dregistry' }), runner, { dryRun: true });
    expect(runner.calls).toEqual([]);
    expect(r).toMatchObject({ ok: true, dryRun: true });
    expect(r.steps.map((s) => s.status)).toEqual(['skipped']);
    expect(r.message).toBe('dry run: ban dregistry from cluster-1 (nothing changed)');
  });

  it('a failing tool stops the plan: later steps are not run, error step-failed (exit 1)', async () => {
    const runner = new ScriptedRunner([[/--move/, { exitCode: 105, stderr: "crm_resource: Resource 'dregistry' not found" }]]);
    const r = await executePlan(planOf({ name: 'move', resource: 'dregistry', node: 'cluster-2' }), runner, { snapshot: async () => live });
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ code: 'step-failed', exitCode: 1 });
    expect(r.error!.message).toBe("crm_resource: exit code 105 (script): crm_resource: Resource 'dregistry' not found (ran: crm_resource --move --resource dregistry --node cluster-2)");
    expect(r.steps.map((s) => s.status)).toEqual(['failed', 'skipped', 'skipped']);
    expect(runner.calls).toEqual(['crm_resource --move --resource dregistry --node cluster-2']);
  });

  it('auto-clear: waits for the target, simulates the removal, then clears', async () => {
    const runner = new ScriptedRunner([
      [/^mktemp/, { stdout: '/tmp/pcmk-preview.abc123\n' }],
      [/^cibadmin --query/, { stdout: fixture('sandbox-live.xml') }],
      [/^crm_simulate .*cleared\.xml/, { stdout: fixture('clear-after-move.txt') }],
      [/^crm_simulate/, { stdout: fixture('sandbox-baseline.txt') }],
    ]);
    const plan = planOf({ name: 'move', resource: 'dregistry', node: 'cluster-2' });
    const moved = stateSnapshot('moved-dregistry-cluster-2');
    const clock = fastClock();
    const r = await executePlan(plan, runner, { snapshot: snapshots(runner, live, moved), ...clock });
    expect(r.error).toBeUndefined();
    expect(r.steps.map((s) => `${s.kind}:${s.status}`)).toEqual(['run:ok', 'wait:ok', 'run:ok']);
    expect(runner.calls).toEqual([
      'crm_resource --move --resource dregistry --node cluster-2',
      'crm_resource --wait --timeout 120s',
      'mktemp -d -t pcmk-preview.XXXXXXXXXX',
      'cibadmin --query',
      'dd of=/tmp/pcmk-preview.abc123/live.xml status=none',
      'crm_simulate --simulate --xml-file /tmp/pcmk-preview.abc123/live.xml',
      'cp -- /tmp/pcmk-preview.abc123/live.xml /tmp/pcmk-preview.abc123/cleared.xml',
      'env CIB_file=/tmp/pcmk-preview.abc123/cleared.xml crm_resource --clear --resource dregistry --node cluster-2',
      'crm_simulate --simulate --xml-file /tmp/pcmk-preview.abc123/cleared.xml',
      'rm -rf -- /tmp/pcmk-preview.abc123',
      'crm_resource --clear --resource dregistry --node cluster-2',
    ]);
  });

  it('auto-clear is skipped with a warning when the removal would move things back', async () => {
    const runner = new ScriptedRunner([
      [/^mktemp/, { stdout: '/tmp/pcmk-preview.abc123\n' }],
      [/^crm_simulate .*cleared\.xml/, { stdout: fixture('clear-after-move-nostick.txt') }],
      [/^crm_simulate/, { stdout: fixture('sandbox-baseline.txt') }],
    ]);
    const p = planOf({ name: 'move', resource: 'dregistry', node: 'cluster-2' });
    const plan = { ...p, steps: p.steps.map((s) => (s.until ? { ...s, until: { kind: 'settled' as const } } : s)) };
    const r = await executePlan(plan, runner, { snapshot: async () => live, ...fastClock() });
    expect(r.ok).toBe(true);
    expect(r.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'skipped']);
    expect(r.steps[2]!.note).toContain('kept the constraint: without it the cluster would Move       dockerIP     ( cluster-2 -> cluster-1 )');
    expect(r.warnings[0]).toContain('the move constraint of dregistry stays');
    expect(runner.calls.filter((c) => c.startsWith('crm_resource --clear'))).toEqual([]);
  });

  it('a target never reached fails with target-not-reached (90) and keeps the constraint', async () => {
    const runner = new ScriptedRunner([]);
    const clock = fastClock();
    const r = await executePlan(planOf({ name: 'move', resource: 'dregistry', node: 'cluster-2' }), runner, { snapshot: async () => live, ...clock });
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ code: 'target-not-reached', exitCode: 90 });
    expect(r.error!.message).toBe('cluster settled; not reached in time: dregistry runs on cluster-2 (the move constraint was left in place)');
    expect(r.steps.map((s) => s.status)).toEqual(['ok', 'failed', 'skipped']);
  });

  it('crm_resource --wait timing out is wait-timeout (124)', async () => {
    const runner = new ScriptedRunner([[/--wait/, { exitCode: 124 }]]);
    const r = await executePlan(planOf({ name: 'standby', node: 'cluster-2' }), runner, { wait: 5, snapshot: async () => live, ...fastClock() });
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ code: 'wait-timeout', exitCode: 124 });
    expect(r.waited).toMatchObject({ condition: 'cluster-2 has standby=on', reached: false });
    expect(r.error!.message).toMatch(/^the change was made, but cluster did not settle in time; not reached in time: cluster-2 has standby=on/);
  });

  it('--wait reaches the expected state on a fresh snapshot', async () => {
    const runner = new ScriptedRunner([]);
    const r = await executePlan(planOf({ name: 'standby', node: 'cluster-2' }), runner, { wait: 30, snapshot: snapshots(runner, live, stateSnapshot('standby-cluster-2')), ...fastClock() });
    expect(r.ok).toBe(true);
    expect(r.waited).toMatchObject({ condition: 'cluster-2 has standby=on', reached: true });
    expect(runner.calls).toEqual(['crm_attribute --node cluster-2 --name standby --update on --lifetime forever', 'crm_resource --wait --timeout 30s']);
  });

  it('offline CIB file: tools run with CIB_file through env(1), nothing is waited for', async () => {
    const runner = new ScriptedRunner([]);
    const r = await executePlan(planOf({ name: 'move', resource: 'dregistry', node: 'cluster-2' }), runner, { cibFile: '/srv/cib.xml', wait: 30 });
    expect(r.ok).toBe(true);
    expect(runner.calls).toEqual(['env CIB_file=/srv/cib.xml crm_resource --move --resource dregistry --node cluster-2']);
    expect(r.steps.map((s) => s.status)).toEqual(['ok', 'skipped', 'skipped']);
  });
});

describe('audit log', () => {
  let dir = '';
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('appends JSON lines and reads them back, skipping torn lines', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pcmk-audit-'));
    const file = path.join(dir, 'a', 'b', 'audit.log');
    const plan = planOf({ name: 'ban', resource: 'dregistry' });
    const result = await executePlan(plan, new ScriptedRunner([]), {});
    appendAuditLog(auditEntry(plan, result, { user: 'alice', host: 'jump-1', time: '2026-11-23T21:00:00.000Z' }), file);
    writeFileSync(file, readFileSync(file, 'utf8') + '{"time": "torn\n', 'utf8');
    appendAuditLog(auditEntry(plan, result, { user: 'bob', host: 'jump-1' }), file);
    const entries = readAuditLog(file);
    expect(entries.map((e) => e.user)).toEqual(['alice', 'bob']);
    expect(entries[0]).toMatchObject({ time: '2026-11-23T21:00:00.000Z', host: 'jump-1', action: { name: 'ban', resource: 'dregistry' }, summary: 'ban dregistry from cluster-1' });
    expect(entries[0]!.plan?.steps).toEqual([{ tool: 'crm_resource', args: ['--ban', '--resource', 'dregistry', '--node', 'cluster-1'], description: expect.any(String) }]);
    expect(entries[0]!.result).toMatchObject({ ok: true, steps: [{ tool: 'crm_resource', status: 'ok', exitCode: 0 }] });
    expect(readAuditLog(file, { limit: 1 }).map((e) => e.user)).toEqual(['bob']);
    expect(readAuditLog(path.join(dir, 'missing.log'))).toEqual([]);
  });

  it('default path follows XDG_STATE_HOME, else ~/.local/state', () => {
    expect(defaultAuditPath({ HOME: '/home/op' })).toBe('/home/op/.local/state/pcmk-console/audit.log');
    expect(defaultAuditPath({ HOME: '/home/op', XDG_STATE_HOME: '/var/state/op' })).toBe('/var/state/op/pcmk-console/audit.log');
  });
});

describe('README', () => {
  it('documents every error code with its exit code', () => {
    const readme = readFileSync(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../../src/agent/actions/README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` \| (\d+) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(rows)).toEqual(EXIT_CODES);
  });
});
