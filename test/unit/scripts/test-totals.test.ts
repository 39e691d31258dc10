/**
 * The closing line of `npm test` on a real vitest run of a small suite with one of each outcome
 * (test/fixtures/totals): a passed, a failed and a skipped test, a failed test inside a describe
 * block, a block whose beforeAll fails, a file that does not load, an error thrown outside any
 * test, and a test that passes only on its retry.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(root, 'test/fixtures/totals');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pcmk-totals-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(argv: string[], env: Record<string, string> = {}, cwd = root): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd, env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

const totals = (...args: string[]): Promise<Run> => run([path.join(root, 'scripts/test-totals.mjs'), ...args]);

describe('scripts/test-totals.mjs', () => {
  it('counts every test once, and failed blocks, unhandled errors and retried passes as failures', async () => {
    const report = path.join(tmp, 'fixtures.json');
    const vitest = await run(
      [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--root', fixtures, '--reporter=dot', `--reporter=${path.join(root, 'scripts/test-totals-reporter.mjs')}`],
      { PCMK_TEST_TOTALS_FILE: report },
      fixtures,
    );
    expect(vitest.code).toBe(1);
    const r = await totals(`${report}=${vitest.code}`);
    expect(r.stdout).toBe('4 passed, 5 failed, 3 skipped\n');
    expect(r.stderr.trim().split('\n').sort()).toEqual(
      [
        'test-totals: did not run: broken.fixture.ts: this file does not load',
        'test-totals: did not run: hook.fixture.ts > a block whose setup fails: setup failed',
        'test-totals: error outside any test: thrown after the test',
        'test-totals: failed: fail.fixture.ts > a block > fails',
        'test-totals: passed only after 1 retry: retried.fixture.ts > passes on the second attempt',
      ].sort(),
    );
    expect(r.code).toBe(1);
  });

  it('fails a missing report, a run with no test, and a non-zero exit with nothing recorded', async () => {
    const empty = path.join(tmp, 'empty.json');
    writeFileSync(empty, JSON.stringify({ reason: 'passed', tests: [], blocks: [], unhandled: [] }));
    const green = path.join(tmp, 'green.json');
    writeFileSync(green, JSON.stringify({ reason: 'passed', tests: [{ name: 'a > b', state: 'passed', retries: 0 }], blocks: [], unhandled: [] }));
    const r = await totals(path.join(tmp, 'absent.json'), empty, `${green}=1`);
    expect(r.stdout).toBe('1 passed, 3 failed\n');
    expect(r.stderr).toContain(`test-totals: ${path.join(tmp, 'absent.json')}: missing`);
    expect(r.stderr).toContain(`test-totals: ${empty}: ran no test`);
    expect(r.stderr).toContain(`test-totals: ${green}: vitest exited 1 with no failure recorded`);
    expect(r.code).toBe(1);
    expect(await totals(`${green}=0`)).toMatchObject({ code: 0, stdout: '1 passed, 0 failed\n', stderr: '' });
  });
});
