/**
 * Actions on the real sandbox cluster, through the same handleAction the agent serves: move with
 * auto-clear and with --keep-constraint, ban/clear, cleanup after an injected failure, failcount
 * show/reset, standby/unstandby, dry runs and refusals that leave the CIB unchanged.
 * Every test puts the cluster back the way it found it.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { handleAction, type ActionResponse } from '../../src/agent/actions/handle.js';
import { ActionError } from '../../src/agent/actions/errors.js';
import { parseActionRequest } from '../../src/agent/actions/request.js';
import { readAuditLog } from '../../src/agent/actions/audit.js';
import { collectSnapshot } from '../../src/agent/collect.js';
import { locate, nodeRunner, onNode, pending, sandboxScript, waitFor } from './sandbox-env.js';

const runner = nodeRunner('cluster-1');
const members = ['cluster-1', 'cluster-2', 'cluster-3'];
let auditDir: string;
let audit: string;

beforeAll(() => {
  auditDir = mkdtempSync(path.join(tmpdir(), 'pcmk-actions-audit-'));
  audit = path.join(auditDir, 'audit.log');
  return () => rmSync(auditDir, { recursive: true, force: true });
});

/** `wait` rides on the request, the rest is the action (checked as the agent checks it). */
function act(request: Record<string, unknown>, dryRun = false): Promise<ActionResponse> {
  const { wait, ...action } = request;
  return handleAction(
    { id: 't', type: 'action', action: parseActionRequest(action), dryRun, ...(typeof wait === 'number' ? { wait } : {}) },
    { runner, auditPath: audit, pollIntervalMs: 500 },
  );
}

async function refusal(action: Record<string, unknown>, dryRun = false): Promise<ActionError> {
  try {
    await act(action, dryRun);
  } catch (e) {
    if (e instanceof ActionError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(action)} to be refused`);
}

/** The configuration section and its epoch: what must not change. */
function cibConfig(): { epoch: string; configuration: string } {
  const full = onNode('cluster-1', ['cibadmin', '--query']);
  const epoch = /<cib\b[^>]*\bepoch="(\d+)"/.exec(full)?.[1] ?? '';
  const admin = /<cib\b[^>]*\badmin_epoch="(\d+)"/.exec(full)?.[1] ?? '';
  const configuration = /<configuration>[\s\S]*<\/configuration>/.exec(full)?.[0] ?? '';
  return { epoch: `${admin}:${epoch}`, configuration };
}

function cliConstraints(): string[] {
  const xml = onNode('cluster-1', ['cibadmin', '--query', '--scope', 'constraints']);
  return [...xml.matchAll(/id="(cli-(?:prefer|ban)-[^"]+)"/g)].map((m) => m[1]!);
}

function crm(args: string[]): void {
  onNode('cluster-1', ['crm_resource', ...args], 120_000);
}

/** Put things back: no cli-* constraints for our resources, nodes out of standby, cluster settled. */
async function restore(): Promise<void> {
  for (const r of ['dregistry', 'docker', 'dockerIP']) crm(['--clear', '--resource', r]);
  for (const n of members) onNode('cluster-1', ['crm_attribute', '--node', n, '--name', 'standby', '--update', 'off', '--lifetime', 'forever']);
  crm(['--cleanup', '--resource', 'dregistry']);
  crm(['--wait', '--timeout', '120s']);
}

afterEach(restore, 180_000);

function otherMember(than: string): string {
  return members.find((m) => m !== than)!;
}

describe('move', () => {
  it('dry run previews everything that moves along and leaves the CIB unchanged', async () => {
    const from = locate('dregistry')[0]!;
    const to = otherMember(from);
    const before = cibConfig();
    const r = await act({ name: 'move', resource: 'dregistry', node: to }, true);
    expect(cibConfig()).toEqual(before);
    expect(r.result).toBeUndefined();
    expect(r.preview!.transition.moves.map((a) => `${a.resource} ${a.fromNode}->${a.toNode}`).sort()).toEqual(
      [`dockerIP ${from}->${to}`, `dockerd ${from}->${to}`, `dregistry ${from}->${to}`].sort(),
    );
    expect(r.preview!.alongWith.sort()).toEqual(['dockerIP', 'dockerd']);
    expect(r.preview!.autoClear?.safe).toBe(true);
    expect(locate('dregistry')).toEqual([from]);
  });

  it('moves with auto-clear: runs on the target, no cli-prefer left, audit entry written', async () => {
    const from = locate('dregistry')[0]!;
    const to = otherMember(from);
    const r = await act({ name: 'move', resource: 'dregistry', node: to });
    expect(r.result!.error).toBeUndefined();
    expect(r.ok, JSON.stringify(r.result?.error ?? r.result?.steps.at(-1)?.note)).toBe(true);
    expect(r.result!.steps.map((s) => `${s.kind}:${s.status}`)).toEqual(['run:ok', 'wait:ok', 'run:ok']);
    expect(locate('dregistry')).toEqual([to]);
    expect(locate('dockerIP')).toEqual([to]);
    expect(cliConstraints()).toEqual([]);
    const last = readAuditLog(audit).at(-1)!;
    expect(last.action).toEqual({ name: 'move', resource: 'dregistry', node: to });
    expect(last.result.ok).toBe(true);
    expect(last.result.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('--keep-constraint leaves cli-prefer in place until clear', async () => {
    const from = locate('dregistry')[0]!;
    const to = otherMember(from);
    const r = await act({ name: 'move', resource: 'dregistry', node: to, keepConstraint: true, wait: 90 });
    expect(r.ok, JSON.stringify(r.result?.error ?? r.result?.steps.at(-1)?.note)).toBe(true);
    expect(r.result!.waited).toMatchObject({ reached: true });
    expect(locate('dregistry')).toEqual([to]);
    expect(cliConstraints()).toEqual(['cli-prefer-dregistry']);
    const c = await act({ name: 'clear', resource: 'dregistry' });
    expect(c.ok, JSON.stringify(c.result?.error ?? c.result?.steps.at(-1)?.note)).toBe(true);
    expect(cliConstraints()).toEqual([]);
  });

  it('refuses a target that constraints make impossible, naming them, without changing the CIB', async () => {
    const before = cibConfig();
    const e = await refusal({ name: 'move', resource: 'dregistry', node: 'remote-1' });
    expect(e.exitCode).toBe(113);
    expect(e.details.blockers?.map((b) => b.constraint)).toEqual(['colocation-dregistry-with-docker', 'colocation-docker-with-dlm-clone', 'location-dlm-clone-members-only']);
    expect(cibConfig()).toEqual(before);
  });

  it('validation failures leave the CIB unchanged', async () => {
    const before = cibConfig();
    const here = locate('dregistry')[0]!;
    expect((await refusal({ name: 'move', resource: 'dregistry', node: here })).exitCode).toBe(108);
    expect((await refusal({ name: 'move', resource: 'dregistri', node: 'cluster-2' })).message).toContain('did you mean dregistry?');
    expect((await refusal({ name: 'ban', resource: 'dlm:0', node: 'cluster-2' })).code).toBe('clone-instance');
    expect((await refusal({ name: 'standby', node: 'cluster-1$(reboot)' })).code).toBe('invalid-id');
    expect((await refusal({ name: 'move', resource: 'dregistry', node: 'cluster-9' })).code).toBe('unknown-node');
    expect(cibConfig()).toEqual(before);
  });
});

describe('ban / clear', () => {
  it('bans from the current node, then clears the ban', async () => {
    const from = locate('dregistry')[0]!;
    const dry = await act({ name: 'ban', resource: 'dregistry' }, true);
    expect(dry.plan!.danger).toBe(true);
    expect(dry.plan!.steps[0]!.args).toEqual(['--ban', '--resource', 'dregistry', '--node', from]);
    const r = await act({ name: 'ban', resource: 'dregistry', wait: 90 });
    expect(r.ok, JSON.stringify(r.result?.error ?? r.result?.steps.at(-1)?.note)).toBe(true);
    expect(cliConstraints()).toEqual([`cli-ban-dregistry-on-${from}`]);
    const now = locate('dregistry');
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(from);
    const c = await act({ name: 'clear', resource: 'dregistry', node: from });
    expect(c.plan!.summary).toContain(`cli-ban-dregistry-on-${from}`);
    expect(cliConstraints()).toEqual([]);
  });
});

describe('failures', () => {
  async function injectFailure(): Promise<void> {
    execFileSync('bash', [sandboxScript, 'fail', 'dregistry'], { encoding: 'utf8', timeout: 60_000 });
    await waitFor(
      'a recorded failure of dregistry',
      async () => {
        const s = await collectSnapshot({ runner });
        return s.failcounts.some((f) => f.resource === 'dregistry' && f.count > 0) || pending(`fail counts ${JSON.stringify(s.failcounts)}`);
      },
      90_000,
      1000,
    );
  }

  it('cleanup after an injected failure clears the failure and the fail count', async () => {
    await injectFailure();
    const r = await act({ name: 'cleanup', resource: 'dregistry', wait: 60 });
    expect(r.ok, JSON.stringify(r.result?.error ?? r.result?.steps.at(-1)?.note)).toBe(true);
    expect(r.plan!.steps[0]!.args).toEqual(['--cleanup', '--resource', 'dregistry']);
    await waitFor('no failure of dregistry', async () => {
      const s = await collectSnapshot({ runner });
      const failures = s.failures.filter((f) => f.resource === 'dregistry');
      const counts = s.failcounts.filter((f) => f.resource === 'dregistry' && f.count > 0);
      return (!failures.length && !counts.length) || pending(`failures ${JSON.stringify(failures)}, fail counts ${JSON.stringify(counts)}`);
    });
  });

  it('failcount show lists the failed operation; reset removes it', async () => {
    await injectFailure();
    const shown = await act({ name: 'failcount-show', resource: 'dregistry' }, true);
    const row = shown.rows!.find((x) => x.resource === 'dregistry')!;
    expect(row.count).toBeGreaterThanOrEqual(1);
    expect(row.operations.map((o) => o.task)).toContain('monitor');
    const r = await act({ name: 'failcount-reset', resource: 'dregistry', node: row.node, wait: 60 });
    expect(r.plan!.steps[0]!.args).toEqual(['--cleanup', '--resource', 'dregistry', '--node', row.node]);
    await waitFor('fail count reset', async () => {
      const after = await act({ name: 'failcount-show', resource: 'dregistry' }, true);
      return after.rows!.every((x) => x.count === 0) || pending(`rows ${JSON.stringify(after.rows)}`);
    });
  });
});

describe('standby', () => {
  it('standby moves everything off the node (with --wait); unstandby takes it back', async () => {
    const node = locate('dregistry')[0]!;
    const dry = await act({ name: 'standby', node }, true);
    expect(dry.preview!.transition.moves.map((a) => a.resource)).toEqual(expect.arrayContaining(['dockerIP', 'dockerd', 'dregistry']));
    const r = await act({ name: 'standby', node, wait: 120 });
    expect(r.ok, JSON.stringify(r.result?.error ?? r.result?.steps.at(-1)?.note)).toBe(true);
    expect(r.result!.waited?.reached).toBe(true);
    const s = await collectSnapshot({ runner });
    expect(s.nodes.find((n) => n.name === node)!.standby).toBe(true);
    expect(locate('dregistry')).not.toContain(node);
    const u = await act({ name: 'unstandby', node, wait: 60 });
    expect(u.ok, JSON.stringify(u.result?.error ?? u.result?.steps.at(-1)?.note)).toBe(true);
    expect((await collectSnapshot({ runner })).nodes.find((n) => n.name === node)!.standby).toBe(false);
  });
});
