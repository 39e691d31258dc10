/**
 * Failed actions, fail counts and fencing rows: one view model, printed by `pcmk status` and drawn
 * by pcmk-top with the same words; an exit reason carrying escape sequences reaches neither raw.
 */
import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../../../src/commands/render.js';
import { toFailCountViewRows, toFailureViewRows, toFencingViewRows } from '../../../../src/model/view/events.js';
import { toFailureRows, toFencingRows } from '../../../../src/tui/view-models/failures.js';
import { emptySnapshot, failure, fenceEvent } from '../../tui/fixtures.js';

const snap = emptySnapshot({
  failures: [
    failure('old', 'cluster-1', { lastRcChange: '2024-05-01T10:00:00Z' }),
    failure('web-srv', 'cluster-2', { exitReason: 'bad\u001b]0;pwned\u0007 config\u001b[2J', lastRcChange: '2024-05-01T11:50:00Z' }),
  ],
  failcounts: [
    { resource: 'web-srv', node: 'cluster-2', count: 2, migrationThreshold: 3, lastFailure: null, operations: [{ task: 'monitor', interval: '10000', rc: '7', callId: null, lastRcChange: null }] },
    { resource: 'db', node: 'cluster-1', count: Number.MAX_SAFE_INTEGER, migrationThreshold: Number.MAX_SAFE_INTEGER, lastFailure: null, operations: [] },
    { resource: 'zero', node: 'cluster-1', count: 0, migrationThreshold: null, lastFailure: null, operations: [] },
  ],
  fencing: [fenceEvent('cluster-3', { completed: '2024-05-01T09:00:00Z' }), fenceEvent('cluster-2', { status: 'pending', completed: null }), fenceEvent('cluster-1', { status: 'failed', exitReason: 'no\u009b2Jroute' })],
});

describe('failed actions, fail counts and fencing rows', () => {
  it('orders failures newest first and fencing pending first, in both renderers', () => {
    expect(toFailureViewRows(snap).map((f) => f.resource)).toEqual(['web-srv', 'old']);
    expect(toFailureRows(snap).rows.map((r) => r.cells[0])).toEqual(['web-srv', 'old']);
    expect(toFencingViewRows(snap).map((f) => [f.target, f.severity])).toEqual([['cluster-2', 'warn'], ['cluster-1', 'error'], ['cluster-3', 'ok']]);
    expect(toFencingRows(snap).rows.map((r) => r.cells[0])).toEqual(['cluster-2', 'cluster-1', 'cluster-3']);
  });

  it('says fail counts against the threshold, INFINITY as INF, and leaves zero out', () => {
    expect(toFailCountViewRows(snap).map((f) => [f.resource, f.count, f.operations])).toEqual([
      ['web-srv', '2/3', 'monitor/10000 rc=7'],
      ['db', 'INF', ''],
    ]);
  });

  it('shows control characters of an exit reason in caret notation in pcmk status and pcmk-top', () => {
    const want = 'bad^[]0;pwned^G config^[[2J';
    expect(toFailureViewRows(snap)[0]!.reason).toBe(want);
    expect(toFailureRows(snap).rows[0]!.cells[4]).toBe(want);
    const text = renderStatus(snap).join('\n');
    expect(text).toContain(want);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(toFencingRows(snap).rows[1]!.cells[6]).toBe('noM-^[2Jroute');
  });
});
