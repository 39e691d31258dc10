/**
 * One key in, the intents it means out: reducer actions plus effects (async work for the app to
 * run). The open overlay takes keys first; otherwise the keymap decides. Pure and tested.
 */
import type { ClusterSnapshot } from '../../model/snapshot.js';
import { isDestructive, type Action } from '../../model/actions.js';
import type { Row, Target } from '../view-models/rows.js';
import { indexResources, locateResource } from '../../model/resource-index.js';
import { baseResourceId, isTrue } from '../../model/values.js';
import { actionResourceId, toMoveTargets } from '../view-models/resources.js';
import { toDetail } from '../view-models/detail.js';
import { VIEWS, resolveKey, type Binding, type CommandId, type ViewId } from '../keymap.js';
import type { KeyEvent } from '../keys.js';
import type { Motion } from '../window.js';
import type { UiAction, UiState } from './ui-state.js';
import { findRowIndex, parseCommandLine } from './command-line.js';
import type { HistoryQuery } from '../types.js';
import type { InputTarget } from '../view-models/history.js';
import { canLoadOlder, HISTORY_PAGE, olderQuery } from './history.js';
import { moveSelection } from '../window.js';

export type Effect =
  | { type: 'quit' }
  | { type: 'preview'; action: Action; requestId: number }
  | { type: 'run'; action: Action; label: string; requestId: number }
  | { type: 'fenceCheck'; requestId: number }
  | { type: 'why'; resource: string; requestId: number }
  | { type: 'switchContext'; name: string }
  /** Read a page of the transition history. */
  | { type: 'history'; requestId: number; mode: 'newest' | 'older'; query: HistoryQuery }
  /** Read one scheduler input in full (time travel). */
  | { type: 'travel'; at: InputTarget; requestId: number };

export interface KeyContext {
  readOnly: boolean;
  /** Rows of the current list view (filtered, as shown). */
  rows: readonly Row[];
  /** Resolved cursor into rows, and the first visible row. */
  cursor: number;
  offset: number;
  /** Visible body height in rows (page size). */
  height: number;
  snapshot: ClusterSnapshot | null;
  /** Number of lines of the detail screen (when open). */
  detailLines: number;
  /** Number of lines of the scrollable overlay content (help, plan, fence check). */
  overlayLines: number;
  /** Configured contexts, or null when there is no configuration. */
  contexts: string[] | null;
  /** False when no action interface is wired (e.g. an offline CIB file). */
  hasActions: boolean;
  /** Why the History view cannot be read here (one CIB file has no scheduler inputs): said instead of reading. */
  historyUnavailable?: string | null;
  /**
   * Saved scheduler inputs (pcmk-top --from), no cluster: every change and every question to the
   * cluster is refused, and Esc from time travel returns to the newest input (its label).
   */
  offline?: { newest: string | null } | null;
  /** Rows of a view without the filter, for :res / :node jumps. */
  rowsOf(view: ViewId): readonly Row[];
  /** Rows of the History view as it shows them (filtered): where `[` and `]` step. */
  historyRows: readonly Row[];
  /**
   * What the live cluster's state is at (its CIB version); the History view is read again when
   * it is entered and this changed since the last read. Null when unknown.
   */
  liveVersion: string | null;
}

export interface KeyResult {
  actions: UiAction[];
  effects: Effect[];
}

const none = (): KeyResult => ({ actions: [], effects: [] });
const act = (...actions: UiAction[]): KeyResult => ({ actions, effects: [] });

function motionFor(name: string): Motion | null {
  switch (name) {
    case 'up':
    case 'k':
      return { by: 'line', n: -1 };
    case 'down':
    case 'j':
      return { by: 'line', n: 1 };
    case 'pageup':
    case 'ctrl-b':
      return { by: 'page', n: -1 };
    case 'pagedown':
    case 'ctrl-f':
      return { by: 'page', n: 1 };
    case 'home':
    case 'g':
      return { by: 'top' };
    case 'end':
    case 'G':
      return { by: 'bottom' };
    default:
      return null;
  }
}

/** Arrow-like motions only (for overlays where letters are typed text). */
function arrowMotion(name: string): Motion | null {
  return ['up', 'down', 'pageup', 'pagedown', 'home', 'end'].includes(name) ? motionFor(name) : null;
}

export function selectedTarget(state: UiState, ctx: KeyContext): Target | null {
  if (state.detail) return state.detail.target;
  return ctx.rows[ctx.cursor]?.target ?? null;
}

export function interpretKey(state: UiState, ev: KeyEvent, ctx: KeyContext): KeyResult {
  return withHistoryRead(state, interpretOne(state, ev, ctx), ctx);
}

/** Entering the History view reads the newest inputs, unless they were read at this live state. */
function withHistoryRead(state: UiState, r: KeyResult, ctx: KeyContext): KeyResult {
  const enters = r.actions.some((a) => (a.type === 'switchView' || a.type === 'jump') && a.view === 'history');
  if (!enters) return r;
  const read = historyRead(state, ctx);
  return { actions: [...r.actions, ...read.actions], effects: [...r.effects, ...read.effects] };
}

/**
 * The History view's read of the newest inputs (entering it, or starting on it): none while one
 * runs or when they were read at this live state; where there is nothing to read, why.
 */
export function historyRead(state: UiState, ctx: Pick<KeyContext, 'hasActions' | 'historyUnavailable' | 'liveVersion'>): KeyResult {
  if (state.history.loading) return none();
  if (ctx.historyUnavailable) return act({ type: 'status', tone: 'warn', text: ctx.historyUnavailable });
  if (!ctx.hasActions) return act({ type: 'status', tone: 'warn', text: 'history is not available here (no connection to the cluster)' });
  if (state.history.loaded && !state.history.error && state.history.readAt === ctx.liveVersion) return none();
  const requestId = state.nextRequestId;
  return {
    actions: [{ type: 'historyRequested', requestId, mode: 'newest', readAt: ctx.liveVersion }],
    effects: [{ type: 'history', requestId, mode: 'newest', query: { limit: HISTORY_PAGE } }],
  };
}

/** Where Esc from time travel returns: the live cluster, or offline the newest input. */
function backTo(ctx: KeyContext): string {
  return ctx.offline ? `the newest input${ctx.offline.newest ? `, #${ctx.offline.newest}` : ''}` : 'live';
}

/** Offline there is no cluster: what every change, why and the fencing test get. */
export const OFFLINE_REFUSAL = 'offline: saved scheduler inputs, there is no cluster to change or ask';

function loadOlder(state: UiState): KeyResult {
  const query = canLoadOlder(state.history) ? olderQuery(state.history) : null;
  if (!query) return none();
  const requestId = state.nextRequestId;
  return {
    actions: [{ type: 'historyRequested', requestId, mode: 'older', readAt: state.history.readAt }],
    effects: [{ type: 'history', requestId, mode: 'older', query }],
  };
}

function interpretOne(state: UiState, ev: KeyEvent, ctx: KeyContext): KeyResult {
  if (ev.name === 'ctrl-c') return { actions: [{ type: 'quit' }], effects: [{ type: 'quit' }] };
  const o = state.overlay;
  switch (o.kind) {
    case 'help':
    case 'fenceCheck': {
      if (['escape', 'enter', 'q', '?'].includes(ev.name)) return act({ type: 'cancel' });
      const m = motionFor(ev.name);
      return m ? act({ type: 'scroll', motion: m, total: ctx.overlayLines, height: ctx.height }) : none();
    }
    case 'why': {
      if (['escape', 'q', 'w'].includes(ev.name)) return act({ type: 'cancel' });
      if (ev.name === 'enter') {
        const next = o.result.state === 'done' ? o.result.value.next : null;
        if (!next) return act({ type: 'status', tone: 'info', text: o.result.state === 'loading' ? 'waiting for the answer...' : 'no single action fixes this (see the causes)' });
        if (ctx.readOnly) return act({ type: 'status', tone: 'warn', text: `read-only: ${next.command}` });
        return confirmAction(state, next.action, next.command.replace(/^pcmk /, ''), isDestructive(next.action.name) ? confirmName(next.action) : null, ctx);
      }
      const m = motionFor(ev.name);
      return m ? act({ type: 'scroll', motion: m, total: ctx.overlayLines, height: ctx.height }) : none();
    }
    case 'filter': {
      const text = state.filters[state.view];
      if (ev.name === 'escape') return act({ type: 'clearFilter' });
      if (ev.name === 'enter') return act({ type: 'commitFilter' });
      if (ev.name === 'backspace') return act({ type: 'typeFilter', text: text.slice(0, -1) });
      if (ev.name === 'ctrl-u') return act({ type: 'typeFilter', text: '' });
      const m = arrowMotion(ev.name);
      if (m) return selectMotion(m, ctx);
      if (ev.text !== null) return act({ type: 'typeFilter', text: text + ev.text });
      return none();
    }
    case 'command': {
      if (ev.name === 'escape') return act({ type: 'cancel' });
      if (ev.name === 'backspace') return act(o.text ? { type: 'typeCommand', text: o.text.slice(0, -1) } : { type: 'cancel' });
      if (ev.name === 'ctrl-u') return act({ type: 'typeCommand', text: '' });
      if (ev.name === 'enter') return runCommandLine(state, o.text, ctx);
      if (ev.text !== null) return act({ type: 'typeCommand', text: o.text + ev.text });
      return none();
    }
    case 'move': {
      if (ev.name === 'escape' || ev.name === 'q') return act({ type: 'cancel' });
      const m = motionFor(ev.name);
      if (m) return act({ type: 'select', motion: m, total: o.candidates.length, height: ctx.height, keyOf: () => null });
      if (ev.name === 'enter') {
        const target = o.candidates[o.cursor];
        if (!target) return none();
        return confirmAction(state, { name: 'move', resource: o.resource, node: target.node }, `move resource ${o.resource} to node ${target.node}`, null, ctx);
      }
      return none();
    }
    case 'contexts': {
      if (ev.name === 'escape' || ev.name === 'q') return act({ type: 'cancel' });
      const m = motionFor(ev.name);
      if (m) return act({ type: 'select', motion: m, total: o.names.length, height: ctx.height, keyOf: () => null });
      if (ev.name === 'enter') {
        const name = o.names[o.cursor];
        return name
          ? { actions: [{ type: 'cancel' }, { type: 'status', tone: 'info', text: `switching to context ${name}` }], effects: [{ type: 'switchContext', name }] }
          : none();
      }
      return none();
    }
    case 'confirm': {
      if (ev.name === 'escape') return act({ type: 'cancel' }, { type: 'status', tone: 'info', text: `cancelled: ${o.label}` });
      const scroll = arrowMotion(ev.name);
      if (scroll) return act({ type: 'scroll', motion: scroll, total: ctx.overlayLines, height: ctx.height });
      if (o.expected !== null) {
        if (ev.name === 'backspace') return act({ type: 'typeConfirm', text: o.typed.slice(0, -1) });
        if (ev.name === 'ctrl-u') return act({ type: 'typeConfirm', text: '' });
        if (ev.name === 'enter') {
          if (o.typed !== o.expected) return act({ type: 'status', tone: 'warn', text: `type "${o.expected}" to confirm, Esc to cancel` });
          return accept(o);
        }
        if (ev.text !== null) return act({ type: 'typeConfirm', text: o.typed + ev.text });
        return none();
      }
      if (ev.name === 'n' || ev.name === 'q') return act({ type: 'cancel' }, { type: 'status', tone: 'info', text: `cancelled: ${o.label}` });
      if (ev.name === 'enter' || ev.name === 'y') return accept(o);
      return none();
    }
    case 'none':
      break;
  }
  const target = selectedTarget(state, ctx);
  const travelling = state.travel !== null;
  const binding = resolveKey(ev.name, { screen: state.detail ? 'detail' : state.view, readOnly: ctx.readOnly, target: target?.kind ?? null, travelling });
  if (!binding) {
    // Action keys with nothing selected: say why instead of silently ignoring them.
    const unbound = resolveKey(ev.name, { screen: state.detail ? 'detail' : state.view, readOnly: ctx.readOnly, travelling });
    if (unbound?.targets) return act({ type: 'status', tone: 'warn', text: `${unbound.command}: select a ${unbound.targets.join(' or ')} first` });
    return none();
  }
  if (state.travel && (binding.changesCluster || binding.readsLive)) {
    // The screen shows the past: nothing is planned from it, and why/fence-test would answer for now.
    return act({ type: 'status', tone: 'warn', text: `time travel: the cluster as of #${state.travel.at.label} is read-only (Esc returns to ${backTo(ctx)})` });
  }
  if (ctx.offline && (binding.changesCluster || binding.readsLive)) return act({ type: 'status', tone: 'warn', text: OFFLINE_REFUSAL });
  return runBinding(state, binding, target, ctx);
}

/** Travel to a History row's input (from the cache when it was read lately). */
function travelTo(state: UiState, at: InputTarget, ctx: KeyContext, extra: UiAction[] = []): KeyResult {
  const requestId = state.nextRequestId;
  const index = ctx.historyRows.findIndex((r) => r.target?.kind === 'input' && r.target.key === at.key);
  const cached = state.travelCache.find((c) => c.key === at.key)?.snapshot;
  return {
    actions: [{ type: 'travelTo', at, requestId, index: index >= 0 ? index : undefined, ...(cached ? { snapshot: cached } : {}) }, ...extra],
    effects: cached ? [] : [{ type: 'travel', at, requestId }],
  };
}

/** `[` (older, +1) and `]` (newer, -1) along the History view's rows (newest first). */
function step(state: UiState, dir: 1 | -1, ctx: KeyContext): KeyResult {
  const t = state.travel;
  if (!t) return none();
  const rows = ctx.historyRows;
  const i = rows.findIndex((r) => r.target?.kind === 'input' && r.target.key === t.at.key);
  if (i < 0) return act({ type: 'status', tone: 'warn', text: `#${t.at.label} is not in the History list (its filter?); Esc returns to live` });
  const next = rows[i + dir]?.target;
  if (next?.kind === 'input') return travelTo(state, next, ctx);
  if (dir === -1) return act({ type: 'status', tone: 'info', text: `#${t.at.label} is the newest input read; Esc returns to ${backTo(ctx)}` });
  const more = loadOlder(state);
  if (more.effects.length) return { actions: [...more.actions, { type: 'status', tone: 'info', text: 'reading older scheduler inputs... ([ again when they are listed)' }], effects: more.effects };
  return act({ type: 'status', tone: 'info', text: state.history.loading ? 'reading older scheduler inputs...' : `#${t.at.label} is the oldest input read` });
}

function accept(o: Extract<UiState['overlay'], { kind: 'confirm' }>): KeyResult {
  if (o.plan.state === 'loading') return act({ type: 'status', tone: 'info', text: 'waiting for the preview...' });
  if (o.plan.state === 'error') return act({ type: 'status', tone: 'error', text: `cannot run: ${o.plan.message}` });
  if (!o.plan.value.ok) return act({ type: 'status', tone: 'error', text: `cannot run: ${o.plan.value.error ?? 'the plan was refused'}` });
  return {
    actions: [{ type: 'actionStarted', requestId: o.requestId, label: o.label }],
    effects: [{ type: 'run', action: o.action, label: o.label, requestId: o.requestId }],
  };
}

function selectMotion(m: Motion, ctx: KeyContext): KeyResult {
  const rows = ctx.rows;
  return act({
    type: 'select',
    motion: m,
    total: rows.length,
    height: ctx.height,
    keyOf: (i) => rows[i]?.key ?? null,
    from: { cursor: ctx.cursor, offset: ctx.offset },
  });
}

function runCommandLine(state: UiState, text: string, ctx: KeyContext): KeyResult {
  const cmd = parseCommandLine(text);
  switch (cmd.kind) {
    case 'quit':
      return { actions: [{ type: 'cancel' }, { type: 'quit' }], effects: [{ type: 'quit' }] };
    case 'help':
      return act({ type: 'openHelp' });
    case 'view':
      return act({ type: 'switchView', view: cmd.view });
    case 'jump': {
      const rows = ctx.rowsOf(cmd.view);
      const index = findRowIndex(rows, cmd.name);
      if (index < 0) return act({ type: 'cancel' }, { type: 'status', tone: 'error', text: `no ${cmd.view === 'nodes' ? 'node' : 'resource'} named ${cmd.name}` });
      return act({ type: 'jump', view: cmd.view, key: rows[index].key, index }, { type: 'status', tone: 'info', text: `${cmd.view === 'nodes' ? 'node' : 'resource'} ${cmd.name}` });
    }
    case 'context': {
      if (!ctx.contexts || !ctx.contexts.length) return act({ type: 'cancel' }, { type: 'status', tone: 'error', text: 'no contexts configured' });
      if (!cmd.name) return act({ type: 'openContexts', names: ctx.contexts });
      if (!ctx.contexts.includes(cmd.name)) {
        return act({ type: 'cancel' }, { type: 'status', tone: 'error', text: `unknown context ${cmd.name} (known: ${ctx.contexts.join(', ')})` });
      }
      return {
        actions: [{ type: 'cancel' }, { type: 'status', tone: 'info', text: `switching to context ${cmd.name}` }],
        effects: [{ type: 'switchContext', name: cmd.name }],
      };
    }
    case 'error':
      return act({ type: 'cancel' }, { type: 'status', tone: 'error', text: cmd.message });
  }
  void state;
}

function viewByCommand(c: CommandId): ViewId | null {
  return c.startsWith('view.') ? (c.slice(5) as ViewId) : null;
}

function runBinding(state: UiState, b: Binding, target: Target | null, ctx: KeyContext): KeyResult {
  const v = viewByCommand(b.command);
  if (v) return act({ type: 'switchView', view: v });
  const m = motionFor(b.keys[0]);
  switch (b.command) {
    case 'up':
    case 'down':
    case 'pageUp':
    case 'pageDown':
    case 'top':
    case 'bottom':
      if (!m) return none();
      if (state.detail) return act({ type: 'scroll', motion: m, total: ctx.detailLines, height: ctx.height });
      if (state.view === 'history') {
        // Reaching the last row of the History view reads the next older page.
        const to = moveSelection({ cursor: ctx.cursor, offset: ctx.offset, key: null }, m, ctx.rows.length, ctx.height, () => null);
        const sel = selectMotion(m, ctx);
        if (to.cursor < ctx.rows.length - 1) return sel;
        const more = loadOlder(state);
        return { actions: [...sel.actions, ...more.actions], effects: more.effects };
      }
      return selectMotion(m, ctx);
    case 'detail':
      return target ? act({ type: 'openDetail', target }) : none();
    case 'failcounts': {
      if (!target) return none();
      // The detail, scrolled to its fail counts.
      const lines = toDetail(ctx.snapshot, target).lines;
      const at = lines.findIndex((l) => l.tone === 'heading' && l.text === 'Fail counts');
      return act({ type: 'openDetail', target, offset: Math.max(0, at) });
    }
    case 'back':
      if (state.detail) return act({ type: 'back' });
      if (state.travel) return act({ type: 'leaveTravel' }, { type: 'status', tone: 'info', text: ctx.offline ? `back to ${backTo(ctx)}` : 'back to the live cluster' });
      if (state.filters[state.view]) return act({ type: 'clearFilter' });
      return none();
    case 'nextView':
    case 'prevView': {
      const i = VIEWS.findIndex((x) => x.id === state.view);
      const n = VIEWS.length;
      const next = VIEWS[(i + (b.command === 'nextView' ? 1 : n - 1)) % n];
      return act({ type: 'switchView', view: next.id });
    }
    case 'filter':
      return act({ type: 'openFilter' });
    case 'command':
      return act({ type: 'openCommand' });
    case 'help':
      return act({ type: 'openHelp' });
    case 'quit':
      return { actions: [{ type: 'quit' }], effects: [{ type: 'quit' }] };
    case 'groupByNode':
      return act({ type: 'toggleGroupByNode' });
    case 'why': {
      if (!ctx.hasActions) return act({ type: 'status', tone: 'warn', text: 'why is not available here (no connection to the cluster)' });
      if (target?.kind !== 'resource') return none();
      const resource = configuredId(ctx.snapshot, target.id);
      return { actions: [{ type: 'openWhy', resource, requestId: state.nextRequestId }], effects: [{ type: 'why', resource, requestId: state.nextRequestId }] };
    }
    case 'travel':
      if (target?.kind !== 'input') return none();
      return travelTo(state, target, ctx, [{ type: 'switchView', view: 'resources' }]);
    case 'travelOlder':
      return step(state, 1, ctx);
    case 'travelNewer':
      return step(state, -1, ctx);
    case 'fenceCheck':
      if (!ctx.hasActions) return act({ type: 'status', tone: 'warn', text: 'fencing test is not available here (no connection to the cluster)' });
      return { actions: [{ type: 'openFenceCheck', requestId: state.nextRequestId }], effects: [{ type: 'fenceCheck', requestId: state.nextRequestId }] };
    default:
      return clusterAction(state, b, target, ctx);
  }
}

/** The configured id for a selected row's resource (instance ids of anonymous clones drop ":N"). */
function configuredId(snapshot: ClusterSnapshot | null, id: string): string {
  if (!snapshot) return id;
  const cfg = locateResource(snapshot, indexResources(snapshot), id).config;
  return cfg && (cfg.id === id || cfg.id === baseResourceId(id)) ? cfg.id : id;
}

function clusterAction(state: UiState, b: Binding, target: Target | null, ctx: KeyContext): KeyResult {
  if (ctx.readOnly || !b.changesCluster) return none();
  if (!ctx.hasActions) return act({ type: 'status', tone: 'warn', text: 'actions are not available here (no connection to the cluster)' });
  const snap = ctx.snapshot;
  // A destructive action (from the action table) asks for the name of exactly what it acts on.
  const confirm = (action: Action, label: string, name: string) => confirmAction(state, action, label, isDestructive(action.name) ? name : null, ctx);

  if (b.command === 'clusterMaintenance') {
    const on = !isTrue(snap?.cluster.options['maintenance-mode']);
    const name = snap?.cluster.name ?? 'cluster';
    return confirm({ name: 'cluster-maintenance', state: on ? 'on' : 'off' }, `${on ? 'enter' : 'leave'} maintenance mode for the WHOLE cluster ${name}`, name);
  }
  if (!target) return act({ type: 'status', tone: 'warn', text: `${b.command}: nothing selected` });

  if (target.kind === 'node') {
    const node = snap?.nodes.find((n) => n.name === target.name);
    switch (b.command) {
      case 'standby':
        return node?.standby
          ? confirm({ name: 'unstandby', node: target.name }, `bring node ${target.name} out of standby`, target.name)
          : confirm({ name: 'standby', node: target.name }, `put node ${target.name} in standby (its resources move away)`, target.name);
      case 'maintenance': {
        const on = !node?.maintenance;
        return confirm({ name: 'node-maintenance', node: target.name, state: on ? 'on' : 'off' }, `${on ? 'enter' : 'leave'} maintenance on node ${target.name} (every resource on it)`, target.name);
      }
      case 'fence':
        return confirm({ name: 'fence', node: target.name }, `FENCE node ${target.name} (reboot it)`, target.name);
      default:
        return none();
    }
  }

  if (target.kind === 'constraint') {
    if (b.command !== 'clear') return none();
    if (!target.cli || !target.resource) {
      return act({ type: 'status', tone: 'warn', text: `${target.id} is not a move/ban constraint (cli-prefer/cli-ban); edit it with the configuration tools` });
    }
    const action: Action = target.node ? { name: 'clear', resource: target.resource, node: target.node } : { name: 'clear', resource: target.resource };
    return confirm(action, `clear move/ban constraints of resource ${target.resource}${target.node ? ` on node ${target.node}` : ''}`, target.resource);
  }

  if (target.kind === 'input') return none();
  // Resource actions.
  const top = snap ? actionResourceId(snap, target.id) : target.id;
  const id = configuredId(snap, target.id);
  const onNode = target.node ? { node: target.node } : {};
  switch (b.command) {
    case 'move': {
      const candidates = snap ? toMoveTargets(snap, target.id) : [];
      if (!candidates.length) return act({ type: 'status', tone: 'warn', text: `move ${top}: no eligible node (online, not standby, not already running it, not banned)` });
      return act({ type: 'openMove', resource: top, candidates });
    }
    case 'ban': {
      const node = target.node ?? snap?.instances.find((i) => (i.id === target.id || i.parent === top) && i.nodes.length)?.nodes[0];
      if (!node) return act({ type: 'status', tone: 'warn', text: `ban ${top}: it is not running anywhere` });
      return confirm({ name: 'ban', resource: top, node }, `ban resource ${top} from node ${node}`, top);
    }
    case 'clear':
      return confirm({ name: 'clear', resource: top }, `clear move/ban constraints of resource ${top}`, top);
    case 'cleanup':
      return confirm({ name: 'cleanup', resource: id, ...onNode }, `cleanup resource ${id}${target.node ? ` on node ${target.node}` : ''}`, id);
    case 'refresh':
      return confirm({ name: 'refresh', resource: id, ...onNode }, `refresh resource ${id}${target.node ? ` on node ${target.node}` : ''}`, id);
    case 'failcountReset':
      return confirm({ name: 'failcount-reset', resource: id, ...onNode }, `reset the fail count of resource ${id}${target.node ? ` on node ${target.node}` : ''}`, id);
    case 'restart':
      return confirm({ name: 'restart', resource: top }, `restart resource ${top} (and what depends on it)`, top);
    case 'maintenance': {
      const cfg = snap?.resources.find((r) => r.id === top);
      const on = !isTrue(cfg?.meta['maintenance']);
      return confirm({ name: 'resource-maintenance', resource: top, state: on ? 'on' : 'off' }, `${on ? 'enter' : 'leave'} maintenance for resource ${top} only (not the cluster)`, top);
    }
    case 'enable':
      return confirm({ name: 'enable', resource: id }, `enable resource ${id}`, id);
    case 'disable':
      return confirm({ name: 'disable', resource: id }, `disable (stop) resource ${id}`, id);
    default:
      return none();
  }
}

/** The name a destructive action's confirmation asks for: what it acts on. */
function confirmName(a: Action): string {
  if ('resource' in a && a.resource) return a.resource;
  if ('node' in a && a.node) return a.node;
  return 'cluster';
}

function confirmAction(state: UiState, action: Action, label: string, expected: string | null, ctx: KeyContext): KeyResult {
  if (ctx.readOnly) return none();
  const requestId = state.nextRequestId;
  return {
    actions: [{ type: 'openConfirm', action, label, expected, requestId }],
    effects: [{ type: 'preview', action, requestId }],
  };
}
