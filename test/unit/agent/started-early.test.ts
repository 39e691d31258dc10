import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalToolRunner } from '../../../src/agent/run-tool.js';
import { startEarly, takeStarted } from '../../../src/agent/started-early.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const logCall = path.join(root, 'test/fixtures/bin/log-call');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pcmk-started-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function logFile(): string {
  const f = path.join(tmp, `log-${Math.random().toString(36).slice(2)}`);
  writeFileSync(f, '');
  process.env.PCMK_CALL_LOG = f;
  return f;
}
const calls = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean);

describe('tools started early', () => {
  it('the runner takes a started call for exactly its command, once, with its outcome', async () => {
    const log = logFile();
    const runner = new LocalToolRunner([logCall]);
    startEarly(logCall, ['crm_mon', '--one-shot'], 4000);
    const first = runner.run('crm_mon', ['--one-shot'], { timeoutMs: 4000, okExitCodes: [102] });
    expect((await first).exitCode).toBe(102);
    expect(calls(log)).toEqual(['call crm_mon --one-shot']);
    // Taken: the next identical call runs the tool again.
    await runner.run('crm_mon', ['--one-shot'], { timeoutMs: 4000, okExitCodes: [102] });
    expect(calls(log)).toEqual(['call crm_mon --one-shot', 'call crm_mon --one-shot']);
  });

  it('another timeout, other arguments, an environment or input of its own: not the started call', async () => {
    const log = logFile();
    const runner = new LocalToolRunner([logCall]);
    startEarly(logCall, ['cibadmin', '--query'], 4000);
    await runner.run('cibadmin', ['--query'], { timeoutMs: 5000, okExitCodes: [102] });
    await runner.run('cibadmin', ['--query', '-l'], { timeoutMs: 4000, okExitCodes: [102] });
    await runner.run('cibadmin', ['--query'], { timeoutMs: 4000, env: { CIB_file: '/x' }, okExitCodes: [102] });
    await runner.run('cibadmin', ['--query'], { timeoutMs: 4000, input: '<cib/>', okExitCodes: [102] });
    expect(calls(log)).toHaveLength(5);
    expect(takeStarted(logCall, ['cibadmin', '--query'], 4000)).toBeDefined();
  });

  it('a started call nobody took is killed when the process exits', async () => {
    const pidFile = path.join(tmp, 'pid');
    // A program that starts one long call early and exits without taking it.
    const child = path.join(tmp, 'child.mjs');
    writeFileSync(
      child,
      [
        `import { startEarly } from ${JSON.stringify(path.join(tmp, 'started-early.mjs'))};`,
        `startEarly('sh', ['-c', 'echo $$ > ${pidFile}; exec sleep 60'], 60000);`,
        `const until = Date.now() + 10000;`,
        `const { existsSync, readFileSync } = await import('node:fs');`,
        `while (!(existsSync(${JSON.stringify(pidFile)}) && readFileSync(${JSON.stringify(pidFile)}, 'utf8').trim()) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));`,
        // As every program ends (src/bin/run-main.ts).
        `process.exit(0);`,
      ].join('\n'),
    );
    const { build } = await import('esbuild');
    await build({ entryPoints: [path.join(root, 'src/agent/started-early.ts')], outfile: path.join(tmp, 'started-early.mjs'), bundle: true, platform: 'node', format: 'esm', logLevel: 'silent' });
    await new Promise<void>((resolve, reject) => execFile(process.execPath, [child], { timeout: 20_000 }, (e) => (e ? reject(e) : resolve())));
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(pid).toBeGreaterThan(0);
    // Killed with the process: gone at once (a zombie of a reaped parent is reaped by init).
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 5000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(alive(), `sleep (pid ${pid}) still running 5 s after its parent exited`).toBe(false);
  });
});
