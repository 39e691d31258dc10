/**
 * The keymap as data: every command with its keys, description, the screens it works on, and
 * whether it changes the cluster (and is dangerous). Help, footer and key dispatch all read it;
 * read-only mode simply does not bind any command that changes the cluster.
 */
import { changesCluster, isDestructive, type ActionName } from '../model/actions.js';
import type { Target } from './view-models/rows.js';

export type ViewId = 'nodes' | 'resources' | 'failures' | 'fencing' | 'constraints' | 'history';
export type Screen = ViewId | 'detail';

export const VIEWS: { id: ViewId; title: string; key: string }[] = [
  { id: 'nodes', title: 'Nodes', key: '1' },
  { id: 'resources', title: 'Resources', key: '2' },
  { id: 'failures', title: 'Failures', key: '3' },
  { id: 'fencing', title: 'Fencing', key: '4' },
  { id: 'constraints', title: 'Constraints', key: '5' },
  { id: 'history', title: 'History', key: '6' },
];

export type CommandId =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'detail'
  | 'back'
  | 'nextView'
  | 'prevView'
  | 'view.nodes'
  | 'view.resources'
  | 'view.failures'
  | 'view.fencing'
  | 'view.constraints'
  | 'view.history'
  | 'travel'
  | 'travelOlder'
  | 'travelNewer'
  | 'filter'
  | 'command'
  | 'help'
  | 'quit'
  | 'groupByNode'
  | 'failcounts'
  | 'fenceCheck'
  | 'why'
  | 'move'
  | 'ban'
  | 'clear'
  | 'cleanup'
  | 'failcountReset'
  | 'standby'
  | 'maintenance'
  | 'clusterMaintenance'
  | 'enable'
  | 'disable'
  | 'restart'
  | 'refresh'
  | 'fence';

export type Category = 'navigation' | 'views' | 'general' | 'actions' | 'history';

export interface Binding {
  command: CommandId;
  /** Normalized key names (see normalizeKey): 'j', 'G', 'up', 'enter', 'escape', 'ctrl-c'... */
  keys: string[];
  description: string;
  category: Category;
  /** Screens where the binding is active. */
  screens: readonly Screen[] | 'all';
  /** Target kinds the selection must have (actions). */
  targets?: readonly Target['kind'][];
  /** Short footer label; bindings without one are left out of the footer. */
  footer?: string;
  /** The actions of the table (src/model/actions.ts) the key can send, depending on the selection. */
  actions?: readonly ActionName[];
  /** Only while travelling in time (the footer shows it then). */
  travelOnly?: boolean;
  /** Asks the live cluster (why, fence test): refused while travelling in time, like every change. */
  readsLive?: boolean;
  /** Changes the cluster (from the action table): never bound in read-only mode; always confirmed. */
  changesCluster: boolean;
  /** Destructive (from the action table): the confirmation asks the operator to type the target's name. */
  danger: boolean;
}

/** A key that sends actions of the table; its flags are read from the table, never set by hand. */
function action(
  command: CommandId,
  key: string,
  description: string,
  screens: readonly Screen[],
  targets: readonly Target['kind'][] | undefined,
  footer: string | undefined,
  actions: readonly ActionName[],
): Binding {
  return {
    command,
    keys: [key],
    description,
    category: 'actions',
    screens,
    ...(targets ? { targets } : {}),
    ...(footer ? { footer } : {}),
    actions,
    changesCluster: actions.some((a) => changesCluster(a)),
    danger: actions.some((a) => isDestructive(a)),
  };
}

/** The views of the cluster's state (Enter opens a detail there); the History view lists inputs. */
const STATE_VIEWS: readonly Screen[] = ['nodes', 'resources', 'failures', 'fencing', 'constraints'];
const LISTS: readonly Screen[] = [...STATE_VIEWS, 'history'];
const nav = (command: CommandId, keys: string[], description: string, footer?: string): Binding => ({
  command,
  keys,
  description,
  category: 'navigation',
  screens: 'all',
  footer,
  changesCluster: false,
  danger: false,
});

export const KEYMAP: readonly Binding[] = [
  nav('up', ['up', 'k'], 'Select the previous row'),
  nav('down', ['down', 'j'], 'Select the next row', 'j/k move'),
  nav('pageUp', ['pageup', 'ctrl-b'], 'Page up'),
  nav('pageDown', ['pagedown', 'ctrl-f'], 'Page down'),
  nav('top', ['g', 'home'], 'Go to the first row'),
  nav('bottom', ['G', 'end'], 'Go to the last row'),
  { command: 'detail', keys: ['enter'], description: 'Show the detail of the selection', category: 'navigation', screens: STATE_VIEWS, footer: 'Enter detail', changesCluster: false, danger: false },
  { command: 'back', keys: ['escape'], description: 'Back from the detail / back to live from time travel / clear the filter', category: 'navigation', screens: 'all', footer: 'Esc back', changesCluster: false, danger: false },
  ...VIEWS.map(
    (v): Binding => ({
      command: `view.${v.id}` as CommandId,
      keys: [v.key],
      description: `Show the ${v.title} view`,
      category: 'views',
      screens: 'all',
      changesCluster: false,
      danger: false,
    }),
  ),
  { command: 'nextView', keys: ['tab'], description: 'Next view', category: 'views', screens: 'all', footer: 'Tab view', changesCluster: false, danger: false },
  { command: 'prevView', keys: ['shift-tab'], description: 'Previous view', category: 'views', screens: 'all', changesCluster: false, danger: false },
  { command: 'filter', keys: ['/'], description: 'Filter rows (regex over id, node, agent, state); Enter keeps, Esc clears', category: 'general', screens: LISTS, footer: '/ filter', changesCluster: false, danger: false },
  { command: 'command', keys: [':'], description: 'Command line (:res NAME, :node NAME, :ctx NAME, :q)', category: 'general', screens: 'all', footer: ': cmd', changesCluster: false, danger: false },
  { command: 'help', keys: ['?'], description: 'Show this help', category: 'general', screens: 'all', footer: '? help', changesCluster: false, danger: false },
  { command: 'quit', keys: ['q', 'ctrl-c'], description: 'Quit pcmk-top', category: 'general', screens: 'all', footer: 'q quit', changesCluster: false, danger: false },
  { command: 'groupByNode', keys: ['n'], description: 'Toggle grouping resources by node', category: 'general', screens: ['resources'], footer: 'n by-node', changesCluster: false, danger: false },
  { command: 'failcounts', keys: ['f'], description: 'Show fail counts (detail of the selection)', category: 'general', screens: ['resources', 'failures'], targets: ['resource'], footer: 'f failcounts', changesCluster: false, danger: false },
  { command: 'why', keys: ['w'], description: 'Why: where the resource runs or why not (scores, causes, the next action on Enter)', category: 'general', screens: ['resources', 'detail'], targets: ['resource'], footer: 'w why', readsLive: true, changesCluster: false, danger: false },
  { command: 'fenceCheck', keys: ['t'], description: 'Fencing readiness test (non-destructive)', category: 'general', screens: ['nodes', 'fencing'], footer: 't fence-test', readsLive: true, changesCluster: false, danger: false },
  { command: 'travel', keys: ['enter'], description: 'Travel to this input: every view shows the cluster as it was then, read-only', category: 'history', screens: ['history'], footer: 'Enter travel', changesCluster: false, danger: false },
  { command: 'travelOlder', keys: ['['], description: 'Time travel: step to the previous (older) scheduler input', category: 'history', screens: 'all', footer: '[ older', travelOnly: true, changesCluster: false, danger: false },
  { command: 'travelNewer', keys: [']'], description: 'Time travel: step to the next (newer) scheduler input', category: 'history', screens: 'all', footer: '] newer', travelOnly: true, changesCluster: false, danger: false },
  action('move', 'm', 'Move the resource: pick a node, preview, confirm', ['resources', 'detail'], ['resource'], 'm move', ['move']),
  action('ban', 'b', 'Ban the resource from its current node', ['resources', 'detail'], ['resource'], 'b ban', ['ban']),
  action('clear', 'C', 'Clear move/ban constraints (cli-prefer/cli-ban) of the resource', ['resources', 'constraints', 'detail'], ['resource', 'constraint'], 'C clear', ['clear']),
  action('cleanup', 'c', 'Clean up the resource (failures and history)', ['resources', 'failures', 'detail'], ['resource'], 'c cleanup', ['cleanup']),
  action('refresh', 'r', "Refresh the resource's history (re-probe it everywhere)", ['resources', 'detail'], ['resource'], undefined, ['refresh']),
  action('failcountReset', 'F', 'Reset the fail count', ['resources', 'failures', 'detail'], ['resource'], 'F reset-fails', ['failcount-reset']),
  action('restart', 'R', 'Restart the resource (and what depends on it)', ['resources', 'detail'], ['resource'], 'R restart', ['restart']),
  action('standby', 's', 'Put the node in standby / bring it back (toggle)', ['nodes', 'detail'], ['node'], 's standby', ['standby', 'unstandby']),
  action('maintenance', 'M', 'Toggle maintenance of the selected node, or of the selected resource only', ['nodes', 'resources', 'detail'], ['node', 'resource'], 'M maint', [
    'node-maintenance',
    'resource-maintenance',
  ]),
  action('clusterMaintenance', 'Z', 'Toggle maintenance mode of the whole cluster', ['nodes'], undefined, undefined, ['cluster-maintenance']),
  action('enable', 'e', 'Enable (start) the resource', ['resources', 'detail'], ['resource'], 'e enable', ['enable']),
  action('disable', 'd', 'Disable (stop) the resource', ['resources', 'detail'], ['resource'], 'd disable', ['disable']),
  action('fence', 'X', 'Fence the node (type its name to confirm)', ['nodes', 'detail'], ['node'], 'X fence', ['fence']),
];

export interface KeymapQuery {
  screen: Screen;
  readOnly: boolean;
  /** Travelling in time: the step keys apply, and the footer offers no action. */
  travelling?: boolean;
  /** Saved scheduler inputs (pcmk-top --from), no cluster: the footer offers no action either. */
  offline?: boolean;
  /** Kind of the current selection (null when nothing is selected). */
  target?: Target['kind'] | null;
}

function applies(b: Binding, q: KeymapQuery): boolean {
  if (q.readOnly && b.changesCluster) return false;
  if (b.travelOnly && !q.travelling) return false;
  if (b.screens !== 'all' && !b.screens.includes(q.screen)) return false;
  if (b.targets && q.target !== undefined && (q.target === null || !b.targets.includes(q.target))) return false;
  return true;
}

/** Bindings active on a screen (read-only drops every command that changes the cluster). */
export function bindingsFor(q: KeymapQuery, keymap: readonly Binding[] = KEYMAP): Binding[] {
  return keymap.filter((b) => applies(b, q));
}

/** The binding a normalized key triggers, or null. */
export function resolveKey(key: string, q: KeymapQuery, keymap: readonly Binding[] = KEYMAP): Binding | null {
  for (const b of keymap) if (b.keys.includes(key) && applies(b, q)) return b;
  return null;
}

export function displayKey(key: string): string {
  const names: Record<string, string> = {
    up: 'Up',
    down: 'Down',
    pageup: 'PgUp',
    pagedown: 'PgDn',
    home: 'Home',
    end: 'End',
    enter: 'Enter',
    escape: 'Esc',
    tab: 'Tab',
    'shift-tab': 'S-Tab',
  };
  if (names[key]) return names[key];
  if (key.startsWith('ctrl-')) return `C-${key.slice(5)}`;
  return key;
}

export interface HelpLine {
  text: string;
  heading: boolean;
  danger: boolean;
}

const CATEGORY_TITLES: Record<Category, string> = {
  navigation: 'Navigation',
  views: 'Views',
  general: 'General',
  actions: 'Actions on the selection',
  history: 'History and time travel',
};

/**
 * The `?` overlay: every binding active in this mode, by category; dangerous ones marked "!".
 * Offline (saved scheduler inputs, no cluster) lists neither the changes nor what asks the cluster.
 */
export function helpLines(readOnly: boolean, keymap: readonly Binding[] = KEYMAP, offline = false): HelpLine[] {
  const out: HelpLine[] = [];
  for (const cat of Object.keys(CATEGORY_TITLES) as Category[]) {
    const list = keymap.filter((b) => b.category === cat && !((readOnly || offline) && b.changesCluster) && !(offline && b.readsLive));
    if (!list.length) continue;
    if (out.length) out.push({ text: '', heading: false, danger: false });
    out.push({ text: CATEGORY_TITLES[cat], heading: true, danger: false });
    for (const b of list) {
      const keys = b.keys.map(displayKey).join(' ');
      const where = b.screens === 'all' ? '' : ` [${b.screens.join(', ')}]`;
      out.push({ text: `  ${keys.padEnd(14)} ${b.danger ? '! ' : '  '}${b.description}${where}`, heading: false, danger: b.danger });
    }
  }
  if (offline) {
    out.push({ text: '', heading: false, danger: false });
    out.push({ text: 'Offline (saved scheduler inputs): there is no cluster to change or ask.', heading: true, danger: false });
  } else if (readOnly) {
    out.push({ text: '', heading: false, danger: false });
    out.push({ text: 'Read-only mode: no key changes the cluster.', heading: true, danger: false });
  } else {
    out.push({ text: '', heading: false, danger: false });
    out.push({ text: '! = dangerous: the confirmation asks you to type the target name.', heading: false, danger: false });
  }
  return out;
}

/** Footer hints for the current screen and selection, e.g. "1-6 view  / filter  m move ...". */
export function footerHints(q: KeymapQuery, keymap: readonly Binding[] = KEYMAP): string[] {
  // Actions on the selection first (they differ per screen), then help and the general keys.
  // Travelling in time or offline, no action applies: the history keys come first instead.
  const frozen = q.travelling || q.offline;
  const active = bindingsFor(q, keymap).filter((b) => b.footer && !(frozen && (b.changesCluster || b.readsLive)));
  const order: Category[] = frozen ? ['history', 'general', 'navigation', 'views'] : ['actions', 'history', 'general', 'navigation', 'views'];
  const hints: string[] = ['? help'];
  for (const cat of order) {
    if (cat === 'general') hints.push('q quit');
    for (const b of active) if (b.category === cat && b.footer && !hints.includes(b.footer)) hints.push(b.footer);
  }
  hints.push(`1-${VIEWS.length} view`);
  return hints;
}
