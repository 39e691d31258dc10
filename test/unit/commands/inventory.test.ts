import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { currentClusterFromFile, inventoryFile, openInventory } from '../../../src/commands/inventory.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'pcmk-inventory-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const saved = { ...process.env };
afterEach(() => {
  for (const k of ['XDG_CONFIG_HOME', 'PCMK_CONFIG_DIR']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('the inventory file, found without loading conf', () => {
  it('is the file conf keeps the inventory in: $PCMK_CONFIG_DIR', async () => {
    const dir = path.join(tmp, 'pcmk-config');
    const inv = await openInventory(dir);
    expect(inventoryFile({ PCMK_CONFIG_DIR: dir }, '/nowhere')).toBe(inv.path);
  });

  it('is the file conf keeps the inventory in: $XDG_CONFIG_HOME, else ~/.config', async () => {
    process.env.XDG_CONFIG_HOME = path.join(tmp, 'xdg');
    expect(inventoryFile({ XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME }, os.homedir())).toBe((await openInventory(undefined)).path);
    // (conf reads the home directory once, when it is loaded: not opened here, where it would write.)
    expect(inventoryFile({}, '/home/op')).toBe('/home/op/.config/pcmk-console/config.json');
  });

  it('its current cluster: the name, null with none or no file, undefined when it cannot be read', async () => {
    const dir = path.join(tmp, 'with-current');
    const inv = await openInventory(dir);
    expect(currentClusterFromFile(inv.path)).toBeNull();
    inv.add('prod', { hosts: ['h1'] });
    expect(currentClusterFromFile(inv.path)).toBe('prod');
    expect(currentClusterFromFile(path.join(tmp, 'absent', 'config.json'))).toBeNull();
    mkdirSync(path.join(tmp, 'broken'));
    writeFileSync(path.join(tmp, 'broken', 'config.json'), '{"current": ');
    expect(currentClusterFromFile(path.join(tmp, 'broken', 'config.json'))).toBeUndefined();
  });
});
