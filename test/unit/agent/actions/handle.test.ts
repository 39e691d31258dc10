/**
 * End to end on CIB files with the real Pacemaker tools (CIB_file): no cluster needed. The same
 * handleAction the agent runs: fresh snapshot, validation, plan, crm_simulate preview, execution.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalToolRunner } from '../../../../src/agent/run-tool.js';
import { handleAction, type ActionResponse } from '../../../../src/agent/actions/handle.js';
import { ActionError } from '../../../../src/agent/actions/errors.js';
import { readAuditLog } from '../../../../src/agent/actions/audit.js';
import type { Action } from '../../../../src/model/actions.js';
import { SIM_DIR } from './helpers.js';

const runner = new LocalToolRunner();
let dir: string;
let cib: string;
let audit: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pcmk-actions-test-'));
  cib = path.join(dir, 'cib.xml');
  audit = path.join(dir, 'state', 'audit.log');
  copyFileSync(path.join(SIM_DIR, 'sandbox-live.xml'), cib);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function act(action: Record<string, unknown>, dryRun: boolean, file = cib): Promise<ActionResponse> {
  return handleAction({ id: '1', type: 'action', action: action as unknown as Action, dryRun }, { runner, cibFile: file, auditPath: audit });
}

async function refused(action: Record<string, unknown>, dryRun = false): Promise<ActionError> {
  const before = readFileSync(cib, 'utf8');
  let err: unknown;
  try {
    await act(action, dryRun);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ActionError);
  expect(readFileSync(cib, 'utf8')).toBe(before);
  return err as ActionError;
}

describe('handleAction on a CIB file', () => {
  it('dry-run move: the preview lists everything that moves along, the CIB is unchanged', async () => {
    const before = readFileSync(cib, 'utf8');
    const r = await act({ name: 'move', resource: 'dregistry', node: 'cluster-2' }, true);
    expect(readFileSync(cib, 'utf8')).toBe(before);
    expect(r.ok).toBe(true);
    expect(r.result).toBeUndefined();
    expect(r.plan!.steps.map((s) => s.args.join(' '))).toEqual(['--move --resource dregistry --node cluster-2', '--wait --timeout 120s', '--clear --resource dregistry --node cluster-2']);
    const p = r.preview!;
    expect(p.transition.moves.map((a) => `${a.resource} ${a.fromNode}->${a.toNode}`)).toEqual(['dockerIP cluster-1->cluster-2', 'dockerd cluster-1->cluster-2', 'dregistry cluster-1->cluster-2']);
    expect(p.alongWith).toEqual(['dockerIP', 'dockerd']);
    expect(p.location).toEqual({ resource: 'dregistry', after: ['cluster-2'] });
    expect(p.targetReached).toBe(true);
    expect(p.autoClear?.safe).toBe(true);
    expect(p.lines).toContain('along with it: dockerIP, dockerd');
    expect(p.ran.some((l) => l.startsWith('env CIB_file=') && l.includes('crm_resource --move --resource dregistry --node cluster-2'))).toBe(true);
    expect(readAuditLog(audit)).toEqual([]);
  });

  it('dry-run move with a bundle replica that cannot run: the replica does not move along', async () => {
    copyFileSync(path.join(SIM_DIR, 'sandbox-bundle-replica-blocked.xml'), cib);
    const r = await act({ name: 'move', resource: 'dregistry', node: 'cluster-2' }, true);
    const p = r.preview!;
    expect(p.baseline.starts.map((a) => a.line)).toEqual([
      'Start      dummy-bundle-2           (      cluster-2 )  due to unrunnable dummy-bundle-podman-2 start (blocked)',
      'Start      dummy-bundle-dummy:2     ( dummy-bundle-2 )  due to unrunnable dummy-bundle-podman-2 start (blocked)',
    ]);
    expect(p.transition.actions.map((a) => `${a.verb} ${a.resource}`)).toEqual(['Move dockerIP', 'Move dockerd', 'Move dregistry']);
    expect(p.alongWith).toEqual(['dockerIP', 'dockerd']);
    expect(p.lines).toContain('along with it: dockerIP, dockerd');
  });

  it('dry-run disable: "along with it" names what stops besides the resource and its own members, never the resource itself', async () => {
    const leaf = (await act({ name: 'disable', resource: 'dregistry' }, true)).preview!;
    expect(leaf.transition.actions.map((a) => `${a.verb} ${a.resource}`)).toEqual(['Stop dregistry']);
    expect(leaf.alongWith).toEqual([]);
    expect(leaf.lines.some((l) => l.startsWith('along with it'))).toBe(false);
    // The group's own members stop with it; dregistry, colocated with the group, stops along.
    const group = (await act({ name: 'disable', resource: 'docker' }, true)).preview!;
    expect(group.transition.actions.map((a) => a.resource).sort()).toEqual(['dockerIP', 'dockerd', 'dregistry']);
    expect(group.alongWith).toEqual(['dregistry']);
  });

  it('refuses a move whose target a rule makes impossible, naming the constraints (113)', async () => {
    const e = await refused({ name: 'move', resource: 'dregistry', node: 'remote-1' }, true);
    expect(e.code).toBe('blocked-by-constraint');
    expect(e.exitCode).toBe(113);
    expect(e.details.blockers?.map((b) => b.constraint)).toEqual(['colocation-dregistry-with-docker', 'colocation-docker-with-dlm-clone', 'location-dlm-clone-members-only']);
    // and the same without --dry-run: nothing applied
    expect((await refused({ name: 'move', resource: 'dregistry', node: 'remote-1' })).exitCode).toBe(113);
  });

  it('validation failures leave the CIB unchanged', async () => {
    expect((await refused({ name: 'move', resource: 'dregistry', node: 'cluster-1' })).exitCode).toBe(108);
    expect((await refused({ name: 'move', resource: 'dregistri', node: 'cluster-2' })).exitCode).toBe(105);
    expect((await refused({ name: 'ban', resource: 'dlm:0', node: 'cluster-2' })).exitCode).toBe(87);
    expect((await refused({ name: 'standby', node: 'cluster-1;reboot' })).exitCode).toBe(65);
    expect(readAuditLog(audit)).toEqual([]);
  });

  it('without stickiness the auto-clear is dropped: removing the constraint would move everything back', async () => {
    copyFileSync(path.join(SIM_DIR, 'sandbox-live-nostick.xml'), cib);
    const r = await act({ name: 'move', resource: 'dregistry', node: 'cluster-2' }, true);
    expect(r.preview!.autoClear?.safe).toBe(false);
    expect(r.preview!.autoClear?.moveBack.moves.map((a) => a.toNode)).toEqual(['cluster-1', 'cluster-1', 'cluster-1']);
    expect(r.plan!.steps.map((s) => s.args[0])).toEqual(['--move']);
    expect(r.plan!.warnings.join('\n')).toContain('cli-prefer-dregistry stays');
  });

  it('runs a move with --keep-constraint and writes the audit log', async () => {
    const r = await act({ name: 'move', resource: 'dregistry', node: 'cluster-3', keepConstraint: true }, false);
    expect(r.ok).toBe(true);
    expect(r.result!.steps.map((s) => [s.status, s.exitCode])).toEqual([['ok', 0]]);
    expect(readFileSync(cib, 'utf8')).toMatch(/<rsc_location id="cli-prefer-dregistry" rsc="dregistry" role="Started" node="cluster-3" score="INFINITY"\/>/);
    const log = readAuditLog(audit);
    expect(log.length).toBe(1);
    expect(log[0]!.action).toEqual({ name: 'move', resource: 'dregistry', node: 'cluster-3', keepConstraint: true });
    expect(log[0]!.plan?.steps[0]!.args).toEqual(['--move', '--resource', 'dregistry', '--node', 'cluster-3']);
    expect(log[0]!.result.ok).toBe(true);
    expect(log[0]!.user.length).toBeGreaterThan(0);
    expect(statSync(audit).mode & 0o777).toBe(0o600);

    // ban, then clear: the constraint comes and goes
    await act({ name: 'ban', resource: 'docker', node: 'cluster-2' }, false);
    expect(readFileSync(cib, 'utf8')).toContain('cli-ban-docker-on-cluster-2');
    const clear = await act({ name: 'clear', resource: 'docker' }, false);
    expect(clear.plan!.summary).toBe('remove move/ban constraints of docker: cli-ban-docker-on-cluster-2');
    expect(readFileSync(cib, 'utf8')).not.toContain('cli-ban-docker-on-cluster-2');
    expect(readAuditLog(audit).map((e) => e.action.name)).toEqual(['move', 'ban', 'clear']);
  });

  it('standby preview shows what moves off the node; enable/disable set target-role', async () => {
    const r = await act({ name: 'standby', node: 'cluster-1' }, true);
    expect(r.plan!.danger).toBe(true);
    expect(r.preview!.transition.moves.map((a) => a.resource)).toEqual(['dockerIP', 'dockerd', 'dregistry', 'remote-1']);
    expect(r.preview!.transition.stops.map((a) => a.resource)).toEqual(['dlm:0']);
    await act({ name: 'disable', resource: 'dregistry' }, false);
    expect(readFileSync(cib, 'utf8')).toMatch(/name="target-role" value="Stopped"/);
    const d = await act({ name: 'restart', resource: 'docker' }, true);
    expect(d.preview!.transition.stops.map((a) => a.resource)).toEqual(['dockerIP', 'dockerd']);
    expect(d.preview!.note).toContain('stop half');
  });

  it('failcount-show answers rows without a plan', async () => {
    const r = await act({ name: 'failcount-show' }, true);
    expect(r).toEqual({ ok: true, dryRun: true, action: 'failcount-show', rows: [] });
  });
});
