/**
 * Start-up cost: the built programs load Ink, React, ssh2 and conf only where a command needs them.
 * Each case runs bin/pcmk.js (the bundle) with a preload that records every module loaded, ES
 * modules through a resolve hook and CommonJS modules from require's cache.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const pcmk = path.join(root, 'bin/pcmk.js');
const bundle = path.join(root, 'dist/pcmk.mjs');
const hook = path.join(root, 'test/fixtures/bin/log-module-loads.mjs');
const tools = path.join(root, 'test/fixtures/bin/exit102');
const cib = path.join(root, 'test/fixtures/cib/sandbox-2.1.5.xml');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pcmk-modules-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The packages (under node_modules) a run of `pcmk args` loaded. */
async function packagesLoaded(args: string[]): Promise<Set<string>> {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build`);
  const log = path.join(tmp, `log-${Math.random().toString(36).slice(2)}`);
  writeFileSync(log, '');
  await new Promise<void>((resolve) => {
    execFile(process.execPath, ['--import', hook, pcmk, ...args], { env: { ...process.env, PCMK_MODULE_LOG: log, PCMK_CONFIG_DIR: tmp, SSH_AUTH_SOCK: '' }, timeout: 30_000 }, () => resolve());
  });
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  // Guards the instrument itself: a run that recorded nothing proves nothing.
  expect(lines.some((l) => l.includes('/dist/pcmk.mjs')), `the preload saw the bundle load:\n${lines.join('\n')}`).toBe(true);
  return new Set(lines.flatMap((l) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(l)?.[1] ?? []));
}

const heavy = ['ink', 'react', 'ssh2', 'conf'];

describe('module loading of the pcmk bundle', () => {
  it('pcmk --help loads none of ink, react, ssh2, conf', async () => {
    const got = await packagesLoaded(['--help']);
    expect(heavy.filter((p) => got.has(p))).toEqual([]);
  });

  it('pcmk status --local (the agent in-process) loads none of them', async () => {
    const got = await packagesLoaded(['status', '--local', '--prefix', tools, '--timeout', '5']);
    expect(heavy.filter((p) => got.has(p))).toEqual([]);
  });

  it('pcmk --cib FILE status loads none of them', async () => {
    const got = await packagesLoaded(['--cib', cib, 'status']);
    expect(heavy.filter((p) => got.has(p))).toEqual([]);
  });

  it('pcmk --host H status loads ssh2 when it connects, never ink or react', async () => {
    // A host whose port refuses at once: ssh2 is loaded to connect, then the connection fails.
    const cfg = path.join(tmp, 'ssh_config');
    writeFileSync(cfg, 'Host refused\n  HostName 127.0.0.1\n  Port 9\n  UserKnownHostsFile /dev/null\n');
    const got = await packagesLoaded(['--host', 'refused', '-F', cfg, '--timeout', '5', 'status']);
    expect(got.has('ssh2')).toBe(true);
    expect(['ink', 'react', 'conf'].filter((p) => got.has(p))).toEqual([]);
  });

  it('the pcmk bundle carries neither Ink nor React', () => {
    const text = readFileSync(bundle, 'utf8');
    expect(text).not.toMatch(/node_modules\/(ink|react|react-reconciler)\//);
  });

  it("pcmk-top's entry file leaves Ink and React to a chunk it imports on demand", () => {
    const text = readFileSync(path.join(root, 'dist/pcmk-top.mjs'), 'utf8');
    expect(text).not.toMatch(/node_modules\/(ink|react|react-reconciler)\//);
    expect(text).toMatch(/import\(["']\.\/chunks\/app-[A-Z0-9]+\.mjs["']\)/);
  });

  it('no bundle ships React development builds', () => {
    const files = [bundle, path.join(root, 'dist/pcmk-top.mjs'), ...readdirSync(path.join(root, 'dist/chunks')).map((f) => path.join(root, 'dist/chunks', f))];
    for (const f of files) expect(readFileSync(f, 'utf8'), f).not.toMatch(/\.development\.js/);
  });
});
