/** Constraint rows: one view model, the same notes in `pcmk constraints`/`pcmk status` and pcmk-top. */
import { describe, expect, it } from 'vitest';
import { renderConstraints, renderStatus } from '../../../../src/commands/render.js';
import { toConstraintViewRows } from '../../../../src/model/view/constraints.js';
import { toConstraintRows } from '../../../../src/tui/view-models/constraints.js';
import { sandboxSnapshot } from '../../tui/fixtures.js';

describe('constraint rows', () => {
  const snap = sandboxSnapshot();

  it('puts move/ban leftovers and expired constraints first, with the same note in both renderers', () => {
    const rows = toConstraintViewRows(snap);
    expect(rows.map((r) => [r.kind, r.id, r.note])).toEqual([
      ['location', 'cli-prefer-dregistry', 'move leftover'],
      ['location', 'cli-ban-web-on-cluster-3', 'ban leftover, EXPIRED'],
      ['location', 'loc-dregistry', expect.any(String)],
      ['colocation', 'col-1', expect.any(String)],
      ['order', 'ord-1', expect.any(String)],
    ]);
    expect(toConstraintRows(snap).rows.map((r) => r.cells[5])).toEqual(rows.map((r) => r.note));
    const text = renderConstraints(snap).join('\n');
    expect(text).toMatch(/cli-prefer-dregistry\s+dregistry\s+\S+\s+\S+\s+move leftover/);
    expect(text).toMatch(/cli-ban-web-on-cluster-3\s+web\s+cluster-3\s+\S+\s+ban leftover, EXPIRED/);
  });

  it('pcmk status lists only the leftovers', () => {
    const text = renderStatus(snap).join('\n');
    const section = text.slice(text.indexOf('Constraints left by move/ban'));
    expect(section).toContain('cli-prefer-dregistry');
    expect(section).not.toContain('loc-dregistry');
  });
});
