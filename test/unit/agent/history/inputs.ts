/**
 * A pengine directory made with the real tools from one CTS scheduler input (read in place), the
 * way a DC's directory fills up: the CTS input (#1); the same CIB after `crm_resource --move B`
 * (#2, adds cli-prefer-B); the cluster after that transition, as `crm_simulate --save-output`
 * writes it (#3, B on 18node3); and after a failed monitor of B (#4, `--op-inject`). Each saved as
 * pe-input-N.bz2 with ascending file times.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { CORPUS_SCHEDULER } from '../actions/helpers.js';

export const CTS_MOVE = path.join(CORPUS_SCHEDULER, '1-a-then-bm-move-b.xml');
/** File times of the four inputs (s since the epoch): 2026-12-06 14:00:00 UTC plus a minute each. */
export const T0 = Date.UTC(2026, 11, 6, 14, 0, 0) / 1000;

const run = (file: string, args: string[], env: Record<string, string> = {}): void => {
  execFileSync(file, args, { env: { ...process.env, ...env, TZ: 'UTC', LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
};

/** Makes the directory; returns its path (under the OS temp dir; the caller removes it). */
export function makePengineDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pcmk-history-test-'));
  const p = (n: number) => path.join(dir, `pe-input-${n}`);
  copyFileSync(CTS_MOVE, p(1));
  copyFileSync(CTS_MOVE, p(2));
  run('crm_resource', ['--move', '--resource', 'B', '--node', '18node3'], { CIB_file: p(2) });
  run('crm_simulate', ['--xml-file', p(2), '--simulate', '--save-output', p(3)]);
  run('crm_simulate', ['--xml-file', p(3), '--simulate', '--op-inject', 'B_monitor_10000@18node3=7', '--save-output', p(4)]);
  for (let n = 1; n <= 4; n++) {
    run('bzip2', ['-f', p(n)]);
    utimesSync(`${p(n)}.bz2`, T0 + 60 * n, T0 + 60 * n);
  }
  return dir;
}

/**
 * For a test file: the directory made before its tests and removed after them, with any further
 * temporary directory `temp()` makes (under the OS temp dir).
 */
export function pengineDirForTests(): { readonly dir: string; temp(): string } {
  let dir = '';
  const made: string[] = [];
  beforeAll(() => {
    dir = makePengineDir();
    made.push(dir);
  }, 60_000);
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    temp() {
      const d = mkdtempSync(path.join(os.tmpdir(), 'pcmk-history-test-'));
      made.push(d);
      return d;
    },
  };
}
