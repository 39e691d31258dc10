import { describe, expect, it } from 'vitest';
import { clampWindow, moveSelection, resolveSelection, scrollOffset } from '../../../src/tui/window.js';
import { findRowIndex, parseCommandLine } from '../../../src/tui/state/command-line.js';
import { computeLayout, toViewRows } from '../../../src/tui/state/derive.js';
import { sandboxSnapshot } from './fixtures.js';
import { harness } from './key-harness.js';
import { toDetail } from '../../../src/tui/view-models/detail.js';

describe('windowing', () => {
  it('keeps the cursor visible and the window inside the rows', () => {
    expect(clampWindow(100, 50, 0, 10)).toEqual({ cursor: 50, offset: 41, start: 41, end: 51 });
    expect(clampWindow(100, 5, 41, 10)).toEqual({ cursor: 5, offset: 5, start: 5, end: 15 });
    expect(clampWindow(5, 9, 3, 10)).toEqual({ cursor: 4, offset: 0, start: 0, end: 5 });
    expect(clampWindow(0, 3, 3, 10)).toEqual({ cursor: 0, offset: 0, start: 0, end: 0 });
    for (let total = 0; total < 40; total += 7) {
      for (let h = 1; h < 12; h += 3) {
        const w = clampWindow(total, 17, 13, h);
        expect(w.end - w.start).toBeLessThanOrEqual(h);
        if (total) expect(w.cursor >= w.start && w.cursor < w.end).toBe(true);
      }
    }
  });

  it('moves by line, page, top and bottom', () => {
    const keyOf = (i: number) => `k${i}`;
    let s = { cursor: 0, offset: 0, key: null as string | null };
    s = moveSelection(s, { by: 'line', n: 1 }, 50, 10, keyOf);
    expect(s).toEqual({ cursor: 1, offset: 0, key: 'k1' });
    s = moveSelection(s, { by: 'page', n: 1 }, 50, 10, keyOf);
    expect(s).toEqual({ cursor: 11, offset: 10, key: 'k11' });
    s = moveSelection(s, { by: 'bottom' }, 50, 10, keyOf);
    expect(s).toEqual({ cursor: 49, offset: 40, key: 'k49' });
    s = moveSelection(s, { by: 'line', n: 1 }, 50, 10, keyOf);
    expect(s.cursor).toBe(49);
    s = moveSelection(s, { by: 'top' }, 50, 10, keyOf);
    expect(s).toEqual({ cursor: 0, offset: 0, key: 'k0' });
    s = moveSelection(s, { by: 'line', n: -1 }, 50, 10, keyOf);
    expect(s.cursor).toBe(0);
  });

  it('follows the selected row by key when rows shift, else keeps the index', () => {
    const rows = ['a', 'b', 'c', 'd', 'e'].map((key) => ({ key }));
    const sel = { cursor: 1, offset: 0, key: 'b' };
    expect(resolveSelection([{ key: 'x' }, { key: 'y' }, ...rows], sel, 3).cursor).toBe(3);
    expect(resolveSelection(rows.filter((r) => r.key !== 'b'), sel, 3).cursor).toBe(1);
    expect(resolveSelection(rows.slice(0, 1), { cursor: 4, offset: 2, key: 'e' }, 3)).toEqual({ cursor: 0, offset: 0, start: 0, end: 1 });
  });

  it('scrolls plain lists within bounds', () => {
    expect(scrollOffset(0, { by: 'page', n: 1 }, 30, 10)).toBe(10);
    expect(scrollOffset(15, { by: 'page', n: 1 }, 30, 10)).toBe(20);
    expect(scrollOffset(3, { by: 'line', n: -5 }, 30, 10)).toBe(0);
    expect(scrollOffset(0, { by: 'bottom' }, 5, 10)).toBe(0);
  });

  it('lays out a frame that always leaves the last terminal row free', () => {
    expect(computeLayout(24, 2)).toEqual({ total: 23, header: 2, body: 18, list: 17 });
    expect(computeLayout(24, 4)).toEqual({ total: 23, header: 4, body: 16, list: 15 });
    const tiny = computeLayout(6, 4);
    expect(tiny.header + 1 + tiny.body + 2).toBeLessThanOrEqual(Math.max(4, 5) + 2);
  });
});

describe('command line', () => {
  it('parses jumps, contexts, views and quit', () => {
    expect(parseCommandLine('res dregistry')).toEqual({ kind: 'jump', view: 'resources', name: 'dregistry' });
    expect(parseCommandLine(':node cluster-2')).toEqual({ kind: 'jump', view: 'nodes', name: 'cluster-2' });
    expect(parseCommandLine('ctx prod')).toEqual({ kind: 'context', name: 'prod' });
    expect(parseCommandLine('ctx')).toEqual({ kind: 'context', name: null });
    expect(parseCommandLine('q')).toEqual({ kind: 'quit' });
    expect(parseCommandLine('fencing')).toEqual({ kind: 'view', view: 'fencing' });
    expect(parseCommandLine('frobnicate').kind).toBe('error');
  });

  it('finds rows by id, then base id, then prefix', () => {
    const rows = toViewRows(sandboxSnapshot(), 'resources', '', false).rows;
    expect(rows[findRowIndex(rows, 'dregistry')].target).toEqual({ kind: 'resource', id: 'dregistry', node: 'cluster-1' });
    expect(rows[findRowIndex(rows, 'db-cl')].cells[0]).toBe('db-clone');
    expect(findRowIndex(rows, 'nothing-like-it')).toBe(-1);
  });
});

describe('keys to intents', () => {
  it('navigates with j/k, G/g and switches views with numbers and Tab', () => {
    const h = harness();
    h.press('j', 'j');
    expect(h.selected().cells[0]).toBe('web');
    h.press('G');
    expect(h.selected().cells[0].trim()).toBe('httpd');
    h.press('g');
    expect(h.selected().cells[0]).toBe('fence-ipmi');
    h.press('1');
    expect(h.state.view).toBe('nodes');
    h.press('tab');
    expect(h.state.view).toBe('resources');
    h.press('shift-tab', 'shift-tab');
    expect(h.state.view).toBe('history');
    h.press('shift-tab');
    expect(h.state.view).toBe('constraints');
  });

  it('filters as you type; Enter keeps it; Esc clears it', () => {
    const h = harness();
    h.press('/');
    expect(h.state.overlay.kind).toBe('filter');
    h.type('db');
    expect(h.state.filters.resources).toBe('db');
    const rows = toViewRows(h.snapshot, 'resources', 'db', false).rows;
    expect(rows.map((r) => r.cells[0].trim())).toEqual(['db-clone', 'db', 'db', 'db']);
    h.press('backspace');
    expect(h.state.filters.resources).toBe('d');
    h.type('b');
    h.press('enter');
    expect(h.state.overlay.kind).toBe('none');
    expect(h.state.filters.resources).toBe('db');
    // Keys work again on the filtered rows; Esc in the list clears the kept filter.
    h.press('j');
    expect(h.selected().cells[0].trim()).toBe('db');
    h.press('escape');
    expect(h.state.filters.resources).toBe('');
    // Esc while typing clears and closes.
    h.press('/');
    h.type('xyz');
    h.press('escape');
    expect(h.state.filters.resources).toBe('');
    expect(h.state.overlay.kind).toBe('none');
  });

  it('opens the detail with Enter and goes back with Esc', () => {
    const h = harness();
    h.press('j', 'enter');
    expect(h.state.detail?.target).toEqual({ kind: 'resource', id: 'dregistry', node: 'cluster-1' });
    h.press('j');
    expect(h.state.detail?.offset).toBe(1);
    h.press('escape');
    expect(h.state.detail).toBeNull();
  });

  it('f opens the detail at its fail counts', () => {
    const h = harness({ view: 'failures' });
    h.press('f');
    const lines = toDetail(h.snapshot, { kind: 'resource', id: 'web-srv', node: 'cluster-2' }).lines;
    expect(h.state.detail?.offset).toBeGreaterThan(0);
    expect(lines[h.state.detail!.offset].text).toBe('Fail counts');
  });

  it(':res and :node jump to the row; unknown names report an error', () => {
    const h = harness();
    h.press(':');
    h.type('res web-srv');
    h.press('enter');
    expect(h.state.overlay.kind).toBe('none');
    expect(h.selected().cells[0].trim()).toBe('web-srv');
    h.press(':');
    h.type('node cluster-3');
    h.press('enter');
    expect(h.state.view).toBe('nodes');
    expect(h.selected().cells[0]).toBe('cluster-3');
    h.press(':');
    h.type('res nope');
    h.press('enter');
    expect(h.state.status).toEqual({ tone: 'error', text: 'no resource named nope', detail: undefined });
    h.press(':');
    h.type('ctx lab');
    h.press('enter');
    expect(h.effects.at(-1)).toEqual({ type: 'switchContext', name: 'lab' });
    h.press(':');
    h.type('q');
    h.press('enter');
    expect(h.state.quit).toBe(true);
    expect(h.effects.at(-1)).toEqual({ type: 'quit' });
  });

  it('move: pick an eligible node, preview, confirm with Enter, run', () => {
    const h = harness();
    h.press('j', 'm');
    expect(h.state.overlay).toMatchObject({ kind: 'move', resource: 'dregistry' });
    h.press('j', 'enter');
    expect(h.state.overlay).toMatchObject({ kind: 'confirm', action: { name: 'move', resource: 'dregistry', node: 'remote-1' }, expected: null });
    expect(h.effects.at(-1)).toMatchObject({ type: 'preview', action: { name: 'move', resource: 'dregistry', node: 'remote-1' } });
    const requestId = (h.effects.at(-1) as { requestId: number }).requestId;
    // Enter before the plan is ready runs nothing.
    h.press('enter');
    expect(h.effects.filter((e) => e.type === 'run')).toHaveLength(0);
    h.dispatch({ type: 'planReady', requestId, plan: { state: 'done', value: { ok: true, lines: ['Move dregistry (cluster-1 -> remote-1)'] } } });
    h.press('enter');
    expect(h.effects.at(-1)).toEqual({ type: 'run', action: { name: 'move', resource: 'dregistry', node: 'remote-1' }, label: 'move resource dregistry to node remote-1', requestId });
    expect(h.state.overlay.kind).toBe('none');
    expect(h.state.running?.label).toBe('move resource dregistry to node remote-1');
    h.dispatch({ type: 'actionFinished', requestId, ok: false, text: 'FAILED: move', detail: 'crm_resource: Error performing operation: No such device' });
    expect(h.state.running).toBeNull();
    expect(h.state.status?.detail).toContain('No such device');
  });

  it('a refused plan cannot be run', () => {
    const h = harness();
    h.press('j', 'm', 'enter');
    const requestId = (h.effects.at(-1) as { requestId: number }).requestId;
    h.dispatch({ type: 'planReady', requestId, plan: { state: 'done', value: { ok: false, lines: [], error: 'resource is unmanaged' } } });
    h.press('y');
    expect(h.effects.some((e) => e.type === 'run')).toBe(false);
    expect(h.state.status?.text).toBe('cannot run: resource is unmanaged');
  });

  it('fence asks to type the node name; a wrong name does not run; Esc cancels', () => {
    const h = harness({ view: 'nodes' });
    h.press('j', 'X');
    expect(h.state.overlay).toMatchObject({ kind: 'confirm', action: { name: 'fence', node: 'cluster-2' }, expected: 'cluster-2' });
    const requestId = (h.effects.at(-1) as { requestId: number }).requestId;
    h.dispatch({ type: 'planReady', requestId, plan: { state: 'done', value: { ok: true, lines: ['stonith_admin --reboot cluster-2'] } } });
    // Letters are typed into the prompt, not taken as commands.
    h.type('cluster-3');
    h.press('enter');
    expect(h.effects.some((e) => e.type === 'run')).toBe(false);
    expect(h.state.status?.text).toBe('type "cluster-2" to confirm, Esc to cancel');
    h.press('backspace');
    h.type('2');
    expect(h.state.overlay).toMatchObject({ typed: 'cluster-2' });
    h.press('escape');
    expect(h.state.overlay.kind).toBe('none');
    expect(h.effects.some((e) => e.type === 'run')).toBe(false);
    // Again, typed right.
    h.press('X');
    const id2 = (h.effects.at(-1) as { requestId: number }).requestId;
    expect(id2).toBeGreaterThan(requestId);
    h.dispatch({ type: 'planReady', requestId: id2, plan: { state: 'done', value: { ok: true, lines: [] } } });
    h.type('cluster-2');
    h.press('enter');
    expect(h.effects.at(-1)).toMatchObject({ type: 'run', action: { name: 'fence', node: 'cluster-2' } });
  });

  it('a late preview of a cancelled dialog is ignored', () => {
    const h = harness({ view: 'nodes' });
    h.press('X');
    const id = (h.effects.at(-1) as { requestId: number }).requestId;
    h.press('escape');
    h.press('s');
    h.dispatch({ type: 'planReady', requestId: id, plan: { state: 'done', value: { ok: true, lines: ['old'] } } });
    expect(h.state.overlay).toMatchObject({ kind: 'confirm', plan: { state: 'loading' } });
  });

  it('node actions: standby toggles, standby asks for the name; constraints clear only move/ban leftovers', () => {
    const h = harness({ view: 'nodes' });
    h.press('s');
    expect(h.state.overlay).toMatchObject({ action: { name: 'standby', node: 'cluster-1' }, expected: 'cluster-1' });
    h.press('escape', 'j', 'j', 's');
    expect(h.state.overlay).toMatchObject({ action: { name: 'unstandby', node: 'cluster-3' }, expected: null });
    h.press('escape', '5', 'C');
    expect(h.state.overlay).toMatchObject({ action: { name: 'clear', resource: 'dregistry', node: 'cluster-1' } });
    h.press('escape', 'j', 'j', 'C');
    expect(h.state.overlay.kind).toBe('none');
    expect(h.state.status?.text).toContain('not a move/ban constraint');
  });

  it('resource actions use the configured id and the row node', () => {
    const h = harness({ view: 'failures' });
    h.press('c');
    expect(h.state.overlay).toMatchObject({ action: { name: 'cleanup', resource: 'web-srv', node: 'cluster-2' } });
    h.press('escape', '2', ':');
    h.type('res db');
    h.press('enter', 'j', 'F');
    expect(h.state.overlay).toMatchObject({ action: { name: 'failcount-reset', resource: 'db', node: 'cluster-2' } });
    h.press('escape', 'd');
    expect(h.state.overlay).toMatchObject({ action: { name: 'disable', resource: 'db' }, expected: 'db' });
  });

  it('read-only: no changing key does anything, fencing test still works', () => {
    const h = harness({ readOnly: true, view: 'nodes' });
    for (const k of ['X', 's', 'M']) h.press(k);
    h.press('2');
    for (const k of ['m', 'b', 'C', 'c', 'F', 'e', 'd', 'M']) h.press('j', k);
    expect(h.state.overlay.kind).toBe('none');
    expect(h.effects.filter((e) => e.type === 'preview' || e.type === 'run')).toEqual([]);
    h.press('1', 't');
    expect(h.state.overlay.kind).toBe('fenceCheck');
    expect(h.effects.at(-1)).toMatchObject({ type: 'fenceCheck' });
  });

  it('without an action interface, actions explain why instead of opening dialogs', () => {
    const h = harness({ hasActions: false });
    h.press('j', 'm');
    expect(h.state.overlay.kind).toBe('none');
    expect(h.state.status?.text).toContain('not available');
  });

  it('help opens with ? and scrolls; q closes it without quitting', () => {
    const h = harness();
    h.press('?');
    expect(h.state.overlay).toEqual({ kind: 'help', offset: 0 });
    h.press('pagedown');
    expect(h.state.overlay).toEqual({ kind: 'help', offset: 10 });
    h.press('q');
    expect(h.state.overlay.kind).toBe('none');
    expect(h.state.quit).toBe(false);
    h.press('q');
    expect(h.state.quit).toBe(true);
  });

  it('selection stays on the same row (by key) after a snapshot moves rows', () => {
    const h = harness();
    h.press('j', 'j');
    expect(h.state.selections.resources.key).toBe('res:web');
    const snap = sandboxSnapshot();
    snap.resources.unshift({ kind: 'primitive', id: 'new', agent: { class: 'ocf', provider: 'x', type: 'y' }, params: {}, meta: {}, ops: [] });
    const rows = toViewRows(snap, 'resources', '', false).rows;
    const w = resolveSelection(rows, h.state.selections.resources, 10);
    expect(rows[w.cursor].key).toBe('res:web');
  });
});
