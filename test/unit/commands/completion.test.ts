/**
 * What completion offers at each position, read from the command table, and the names it reads
 * from a cluster: the real tools on a real CIB (test/fixtures/cib/sandbox-2.1.5.xml), and a host
 * that never answers (nothing, within the short timeout, exit 0).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLETION_TIMEOUT_MS, completeCommand, completionCommand, expectedAtCursor } from '../../../src/commands/completion.js';
import { main } from '../../../src/commands/main.js';
import { commandWords } from '../../../src/commands/usage.js';
import { requireShell } from './shells.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cib = path.join(root, 'test/fixtures/cib/sandbox-2.1.5.xml');

async function complete(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await completeCommand(argv, { out: (s) => lines.push(s) });
  return { code, lines };
}

describe('expectedAtCursor', () => {
  const at = (line: string, current = '') => expectedAtCursor('pcmk', line ? line.split(' ') : [], current);

  it('offers the command words first', () => {
    expect(at('').words).toEqual(commandWords());
    expect(at('--host h1,h2 -F cfg').words).toEqual(commandWords());
  });

  it('knows which argument is a resource and which a node', () => {
    expect(at('move')).toEqual({ words: [], kinds: ['resource'] });
    expect(at('move dregistry')).toEqual({ words: [], kinds: ['node'] });
    expect(at('move dregistry cluster-2')).toEqual({ words: [], kinds: [] });
    expect(at('--cluster prod ban')).toEqual({ words: [], kinds: ['resource'] });
    expect(at('standby')).toEqual({ words: [], kinds: ['node'] });
    expect(at('fence')).toEqual({ words: [], kinds: ['node'] });
    expect(at('resources')).toEqual({ words: [], kinds: ['resource'] });
  });

  it('offers sub-command words and choices', () => {
    expect(at('failcount').words.sort()).toEqual(['reset', 'show']);
    expect(at('failcount reset')).toEqual({ words: [], kinds: ['resource'] });
    expect(at('cluster').words.sort()).toEqual(['add', 'discover', 'list', 'remove', 'use']);
    expect(at('cluster use')).toEqual({ words: [], kinds: ['cluster'] });
    expect(at('maintenance').words).toEqual(['on', 'off']);
    expect(at('maintenance on')).toEqual({ words: [], kinds: ['node'] });
    expect(at('ipmi bmc1').words.sort()).toEqual(['identify', 'power']);
    expect(at('ipmi bmc1 power').words).toEqual(['status', 'on', 'off', 'cycle']);
    expect(at('completion').words).toEqual(['bash', 'zsh', 'fish']);
    expect(at('help').words).toEqual(commandWords());
  });

  it("completes option values by the option's kind", () => {
    expect(at('move dregistry --lifetime')).toEqual({ words: [], kinds: ['text'] });
    expect(at('cleanup --node')).toEqual({ words: [], kinds: ['node'] });
    expect(at('maintenance on --resource')).toEqual({ words: [], kinds: ['resource'] });
    expect(at('--cluster')).toEqual({ words: [], kinds: ['cluster'] });
    expect(at('-c')).toEqual({ words: [], kinds: ['cluster'] });
    expect(at('-F')).toEqual({ words: [], kinds: ['file'] });
    expect(at('status --cib')).toEqual({ words: [], kinds: ['file'] });
    // An option's value is not an argument: the cursor is still move's first argument.
    expect(at('move --lifetime PT1H')).toEqual({ words: [], kinds: ['resource'] });
    // --wait takes its value only as --wait=S; bash splits that into three words.
    expect(at('move --wait')).toEqual({ words: [], kinds: ['resource'] });
    expect(at('move --wait = 30')).toEqual({ words: [], kinds: ['resource'] });
  });

  it("offers the command's own options and the global ones", () => {
    const move = at('move', '-').words;
    expect(move).toEqual(expect.arrayContaining(['--keep-constraint', '--lifetime', '--dry-run', '--yes', '--host', '--cluster', '--json']));
    expect(move).not.toContain('--expired');
    expect(at('clear', '-').words).toContain('--expired');
  });

  it('pcmk-top takes options only', () => {
    expect(expectedAtCursor('pcmk-top', [], '').words).toEqual([]);
    expect(expectedAtCursor('/usr/bin/pcmk-top', [], '--').words).toEqual(expect.arrayContaining(['--host', '--cluster', '--read-only', '--version']));
    expect(expectedAtCursor('pcmk-top', ['--host'], '')).toEqual({ words: [], kinds: ['host'] });
  });
});

describe('pcmk __complete', () => {
  it('lists the resources and the nodes of a CIB, read with the real tools', async () => {
    const res = await complete(['resources', '--cib', cib, '--timeout', '60']);
    expect(res.code).toBe(0);
    expect(res.lines).toEqual(expect.arrayContaining(['dregistry', 'dockerIP', 'dlm-clone', 'guest-1-vm']));
    const nodes = await complete(['nodes', '--cib', cib, '--timeout', '60']);
    expect(nodes.lines).toEqual(expect.arrayContaining(['cluster-1', 'cluster-2', 'cluster-3', 'remote-1', 'guest-1']));
  });

  it('completes a line: the names of the kind at the cursor, starting with what is typed', async () => {
    expect((await complete(['line', 'pcmk', '--cib', cib, '--timeout', '60', 'move', 'dr'])).lines).toEqual(['dregistry']);
    expect((await complete(['line', 'pcmk', '--cib', cib, '--timeout', '60', 'move', 'dregistry', 'cluster-'])).lines).toEqual(['cluster-1', 'cluster-2', 'cluster-3']);
    expect((await complete(['line', 'pcmk', 'st'])).lines).toEqual(['standby', 'status']);
    expect((await complete(['line', 'pcmk', '--cib', ''])).lines).toEqual([':files']);
  });

  describe('a host that never answers', () => {
    let server: net.Server;
    let dir: string;
    let sshConfig: string;
    beforeAll(async () => {
      // Accepts the TCP connection and never says a word (no SSH banner).
      server = net.createServer(() => undefined);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      dir = mkdtempSync(path.join(tmpdir(), 'pcmk-complete-'));
      sshConfig = path.join(dir, 'ssh_config');
      writeFileSync(sshConfig, `Host silent\n  HostName 127.0.0.1\n  Port ${(server.address() as net.AddressInfo).port}\n  User nobody\n`);
    });
    afterAll(() => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('completes nothing, exits 0, within the short timeout', async () => {
      const t0 = Date.now();
      const r = await complete(['line', 'pcmk', '--host', 'silent', '-F', sshConfig, '--known-hosts', path.join(dir, 'kh'), 'move', '']);
      const ms = Date.now() - t0;
      expect(r).toEqual({ code: 0, lines: [] });
      expect(ms).toBeGreaterThanOrEqual(COMPLETION_TIMEOUT_MS - 100);
      expect(ms).toBeLessThan(COMPLETION_TIMEOUT_MS + 1500);
    });
  });

  it('is reached through pcmk itself, before option parsing', async () => {
    const out: string[] = [];
    expect(await main(['__complete', 'line', 'pcmk', 'move', '--keep'], { out: (s) => out.push(s) })).toBe(0);
    expect(out).toEqual(['--keep-constraint']);
  });
});

describe('pcmk completion', () => {
  it('prints a script for each shell, and refuses others', () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const out: string[] = [];
      expect(completionCommand(shell, { out: (s) => out.push(s), err: () => undefined })).toBe(0);
      expect(out.join('\n')).toContain('__complete line');
    }
    const err: string[] = [];
    expect(completionCommand('tcsh', { out: () => undefined, err: (s) => err.push(s) })).toBe(64);
    expect(err).toEqual(['pcmk: completion needs a shell: bash, zsh, fish (not tcsh)']);
  });

  it('reads the syntax of each script with its shell (bash -n, zsh -n, fish -n)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pcmk-completion-'));
    try {
      for (const shell of ['bash', 'zsh', 'fish'] as const) {
        const out: string[] = [];
        completionCommand(shell, { out: (s) => out.push(s), err: () => undefined });
        const file = path.join(dir, `pcmk.${shell}`);
        writeFileSync(file, `${out.join('\n')}\n`);
        expect(() => execFileSync(requireShell(shell), ['-n', file], { timeout: 20_000, stdio: 'pipe' }), shell).not.toThrow();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
