/** pcmk-top's keys without rendering: the reducer plus interpretKey, with the context built as the app builds it. */
import { resolveSelection } from '../../../src/tui/window.js';
import { initialUiState, uiReducer, type UiAction, type UiState } from '../../../src/tui/state/ui-state.js';
import { interpretKey, type Effect, type KeyContext } from '../../../src/tui/state/interpret-key.js';
import { createHistoryInput, createRowCache, shownSnapshot } from '../../../src/tui/state/derive.js';
import type { ViewId } from '../../../src/tui/keymap.js';
import type { KeyEvent } from '../../../src/tui/keys.js';
import { sandboxSnapshot } from './fixtures.js';

// A small harness: the reducer plus interpretKey, with the context built like the app does.
export function harness(opts: { readOnly?: boolean; hasActions?: boolean; view?: ViewId; height?: number; now?: number; offline?: { newest: string | null }; historyUnavailable?: string } = {}) {
  const live = sandboxSnapshot();
  const cache = createRowCache();
  const historyInput = createHistoryInput();
  let state: UiState = initialUiState(opts.view ?? 'resources');
  const effects: Effect[] = [];
  const ctx = (): KeyContext => {
    // As the app: the views show the live snapshot, or the input travelled to.
    const snapshot = shownSnapshot(state, live);
    const hist = historyInput(state, opts.now ?? Date.now());
    const rows = cache(snapshot, state.view, state.filters[state.view], state.groupByNode, hist).rows;
    const w = resolveSelection(rows, state.selections[state.view], opts.height ?? 10);
    return {
      readOnly: opts.readOnly ?? false,
      rows,
      cursor: w.cursor,
      offset: w.offset,
      height: opts.height ?? 10,
      snapshot,
      detailLines: 40,
      overlayLines: 30,
      contexts: ['prod', 'lab'],
      hasActions: opts.hasActions ?? true,
      offline: opts.offline ?? null,
      historyUnavailable: opts.historyUnavailable ?? null,
      rowsOf: (v) => cache(snapshot, v, '', false, hist).rows,
      historyRows: cache(snapshot, 'history', state.filters.history, state.groupByNode, hist).rows,
      liveVersion: live.cluster.cibVersion,
    };
  };
  const dispatch = (a: UiAction) => {
    state = uiReducer(state, a);
  };
  const press = (...keys: (string | KeyEvent)[]) => {
    for (const k of keys) {
      const ev: KeyEvent = typeof k === 'string' ? { name: k, text: k.length === 1 ? k : null } : k;
      const r = interpretKey(state, ev, ctx());
      r.actions.forEach(dispatch);
      effects.push(...r.effects);
    }
  };
  const type = (text: string) => press(...[...text].map((c) => ({ name: c, text: c })));
  const selected = () => {
    const c = ctx();
    return c.rows[c.cursor];
  };
  return { get state() { return state; }, effects, press, type, dispatch, selected, snapshot: live };
}

