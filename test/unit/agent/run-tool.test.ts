import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LocalToolRunner, ToolError } from '../../../src/agent/run-tool.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/bin');
const local = new LocalToolRunner();

async function failure(p: Promise<unknown>): Promise<ToolError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ToolError);
    return e as ToolError;
  }
  throw new Error('expected the tool to fail');
}

describe('LocalToolRunner', () => {
  it('passes arguments untouched (no shell) and runs tools with TZ=UTC', async () => {
    const weird = ['a b', '$(touch /tmp/pwned)', "'; rm -rf /", '--x=1'];
    const out = await local.run(`${bin}/echo-args`, weird);
    expect(out.stdout).toBe(`${weird.join('\n')}\nTZ=UTC\n`);
    expect(out.exitCode).toBe(0);
  });

  it('names a missing tool', async () => {
    const e = await failure(local.run('crm_mon_not_here', ['--one-shot']));
    expect(e.failure).toBe('missing');
    expect(e.message).toBe('crm_mon_not_here: command not found; is it installed on this host? (ran: crm_mon_not_here --one-shot)');
  });

  it('kills a tool that hangs at its timeout', async () => {
    const started = Date.now();
    const e = await failure(local.run(`${bin}/hang`, ['-1'], { timeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(e.failure).toBe('timeout');
    expect(e.message).toBe(`${bin}/hang: timed out after 300 ms (ran: ${bin}/hang -1)`);
  });

  it('reports the exit code and stderr', async () => {
    const e = await failure(local.run(`${bin}/exit102`, ['--one-shot']));
    expect(e.failure).toBe('exit');
    expect(e.exitCode).toBe(102);
    expect(e.message).toBe(`${bin}/exit102: exit code 102: crm_mon: Error: cluster is not available on this node (ran: ${bin}/exit102 --one-shot)`);
  });

  it('accepts exit codes the caller declares valid', async () => {
    const out = await local.run(`${bin}/exit102`, [], { okExitCodes: [102] });
    expect(out.exitCode).toBe(102);
  });

  it('reports a tool killed by a signal', async () => {
    const e = await failure(local.run(`${bin}/die-by-signal`, []));
    expect(e.failure).toBe('killed');
    expect(e.signal).toBe('SIGTERM');
    expect(e.message).toBe(`${bin}/die-by-signal: killed by SIGTERM (ran: ${bin}/die-by-signal)`);
  });

  it('runs through a prefix command and says where', async () => {
    const r = new LocalToolRunner(['env', 'PCMK_X=1']);
    const out = await r.run(`${bin}/echo-args`, ['x']);
    expect(out.stdout).toBe('x\nTZ=UTC\n');
    const e = await failure(r.run('no_such_tool_here', []));
    expect(e.failure).toBe('missing');
    expect(e.message).toContain('(env PCMK_X=1)');
  });
});
