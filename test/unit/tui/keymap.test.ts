import { describe, expect, it } from 'vitest';
import { KEYMAP, VIEWS, bindingsFor, footerHints, helpLines, resolveKey, type Screen } from '../../../src/tui/keymap.js';
import { keyEvent, normalizeKey, splitKeys } from '../../../src/tui/keys.js';

const SCREENS: Screen[] = [...VIEWS.map((v) => v.id), 'detail'];
const KINDS = ['resource', 'node', 'constraint', null] as const;

describe('keymap as data', () => {
  it('every command has at least one key and a description', () => {
    for (const b of KEYMAP) {
      expect(b.keys.length, b.command).toBeGreaterThan(0);
      expect(b.description.length, b.command).toBeGreaterThan(5);
    }
    expect(new Set(KEYMAP.map((b) => b.command)).size).toBe(KEYMAP.length);
  });

  it('no key is bound twice on the same screen for the same selection', () => {
    for (const screen of SCREENS) {
      for (const target of KINDS) {
        for (const readOnly of [false, true]) {
          const keys = bindingsFor({ screen, readOnly, target }).flatMap((b) => b.keys);
          expect(keys.length, `${screen}/${target}`).toBe(new Set(keys).size);
        }
      }
    }
  });

  it('dangerous commands change the cluster; fence is dangerous', () => {
    for (const b of KEYMAP) if (b.danger) expect(b.changesCluster, b.command).toBe(true);
    expect(KEYMAP.find((b) => b.command === 'fence')!.danger).toBe(true);
    expect(KEYMAP.find((b) => b.command === 'fenceCheck')!.changesCluster).toBe(false);
  });

  it('read-only binds no key that changes the cluster, on any screen', () => {
    const changing = KEYMAP.filter((b) => b.changesCluster);
    expect(changing.map((b) => b.command).sort()).toEqual(['ban', 'cleanup', 'clear', 'clusterMaintenance', 'disable', 'enable', 'failcountReset', 'fence', 'maintenance', 'move', 'refresh', 'restart', 'standby'].sort());
    for (const screen of SCREENS) {
      for (const target of KINDS) {
        const active = bindingsFor({ screen, readOnly: true, target });
        expect(active.filter((b) => b.changesCluster), `${screen}/${target}`).toEqual([]);
        for (const key of changing.flatMap((b) => b.keys)) {
          const hit = resolveKey(key, { screen, readOnly: true, target });
          expect(hit?.changesCluster ?? false, `${key} on ${screen}`).toBe(false);
        }
      }
    }
    // ...while the same keys work when not read-only.
    expect(resolveKey('m', { screen: 'resources', readOnly: false, target: 'resource' })?.command).toBe('move');
    expect(resolveKey('X', { screen: 'nodes', readOnly: false, target: 'node' })?.command).toBe('fence');
    expect(resolveKey('X', { screen: 'nodes', readOnly: true, target: 'node' })).toBeNull();
  });

  it('actions need a selection of the right kind', () => {
    expect(resolveKey('m', { screen: 'resources', readOnly: false, target: null })).toBeNull();
    expect(resolveKey('X', { screen: 'detail', readOnly: false, target: 'resource' })).toBeNull();
    expect(resolveKey('X', { screen: 'detail', readOnly: false, target: 'node' })?.command).toBe('fence');
    expect(resolveKey('C', { screen: 'constraints', readOnly: false, target: 'constraint' })?.command).toBe('clear');
  });

  it('help lists every binding of the mode, marking dangerous ones; read-only help has no actions', () => {
    const full = helpLines(false).map((l) => l.text).join('\n');
    for (const b of KEYMAP) expect(full).toContain(b.description);
    expect(helpLines(false).filter((l) => l.danger).length).toBe(KEYMAP.filter((b) => b.danger).length);
    const ro = helpLines(true).map((l) => l.text).join('\n');
    expect(ro).not.toContain('Fence the node');
    expect(ro).not.toContain('Move the resource');
    expect(ro).toContain('Read-only mode');
  });

  it('footer shows the keys of the current screen', () => {
    expect(footerHints({ screen: 'resources', readOnly: false, target: 'resource' })).toEqual(expect.arrayContaining(['m move', 'c cleanup', '/ filter', 'n by-node']));
    const nodes = footerHints({ screen: 'nodes', readOnly: false, target: 'node' });
    expect(nodes).toEqual(expect.arrayContaining(['s standby', 'X fence', 't fence-test']));
    expect(nodes).not.toContain('m move');
    expect(footerHints({ screen: 'nodes', readOnly: true, target: 'node' })).not.toContain('X fence');
  });
});

describe('normalizeKey', () => {
  it('treats Esc as escape although Ink also sets meta', () => {
    expect(normalizeKey('', { escape: true, meta: true })).toBe('escape');
  });
  it('names special keys and keeps typed text', () => {
    expect(normalizeKey('', { return: true })).toBe('enter');
    expect(normalizeKey('', { tab: true, shift: true })).toBe('shift-tab');
    expect(normalizeKey('', { pageDown: true })).toBe('pagedown');
    expect(normalizeKey('', { delete: true })).toBe('backspace');
    expect(normalizeKey('c', { ctrl: true })).toBe('ctrl-c');
    expect(normalizeKey('G', { shift: true })).toBe('G');
    expect(normalizeKey('x', { meta: true })).toBe('meta-x');
    expect(keyEvent('G', { shift: true })).toEqual({ name: 'G', text: 'G' });
    expect(keyEvent('', { upArrow: true })).toEqual({ name: 'up', text: null });
    expect(keyEvent('end', {})).toEqual({ name: 'end', text: 'end' });
  });
});

describe('splitKeys', () => {
  it('splits a multi-key read into single keys', () => {
    expect(splitKeys('jj\rn').map((k) => k.name)).toEqual(['j', 'j', 'enter', 'n']);
    expect(splitKeys('a\u007f\t\u0003')).toEqual([
      { name: 'a', text: 'a' },
      { name: 'backspace', text: null },
      { name: 'tab', text: null },
      { name: 'ctrl-c', text: null },
    ]);
  });
});
