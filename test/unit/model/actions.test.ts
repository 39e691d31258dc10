/**
 * One action contract: every action of the table, from its pcmk-top key and from its pcmk command,
 * becomes the same typed request. A new action without both fails here (the cases are keyed by
 * ActionName, so it also fails to compile).
 */
import { describe, expect, it } from 'vitest';
import { ACTION_NAMES, ACTIONS, actionScope, changesCluster, isDestructive, pcmkCommand, READ_ONLY_ACTIONS, type Action, type ActionName } from '../../../src/model/actions.js';
import { parseArgs } from '../../../src/commands/args.js';
import { ACTION_COMMANDS, toAction } from '../../../src/commands/main.js';
import { KEYMAP } from '../../../src/tui/keymap.js';
import type { ViewId } from '../../../src/tui/keymap.js';
import { harness } from '../tui/key-harness.js';

interface Case {
  /** pcmk words. */
  cli: string[];
  /** pcmk-top: the view, a :res / :node jump (or none), then the keys. null: the TUI reads it from its snapshot. */
  tui: { view: ViewId; select: string | null; keys: string[] } | { none: string };
}

const res = (keys: string[], name = 'dregistry') => ({ view: 'resources' as const, select: `res ${name}`, keys });
const node = (name: string, keys: string[]) => ({ view: 'nodes' as const, select: `node ${name}`, keys });

const CASES: Record<ActionName, Case> = {
  move: { cli: ['move', 'dregistry', 'cluster-2'], tui: res(['m', 'enter']) },
  ban: { cli: ['ban', 'dregistry', 'cluster-1'], tui: res(['b']) },
  clear: { cli: ['clear', 'dregistry'], tui: res(['C']) },
  cleanup: { cli: ['cleanup', 'dregistry', '--node', 'cluster-1'], tui: res(['c']) },
  refresh: { cli: ['refresh', 'dregistry', '--node', 'cluster-1'], tui: res(['r']) },
  'failcount-show': { cli: ['failcount', 'show', 'dregistry'], tui: { none: 'pcmk-top shows fail counts from its snapshot (f opens the detail)' } },
  'failcount-reset': { cli: ['failcount', 'reset', 'dregistry', '--node', 'cluster-1'], tui: res(['F']) },
  standby: { cli: ['standby', 'cluster-2'], tui: node('cluster-2', ['s']) },
  unstandby: { cli: ['unstandby', 'cluster-3'], tui: node('cluster-3', ['s']) },
  'resource-maintenance': { cli: ['maintenance', 'on', '--resource', 'dregistry'], tui: res(['M']) },
  'node-maintenance': { cli: ['maintenance', 'on', 'cluster-2'], tui: node('cluster-2', ['M']) },
  'cluster-maintenance': { cli: ['maintenance', 'on', '--cluster'], tui: { view: 'nodes', select: null, keys: ['Z'] } },
  enable: { cli: ['enable', 'dregistry'], tui: res(['e']) },
  disable: { cli: ['disable', 'dregistry'], tui: res(['d']) },
  restart: { cli: ['restart', 'dregistry'], tui: res(['R']) },
  fence: { cli: ['fence', 'cluster-2'], tui: node('cluster-2', ['X']) },
};

/** Presses the case's keys and returns the request the confirm dialog previews, with the dialog. */
function fromTui(t: { view: ViewId; select: string | null; keys: string[] }) {
  const h = harness({ view: t.view });
  if (t.select) {
    h.press(':');
    h.type(t.select);
    h.press('enter');
  }
  h.press(...t.keys);
  const preview = h.effects.filter((e) => e.type === 'preview').at(-1);
  const overlay = h.state.overlay;
  return { action: preview?.type === 'preview' ? preview.action : null, overlay: overlay.kind === 'confirm' ? overlay : null };
}

describe('the action table', () => {
  it('has a CLI command and a pcmk-top key for every action (a case per name)', () => {
    expect(Object.keys(CASES).sort()).toEqual([...ACTION_NAMES].sort());
    for (const name of ACTION_NAMES) {
      const c = CASES[name];
      expect(ACTION_COMMANDS.has(c.cli[0]!), `${name}: pcmk ${c.cli[0]}`).toBe(true);
      // Only reads may go without a key.
      if ('none' in c.tui) expect(changesCluster(name), `${name} changes the cluster, so it needs a key`).toBe(false);
    }
  });

  it.each(ACTION_NAMES.map((n) => [n]))('%s: the key and the command send the same typed request', (name) => {
    const c = CASES[name];
    const cli = toAction(parseArgs(c.cli));
    expect(cli.name).toBe(name);
    if ('none' in c.tui) return;
    const { action, overlay } = fromTui(c.tui);
    expect(action, `pcmk-top ${c.tui.keys.join(' ')} on ${c.tui.select ?? c.tui.view}`).toEqual(cli);
    // The dialog names the exact scope, and asks for the typed name exactly when the table says destructive.
    const a = action as Action;
    const scope = 'resource' in a && a.resource ? `resource ${a.resource}` : 'node' in a && a.node ? `node ${a.node}` : 'WHOLE cluster';
    expect(overlay?.label).toContain(scope);
    expect(overlay?.expected !== null, `${name}: typed confirmation`).toBe(isDestructive(name));
  });

  it('M on a resource never asks for cluster maintenance', () => {
    const { action, overlay } = fromTui(res(['M']));
    expect(action).toEqual({ name: 'resource-maintenance', resource: 'dregistry', state: 'on' });
    expect(overlay?.label).toBe('enter maintenance for resource dregistry only (not the cluster)');
    expect(actionScope(action!)).toBe('resource dregistry');
  });

  it('derives the keymap flags, read-only set and confirmation rules from the table', () => {
    for (const b of KEYMAP) {
      const names = b.actions ?? [];
      expect(b.changesCluster, b.command).toBe(names.some((n) => ACTIONS[n].changes));
      expect(b.danger, b.command).toBe(names.some((n) => ACTIONS[n].destructive));
    }
    // Every changing action has a key that can send it.
    const bound = new Set(KEYMAP.flatMap((b) => b.actions ?? []));
    for (const n of ACTION_NAMES) if (changesCluster(n)) expect(bound.has(n), n).toBe(true);
    expect([...READ_ONLY_ACTIONS]).toEqual(['failcount-show']);
  });

  it('names each scope in words', () => {
    expect(actionScope({ name: 'cleanup' })).toBe('failures of every resource in the cluster');
    expect(actionScope({ name: 'move', resource: 'db' })).toBe('resource db off its current node');
    expect(actionScope({ name: 'cluster-maintenance', state: 'on' })).toBe('the whole cluster');
    expect(actionScope({ name: 'node-maintenance', node: 'cluster-2', state: 'off' })).toBe('node cluster-2');
  });
});

/** Requests beyond the table's cases: options and scopes the CLI words must carry back. */
const MORE_REQUESTS: Action[] = [
  { name: 'clear', resource: 'dregistry', node: 'cluster-3' },
  { name: 'cleanup', resource: 'dregistry', node: 'cluster-2' },
  { name: 'unstandby', node: 'cluster-2' },
  { name: 'resource-maintenance', resource: 'why-um', state: 'off' },
  { name: 'node-maintenance', node: 'cluster-3', state: 'off' },
  { name: 'cluster-maintenance', state: 'off' },
  { name: 'move', resource: 'dregistry', node: 'cluster-3', lifetime: 'PT1H' },
];

describe('pcmkCommand: the command line that sends a request (why and the confirm dialog print it)', () => {
  const requests = [...ACTION_NAMES.map((n) => toAction(parseArgs(CASES[n].cli))), ...MORE_REQUESTS];
  it.each(requests.map((a) => [pcmkCommand(a), a] as const))('%s reads back as the same request', (line, a) => {
    expect(line.startsWith('pcmk ')).toBe(true);
    expect(toAction(parseArgs(line.split(' ').slice(1)))).toEqual(a);
  });
});
