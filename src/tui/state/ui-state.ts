/**
 * UI state and its reducer. Actions are named after the operator's intent; everything here is
 * pure (the async work an intent needs is described as effects by interpret-key.ts).
 */
import type { Action } from '../../model/actions.js';
import type { ClusterSnapshot } from '../../model/snapshot.js';
import type { FenceCheckTable, HistoryHostPage, PlanText, WhyPanel } from '../types.js';
import type { InputTarget } from '../view-models/history.js';
import { EMPTY_HISTORY, mergeHistoryPage, type HistoryList } from './history.js';
import type { Target, Tone } from '../view-models/rows.js';
import type { MoveTarget } from '../view-models/resources.js';
import { VIEWS, type ViewId } from '../keymap.js';
import { EMPTY_SELECTION, moveSelection, scrollOffset, type Motion, type Selection } from '../window.js';

export type Pending<T> = { state: 'loading' } | { state: 'done'; value: T } | { state: 'error'; message: string };

export type Overlay =
  | { kind: 'none' }
  | { kind: 'help'; offset: number }
  /** Filter prompt; the text lives in `filters[view]` so rows filter as you type. */
  | { kind: 'filter'; previous: string }
  | { kind: 'command'; text: string }
  | { kind: 'move'; resource: string; candidates: MoveTarget[]; cursor: number }
  | {
      kind: 'confirm';
      action: Action;
      label: string;
      /** Name the operator must type (dangerous actions), or null for a y/Enter confirmation. */
      expected: string | null;
      typed: string;
      plan: Pending<PlanText>;
      requestId: number;
      offset: number;
    }
  | { kind: 'fenceCheck'; result: Pending<FenceCheckTable>; requestId: number; offset: number }
  /** The why panel of a resource; Enter offers its next action (preview, confirm, run). */
  | { kind: 'why'; resource: string; result: Pending<WhyPanel>; requestId: number; offset: number }
  | { kind: 'contexts'; names: string[]; cursor: number };

export interface StatusLine {
  tone: Tone;
  text: string;
  /** Extra lines (e.g. a tool's error output); the status line shows the first one. */
  detail?: string;
}

export interface UiState {
  view: ViewId;
  /** Detail screen over the current view, or null. */
  detail: { target: Target; offset: number } | null;
  selections: Record<ViewId, Selection>;
  filters: Record<ViewId, string>;
  groupByNode: boolean;
  overlay: Overlay;
  status: StatusLine | null;
  /** Action currently running (its request id and label). */
  running: { requestId: number; label: string } | null;
  nextRequestId: number;
  quit: boolean;
  /** The transition history read so far (the History view). */
  history: HistoryList;
  /** Time travel: every view shows the cluster as of this scheduler input, read-only; null = live. */
  travel: Travel | null;
  /** The last few inputs travelled to, for stepping back and forth without reading them again. */
  travelCache: Array<{ key: string; snapshot: ClusterSnapshot }>;
}

export interface Travel {
  /** The input asked for. */
  at: InputTarget;
  requestId: number;
  loading: boolean;
  error: string | null;
  /** The input on screen (the one asked for once read; the previous one meanwhile). */
  shown: { at: InputTarget; snapshot: ClusterSnapshot } | null;
}

/** Snapshots of travelled inputs kept in memory. */
export const TRAVEL_CACHE = 4;

const perView = <T>(value: () => T): Record<ViewId, T> =>
  Object.fromEntries(VIEWS.map((v) => [v.id, value()])) as Record<ViewId, T>;

export function initialUiState(view: ViewId = 'resources'): UiState {
  return {
    view,
    detail: null,
    selections: perView(() => ({ ...EMPTY_SELECTION })),
    filters: perView(() => ''),
    groupByNode: false,
    overlay: { kind: 'none' },
    status: null,
    running: null,
    nextRequestId: 1,
    quit: false,
    history: EMPTY_HISTORY,
    travel: null,
    travelCache: [],
  };
}

export type UiAction =
  | { type: 'switchView'; view: ViewId }
  /** Move the selection from where it is shown (`from`: the resolved cursor/offset). */
  | { type: 'select'; motion: Motion; total: number; height: number; keyOf: (index: number) => string | null; from?: { cursor: number; offset: number } }
  /** Scroll the detail screen or the open overlay. */
  | { type: 'scroll'; motion: Motion; total: number; height: number }
  | { type: 'jump'; view: ViewId; key: string; index: number }
  | { type: 'openFilter' }
  | { type: 'typeFilter'; text: string }
  | { type: 'commitFilter' }
  | { type: 'clearFilter' }
  | { type: 'openCommand' }
  | { type: 'typeCommand'; text: string }
  | { type: 'openHelp' }
  | { type: 'openDetail'; target: Target; offset?: number }
  | { type: 'back' }
  | { type: 'toggleGroupByNode' }
  | { type: 'openMove'; resource: string; candidates: MoveTarget[] }
  | { type: 'openConfirm'; action: Action; label: string; expected: string | null; requestId: number }
  | { type: 'planReady'; requestId: number; plan: Pending<PlanText> }
  | { type: 'typeConfirm'; text: string }
  | { type: 'openFenceCheck'; requestId: number }
  | { type: 'fenceCheckReady'; requestId: number; result: Pending<FenceCheckTable> }
  | { type: 'openWhy'; resource: string; requestId: number }
  | { type: 'whyReady'; requestId: number; result: Pending<WhyPanel> }
  | { type: 'openContexts'; names: string[] }
  | { type: 'cancel' }
  | { type: 'actionStarted'; requestId: number; label: string }
  | { type: 'actionFinished'; requestId: number; ok: boolean; text: string; detail?: string }
  | { type: 'status'; tone: Tone; text: string; detail?: string }
  | { type: 'quit' }
  /** `readAt`: the live state (CIB version) the read starts at. */
  | { type: 'historyRequested'; requestId: number; mode: 'newest' | 'older'; readAt: string | null }
  | { type: 'historyLoaded'; requestId: number; mode: 'newest' | 'older'; limit: number; pages: HistoryHostPage[] }
  | { type: 'historyFailed'; requestId: number; message: string }
  /** Travel to an input; with `snapshot` (from the cache) it is shown at once. */
  /** `index`: the input's row in the History view, selected there. */
  | { type: 'travelTo'; at: InputTarget; requestId: number; index?: number; snapshot?: ClusterSnapshot }
  | { type: 'travelReady'; requestId: number; snapshot: ClusterSnapshot | null; error?: string }
  | { type: 'leaveTravel' }
  /** Another cluster (context): its history is read anew, and time travel ends. */
  | { type: 'forgetHistory' };

function setSelection(state: UiState, view: ViewId, sel: Selection): UiState {
  return { ...state, selections: { ...state.selections, [view]: sel } };
}

function setFilter(state: UiState, text: string): UiState {
  // A new filter starts the selection at the top of the filtered rows.
  const next = { ...state, filters: { ...state.filters, [state.view]: text } };
  return setSelection(next, state.view, { ...EMPTY_SELECTION });
}

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'switchView':
      return { ...state, view: action.view, detail: null, overlay: { kind: 'none' } };
    case 'select': {
      if (state.overlay.kind === 'move') {
        const n = state.overlay.candidates.length;
        const sel = moveSelection({ cursor: state.overlay.cursor, offset: 0, key: null }, action.motion, n, action.height, () => null);
        return { ...state, overlay: { ...state.overlay, cursor: sel.cursor } };
      }
      if (state.overlay.kind === 'contexts') {
        const n = state.overlay.names.length;
        const sel = moveSelection({ cursor: state.overlay.cursor, offset: 0, key: null }, action.motion, n, action.height, () => null);
        return { ...state, overlay: { ...state.overlay, cursor: sel.cursor } };
      }
      const current = state.selections[state.view];
      const from = action.from ? { ...current, cursor: action.from.cursor, offset: action.from.offset } : current;
      const sel = moveSelection(from, action.motion, action.total, action.height, action.keyOf);
      return setSelection(state, state.view, sel);
    }
    case 'scroll': {
      const o = state.overlay;
      if (o.kind === 'help' || o.kind === 'fenceCheck' || o.kind === 'confirm' || o.kind === 'why') {
        return { ...state, overlay: { ...o, offset: scrollOffset(o.offset, action.motion, action.total, action.height) } };
      }
      if (state.detail) {
        return { ...state, detail: { ...state.detail, offset: scrollOffset(state.detail.offset, action.motion, action.total, action.height) } };
      }
      return state;
    }
    case 'jump': {
      const next: UiState = {
        ...state,
        view: action.view,
        detail: null,
        overlay: { kind: 'none' },
        filters: { ...state.filters, [action.view]: '' },
      };
      return setSelection(next, action.view, { cursor: action.index, offset: Math.max(0, action.index - 2), key: action.key });
    }
    case 'openFilter':
      return { ...state, overlay: { kind: 'filter', previous: state.filters[state.view] } };
    case 'typeFilter':
      return setFilter(state, action.text);
    case 'commitFilter':
      return { ...state, overlay: { kind: 'none' } };
    case 'clearFilter':
      return { ...setFilter(state, ''), overlay: state.overlay.kind === 'filter' ? { kind: 'none' } : state.overlay };
    case 'openCommand':
      return { ...state, overlay: { kind: 'command', text: '' } };
    case 'typeCommand':
      return state.overlay.kind === 'command' ? { ...state, overlay: { kind: 'command', text: action.text } } : state;
    case 'openHelp':
      return { ...state, overlay: { kind: 'help', offset: 0 } };
    case 'openDetail':
      return { ...state, detail: { target: action.target, offset: action.offset ?? 0 }, overlay: { kind: 'none' } };
    case 'back':
      if (state.overlay.kind !== 'none') return { ...state, overlay: { kind: 'none' } };
      if (state.detail) return { ...state, detail: null };
      return state;
    case 'toggleGroupByNode':
      return setSelection({ ...state, groupByNode: !state.groupByNode }, 'resources', { ...EMPTY_SELECTION });
    case 'openMove':
      return { ...state, overlay: { kind: 'move', resource: action.resource, candidates: action.candidates, cursor: 0 } };
    case 'openConfirm':
      return {
        ...state,
        nextRequestId: Math.max(state.nextRequestId, action.requestId + 1),
        overlay: {
          kind: 'confirm',
          action: action.action,
          label: action.label,
          expected: action.expected,
          typed: '',
          plan: { state: 'loading' },
          requestId: action.requestId,
          offset: 0,
        },
      };
    case 'planReady':
      if (state.overlay.kind !== 'confirm' || state.overlay.requestId !== action.requestId) return state;
      return { ...state, overlay: { ...state.overlay, plan: action.plan } };
    case 'typeConfirm':
      return state.overlay.kind === 'confirm' ? { ...state, overlay: { ...state.overlay, typed: action.text } } : state;
    case 'openFenceCheck':
      return {
        ...state,
        nextRequestId: Math.max(state.nextRequestId, action.requestId + 1),
        overlay: { kind: 'fenceCheck', result: { state: 'loading' }, requestId: action.requestId, offset: 0 },
      };
    case 'fenceCheckReady':
      if (state.overlay.kind !== 'fenceCheck' || state.overlay.requestId !== action.requestId) return state;
      return { ...state, overlay: { ...state.overlay, result: action.result } };
    case 'openWhy':
      return {
        ...state,
        nextRequestId: Math.max(state.nextRequestId, action.requestId + 1),
        overlay: { kind: 'why', resource: action.resource, result: { state: 'loading' }, requestId: action.requestId, offset: 0 },
      };
    case 'whyReady':
      if (state.overlay.kind !== 'why' || state.overlay.requestId !== action.requestId) return state;
      return { ...state, overlay: { ...state.overlay, result: action.result } };
    case 'openContexts':
      return { ...state, overlay: { kind: 'contexts', names: action.names, cursor: 0 } };
    case 'cancel':
      if (state.overlay.kind === 'filter') return { ...setFilter(state, ''), overlay: { kind: 'none' } };
      return { ...state, overlay: { kind: 'none' } };
    case 'actionStarted':
      return {
        ...state,
        overlay: { kind: 'none' },
        nextRequestId: Math.max(state.nextRequestId, action.requestId + 1),
        running: { requestId: action.requestId, label: action.label },
        status: { tone: 'info', text: `running: ${action.label}...` },
      };
    case 'actionFinished':
      return {
        ...state,
        running: state.running?.requestId === action.requestId ? null : state.running,
        status: { tone: action.ok ? 'ok' : 'error', text: action.text, detail: action.detail },
      };
    case 'status':
      return { ...state, status: { tone: action.tone, text: action.text, detail: action.detail } };
    case 'quit':
      return { ...state, quit: true };
    case 'historyRequested':
      return {
        ...state,
        nextRequestId: Math.max(state.nextRequestId, action.requestId + 1),
        history: { ...state.history, loading: { requestId: action.requestId, mode: action.mode }, error: null, readAt: action.readAt },
      };
    case 'historyLoaded':
      if (state.history.loading?.requestId !== action.requestId) return state;
      return { ...state, history: mergeHistoryPage(state.history, action.pages, action.mode, action.limit) };
    case 'historyFailed':
      if (state.history.loading?.requestId !== action.requestId) return state;
      return { ...state, history: { ...state.history, loading: null, error: action.message } };
    case 'travelTo': {
      const shown = action.snapshot ? { at: action.at, snapshot: action.snapshot } : (state.travel?.shown ?? null);
      const selections =
        action.index === undefined
          ? state.selections
          : { ...state.selections, history: { cursor: action.index, offset: Math.max(0, action.index - 2), key: `input:${action.at.key}` } };
      return {
        ...state,
        selections,
        nextRequestId: Math.max(state.nextRequestId, action.requestId + 1),
        travel: { at: action.at, requestId: action.requestId, loading: !action.snapshot, error: null, shown },
      };
    }
    case 'travelReady': {
      const t = state.travel;
      if (!t || t.requestId !== action.requestId) return state;
      if (!action.snapshot) return { ...state, travel: { ...t, loading: false, error: action.error ?? 'the input could not be read' } };
      const cache = [{ key: t.at.key, snapshot: action.snapshot }, ...state.travelCache.filter((c) => c.key !== t.at.key)].slice(0, TRAVEL_CACHE);
      return { ...state, travel: { ...t, loading: false, error: null, shown: { at: t.at, snapshot: action.snapshot } }, travelCache: cache };
    }
    case 'leaveTravel':
      return { ...state, travel: null, detail: null };
    case 'forgetHistory':
      return { ...state, history: EMPTY_HISTORY, travel: null, travelCache: [], selections: { ...state.selections, history: { cursor: 0, offset: 0, key: null } } };
  }
}
