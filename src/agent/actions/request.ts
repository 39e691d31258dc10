/**
 * Checks a named action request as it arrives (from the protocol or a script) and returns the typed
 * Action of src/model/actions.ts. The host checks names and ids here, then validates the request
 * against its own snapshot.
 */
import { ACTION_NAMES, isActionName, type Action, type OnOff } from '../../model/actions.js';
import { ActionError } from './errors.js';
import { unsafeIdReason } from './ids.js';

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

function onOff(raw: Record<string, unknown>): OnOff {
  const s = raw.state;
  if (s !== 'on' && s !== 'off') throw bad(`action "${String(raw.name)}" needs "state": "on" or "off"`);
  return s;
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
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && (raw as { name?: unknown }).name === 'maintenance') {
    throw bad('"maintenance" names its scope: resource-maintenance, node-maintenance or cluster-maintenance');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('an action must be an object with a "name"');
  const r = raw as Record<string, unknown>;
  const name = r.name;
  if (!isActionName(name)) throw bad(`unknown action ${JSON.stringify(name)} (known: ${ACTION_NAMES.join(', ')})`);
  switch (name) {
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
      return { name, node: id(r, 'node', true)! };
    case 'resource-maintenance':
      return { name, resource: id(r, 'resource', true)!, state: onOff(r) };
    case 'node-maintenance':
      return { name, node: id(r, 'node', true)!, state: onOff(r) };
    case 'cluster-maintenance':
      return { name, state: onOff(r) };
    case 'enable':
    case 'disable':
      return { name, resource: id(r, 'resource', true)! };
    case 'restart':
      return compact({ name: 'restart', resource: id(r, 'resource', true)!, node: id(r, 'node', false) });
    case 'fence':
      return compact({ name: 'fence', node: id(r, 'node', true)!, off: flag(r, 'off') || undefined });
  }
}
