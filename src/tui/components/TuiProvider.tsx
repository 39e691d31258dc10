/**
 * The root provider: subscribes to the view source, owns the UI store, derives what the layout
 * needs, runs the single input handler and the async effects. No markup here.
 */
import { toWhyDetail } from '../view-models/why.js';
import React, { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useApp, useInput, useStdout, type Key } from 'ink';
import type { ClusterView, TermSize, TuiActions, TuiContexts, ViewSource } from '../types.js';
import type { Table, Target } from '../view-models/rows.js';
import type { HeaderModel } from '../view-models/header.js';
import type { DetailModel } from '../view-models/detail.js';
import { toHeader } from '../view-models/header.js';
import { toDetail } from '../view-models/detail.js';
import { diffRows, markChanged } from '../view-models/diff.js';
import { footerHints, helpLines, type ViewId } from '../keymap.js';
import { keyEvent, splitKeys, type KeyEvent } from '../keys.js';
import { resolveSelection, type WindowRange } from '../window.js';
import { createStore } from '../state/store.js';
import { initialUiState, uiReducer, type UiAction, type UiState } from '../state/ui-state.js';
import { historyRead, interpretKey, type Effect, type KeyContext } from '../state/interpret-key.js';
import { computeLayout, createHistoryInput, createRowCache, shownSnapshot, type LayoutSizes } from '../state/derive.js';
import { inputKey, inputLabel } from '../../model/history.js';
import { headerLineCount } from './Header.js';
import { confirmLines } from './ConfirmDialog.js';
import { ThemeContext } from './theme.js';

export interface TuiOptions {
  source: ViewSource;
  /** Action interface; null/absent disables every action (e.g. an offline CIB file). */
  actions?: TuiActions | null;
  /** Bind no key that changes the cluster. */
  readOnly?: boolean;
  contexts?: TuiContexts | null;
  /** Fixed terminal size (tests); otherwise the stdout size, following resizes. */
  size?: TermSize;
  /** Colour on/off (NO_COLOR); default on. */
  color?: boolean;
  /** Clock (ms since epoch), injectable for tests. */
  now?: () => number;
  /** How often ages refresh; 0 disables the ticking clock. Default 1000 ms. */
  tickMs?: number;
  /** How long changed rows stay highlighted. Default 2000 ms. */
  highlightMs?: number;
  initialView?: ViewId;
  /** Why the History view cannot be read here (e.g. one CIB file), said instead of reading. */
  historyUnavailable?: string | null;
  onQuit?: () => void;
}

export interface TuiModel {
  view: ClusterView;
  ui: UiState;
  size: TermSize;
  layout: LayoutSizes;
  header: HeaderModel;
  table: Table;
  window: WindowRange;
  detail: DetailModel | null;
  target: Target | null;
  changed: ReadonlyMap<string, number>;
  hints: string[];
  counts: Partial<Record<ViewId, number>>;
  readOnly: boolean;
  /** Travelling in time: the views show a scheduler input, not the live cluster. */
  travelling: boolean;
  /** Saved scheduler inputs (pcmk-top --from): no cluster to change or ask. */
  offline: boolean;
}

const TuiContext = createContext<TuiModel | null>(null);

export function useTui(): TuiModel {
  const m = useContext(TuiContext);
  if (!m) throw new Error('useTui outside TuiProvider');
  return m;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * What the live cluster's state is at (the History view is read again when it changed); offline
 * the inputs never change.
 */
function liveVersionOf(v: ClusterView): string | null {
  if (v.offline) return `offline:${v.offline.from}`;
  return v.snapshot?.cluster.cibVersion ?? v.snapshot?.takenAt ?? null;
}

function useTerminalSize(fixed?: TermSize): TermSize {
  const { stdout } = useStdout();
  const read = (): TermSize => ({ columns: stdout?.columns || 80, rows: stdout?.rows || 24 });
  const [size, setSize] = useState<TermSize>(fixed ?? read());
  useEffect(() => {
    if (fixed || !stdout) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout, fixed]);
  return fixed ?? size;
}

export function TuiProvider(props: TuiOptions & { children: React.ReactNode }) {
  const { source, actions = null, contexts = null, color = true, tickMs = 1000, highlightMs = 2000 } = props;
  const nowFn = props.now ?? Date.now;
  const { exit } = useApp();
  const store = useMemo(() => createStore<UiState, UiAction>(uiReducer, initialUiState(props.initialView)), []);
  const ui = useSyncExternalStore(store.subscribe, store.getState, store.getState);
  const subscribe = useCallback((l: () => void) => source.subscribe(l), [source]);
  const getView = useCallback(() => source.getView(), [source]);
  const view = useSyncExternalStore(subscribe, getView, getView);
  const size = useTerminalSize(props.size);
  const rowCache = useMemo(() => createRowCache(), []);
  const historyInput = useMemo(() => createHistoryInput(), []);

  const [clock, setClock] = useState(() => nowFn());
  useEffect(() => {
    if (!tickMs) return;
    const t = setInterval(() => setClock(nowFn()), tickMs);
    return () => clearInterval(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tickMs]);

  // Every view shows the live cluster, or the scheduler input travelled to.
  const snapshot = shownSnapshot(ui, view.snapshot);
  const travelling = ui.travel !== null;
  // A cached snapshot (an earlier run's) is for looking only: no action is planned from it.
  // Offline there is no cluster: the action keys stay bound, to say so when pressed.
  const offline = view.offline != null;
  const readOnly = !offline && ((props.readOnly ?? false) || view.cachedAt != null);
  const shownView = useMemo(() => (travelling ? { ...view, snapshot, cachedAt: null } : view), [view, snapshot, travelling]);
  const banner = ui.travel ? { at: ui.travel.at, shown: ui.travel.shown?.at ?? null, loading: ui.travel.loading, error: ui.travel.error } : null;
  const header = useMemo(() => toHeader(shownView, clock, banner), [shownView, clock, ui.travel]);
  const layout = computeLayout(size.rows, headerLineCount(header));
  const filter = ui.filters[ui.view];
  const history = historyInput(ui, clock);
  const table = rowCache(snapshot, ui.view, filter, ui.groupByNode, history);
  const window = resolveSelection(table.rows, ui.selections[ui.view], layout.list);
  const detail = useMemo(() => (ui.detail ? toDetail(snapshot, ui.detail.target) : null), [snapshot, ui.detail?.target]);

  // Changed rows: diff the current view's rows when a new snapshot arrives.
  const [changed, setChanged] = useState<ReadonlyMap<string, number>>(new Map());
  const prev = useRef<{ table: Table; snapshot: typeof snapshot; view: ViewId; filter: string; groupByNode: boolean } | null>(null);
  useEffect(() => {
    const p = prev.current;
    if (p && p.snapshot && snapshot && p.snapshot !== snapshot && p.view === ui.view && p.filter === filter && p.groupByNode === ui.groupByNode) {
      const changes = diffRows(p.table.rows, table.rows);
      if (changes.length) setChanged((m) => markChanged(m, changes, nowFn(), highlightMs));
    }
    prev.current = { table, snapshot, view: ui.view, filter, groupByNode: ui.groupByNode };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [table]);
  useEffect(() => {
    if (!changed.size) return;
    const next = Math.min(...changed.values()) - nowFn();
    const t = setTimeout(() => setChanged((m) => markChanged(m, [], nowFn(), highlightMs)), Math.max(50, next));
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [changed]);

  const target = ui.detail ? ui.detail.target : (table.rows[window.cursor]?.target ?? null);
  const screen = ui.detail ? 'detail' : ui.view;
  const targetKind = target?.kind ?? null;
  // The same array while the keys shown do not change, so the footer is not drawn again per frame.
  const hints = useMemo(() => footerHints({ screen, readOnly, target: targetKind, travelling, offline }), [screen, readOnly, targetKind, travelling, offline]);
  const counts = useMemo(() => {
    if (!snapshot) return {};
    return {
      failures: snapshot.failures.length,
      fencing: snapshot.fencing.filter((e) => !['success', 'done', 'ok'].includes(e.status.toLowerCase())).length,
      constraints: snapshot.constraints.location.filter((c) => c.isCliBan || c.isCliPrefer || c.expired).length,
    };
  }, [snapshot]);

  // Everything the input handler needs, read through a ref so the handler itself never changes
  // (Ink re-subscribes useInput whenever the handler identity changes).
  const live = useRef({ view, layout, props, actions, contexts, readOnly, clock });
  live.current = { view, layout, props, actions, contexts, readOnly, clock };

  const runEffect = useCallback(
    (e: Effect) => {
      const { actions: acts, contexts: ctxs } = live.current;
      const dispatch = store.dispatch;
      switch (e.type) {
        case 'quit':
          live.current.props.onQuit?.();
          exit();
          return;
        case 'preview':
          if (!acts) {
            dispatch({ type: 'planReady', requestId: e.requestId, plan: { state: 'error', message: 'no connection to the cluster' } });
            return;
          }
          acts.preview(e.action).then(
            (plan) => dispatch({ type: 'planReady', requestId: e.requestId, plan: { state: 'done', value: plan } }),
            (err: unknown) => dispatch({ type: 'planReady', requestId: e.requestId, plan: { state: 'error', message: errorText(err) } }),
          );
          return;
        case 'run':
          if (!acts) return;
          acts.run(e.action).then(
            (r) =>
              dispatch({
                type: 'actionFinished',
                requestId: e.requestId,
                ok: r.ok,
                text: r.ok ? `done: ${e.label}${r.summary ? ` - ${r.summary}` : ''}` : `FAILED: ${e.label}${r.summary ? ` - ${r.summary}` : ''}`,
                detail: r.error,
              }),
            (err: unknown) => dispatch({ type: 'actionFinished', requestId: e.requestId, ok: false, text: `FAILED: ${e.label}`, detail: errorText(err) }),
          );
          return;
        case 'fenceCheck':
          if (!acts) return;
          acts.fenceCheck().then(
            (value) => dispatch({ type: 'fenceCheckReady', requestId: e.requestId, result: { state: 'done', value } }),
            (err: unknown) => dispatch({ type: 'fenceCheckReady', requestId: e.requestId, result: { state: 'error', message: errorText(err) } }),
          );
          return;
        case 'why':
          if (!acts) return;
          acts.why(e.resource).then(
            (value) => dispatch({ type: 'whyReady', requestId: e.requestId, result: { state: 'done', value } }),
            (err: unknown) => dispatch({ type: 'whyReady', requestId: e.requestId, result: { state: 'error', message: errorText(err) } }),
          );
          return;
        case 'history':
          if (!acts) return;
          acts.history(e.query).then(
            (pages) => dispatch({ type: 'historyLoaded', requestId: e.requestId, mode: e.mode, limit: e.query.limit, pages }),
            (err: unknown) => dispatch({ type: 'historyFailed', requestId: e.requestId, message: errorText(err) }),
          );
          return;
        case 'travel':
          if (!acts) return;
          acts.historyShow({ host: e.at.host, label: e.at.label }).then(
            (m) => {
              // The numbers wrap: the input read must be the one listed (same file time).
              const same = inputKey(m.facts) === e.at.key;
              const error = !same ? `#${e.at.label} on ${e.at.host} was replaced since it was listed` : !m.snapshot ? (m.facts.error ?? 'crm_mon could not read it') : undefined;
              dispatch({ type: 'travelReady', requestId: e.requestId, snapshot: same ? m.snapshot : null, error });
            },
            (err: unknown) => dispatch({ type: 'travelReady', requestId: e.requestId, snapshot: null, error: errorText(err) }),
          );
          return;
        case 'switchContext':
          if (!ctxs) return;
          Promise.resolve()
            .then(() => ctxs.switchTo(e.name))
            .then(
              () => {
                dispatch({ type: 'forgetHistory' });
                dispatch({ type: 'status', tone: 'ok', text: `context ${e.name}` });
              },
              (err: unknown) => dispatch({ type: 'status', tone: 'error', text: `cannot switch to ${e.name}`, detail: errorText(err) }),
            );
          return;
      }
    },
    [store, exit],
  );

  const onKey = useCallback(
    (ev: KeyEvent) => {
      const { view: v, layout: l, actions: acts, contexts: ctxs, readOnly: ro, clock: now } = live.current;
      const state = store.getState();
      const snap = shownSnapshot(state, v.snapshot);
      const hist = historyInput(state, now);
      // Rows and the window are computed only when the key needs them (typing a filter into a
      // 5,000-row view must not rebuild rows per character here; the next frame does it once).
      let win: { rows: Table['rows']; w: WindowRange } | null = null;
      const current = () => {
        if (!win) {
          const rows = rowCache(snap, state.view, state.filters[state.view], state.groupByNode, hist).rows;
          win = { rows, w: resolveSelection(rows, state.selections[state.view], l.list) };
        }
        return win;
      };
      const o = state.overlay;
      const height =
        o.kind === 'confirm' || o.kind === 'fenceCheck'
          ? l.body - 3
          : o.kind === 'help' || o.kind === 'move' || o.kind === 'contexts' || o.kind === 'why' || state.detail
            ? l.body - 1
            : l.list;
      const ctx: KeyContext = {
        readOnly: ro,
        get rows() {
          return current().rows;
        },
        get cursor() {
          return current().w.cursor;
        },
        get offset() {
          return current().w.offset;
        },
        height: Math.max(1, height),
        snapshot: snap,
        get detailLines() {
          return state.detail ? toDetail(snap, state.detail.target).lines.length : 0;
        },
        get overlayLines() {
          if (o.kind === 'help') return helpLines(ro, undefined, !!v.offline).length;
          if (o.kind === 'confirm') return confirmLines(o).length;
          if (o.kind === 'fenceCheck' && o.result.state === 'done') return o.result.value.rows.length;
          if (o.kind === 'why') return toWhyDetail(o).lines.length;
          return 0;
        },
        contexts: ctxs ? ctxs.list() : null,
        hasActions: !!acts,
        historyUnavailable: live.current.props.historyUnavailable ?? null,
        offline: v.offline ? { newest: v.offline.newest ? inputLabel(v.offline.newest) : null } : null,
        rowsOf: (vid) => rowCache(snap, vid, '', state.groupByNode, hist).rows,
        get historyRows() {
          return rowCache(snap, 'history', state.filters.history, state.groupByNode, hist).rows;
        },
        liveVersion: liveVersionOf(v),
      };
      const result = interpretKey(state, ev, ctx);
      for (const a of result.actions) store.dispatch(a);
      for (const e of result.effects) runEffect(e);
    },
    [store, rowCache, historyInput, runEffect],
  );
  const onInput = useCallback(
    (input: string, key: Key) => {
      const ev = keyEvent(input, key);
      // Several keys in one read (e.g. `tmux send-keys jjj Enter`) are one key each, unless a
      // prompt takes text (filter, command line, typed confirmation) and it is plain text: a paste.
      if (input.length > 1 && !input.startsWith('\u001b')) {
        const o = store.getState().overlay;
        const takesText = o.kind === 'filter' || o.kind === 'command' || (o.kind === 'confirm' && o.expected !== null);
        if (!(takesText && ev.text)) {
          for (const k of splitKeys(input)) onKey(k);
          return;
        }
      }
      onKey(ev);
    },
    [store, onKey],
  );
  useInput(onInput);

  // Starting on the History view (pcmk-top --from) reads it at once, as entering it does.
  useEffect(() => {
    if (store.getState().view !== 'history') return;
    const { view: v, actions: acts, props: p } = live.current;
    const r = historyRead(store.getState(), { hasActions: !!acts, historyUnavailable: p.historyUnavailable ?? null, liveVersion: liveVersionOf(v) });
    for (const a of r.actions) store.dispatch(a);
    for (const e of r.effects) runEffect(e);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const model: TuiModel = {
    view,
    ui,
    size,
    layout,
    header,
    table,
    window,
    detail,
    target,
    changed,
    hints,
    counts,
    readOnly,
    travelling,
    offline,
  };
  return (
    <ThemeContext.Provider value={{ color }}>
      <TuiContext.Provider value={model}>{props.children}</TuiContext.Provider>
    </ThemeContext.Provider>
  );
}
