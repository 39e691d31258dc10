/**
 * The command table of `pcmk`: every command's words, arguments, options, one-line description and
 * the exit codes it can end with. The global usage (`pcmk help`), each command's usage (`pcmk help
 * CMD`, `pcmk CMD --help`) and shell completion (which position takes a resource, which a node)
 * are all read from here. Pure data and text; nothing here touches a cluster.
 */
import { OUTCOME_UNKNOWN_EXIT } from './outcome.js';
import { didYouMean, suggestNames } from '../agent/actions/ids.js';
import type { Output } from './output.js';

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 64,
  needsConfirmation: 66,
  readOnly: 67,
  noHost: 69,
  splitView: 100,
  notConnected: 102,
  fencingNotReady: 3,
  outcomeUnknown: OUTCOME_UNKNOWN_EXIT,
} as const;

/** What an argument or an option's value names; completion offers names of that kind. */
export type ValueKind = 'resource' | 'node' | 'cluster' | 'host' | 'file' | 'command' | 'text';

export interface ArgSpec {
  /** As shown in the synopsis: RSC, NODE, on|off ... */
  name: string;
  kind: ValueKind;
  /** The exact words this position takes (on|off), offered by completion. */
  choices?: readonly string[];
  optional?: boolean;
  /** Takes any number of words from here on (HOST...). */
  repeats?: boolean;
}

export interface OptionSpec {
  /** `--node`, `-F`. */
  flag: string;
  /** The value's placeholder (N, PT1H); none for a switch. */
  value?: string;
  kind?: ValueKind;
  /** Value optional and given as --flag=VALUE (--wait[=S]). */
  inlineValue?: boolean;
  help: string;
}

export type Group = 'Reading' | 'Changing' | 'Fencing' | 'Inventory' | 'Other';

export interface CommandSpec {
  /** The command words: ['move'], ['failcount', 'reset'], ['cluster', 'add']. */
  words: readonly string[];
  args: readonly ArgSpec[];
  options: readonly OptionSpec[];
  summary: string;
  group: Group;
  /** Changes the cluster: takes --dry-run, --yes and --wait, refused by --read-only. */
  changes?: boolean;
  /** Exit codes this command ends with, beyond 0 and 64 (every command has those). */
  exits: readonly ExitKey[];
  /** A synopsis for a command whose arguments are alternatives; it must name every arg and option. */
  synopsis?: string;
  /** Works on this machine alone: takes no connection options. */
  local?: boolean;
}

const RSC = (optional = false): ArgSpec => ({ name: 'RSC', kind: 'resource', optional });
const NODE = (optional = false): ArgSpec => ({ name: 'NODE', kind: 'node', optional });
const node: OptionSpec = { flag: '--node', value: 'N', kind: 'node', help: 'only on node N' };
const opInterval: OptionSpec[] = [
  { flag: '--op', value: 'OP', kind: 'text', help: 'only the failures of operation OP (monitor, start ...)' },
  { flag: '--interval', value: 'I', kind: 'text', help: "only that operation's interval (10s, 0)" },
];
const lifetime: OptionSpec = { flag: '--lifetime', value: 'PT1H', kind: 'text', help: 'the constraint expires after this ISO 8601 duration' };
const json: OptionSpec = { flag: '--json', help: 'print data for scripts' };
const historyFrom: OptionSpec = { flag: '--from', value: 'DIR|ARCHIVE', kind: 'file', help: 'offline: a directory of pe-input files or a crm_report / pcs cluster report archive' };
const ipmiOptions: OptionSpec[] = [
  { flag: '--user', value: 'USER', kind: 'text', help: 'the BMC user (default admin; PCMK_IPMI_USER wins)' },
  { flag: '--cipher', value: '3|17', kind: 'text', help: 'the IPMI 2.0 cipher suite (default 3)' },
  { flag: '--port', value: 'PORT', kind: 'text', help: 'the BMC UDP port (default 623)' },
];

/** Exit codes by name; EXIT_TEXT says what each means. */
export type ExitKey = 'failed' | 'fencingNotReady' | 'needsConfirmation' | 'readOnly' | 'noHost' | 'splitView' | 'notConnected' | 'outcomeUnknown' | 'refused' | 'noSuchResource';

const EXIT_TEXT: Record<ExitKey | 'ok' | 'usage', { code: string; text: string }> = {
  ok: { code: '0', text: 'ok' },
  failed: { code: '1', text: 'failed' },
  fencingNotReady: { code: '3', text: 'a node cannot be fenced' },
  usage: { code: '64', text: 'usage' },
  needsConfirmation: { code: '66', text: 'needs --yes' },
  readOnly: { code: '67', text: 'refused by --read-only' },
  noHost: { code: '69', text: 'no host answered' },
  splitView: { code: '100', text: 'hosts disagree (split view)' },
  notConnected: { code: '102', text: 'cannot reach the cluster' },
  outcomeUnknown: { code: String(EXIT.outcomeUnknown), text: "a change's host stopped answering: outcome unknown (never resent; the state is read back)" },
  noSuchResource: { code: '105', text: 'no such resource' },
  refused: { code: '65, 80-90, 105-113, 124', text: 'refused actions (see README)' },
};

const READ_EXITS: ExitKey[] = ['noHost', 'splitView', 'notConnected'];
const CHANGE_EXITS: ExitKey[] = ['failed', 'needsConfirmation', 'readOnly', 'noHost', 'notConnected', 'outcomeUnknown', 'refused'];

export const COMMANDS: readonly CommandSpec[] = [
  { words: ['status'], args: [], options: [json], summary: 'nodes, resources, failures, fail counts, fencing, corosync, leftovers', group: 'Reading', exits: READ_EXITS },
  { words: ['nodes'], args: [], options: [json], summary: 'members, remote and guest nodes (guests with their host)', group: 'Reading', exits: READ_EXITS },
  { words: ['resources'], args: [{ name: 'ID', kind: 'resource', optional: true }], options: [json], summary: 'the resource tree, with bundle replicas', group: 'Reading', exits: [...READ_EXITS, 'noSuchResource'] },
  { words: ['constraints'], args: [], options: [json], summary: 'location/order/colocation; cli-prefer/cli-ban and expired marked', group: 'Reading', exits: READ_EXITS },
  { words: ['failcount', 'show'], args: [RSC(true)], options: [node, json], summary: 'fail counts per operation', group: 'Reading', exits: ['failed', 'noHost', 'notConnected', 'refused'] },
  {
    words: ['why'],
    args: [RSC(), NODE(true)],
    options: [json],
    summary: 'where RSC runs, or why it does not (on NODE): scheduler scores, causes, the next command',
    group: 'Reading',
    exits: [...READ_EXITS, 'failed', 'noSuchResource'],
  },
  {
    words: ['history'],
    args: [],
    options: [
      { flag: '--since', value: 'TIME', kind: 'text', help: 'transitions from TIME on: 2026-12-06T14:02, 14:02 (today, UTC) or an age (30m, 2h, 1d)' },
      { flag: '--until', value: 'TIME', kind: 'text', help: 'transitions up to TIME' },
      { flag: '--resource', value: 'R', kind: 'resource', help: 'only transitions that touch resource R (its actions, placement, failures, configuration)' },
      { ...node, help: 'only transitions that touch node N' },
      { flag: '--limit', value: 'N', kind: 'text', help: 'the newest N scheduler inputs of each host (default 50)' },
      historyFrom,
      json,
    ],
    summary: 'what happened: the transitions the scheduler ran, one line each, merged by time across hosts',
    group: 'Reading',
    exits: ['failed', 'noHost'],
  },
  {
    words: ['history', 'show'],
    args: [{ name: 'N', kind: 'text' }],
    options: [historyFrom, json],
    summary: 'the cluster as it was at scheduler input N (412, warn-3, HOST:412) and what the scheduler did next',
    group: 'Reading',
    exits: ['failed', 'noHost'],
  },
  { words: ['log'], args: [], options: [json], summary: 'the local audit log of every change made from this machine', group: 'Reading', local: true, exits: [] },

  {
    words: ['move'],
    args: [RSC(), NODE(true)],
    options: [{ flag: '--keep-constraint', help: 'keep the cli-prefer constraint after the move' }, lifetime],
    summary: 'move RSC to NODE (or off its node), wait until it runs there, then drop the constraint if it stays',
    group: 'Changing',
    changes: true,
    exits: CHANGE_EXITS,
  },
  { words: ['ban'], args: [RSC(), NODE(true)], options: [lifetime], summary: 'keep RSC off NODE (or off its current node) with a cli-ban constraint', group: 'Changing', changes: true, exits: CHANGE_EXITS },
  {
    words: ['clear'],
    args: [RSC(true), NODE(true)],
    options: [{ flag: '--expired', help: 'only constraints whose lifetime has expired' }],
    summary: 'remove the move/ban constraints of RSC (on NODE)',
    group: 'Changing',
    changes: true,
    exits: CHANGE_EXITS,
  },
  { words: ['cleanup'], args: [RSC(true)], options: [node, ...opInterval], summary: 'clear the failures of RSC, or of every resource', group: 'Changing', changes: true, exits: CHANGE_EXITS },
  { words: ['refresh'], args: [RSC(true)], options: [node], summary: 'forget the history of RSC (or of every resource) and re-detect its state', group: 'Changing', changes: true, exits: CHANGE_EXITS },
  { words: ['failcount', 'reset'], args: [RSC()], options: [node, ...opInterval], summary: 'reset the fail count of RSC', group: 'Changing', changes: true, exits: CHANGE_EXITS },
  { words: ['standby'], args: [NODE()], options: [], summary: 'put NODE in standby (its resources move away)', group: 'Changing', changes: true, exits: CHANGE_EXITS },
  { words: ['unstandby'], args: [NODE()], options: [], summary: 'take NODE out of standby', group: 'Changing', changes: true, exits: CHANGE_EXITS },
  {
    words: ['maintenance'],
    args: [{ name: 'on|off', kind: 'text', choices: ['on', 'off'] }, NODE(true)],
    options: [
      { flag: '--resource', value: 'RSC', kind: 'resource', help: 'one resource (its maintenance meta attribute)' },
      { flag: '--cluster', help: 'the whole cluster (maintenance-mode)' },
    ],
    synopsis: 'maintenance on|off --resource RSC | NODE | --cluster',
    summary: 'maintenance of one resource, one node, or the whole cluster (exactly one scope)',
    group: 'Changing',
    changes: true,
    exits: CHANGE_EXITS,
  },
  { words: ['enable'], args: [RSC()], options: [], summary: 'let RSC run (target-role Started)', group: 'Changing', changes: true, exits: CHANGE_EXITS },
  { words: ['disable'], args: [RSC()], options: [], summary: 'stop RSC (target-role Stopped)', group: 'Changing', changes: true, exits: CHANGE_EXITS },
  { words: ['restart'], args: [RSC()], options: [node], summary: 'restart RSC (or only its instance on N)', group: 'Changing', changes: true, exits: CHANGE_EXITS },

  { words: ['fence-test'], args: [], options: [json], summary: 'fencing readiness check; fires no shot', group: 'Fencing', exits: ['fencingNotReady', 'noHost', 'notConnected'] },
  {
    words: ['fence'],
    args: [NODE()],
    options: [{ flag: '--off', help: 'power the node off instead of rebooting it' }],
    summary: "real fencing through the cluster's fencer (reboot, or off)",
    group: 'Fencing',
    changes: true,
    exits: CHANGE_EXITS,
  },
  {
    words: ['ipmi'],
    args: [
      { name: 'HOST', kind: 'host' },
      { name: 'power', kind: 'text', choices: ['power'] },
      { name: 'status|on|off|cycle', kind: 'text', choices: ['status', 'on', 'off', 'cycle'] },
    ],
    options: [...ipmiOptions, { flag: '--yes', help: 'confirm off and cycle (they cut the power)' }],
    summary: 'direct BMC power access (password from PCMK_IPMI_PASSWORD or a prompt)',
    group: 'Fencing',
    local: true,
    exits: ['failed', 'needsConfirmation', 'readOnly'],
  },
  {
    words: ['ipmi'],
    args: [
      { name: 'HOST', kind: 'host' },
      { name: 'identify', kind: 'text', choices: ['identify'] },
    ],
    options: ipmiOptions,
    summary: "light the machine's identify LED for 15 s",
    group: 'Fencing',
    local: true,
    exits: ['failed'],
  },

  { words: ['cluster', 'add'], args: [{ name: 'NAME', kind: 'text' }, { name: 'HOST', kind: 'host', repeats: true }], options: [], summary: 'add a cluster to the inventory (host names and ssh paths only)', group: 'Inventory', local: true, exits: [] },
  {
    words: ['cluster', 'discover'],
    args: [{ name: 'HOST', kind: 'host' }],
    options: [{ flag: '--name', value: 'NAME', kind: 'text', help: "the inventory name (default: the cluster's own name)" }],
    summary: 'ask HOST for its cluster members and add them to the inventory',
    group: 'Inventory',
    exits: ['notConnected'],
  },
  { words: ['cluster', 'list'], args: [], options: [json], summary: 'the clusters of the inventory (* marks the current one)', group: 'Inventory', local: true, exits: [] },
  { words: ['cluster', 'remove'], args: [{ name: 'NAME', kind: 'cluster' }], options: [], summary: 'remove a cluster from the inventory', group: 'Inventory', local: true, exits: [] },
  { words: ['cluster', 'use'], args: [{ name: 'NAME', kind: 'cluster' }], options: [], summary: 'make NAME the current cluster (used when no host is given)', group: 'Inventory', local: true, exits: [] },

  { words: ['help'], args: [{ name: 'COMMAND', kind: 'command', optional: true }], options: [], summary: "this text, or one command's usage (also: pcmk COMMAND --help)", group: 'Other', local: true, exits: [] },
  { words: ['version'], args: [], options: [], summary: 'print the version (also: pcmk --version, -V)', group: 'Other', local: true, exits: [] },
  {
    words: ['completion'],
    args: [{ name: 'bash|zsh|fish', kind: 'text', choices: ['bash', 'zsh', 'fish'] }],
    options: [],
    summary: 'print a shell completion script to source (see README)',
    group: 'Other',
    local: true,
    exits: [],
  },
];

/** The options every command takes: how to reach the cluster (the same for pcmk-top). */
export const CONNECTION_OPTIONS: readonly OptionSpec[] = [
  { flag: '--local', help: 'read the cluster of this host with its own tools, no SSH (default on a cluster node with no hosts given)' },
  { flag: '--cib', value: 'FILE', kind: 'file', help: 'work offline on a CIB file with the real tools' },
  { flag: '--cluster', value: 'NAME', kind: 'cluster', help: 'a cluster of the inventory' },
  { flag: '--host', value: 'H[,H...]', kind: 'host', help: 'hosts to reach over SSH' },
  { flag: '-F', value: 'FILE', kind: 'file', help: 'ssh_config file' },
  { flag: '--known-hosts', value: 'FILE', kind: 'file', help: 'extra known_hosts' },
  { flag: '--timeout', value: 'S', kind: 'text', help: 'per-host timeout (default 10)' },
  { flag: '--prefix', value: '"CMD"', kind: 'text', help: 'run tools through CMD' },
  { flag: '--no-reuse', help: 'connect directly; do not keep SSH connections between runs (PCMK_NO_REUSE=1)' },
];

/** Options of every changing command. */
export const CHANGE_OPTIONS: readonly OptionSpec[] = [
  { flag: '--dry-run', help: 'print the plan and the transition preview; change nothing' },
  { flag: '--yes', help: 'confirm a destructive change (needed when not interactive)' },
  { flag: '--wait', value: 'S', inlineValue: true, help: 'wait for the cluster to settle (default 60 s)' },
];

export const OTHER_OPTIONS: readonly OptionSpec[] = [
  json,
  ...CHANGE_OPTIONS,
  { flag: '--read-only', help: 'refuse every change' },
  { flag: '--no-color', help: 'no colours (also NO_COLOR)' },
  { flag: '--help', help: 'usage (of a command: pcmk COMMAND --help)' },
  { flag: '--version', help: 'print the version' },
];

/** The options pcmk-top takes (its own usage and its completion). */
export const TOP_OPTIONS: readonly OptionSpec[] = [
  ...CONNECTION_OPTIONS,
  { ...historyFrom, help: `${historyFrom.help} (read-only)` },
  { flag: '--read-only', help: 'bind no changing key' },
  { flag: '--no-color', help: 'no colours (also NO_COLOR)' },
  { flag: '--help', help: 'this text' },
  { flag: '--version', help: 'print the version' },
];

export function optionText(o: OptionSpec): string {
  if (!o.value) return o.flag;
  return o.inlineValue ? `${o.flag}[=${o.value}]` : `${o.flag} ${o.value}`;
}

function argText(a: ArgSpec): string {
  const name = a.repeats ? `${a.name}...` : a.name;
  return a.optional ? `[${name}]` : name;
}

/** "move RSC [NODE] [--keep-constraint] [--lifetime PT1H]" */
export function synopsis(c: CommandSpec): string {
  if (c.synopsis) return c.synopsis;
  return [...c.words, ...c.args.map(argText), ...c.options.filter((o) => o !== json).map((o) => `[${optionText(o)}]`)].join(' ');
}

export function commandName(c: CommandSpec): string {
  return c.words.join(' ');
}

/** Every command word that may start a command line. */
export function commandWords(): string[] {
  return [...new Set(COMMANDS.map((c) => c.words[0]!))];
}

/**
 * The commands `words` names: an exact command ("failcount reset"), or every command under a
 * first word ("failcount", "cluster", "ipmi"). Empty when nothing matches.
 */
export function findCommands(words: readonly string[]): CommandSpec[] {
  for (let n = words.length; n > 0; n--) {
    const head = words.slice(0, n);
    const hits = COMMANDS.filter((c) => head.every((w, i) => c.words[i] === w));
    if (hits.length) return hits;
  }
  return [];
}

/** Two columns; a left side wider than the column puts its right side on the next line. */
function columns(rows: Array<[string, string]>, indent = '  ', width = 30): string[] {
  return rows.flatMap(([l, r]) => {
    if (!r) return [`${indent}${l}`];
    if (l.length + 2 > width) return [`${indent}${l}`, `${indent}${' '.repeat(width)}${r}`];
    return [`${indent}${l.padEnd(width)}${r}`];
  });
}

function exitLines(keys: readonly (ExitKey | 'ok' | 'usage')[]): string[] {
  // Numeric order; the refused actions' list of codes last.
  const order = (k: string) => (k === 'refused' ? Infinity : parseInt(EXIT_TEXT[k as ExitKey].code, 10));
  const sorted = [...new Set(keys)].sort((a, b) => order(a) - order(b));
  return columns(sorted.map((k) => [EXIT_TEXT[k].code, EXIT_TEXT[k].text]), '  ', 6);
}

const GROUP_TITLES: Record<Group, string> = {
  Reading: 'Reading',
  Changing: 'Changing (preview with --dry-run; destructive ones need --yes when not interactive)',
  Fencing: 'Fencing',
  Inventory: 'Inventory',
  Other: 'Other',
};

/** `pcmk help`: every command by group, the options and the exit codes. */
export function globalUsage(): string {
  const lines = ['usage: pcmk [options] <command> [args]', '       pcmk help COMMAND   (or pcmk COMMAND --help): one command with its options and exit codes'];
  for (const g of Object.keys(GROUP_TITLES) as Group[]) {
    lines.push('', GROUP_TITLES[g]);
    lines.push(...columns(COMMANDS.filter((c) => c.group === g).map((c) => [synopsis(c), c.summary])));
  }
  lines.push('', 'Connection options (the same for pcmk-top)');
  lines.push(...columns(CONNECTION_OPTIONS.map((o) => [optionText(o), o.help])));
  lines.push('', 'Other options');
  lines.push(...columns(OTHER_OPTIONS.map((o) => [optionText(o), o.help])));
  lines.push('', 'Exit codes');
  lines.push(...exitLines(Object.keys(EXIT_TEXT) as (keyof typeof EXIT_TEXT)[]));
  return lines.join('\n');
}

/** `pcmk help CMD`: the synopsis, what it does, its own options, the shared ones, its exit codes. */
export function commandUsage(specs: readonly CommandSpec[]): string {
  const lines: string[] = [];
  specs.forEach((c, i) => lines.push(`${i === 0 ? 'usage:' : '      '} pcmk ${synopsis(c)}`));
  lines.push('');
  if (specs.length === 1) lines.push(specs[0]!.summary);
  else {
    const rows = specs.map((c): [string, string] => [[...c.words, ...c.args.map(argText)].join(' '), c.summary]);
    lines.push(...columns(rows, '', Math.max(...rows.map(([l]) => l.length)) + 2));
  }
  const own = [...new Map(specs.flatMap((c) => [...c.options, ...(c.changes ? CHANGE_OPTIONS : [])]).map((o) => [o.flag, o])).values()];
  if (own.length) {
    lines.push('', 'Options');
    lines.push(...columns(own.map((o) => [optionText(o), o.help])));
  }
  if (specs.some((c) => c.changes)) lines.push('  (--read-only refuses it)');
  if (specs.some((c) => !c.local)) lines.push('', 'Connection options (pcmk help says what each does)', `  ${CONNECTION_OPTIONS.map(optionText).join('  ')}`);
  lines.push('', 'Exit codes');
  lines.push(...exitLines(['ok', 'usage', ...specs.flatMap((c) => c.exits)]));
  return lines.join('\n');
}

/** The usage of pcmk-top, from the same option table. */
export function topUsage(): string {
  return [
    'usage: pcmk-top [--cluster NAME | --host H[,H...] | --local | --cib FILE | --from DIR|ARCHIVE] [-F FILE] [--known-hosts FILE] [--no-reuse] [--read-only]',
    '',
    'The live console: nodes, resources, failures, fencing and constraints of every host, kept up to date,',
    'and the transition history (6), where Enter shows every view as of that scheduler input.',
    'Offline, --from lists the saved scheduler inputs the same way; the other views show the newest of them.',
    '',
    'Options',
    ...columns(TOP_OPTIONS.map((o) => [optionText(o), o.help])),
    '',
    'Keys: ? help, Tab/1-6 views, j/k arrows PgUp/PgDn g/G, / filter, : command (:res ID, :node N, :ctx NAME),',
    'Enter detail, Esc back, q quit; time travel: [ older, ] newer, Esc live. Actions on the selection are listed in the footer.',
    '',
    'Exit codes',
    ...exitLines(['ok', 'usage']),
  ].join('\n');
}

/** "unknown command stauts (did you mean status?)" */
export function unknownCommand(word: string): string {
  return `unknown command ${word}${didYouMean(suggestNames(word, commandWords()))}`;
}

/** `pcmk help [COMMAND...]`: the global usage, or that command's; an unknown one is a usage error. */
export function helpCommand(words: readonly string[], w: Pick<Output, 'out' | 'err'>): number {
  if (!words.length) {
    w.out(globalUsage());
    return EXIT.ok;
  }
  const specs = findCommands(words);
  if (!specs.length) {
    w.err(`pcmk: ${unknownCommand(words[0]!)}; pcmk help lists every command`);
    return EXIT.usage;
  }
  w.out(commandUsage(specs));
  return EXIT.ok;
}
