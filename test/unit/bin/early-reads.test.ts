/**
 * bin/pcmk.js starts the tools of a local `pcmk status` before the program is loaded, and the
 * program takes each of them instead of starting it again: every tool runs once.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { STATUS_READ_CALLS } from '../../../src/agent/collect.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const pcmk = path.join(root, 'bin/pcmk.js');
const logCall = path.join(root, 'test/fixtures/bin/log-call');
const preload = path.join(root, 'test/fixtures/bin/log-started-early.mjs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pcmk-early-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What a run of `pcmk ARGS` (tools through the logging prefix) recorded, a line each. */
async function record(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const log = path.join(tmp, `log-${Math.random().toString(36).slice(2)}`);
  writeFileSync(log, '');
  await new Promise<void>((resolve) => {
    execFile(process.execPath, ['--import', preload, pcmk, ...args, '--prefix', logCall, '--timeout', '5'], { env: { ...process.env, PCMK_CALL_LOG: log, PCMK_CONFIG_DIR: tmp, ...env }, timeout: 30_000 }, () => resolve());
  });
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const eachOnce = STATUS_READ_CALLS.map(([tool, args]) => `call ${[tool, ...args].join(' ')}`).sort();

describe('tools started before the program is loaded', () => {
  it('pcmk status --local: every tool of the status read runs once, started early and taken by the program', async () => {
    const lines = await record(['status', '--local']);
    expect(lines.filter((l) => l.startsWith('call ')).sort()).toEqual(eachOnce);
    expect(lines).toContain('started early, 0 not taken');
  });

  it('pcmk status with no target and no current cluster is the local node: the same', async () => {
    const lines = await record(['status']);
    expect(lines.filter((l) => l.startsWith('call ')).sort()).toEqual(eachOnce);
    expect(lines).toContain('started early, 0 not taken');
  });

  it('pcmk status --json --local (what is printed does not change what is read): the same', async () => {
    const lines = await record(['status', '--json', '--local']);
    expect(lines.filter((l) => l.startsWith('call ')).sort()).toEqual(eachOnce);
    expect(lines).toContain('started early, 0 not taken');
  });

  it('pcmk nodes --local starts nothing early', async () => {
    const lines = await record(['nodes', '--local']);
    expect(lines).toContain('nothing started early');
  });
});
