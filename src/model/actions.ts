/**
 * The action contract: every request that `pcmk`, `pcmk-top` and the agent exchange, and one table
 * that says for each action what it targets, whether it changes the cluster, whether it is
 * destructive (needs confirmation: --yes in the CLI, the typed target name in pcmk-top) and how its
 * preview names its scope. The CLI's confirmation rules, the keymap's flags, read-only refusals and
 * the plan's `danger` are all read from this table.
 */

export type TargetKind = 'resource' | 'node' | 'cluster' | 'constraint';

export type OnOff = 'on' | 'off';

export type Action =
  | {
      name: 'move';
      resource: string;
      /** Target node; without it the resource is moved off its current node (a cli-ban there). */
      node?: string;
      /** Leave the cli-prefer/cli-ban constraint in place (pcs 0.10 / crm_resource style). */
      keepConstraint?: boolean;
      /** ISO 8601 duration (e.g. PT1H): the constraint expires by itself; implies keepConstraint. */
      lifetime?: string;
      /** Move the promoted role of a promotable clone. */
      promoted?: boolean;
    }
  | { name: 'ban'; resource: string; node?: string; lifetime?: string; promoted?: boolean }
  | { name: 'clear'; resource?: string; node?: string; expired?: boolean }
  | { name: 'cleanup'; resource?: string; node?: string; operation?: string; interval?: string }
  | { name: 'refresh'; resource?: string; node?: string }
  | { name: 'failcount-show'; resource?: string; node?: string }
  | { name: 'failcount-reset'; resource: string; node?: string; operation?: string; interval?: string }
  | { name: 'standby'; node: string }
  | { name: 'unstandby'; node: string }
  /** The resource's own `maintenance` meta attribute (crmsh `resource maintenance`). */
  | { name: 'resource-maintenance'; resource: string; state: OnOff }
  /** The node attribute `maintenance`: every resource on that node. */
  | { name: 'node-maintenance'; node: string; state: OnOff }
  /** The cluster property `maintenance-mode`: every resource everywhere. */
  | { name: 'cluster-maintenance'; state: OnOff }
  | { name: 'enable'; resource: string }
  | { name: 'disable'; resource: string }
  | { name: 'restart'; resource: string; node?: string }
  /** Fence through the cluster's fencer (stonith_admin): reboot, or power off with `off`. */
  | { name: 'fence'; node: string; off?: boolean };

export type ActionName = Action['name'];
export type ActionOf<N extends ActionName> = Extract<Action, { name: N }>;

export interface ActionSpec<N extends ActionName = ActionName> {
  name: N;
  /** What the action can target (a resource-less cleanup targets the whole cluster). */
  targets: readonly TargetKind[];
  /** Changes the cluster: refused in read-only mode, audited, never resent to another host. */
  changes: boolean;
  /** Needs confirmation: --yes (or an interactive yes) in the CLI, the target's name typed in pcmk-top. */
  destructive: boolean;
  /** The preview's words for the exact scope of this request, e.g. "resource db", "node cluster-2". */
  scope: (a: ActionOf<N>) => string;
}

const resourceOrAll = (a: { resource?: string; node?: string }, all: string): string =>
  a.resource ? `resource ${a.resource}${a.node ? ` on node ${a.node}` : ''}` : a.node ? `${all} on node ${a.node}` : `${all} in the cluster`;

type Table = { [N in ActionName]: ActionSpec<N> };

/** The one table of actions. */
export const ACTIONS: Table = {
  move: { name: 'move', targets: ['resource'], changes: true, destructive: false, scope: (a) => `resource ${a.resource}${a.node ? ` to node ${a.node}` : ' off its current node'}` },
  ban: { name: 'ban', targets: ['resource'], changes: true, destructive: true, scope: (a) => `resource ${a.resource}${a.node ? ` on node ${a.node}` : ' on its current node'}` },
  clear: {
    name: 'clear',
    targets: ['resource', 'constraint'],
    changes: true,
    destructive: false,
    scope: (a) => (a.expired && !a.resource ? 'expired move/ban constraints' : `move/ban constraints of ${resourceOrAll(a, 'every resource')}`),
  },
  cleanup: { name: 'cleanup', targets: ['resource', 'cluster'], changes: true, destructive: false, scope: (a) => `failures of ${resourceOrAll(a, 'every resource')}` },
  refresh: { name: 'refresh', targets: ['resource', 'cluster'], changes: true, destructive: false, scope: (a) => `history of ${resourceOrAll(a, 'every resource')}` },
  'failcount-show': { name: 'failcount-show', targets: ['resource', 'cluster'], changes: false, destructive: false, scope: (a) => `fail counts of ${resourceOrAll(a, 'every resource')}` },
  'failcount-reset': { name: 'failcount-reset', targets: ['resource'], changes: true, destructive: false, scope: (a) => `fail count of ${resourceOrAll(a, 'every resource')}` },
  standby: { name: 'standby', targets: ['node'], changes: true, destructive: true, scope: (a) => `node ${a.node}` },
  unstandby: { name: 'unstandby', targets: ['node'], changes: true, destructive: false, scope: (a) => `node ${a.node}` },
  'resource-maintenance': { name: 'resource-maintenance', targets: ['resource'], changes: true, destructive: true, scope: (a) => `resource ${a.resource}` },
  'node-maintenance': { name: 'node-maintenance', targets: ['node'], changes: true, destructive: true, scope: (a) => `node ${a.node}` },
  'cluster-maintenance': { name: 'cluster-maintenance', targets: ['cluster'], changes: true, destructive: true, scope: () => 'the whole cluster' },
  enable: { name: 'enable', targets: ['resource'], changes: true, destructive: false, scope: (a) => `resource ${a.resource}` },
  disable: { name: 'disable', targets: ['resource'], changes: true, destructive: true, scope: (a) => `resource ${a.resource}` },
  restart: { name: 'restart', targets: ['resource'], changes: true, destructive: false, scope: (a) => `resource ${a.resource}${a.node ? ` on node ${a.node}` : ''}` },
  fence: { name: 'fence', targets: ['node'], changes: true, destructive: true, scope: (a) => `node ${a.node}` },
};

export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

export function isActionName(s: unknown): s is ActionName {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(ACTIONS, s);
}

export function actionSpec<N extends ActionName>(name: N): ActionSpec<N> {
  return ACTIONS[name] as ActionSpec<N>;
}

/** Changes the cluster (refused read-only, audited, sent at most once). */
export function changesCluster(name: ActionName): boolean {
  return ACTIONS[name].changes;
}

/** Needs confirmation before it runs. */
export function isDestructive(name: ActionName): boolean {
  return ACTIONS[name].destructive;
}

/** The words naming exactly what `a` acts on. */
export function actionScope(a: Action): string {
  return (ACTIONS[a.name].scope as (x: Action) => string)(a);
}

/** Actions that change nothing. */
export const READ_ONLY_ACTIONS: ReadonlySet<ActionName> = new Set(ACTION_NAMES.filter((n) => !ACTIONS[n].changes));

/**
 * A direct BMC power change (`pcmk ipmi HOST power off|on|cycle`): not a cluster action (the
 * cluster does not know about it), but a change all the same, so it is audited like one.
 */
export interface IpmiPowerChange {
  name: 'ipmi-power';
  /** The BMC as the operator named it. */
  bmc: string;
  power: 'on' | 'off' | 'cycle' | 'reset' | 'soft';
}

/**
 * A change request's id: it appears in the host's audit log and in the console's, so one change
 * can be found in both. Time first so ids sort by when they were made.
 */
export function newRequestId(now: Date = new Date(), random: () => number = Math.random): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const r = Math.floor(random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
  return `${t}-${r}`;
}

const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export function isRequestId(s: unknown): s is string {
  return typeof s === 'string' && REQUEST_ID.test(s);
}

/** The exact `pcmk` command line that sends this action request (the inverse of the CLI's parsing). */
export function pcmkCommand(a: Action): string {
  const w: string[] = ['pcmk'];
  const opt = (flag: string, v: string | undefined) => {
    if (v !== undefined) w.push(flag, v);
  };
  switch (a.name) {
    case 'move':
    case 'ban':
      w.push(a.name, a.resource);
      if (a.node) w.push(a.node);
      if (a.name === 'move' && a.keepConstraint) w.push('--keep-constraint');
      opt('--lifetime', a.lifetime);
      break;
    case 'clear':
      w.push('clear');
      if (a.resource) w.push(a.resource);
      if (a.node) (a.resource ? w.push(a.node) : opt('--node', a.node));
      if (a.expired) w.push('--expired');
      break;
    case 'cleanup':
    case 'refresh':
      w.push(a.name);
      if (a.resource) w.push(a.resource);
      opt('--node', a.node);
      if (a.name === 'cleanup') {
        opt('--op', a.operation);
        opt('--interval', a.interval);
      }
      break;
    case 'failcount-show':
      w.push('failcount', 'show');
      if (a.resource) w.push(a.resource);
      opt('--node', a.node);
      break;
    case 'failcount-reset':
      w.push('failcount', 'reset', a.resource);
      opt('--node', a.node);
      opt('--op', a.operation);
      opt('--interval', a.interval);
      break;
    case 'standby':
    case 'unstandby':
      w.push(a.name, a.node);
      break;
    case 'resource-maintenance':
      w.push('maintenance', a.state, '--resource', a.resource);
      break;
    case 'node-maintenance':
      w.push('maintenance', a.state, a.node);
      break;
    case 'cluster-maintenance':
      w.push('maintenance', a.state, '--cluster');
      break;
    case 'enable':
    case 'disable':
      w.push(a.name, a.resource);
      break;
    case 'restart':
      w.push('restart', a.resource);
      opt('--node', a.node);
      break;
    case 'fence':
      w.push('fence', a.node);
      if (a.off) w.push('--off');
      break;
  }
  return w.join(' ');
}
