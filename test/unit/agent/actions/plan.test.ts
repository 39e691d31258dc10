import { describe, expect, it } from 'vitest';
import { ActionError } from '../../../../src/agent/actions/errors.js';
import { planAction, type ActionPlan } from '../../../../src/agent/actions/plan.js';
import { explainBlockers } from '../../../../src/agent/actions/blockers.js';
import { indexResources } from '../../../../src/model/resource-index.js';
import { finalizePlan, previewLines, type Preview } from '../../../../src/agent/actions/preview.js';
import { conditionHolds } from '../../../../src/agent/actions/conditions.js';
import { diffTransitions, parseAllocationScores, parseTransitionSummary } from '../../../../src/agent/actions/transition.js';
import type { Action } from '../../../../src/model/actions.js';
import { fixture, stateSnapshot } from './helpers.js';

const live = stateSnapshot('live');

function planOf(a: Action, s = live): ActionPlan {
  const p = planAction(s, a);
  if (p instanceof ActionError) throw p;
  return p;
}

const argv = (p: ActionPlan) => p.steps.map((s) => [s.tool, ...s.args].join(' '));

describe('plans: exact argv', () => {
  it('move with pcs 0.11 auto-clear: move, wait, conditional clear', () => {
    const p = planOf({ name: 'move', resource: 'dregistry', node: 'cluster-2' });
    expect(argv(p)).toEqual([
      'crm_resource --move --resource dregistry --node cluster-2',
      'crm_resource --wait --timeout 120s',
      'crm_resource --clear --resource dregistry --node cluster-2',
    ]);
    expect(p.steps.map((s) => s.kind)).toEqual(['run', 'wait', 'run']);
    expect(p.steps[1]!.until).toEqual({ kind: 'resource-on-node', resource: 'dregistry', node: 'cluster-2' });
    expect(p.steps[2]!.onlyIf).toEqual({ kind: 'no-move-back', resource: 'dregistry', node: 'cluster-2' });
    expect(p.danger).toBe(false);
    expect(p.summary).toBe('move dregistry from cluster-1 to cluster-2, then remove cli-prefer-dregistry');
    expect(p.simulate).toEqual({
      apply: [{ tool: 'crm_resource', args: ['--move', '--resource', 'dregistry', '--node', 'cluster-2'] }],
      locate: 'dregistry',
      expectOn: 'cluster-2',
      moveBackCheck: { tool: 'crm_resource', args: ['--clear', '--resource', 'dregistry', '--node', 'cluster-2'] },
    });
    expect(p.basis.source).toBe('cluster-1');
  });

  it('move --keep-constraint / --lifetime: one step, constraint stays', () => {
    expect(argv(planOf({ name: 'move', resource: 'dregistry', node: 'cluster-3', keepConstraint: true }))).toEqual(['crm_resource --move --resource dregistry --node cluster-3']);
    const p = planOf({ name: 'move', resource: 'docker', node: 'cluster-3', lifetime: 'PT1H' });
    expect(argv(p)).toEqual(['crm_resource --move --resource docker --node cluster-3 --lifetime PT1H']);
    expect(p.expected).toContain('until it expires (PT1H)');
    expect(p.simulate?.moveBackCheck).toBeUndefined();
  });

  it('move without a node bans the current node explicitly, then clears it', () => {
    const p = planOf({ name: 'move', resource: 'docker' });
    expect(argv(p)).toEqual(['crm_resource --ban --resource docker --node cluster-1', 'crm_resource --wait --timeout 120s', 'crm_resource --clear --resource docker --node cluster-1']);
    expect(p.simulate?.expectOff).toBe('cluster-1');
  });

  it('a group member move says the group moves with it', () => {
    expect(planOf({ name: 'move', resource: 'dockerIP', node: 'cluster-2' }).warnings).toEqual(['dockerIP is a member of docker: the whole group moves with it']);
  });

  it('ban, clear, cleanup, refresh, failcount reset', () => {
    const ban = planOf({ name: 'ban', resource: 'dregistry' });
    expect(argv(ban)).toEqual(['crm_resource --ban --resource dregistry --node cluster-1']);
    expect(ban.danger).toBe(true);
    expect(argv(planOf({ name: 'ban', resource: 'dlm-clone', node: 'cluster-3', lifetime: 'P1D' }))).toEqual(['crm_resource --ban --resource dlm-clone --node cluster-3 --lifetime P1D']);
    const clear = planOf({ name: 'clear', resource: 'dregistry', node: 'cluster-3' }, stateSnapshot('ban-dregistry-cluster-3'));
    expect(argv(clear)).toEqual(['crm_resource --clear --resource dregistry --node cluster-3']);
    expect(clear.summary).toBe('remove move/ban constraints of dregistry on cluster-3: cli-ban-dregistry-on-cluster-3');
    expect(planOf({ name: 'clear', resource: 'dregistry' }).warnings[0]).toMatch(/^no cli-prefer\/cli-ban constraint/);
    expect(argv(planOf({ name: 'clear', expired: true }))).toEqual(['crm_resource --clear --expired']);
    expect(argv(planOf({ name: 'cleanup' }))).toEqual(['crm_resource --cleanup']);
    expect(argv(planOf({ name: 'cleanup', resource: 'dregistry', node: 'cluster-1', operation: 'monitor', interval: '10s' }))).toEqual([
      'crm_resource --cleanup --resource dregistry --node cluster-1 --operation monitor --interval 10s',
    ]);
    expect(argv(planOf({ name: 'refresh', resource: 'docker' }))).toEqual(['crm_resource --refresh --resource docker']);
    const reset = planOf({ name: 'failcount-reset', resource: 'dregistry', node: 'cluster-1' }, stateSnapshot('failed-dregistry'));
    expect(argv(reset)).toEqual(['crm_resource --cleanup --resource dregistry --node cluster-1']);
    expect(reset.expected).toContain('dregistry@cluster-1=1');
    expect(reset.warnings).toEqual([]);
    expect(planOf({ name: 'failcount-reset', resource: 'dregistry' }).warnings).toEqual(['no fail count recorded for dregistry']);
  });

  it('standby, unstandby, maintenance', () => {
    const sb = planOf({ name: 'standby', node: 'cluster-1' });
    expect(argv(sb)).toEqual(['crm_attribute --node cluster-1 --name standby --update on --lifetime forever']);
    expect(sb.danger).toBe(true);
    const un = planOf({ name: 'unstandby', node: 'cluster-2' }, stateSnapshot('standby-cluster-2'));
    expect(argv(un)).toEqual(['crm_attribute --node cluster-2 --name standby --update off --lifetime forever']);
    expect(un.danger).toBe(false);
    expect(un.warnings).toEqual([]);
    expect(planOf({ name: 'unstandby', node: 'cluster-2' }).warnings).toEqual(['cluster-2 is not in standby']);
    const nm = planOf({ name: 'node-maintenance', state: 'on', node: 'cluster-3' });
    expect(argv(nm)).toEqual(['crm_attribute --node cluster-3 --name maintenance --update on --lifetime forever']);
    expect(nm.scope).toBe('node cluster-3');
    const cm = planOf({ name: 'cluster-maintenance', state: 'off' }, stateSnapshot('maintenance-mode'));
    expect(argv(cm)).toEqual(['crm_attribute --type crm_config --name maintenance-mode --update false']);
    expect(cm.danger).toBe(true);
    expect(cm.scope).toBe('the whole cluster');
    expect(cm.warnings).toEqual([]);
  });

  it('resource maintenance sets that resource\'s own meta attribute, never the cluster property', () => {
    const on = planOf({ name: 'resource-maintenance', resource: 'dregistry', state: 'on' });
    expect(argv(on)).toEqual(['crm_resource --resource dregistry --meta --set-parameter maintenance --parameter-value true --force']);
    expect(on.scope).toBe('resource dregistry');
    expect(on.summary).toBe('put resource dregistry in maintenance: the cluster stops managing and monitoring dregistry only (it keeps running)');
    expect(on.danger).toBe(true);
    expect(JSON.stringify(on.steps)).not.toContain('maintenance-mode');
    // Nothing to turn off: refused rather than guessed.
    expect(planAction(live, { name: 'resource-maintenance', resource: 'dregistry', state: 'off' })).toMatchObject({ code: 'invalid-request' });
  });

  it('fence: stonith_admin through the fencer, refused for a guest and an unknown node', () => {
    const f = planOf({ name: 'fence', node: 'cluster-3' });
    expect(argv(f)).toEqual([`stonith_admin --reboot cluster-3 --timeout ${f.steps[0]!.args[3]}`]);
    expect(f.scope).toBe('node cluster-3');
    expect(f.danger).toBe(true);
    expect(argv(planOf({ name: 'fence', node: 'cluster-3', off: true }))[0]).toMatch(/^stonith_admin --fence cluster-3 --timeout \d+$/);
    expect(planAction(live, { name: 'fence', node: 'clustr-3' })).toMatchObject({ code: 'unknown-node', exitCode: 80 });
    const guest = live.nodes.find((n) => n.type === 'guest');
    if (guest) expect(planAction(live, { name: 'fence', node: guest.name })).toMatchObject({ code: 'invalid-request' });
  });

  it('enable / disable / restart', () => {
    const dis = planOf({ name: 'disable', resource: 'docker' });
    expect(argv(dis)).toEqual(['crm_resource --resource docker --meta --set-parameter target-role --parameter-value Stopped']);
    expect(dis.danger).toBe(true);
    const en = planOf({ name: 'enable', resource: 'docker' }, stateSnapshot('disabled-dockerIP'));
    expect(argv(en)).toEqual([
      'crm_resource --resource docker --meta --set-parameter target-role --parameter-value Started',
      'crm_resource --resource dockerIP --meta --set-parameter target-role --parameter-value Started',
    ]);
    expect(planOf({ name: 'enable', resource: 'dockerIP' }, stateSnapshot('disabled-docker')).warnings[0]).toContain('docker, which contains dockerIP, is disabled');
    const rs = planOf({ name: 'restart', resource: 'dregistry' });
    expect(argv(rs)).toEqual(['crm_resource --restart --resource dregistry --timeout 120s']);
    expect(rs.simulate?.apply).toEqual([{ tool: 'crm_resource', args: ['--resource', 'dregistry', '--meta', '--set-parameter', 'target-role', '--parameter-value', 'Stopped'] }]);
    expect(argv(planOf({ name: 'restart', resource: 'dlm-clone', node: 'cluster-2' }))).toEqual(['crm_resource --restart --resource dlm-clone --node cluster-2 --timeout 120s']);
    expect(planAction(live, { name: 'restart', resource: 'dregistry', node: 'cluster-1' })).toMatchObject({ code: 'invalid-request' });
  });

  it('danger flags come from the action table: ban, disable, standby, maintenance, fence', () => {
    const danger = (a: Action) => planOf(a).danger;
    expect(danger({ name: 'move', resource: 'dregistry', node: 'cluster-2' })).toBe(false);
    expect(danger({ name: 'cleanup' })).toBe(false);
    expect(danger({ name: 'enable', resource: 'docker' })).toBe(false);
    expect(danger({ name: 'restart', resource: 'docker' })).toBe(false);
    expect(danger({ name: 'ban', resource: 'docker', node: 'cluster-2' })).toBe(true);
    expect(danger({ name: 'disable', resource: 'docker' })).toBe(true);
    expect(danger({ name: 'standby', node: 'cluster-3' })).toBe(true);
    expect(danger({ name: 'cluster-maintenance', state: 'on' })).toBe(true);
    expect(danger({ name: 'resource-maintenance', resource: 'docker', state: 'on' })).toBe(true);
  });

  it('every argv entry is a plain string without shell syntax', () => {
    const all: Action[] = [
      { name: 'move', resource: 'dregistry', node: 'cluster-2' },
      { name: 'ban', resource: 'docker' },
      { name: 'cleanup', resource: 'dregistry', operation: 'monitor', interval: '10s' },
      { name: 'standby', node: 'remote-1' },
      { name: 'restart', resource: 'docker' },
    ];
    for (const a of all) for (const s of planOf(a).steps) for (const arg of s.args) expect(arg).toMatch(/^[A-Za-z0-9_.:@=\/-]+$/);
  });
});

describe('blockers from a simulation (rule-based constraints)', () => {
  it('names the colocation chain and the rule that keeps dregistry off remote-1', () => {
    const index = indexResources(live);
    // Without scores the rule cannot be evaluated: the pure check lets the simulation decide.
    expect(explainBlockers(live, index, 'dregistry', 'remote-1')).toEqual([]);
    const scores = parseAllocationScores(fixture('move-dregistry-remote-1.scores.txt'));
    const b = explainBlockers(live, index, 'dregistry', 'remote-1', scores);
    expect(b.map((x) => [x.kind, x.constraint, x.resource])).toEqual([
      ['colocation', 'colocation-dregistry-with-docker', 'dregistry'],
      ['colocation', 'colocation-docker-with-dlm-clone', 'docker'],
      ['rule', 'location-dlm-clone-members-only', 'dlm-clone'],
    ]);
    expect(b[2]!.detail).toBe('location constraint location-dlm-clone-members-only (a rule) gives dlm-clone a score of -INFINITY on remote-1');
  });

  it('nothing blocks a reachable target; when the simulation still misses it, the colocation is named with its score', () => {
    const index = indexResources(live);
    expect(explainBlockers(live, index, 'dregistry', 'cluster-3')).toEqual([]);
    const scores = parseAllocationScores(fixture('move-dregistry-remote-1.scores.txt'));
    expect(explainBlockers(live, index, 'dregistry', 'cluster-3', scores)).toEqual([
      {
        constraint: 'colocation-dregistry-with-docker',
        kind: 'colocation',
        resource: 'dregistry',
        detail: 'dregistry must run with docker (colocation colocation-dregistry-with-docker), and the scheduler does not place docker on cluster-3 (its score there: 0)',
      },
    ]);
    expect(explainBlockers(live, index, 'remote-1-dummy', 'cluster-3', { 'remote-1-dummy': { 'cluster-3': Number.NEGATIVE_INFINITY } })).toEqual([
      {
        constraint: null,
        kind: 'score',
        resource: 'remote-1-dummy',
        detail: 'the scheduler gives remote-1-dummy a score of -INFINITY on cluster-3, but no constraint in the configuration explains it (see: crm_simulate --live-check --show-scores)',
      },
    ]);
  });
});

function previewFrom(p: ActionPlan, transitionFile: string, after: string[], extra: Partial<Preview> = {}): Preview {
  const transition = parseTransitionSummary(fixture(transitionFile));
  const base = { ran: [], transition, baseline: parseTransitionSummary(''), alongWith: [], location: { resource: p.simulate!.locate!, after }, ...extra };
  return { lines: previewLines(base), ...base };
}

describe('finalizePlan', () => {
  it('refuses a move the simulation does not complete, naming the blockers (113)', () => {
    const p = planOf({ name: 'move', resource: 'dregistry', node: 'remote-1' });
    const blockers = explainBlockers(live, indexResources(live), 'dregistry', 'remote-1', parseAllocationScores(fixture('move-dregistry-remote-1.scores.txt')));
    const r = finalizePlan(p, previewFrom(p, 'move-dregistry-remote-1.txt', ['cluster-1'], { targetReached: false, blockers }));
    expect(r).toBeInstanceOf(ActionError);
    expect((r as ActionError).exitCode).toBe(113);
    expect((r as ActionError).message).toContain('blocked by colocation-dregistry-with-docker, colocation-docker-with-dlm-clone, location-dlm-clone-members-only');
  });

  it('keeps auto-clear when nothing moves back', () => {
    const p = planOf({ name: 'move', resource: 'dregistry', node: 'cluster-2' });
    const moveBack = diffTransitions(parseTransitionSummary(''), parseTransitionSummary(fixture('clear-after-move.txt')));
    const f = finalizePlan(p, previewFrom(p, 'move-dregistry-cluster-2.txt', ['cluster-2'], { targetReached: true, autoClear: { safe: true, moveBack } })) as ActionPlan;
    expect(f.steps.length).toBe(3);
    expect(f.warnings).toEqual([]);
  });

  it('drops auto-clear when the simulation shows the resources moving back', () => {
    const p = planOf({ name: 'move', resource: 'dregistry', node: 'cluster-2' });
    const moveBack = diffTransitions(parseTransitionSummary(''), parseTransitionSummary(fixture('clear-after-move-nostick.txt')));
    const pv = previewFrom(p, 'move-nostick.txt', ['cluster-2'], { targetReached: true, autoClear: { safe: false, moveBack } });
    const f = finalizePlan(p, pv) as ActionPlan;
    expect(argv(f)).toEqual(['crm_resource --move --resource dregistry --node cluster-2']);
    expect(f.warnings[0]).toContain('cli-prefer-dregistry stays');
    expect(f.warnings[0]).toContain('Move       dregistry    ( cluster-2 -> cluster-1 )');
    expect(f.summary).toBe('move dregistry from cluster-1 to cluster-2 (keeping cli-prefer-dregistry: without it dregistry would move back)');
    expect(pv.lines).toContain('* Move       dockerIP     ( cluster-1 -> cluster-2 )');
    expect(pv.lines.some((l) => l.startsWith('removing the move constraint afterwards would cause'))).toBe(true);
  });

  it('warns about what a standby stops for good', () => {
    const p = planOf({ name: 'standby', node: 'cluster-1' });
    const transition = parseTransitionSummary(fixture('standby-cluster-1.txt'));
    const f = finalizePlan(p, { lines: [], ran: [], transition, baseline: parseTransitionSummary(''), alongWith: [] }) as ActionPlan;
    expect(f.warnings).toEqual(['stops: dlm:0']);
  });
});

describe('conditionHolds', () => {
  it('reads resource and node states from snapshots', () => {
    expect(conditionHolds(live, { kind: 'resource-on-node', resource: 'dregistry', node: 'cluster-1' })).toBe(true);
    expect(conditionHolds(live, { kind: 'resource-on-node', resource: 'docker', node: 'cluster-1' })).toBe(true);
    expect(conditionHolds(live, { kind: 'resource-on-node', resource: 'dregistry', node: 'cluster-2' })).toBe(false);
    expect(conditionHolds(live, { kind: 'resource-on-node', resource: 'dlm-clone', node: 'cluster-3' })).toBe(true);
    expect(conditionHolds(live, { kind: 'resource-off-node', resource: 'dlm-clone', node: 'remote-1' })).toBe(true);
    expect(conditionHolds(live, { kind: 'resource-stopped', resource: 'docker' })).toBe(false);
    expect(conditionHolds(stateSnapshot('disabled-docker'), { kind: 'resource-stopped', resource: 'docker' })).toBe(true);
    expect(conditionHolds(stateSnapshot('disabled-docker'), { kind: 'resource-started', resource: 'docker' })).toBe(false);
    expect(conditionHolds(stateSnapshot('standby-cluster-2'), { kind: 'node-attribute', node: 'cluster-2', attribute: 'standby', value: true })).toBe(true);
    expect(conditionHolds(live, { kind: 'node-attribute', node: 'cluster-2', attribute: 'standby', value: true })).toBe(false);
    expect(conditionHolds(live, { kind: 'settled' })).toBe(true);
  });
});
