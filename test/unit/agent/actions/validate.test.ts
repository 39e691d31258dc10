import { describe, expect, it } from 'vitest';
import { ActionError, EXIT_CODES } from '../../../../src/agent/actions/errors.js';
import { editDistance, isSafeId, suggestNames, unsafeIdReason } from '../../../../src/agent/actions/ids.js';
import { parseActionRequest } from '../../../../src/agent/actions/request.js';
import { planAction, showFailcounts, validateAction } from '../../../../src/agent/actions/plan.js';
import type { Action } from '../../../../src/model/actions.js';
import type { ClusterSnapshot } from '../../../../src/model/snapshot.js';
import { stateSnapshot } from './helpers.js';

const live = stateSnapshot('live');

function refusal(s: ClusterSnapshot, a: Action): ActionError {
  const r = planAction(s, a);
  if (!(r instanceof ActionError)) throw new Error(`expected a refusal, got plan: ${r.summary}`);
  expect(validateAction(s, a)?.code).toBe(r.code);
  return r;
}

describe('ids', () => {
  it('accepts Pacemaker-style ids and refuses shell and XML injection', () => {
    for (const ok of ['dregistry', 'dlm:0', 'cluster-1', 'fence_ipmi.1', 'a@b']) expect(isSafeId(ok)).toBe(true);
    for (const bad of ['', '-rf', '--force', 'a;reboot', 'a b', '$(id)', '`id`', 'a"/><x', "x' or '1", 'a\nb', 'a|b', 'a/b', 'x'.repeat(257)]) {
      expect(isSafeId(bad), bad).toBe(false);
    }
    expect(unsafeIdReason('a;b<c')).toBe('contains ";", "<" (only letters, digits and _ . : @ - are allowed)');
    expect(unsafeIdReason('-x')).toBe("starts with '-' (it would be read as an option)");
  });

  it('suggests the nearest names', () => {
    expect(editDistance('dregistri', 'dregistry')).toBe(1);
    expect(suggestNames('dregistri', ['dregistry', 'docker', 'dockerd', 'dlm'])).toEqual(['dregistry']);
    expect(suggestNames('cluster-4', ['cluster-1', 'cluster-2', 'cluster-3', 'remote-1'])).toEqual(['cluster-1', 'cluster-2', 'cluster-3']);
    expect(suggestNames('zzzzzz', ['dregistry'])).toEqual([]);
  });
});

describe('parseActionRequest', () => {
  it('types a request and drops unset fields', () => {
    expect(parseActionRequest({ name: 'move', resource: 'dregistry', node: 'cluster-2', keepConstraint: undefined })).toEqual({ name: 'move', resource: 'dregistry', node: 'cluster-2' });
    expect(parseActionRequest({ name: 'cluster-maintenance', state: 'on' })).toEqual({ name: 'cluster-maintenance', state: 'on' });
    expect(parseActionRequest({ name: 'resource-maintenance', resource: 'db', state: 'off', node: 'ignored' })).toEqual({ name: 'resource-maintenance', resource: 'db', state: 'off' });
    expect(parseActionRequest({ name: 'fence', node: 'cluster-3', off: false })).toEqual({ name: 'fence', node: 'cluster-3' });
  });

  it.each([
    [{ name: 'reboot-everything' }, 'invalid-request', 64],
    [{ name: 'move' }, 'invalid-request', 64],
    [{ name: 'move', resource: 'dregistry', lifetime: '1 hour' }, 'invalid-request', 64],
    [{ name: 'cleanup', interval: '10s' }, 'invalid-request', 64],
    [{ name: 'cleanup', resource: 'x', operation: 'monitor; rm' }, 'invalid-request', 64],
    [{ name: 'cluster-maintenance', state: 'maybe' }, 'invalid-request', 64],
    [{ name: 'maintenance', state: 'on', resource: 'db' }, 'invalid-request', 64],
    [{ name: 'resource-maintenance', state: 'on' }, 'invalid-request', 64],
    [{ name: 'move', resource: 'dregistry; reboot' }, 'invalid-id', 65],
    [{ name: 'move', resource: 'dregistry', node: '--force' }, 'invalid-id', 65],
    [{ name: 'standby', node: '<node id="x"/>' }, 'invalid-id', 65],
    [{ name: 'ban', resource: 42 }, 'invalid-request', 64],
  ])('%j → %s', (raw, code, exit) => {
    let err: unknown;
    try {
      parseActionRequest(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ActionError);
    expect((err as ActionError).code).toBe(code);
    expect((err as ActionError).exitCode).toBe(exit);
  });
});

describe('validation against the sandbox-shaped cluster', () => {
  it('unknown resource: 105 with the nearest names', () => {
    const e = refusal(live, { name: 'move', resource: 'dregistri', node: 'cluster-2' });
    expect(e.code).toBe('unknown-resource');
    expect(e.exitCode).toBe(105);
    expect(e.message).toBe("no resource named 'dregistri' (did you mean dregistry?)");
    expect(e.details.suggestions).toEqual(['dregistry']);
  });

  it('unknown node: 80 with suggestions', () => {
    const e = refusal(live, { name: 'move', resource: 'dregistry', node: 'cluster-9' });
    expect(e.code).toBe('unknown-node');
    expect(e.exitCode).toBe(80);
    expect(e.details.suggestions).toContain('cluster-1');
    expect(refusal(live, { name: 'standby', node: 'clustr-2' }).details.suggestions).toEqual(['cluster-2']);
  });

  it('move to where it already runs: 108 (as crm_resource)', () => {
    const e = refusal(live, { name: 'move', resource: 'dregistry', node: 'cluster-1' });
    expect(e.code).toBe('already-active');
    expect(e.exitCode).toBe(108);
    expect(refusal(live, { name: 'move', resource: 'dlm-clone', node: 'cluster-2' }).code).toBe('already-active');
  });

  it('clone instance or inner primitive where the clone is needed: 87, suggesting the clone', () => {
    const e = refusal(live, { name: 'move', resource: 'dlm:0', node: 'cluster-2' });
    expect(e.code).toBe('clone-instance');
    expect(e.exitCode).toBe(87);
    expect(e.details.suggestions).toEqual(['dlm-clone']);
    expect(refusal(live, { name: 'ban', resource: 'dlm', node: 'cluster-2' }).details.suggestions).toEqual(['dlm-clone']);
    // cleanup names the primitive, as crm_resource --cleanup does
    expect(refusal(live, { name: 'cleanup', resource: 'dlm:1' }).details.suggestions).toEqual(['dlm']);
    expect(planAction(live, { name: 'cleanup', resource: 'dlm' })).not.toBeInstanceOf(ActionError);
  });

  it('target node in standby / maintenance / offline / unclean', () => {
    expect(refusal(stateSnapshot('standby-cluster-2'), { name: 'move', resource: 'dregistry', node: 'cluster-2' })).toMatchObject({ code: 'node-standby', exitCode: 82 });
    expect(refusal(stateSnapshot('maintenance-cluster-3'), { name: 'move', resource: 'dregistry', node: 'cluster-3' })).toMatchObject({ code: 'node-maintenance', exitCode: 84 });
    expect(refusal(stateSnapshot('offline-cluster-3'), { name: 'move', resource: 'dregistry', node: 'cluster-3' })).toMatchObject({ code: 'node-offline', exitCode: 81 });
    expect(refusal(stateSnapshot('unclean-cluster-3'), { name: 'move', resource: 'dregistry', node: 'cluster-3' })).toMatchObject({ code: 'node-unclean', exitCode: 83 });
  });

  it('target node banned by a cli-ban: 85, naming the constraint', () => {
    const e = refusal(stateSnapshot('ban-dregistry-cluster-3'), { name: 'move', resource: 'dregistry', node: 'cluster-3' });
    expect(e.code).toBe('node-banned');
    expect(e.exitCode).toBe(85);
    expect(e.message).toContain('cli-ban-dregistry-on-cluster-3');
    expect(e.message).toContain('pcmk clear dregistry cluster-3');
  });

  it('a colocated resource banned from the target blocks the move: 113 naming both constraints', () => {
    const s = stateSnapshot('dlm-banned-cluster-2');
    const e = refusal(s, { name: 'move', resource: 'dregistry', node: 'cluster-2' });
    expect(e.code).toBe('blocked-by-constraint');
    expect(e.exitCode).toBe(113);
    expect(e.details.blockers?.map((b) => [b.kind, b.constraint])).toEqual([
      ['colocation', 'colocation-dregistry-with-docker'],
      ['colocation', 'colocation-docker-with-dlm-clone'],
      ['ban', 'cli-ban-dlm-clone-on-cluster-2'],
    ]);
    expect(e.message).toMatch(/^dregistry cannot run on cluster-2: blocked by colocation-dregistry-with-docker, colocation-docker-with-dlm-clone, cli-ban-dlm-clone-on-cluster-2/);
    // the same through a group member
    expect(refusal(s, { name: 'move', resource: 'dockerIP', node: 'cluster-2' }).details.blockers?.map((b) => b.constraint)).toEqual([
      'colocation-docker-with-dlm-clone',
      'cli-ban-dlm-clone-on-cluster-2',
    ]);
  });

  it('unmanaged resource or cluster in maintenance mode: 86', () => {
    const e = refusal(stateSnapshot('unmanaged-dregistry'), { name: 'move', resource: 'dregistry', node: 'cluster-2' });
    expect(e).toMatchObject({ code: 'resource-unmanaged', exitCode: 86 });
    expect(e.message).toContain('is-managed=false');
    expect(refusal(stateSnapshot('maintenance-mode'), { name: 'disable', resource: 'docker' }).message).toContain('maintenance-mode=true');
    // cleanup of an unmanaged resource is fine
    expect(planAction(stateSnapshot('unmanaged-dregistry'), { name: 'cleanup', resource: 'dregistry' })).not.toBeInstanceOf(ActionError);
  });

  it('no quorum: 106 for every change', () => {
    const s = stateSnapshot('no-quorum');
    expect(s.cluster.quorate).toBe(false);
    for (const a of [
      { name: 'move', resource: 'dregistry', node: 'cluster-2' },
      { name: 'standby', node: 'cluster-2' },
      { name: 'cleanup' },
      { name: 'cluster-maintenance', state: 'on' },
      { name: 'resource-maintenance', resource: 'dregistry', state: 'on' },
      { name: 'fence', node: 'cluster-3' },
    ] as Action[]) {
      expect(refusal(s, a)).toMatchObject({ code: 'no-quorum', exitCode: 106 });
    }
    // reading fail counts is not a change
    expect(showFailcounts(s, { name: 'failcount-show' })).toEqual([]);
  });

  it('move or ban without a node needs exactly one location', () => {
    expect(refusal(live, { name: 'move', resource: 'dlm-clone' })).toMatchObject({ code: 'multiple-active', exitCode: 109 });
    expect(refusal(stateSnapshot('disabled-docker'), { name: 'move', resource: 'dregistry' })).toMatchObject({ code: 'not-active', exitCode: 88 });
    expect(refusal(stateSnapshot('disabled-docker'), { name: 'restart', resource: 'docker' })).toMatchObject({ code: 'not-active' });
  });

  it('an unreachable cluster: 102', () => {
    const s: ClusterSnapshot = { ...live, nodes: [], sources: [{ tool: 'crm_mon', ok: false, durationMs: 3, error: 'crm_mon: exit code 102: Not connected' }] };
    expect(refusal(s, { name: 'standby', node: 'cluster-2' })).toMatchObject({ code: 'cluster-unreachable', exitCode: 102 });
  });

  it('every error code has a distinct exit code', () => {
    const codes = Object.values(EXIT_CODES);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
