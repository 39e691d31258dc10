/**
 * Shell completion names from the real sandbox cluster over real SSH: `pcmk __complete resources`
 * and `__complete nodes` (what the completion scripts ask on Tab), run as the real CLI with the
 * same connection options as every command. Reads only.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownHosts, members, root, sshConfig } from './sandbox-env.js';

const bin = path.join(root, 'bin/pcmk.js');
const ssh = ['--host', members.join(','), '-F', sshConfig, '--known-hosts', knownHosts];
let tmp: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'pcmk-complete-'));
  env = { ...process.env, HOME: path.join(tmp, 'home'), XDG_STATE_HOME: path.join(tmp, 'state'), PCMK_CONFIG_DIR: path.join(tmp, 'config'), NO_COLOR: '1' };
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function pcmk(args: string[]): Promise<{ code: number; lines: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, env, timeout: 60_000, encoding: 'utf8' }, (e, stdout, stderr) => {
      const err = e as (Error & { code?: number | string; killed?: boolean }) | null;
      if (err && (err.killed || typeof err.code !== 'number')) return reject(new Error(`pcmk ${args.join(' ')}: ${err.message}\n${stderr}`));
      resolve({ code: err ? (err.code as number) : 0, lines: stdout.split('\n').filter(Boolean), stderr });
    });
  });
}

describe('pcmk __complete on the sandbox over SSH', () => {
  it('lists the resources, dregistry among them', async () => {
    // The completion's own short timeout is for a Tab; a shared, busy sandbox gets --timeout.
    const r = await pcmk(['__complete', 'resources', ...ssh, '--timeout', '20']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toContain('dregistry');
    expect(r.lines).not.toContain('cluster-1');
  });

  it('lists the nodes, cluster-1..3 among them', async () => {
    const r = await pcmk(['__complete', 'nodes', ...ssh, '--timeout', '20']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toEqual(expect.arrayContaining(members));
    expect(r.lines).not.toContain('dregistry');
  });

  it('completes a line: move dr<Tab> over SSH', async () => {
    const r = await pcmk(['__complete', 'line', 'pcmk', ...ssh, '--timeout', '20', 'move', 'dr']);
    expect(r).toEqual({ code: 0, lines: ['dregistry'], stderr: '' });
  });
});
