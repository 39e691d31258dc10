/**
 * The keymap as data: every command with its keys, description, the screens it works on, and
 * whether it changes the cluster (and is dangerous). Help, footer and key dispatch all read it;
 * read-only mode simply does not bind any command that changes the cluster.
 */
import type { Target } from './view-models/rows.js';

export type ViewId = 'nodes' | 'resources' | 'failures' | 'fencing' | 'constraints';
export type Screen = ViewId | 'detail';

export const VIEWS: { id: ViewId; title: string; key: string }[] = [
  { id: 'nodes', title: 'Nodes', key: '1' },
  { id: 'resources', title: 'Resources', key: '2' },
  { id: 'failures', title: 'Failures', key: '3' },
  { id: 'fencing', title: 'Fencing', key: '4' },
  { id: 'constraints', title: 'Constraints', key: '5' },
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
  | 'filter'
  | 'command'
  | 'help'
  | 'quit'
  | 'groupByNode'
  | 'failcounts'
  | 'fenceCheck'
  | 'move'
  | 'ban'
  | 'clear'
  | 'cleanup'
  | 'failcountReset'
  | 'standby'
  | 'maintenance'
  | 'enable'
  | 'disable'
  | 'fence';

export type Category = 'navigation' | 'views' | 'general' | 'actions';

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
  /** Changes the cluster: never bound in read-only mode; always confirmed. */
  changesCluster: boolean;
  /** Dangerous: the confirmation asks the operator to type the target's name. */
  danger: boolean;
}

const LISTS: readonly Screen[] = ['nodes', 'resources', 'failures', 'fencing', 'constraints'];
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
  { command: 'detail', keys: ['enter'], description: 'Show the detail of the selection', category: 'navigation', screens: LISTS, footer: 'Enter detail', changesCluster: false, danger: false },
  { command: 'back', keys: ['escape'], description: 'Back from the detail / clear the filter', category: 'navigation', screens: 'all', footer: 'Esc back', changesCluster: false, danger: false },
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
  { command: 'fenceCheck', keys: ['t'], description: 'Fencing readiness test (non-destructive)', category: 'general', screens: ['nodes', 'fencing'], footer: 't fence-test', changesCluster: false, danger: false },
  { command: 'move', keys: ['m'], description: 'Move the resource: pick a node, preview, confirm', category: 'actions', screens: ['resources', 'detail'], targets: ['resource'], footer: 'm move', changesCluster: true, danger: false },
  { command: 'ban', keys: ['b'], description: 'Ban the resource from its current node', category: 'actions', screens: ['resources', 'detail'], targets: ['resource'], footer: 'b ban', changesCluster: true, danger: true },
  { command: 'clear', keys: ['C'], description: 'Clear move/ban constraints (cli-prefer/cli-ban) of the resource', category: 'actions', screens: ['resources', 'constraints', 'detail'], targets: ['resource', 'constraint'], footer: 'C clear', changesCluster: true, danger: false },
  { command: 'cleanup', keys: ['c'], description: 'Clean up the resource (failures and history)', category: 'actions', screens: ['resources', 'failures', 'detail'], targets: ['resource'], footer: 'c cleanup', changesCluster: true, danger: false },
  { command: 'failcountReset', keys: ['F'], description: 'Reset the fail count', category: 'actions', screens: ['resources', 'failures', 'detail'], targets: ['resource'], footer: 'F reset-fails', changesCluster: true, danger: false },
  { command: 'standby', keys: ['s'], description: 'Put the node in standby / bring it back (toggle)', category: 'actions', screens: ['nodes', 'detail'], targets: ['node'], footer: 's standby', changesCluster: true, danger: true },
  { command: 'maintenance', keys: ['M'], description: 'Toggle maintenance of the node or resource', category: 'actions', screens: ['nodes', 'resources', 'detail'], targets: ['node', 'resource'], footer: 'M maint', changesCluster: true, danger: true },
  { command: 'enable', keys: ['e'], description: 'Enable (start) the resource', category: 'actions', screens: ['resources', 'detail'], targets: ['resource'], footer: 'e enable', changesCluster: true, danger: false },
  { command: 'disable', keys: ['d'], description: 'Disable (stop) the resource', category: 'actions', screens: ['resources', 'detail'], targets: ['resource'], footer: 'd disable', changesCluster: true, danger: true },
  { command: 'fence', keys: ['X'], description: 'Fence the node (type its name to confirm)', category: 'actions', screens: ['nodes', 'detail'], targets: ['node'], footer: 'X fence', changesCluster: true, danger: true },
];

export interface KeymapQuery {
  screen: Screen;
  readOnly: boolean;
  /** Kind of the current selection (null when nothing is selected). */
  target?: Target['kind'] | null;
}

function applies(b: Binding, q: KeymapQuery): boolean {
  if (q.readOnly && b.changesCluster) return false;
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
};

/** The `?` overlay: every binding active in this mode, by category; dangerous ones marked "!". */
export function helpLines(readOnly: boolean, keymap: readonly Binding[] = KEYMAP): HelpLine[] {
  const out: HelpLine[] = [];
  for (const cat of Object.keys(CATEGORY_TITLES) as Category[]) {
    const list = keymap.filter((b) => b.category === cat && !(readOnly && b.changesCluster));
    if (!list.length) continue;
    if (out.length) out.push({ text: '', heading: false, danger: false });
    out.push({ text: CATEGORY_TITLES[cat], heading: true, danger: false });
    for (const b of list) {
      const keys = b.keys.map(displayKey).join(' ');
      const where = b.screens === 'all' ? '' : ` [${b.screens.join(', ')}]`;
      out.push({ text: `  ${keys.padEnd(14)} ${b.danger ? '! ' : '  '}${b.description}${where}`, heading: false, danger: b.danger });
    }
  }
  if (readOnly) {
    out.push({ text: '', heading: false, danger: false });
    out.push({ text: 'Read-only mode: no key changes the cluster.', heading: true, danger: false });
  } else {
    out.push({ text: '', heading: false, danger: false });
    out.push({ text: '! = dangerous: the confirmation asks you to type the target name.', heading: false, danger: false });
  }
  return out;
}

/** Footer hints for the current screen and selection, e.g. "1-5 view  / filter  m move ...". */
export function footerHints(q: KeymapQuery, keymap: readonly Binding[] = KEYMAP): string[] {
  // Actions on the selection first (they differ per screen), then help and the general keys.
  const active = bindingsFor(q, keymap).filter((b) => b.footer);
  const order: Category[] = ['actions', 'general', 'navigation', 'views'];
  const hints: string[] = ['? help'];
  for (const cat of order) {
    if (cat === 'general') hints.push('q quit');
    for (const b of active) if (b.category === cat && b.footer && !hints.includes(b.footer)) hints.push(b.footer);
  }
  hints.push('1-5 view');
  return hints;
}
