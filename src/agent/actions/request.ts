/**
 * Named action requests: the typed form of the protocol's loose `ActionRequest`. The console sends
 * a name and ids; the host checks them here, then validates them against its own snapshot.
 */
import { ActionError } from './errors.js';
import { unsafeIdReason } from './ids.js';

export const ACTION_NAMES = [
  'move',
  'ban',
  'clear',
  'cleanup',
  'refresh',
  'failcount-show',
  'failcount-reset',
  'standby',
  'unstandby',
  'maintenance',
  'enable',
  'disable',
  'restart',
] as const;

export type ActionName = (typeof ACTION_NAMES)[number];

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
  | { name: 'maintenance'; state: 'on' | 'off'; node?: string }
  | { name: 'enable'; resource: string }
  | { name: 'disable'; resource: string }
  | { name: 'restart'; resource: string; node?: string };

export type ActionOf<N extends ActionName> = Extract<Action, { name: N }>;

/** Actions that never change the cluster. */
export const READ_ONLY_ACTIONS: ReadonlySet<ActionName> = new Set(['failcount-show']);

const ISO_DURATION = /^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;
const INTERVAL = /^(\d+(ms|msec|s|sec|m|min|h|hr)?|P(?=\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?)$/;
const OPERATION = /^[a-z][a-z_-]{0,63}$/;

export function isIsoDuration(s: string): boolean {
  return ISO_DURATION.test(s);
}

function bad(message: string): ActionError {
  return new ActionError('invalid-request', message);
}

function str(raw: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw bad(`action "${String(raw.name)}" needs "${key}"`);
    return undefined;
  }
  if (typeof v !== 'string') throw bad(`"${key}" must be a string`);
  return v;
}

function id(raw: Record<string, unknown>, key: 'resource' | 'node', required: boolean): string | undefined {
  const v = str(raw, key, required);
  if (v === undefined) return undefined;
  const why = unsafeIdReason(v);
  if (why) throw new ActionError('invalid-id', `${key} id ${JSON.stringify(v)} ${why}`, { subject: v });
  return v;
}

function flag(raw: Record<string, unknown>, key: string): boolean | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw bad(`"${key}" must be true or false`);
  return v;
}

function lifetime(raw: Record<string, unknown>): string | undefined {
  const v = str(raw, 'lifetime', false);
  if (v !== undefined && !isIsoDuration(v)) throw bad(`lifetime ${JSON.stringify(v)} is not an ISO 8601 duration such as PT30M, PT2H or P1D`);
  return v;
}

function operation(raw: Record<string, unknown>): { operation?: string; interval?: string } {
  const op = str(raw, 'operation', false);
  const interval = str(raw, 'interval', false);
  if (op !== undefined && !OPERATION.test(op)) throw bad(`operation ${JSON.stringify(op)} is not an operation name such as monitor or start`);
  if (interval !== undefined && !INTERVAL.test(interval)) throw bad(`interval ${JSON.stringify(interval)} is not an interval such as 10s, 10000ms or PT10S`);
  if (interval !== undefined && op === undefined) throw bad('"interval" needs "operation"');
  return { ...(op !== undefined ? { operation: op } : {}), ...(interval !== undefined ? { interval } : {}) };
}

/** Drops undefined fields so plans and audit entries stay small and comparable. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Checks a loose request (from the protocol or the CLI) and returns the typed action.
 * Throws ActionError('invalid-request' | 'invalid-id').
 */
export function parseActionRequest(raw: unknown): Action {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('an action must be an object with a "name"');
  const r = raw as Record<string, unknown>;
  const name = r.name;
  if (typeof name !== 'string' || !(ACTION_NAMES as readonly string[]).includes(name)) {
    throw bad(`unknown action ${JSON.stringify(name)} (known: ${ACTION_NAMES.join(', ')})`);
  }
  switch (name as ActionName) {
    case 'move':
      return compact({
        name: 'move',
        resource: id(r, 'resource', true)!,
        node: id(r, 'node', false),
        keepConstraint: flag(r, 'keepConstraint'),
        lifetime: lifetime(r),
        promoted: flag(r, 'promoted'),
      });
    case 'ban':
      return compact({ name: 'ban', resource: id(r, 'resource', true)!, node: id(r, 'node', false), lifetime: lifetime(r), promoted: flag(r, 'promoted') });
    case 'clear': {
      const expired = flag(r, 'expired');
      return compact({ name: 'clear', resource: id(r, 'resource', !expired), node: id(r, 'node', false), expired });
    }
    case 'cleanup':
      return compact({ name: 'cleanup', resource: id(r, 'resource', false), node: id(r, 'node', false), ...operation(r) });
    case 'refresh':
      return compact({ name: 'refresh', resource: id(r, 'resource', false), node: id(r, 'node', false) });
    case 'failcount-show':
      return compact({ name: 'failcount-show', resource: id(r, 'resource', false), node: id(r, 'node', false) });
    case 'failcount-reset':
      return compact({ name: 'failcount-reset', resource: id(r, 'resource', true)!, node: id(r, 'node', false), ...operation(r) });
    case 'standby':
    case 'unstandby':
      return { name: name as 'standby' | 'unstandby', node: id(r, 'node', true)! };
    case 'maintenance': {
      const s = r.state;
      if (s !== 'on' && s !== 'off') throw bad('action "maintenance" needs "state": "on" or "off"');
      return compact({ name: 'maintenance', state: s, node: id(r, 'node', false) });
    }
    case 'enable':
    case 'disable':
      return { name: name as 'enable' | 'disable', resource: id(r, 'resource', true)! };
    case 'restart':
      return compact({ name: 'restart', resource: id(r, 'resource', true)!, node: id(r, 'node', false) });
  }
}
