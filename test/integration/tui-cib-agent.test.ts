/**
 * pcmk-top --cib in a real terminal (tmux) on a real CTS CIB, read in place: its watch runs the
 * agent as a child process. A killed agent shows as a down host, like an SSH host that dropped,
 * and comes back; the agent ends with the console, whether it quits or is killed. Uses no
 * cluster: runs on its own with PCMK_SANDBOX=none.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from './sandbox-env.js';
import { requireBuilt, topConsole } from './tmux.js';

const CIB = path.resolve(root, '../shared/corpus/pacemaker-cts/scheduler/bundle-order-fencing.xml');
const HOST = 'file:bundle-order-fencing.xml';

const alive = (pid: string): boolean => {
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The agent process under a pcmk-top process (its only child). */
function agentOf(topPid: string): string {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', topPid], { encoding: 'utf8', timeout: 10_000 });
  const line = out.split('\n').find((l) => l.includes('pcmk-agent.cjs serve'));
  if (!line) throw new Error(`no agent under pcmk-top ${topPid}:\n${out}`);
  return line.trim().split(/\s+/)[0]!;
}

const con = topConsole('pcmk-tui-cib-agent');
beforeAll(() => requireBuilt());
afterAll(() => con.close());

describe('pcmk-top --cib: the agent as a child process', () => {
  it('shows the file, a killed agent as a down host that comes back, and no agent outlives a killed console', async () => {
    con.startTop('kill', 120, 40, ['--cib', CIB]);
    await con.waitScreen('kill', 'the file live with its resources', (f) => f.text.includes(`${HOST} live`) && /rabbitmq-bundle/.test(f.text));
    const top = con.topPid('kill');
    const agent = agentOf(top);
    process.kill(Number(agent), 'SIGKILL');
    const down = await con.waitScreen('kill', 'the host down with the reason', (f) => f.lines[1]!.includes(`${HOST} DOWN`), 10_000);
    expect(down.lines[1]).toContain('agent ended (killed by SIGKILL)');
    // The last snapshot stays on screen while the agent is restarted.
    expect(down.text).toMatch(/rabbitmq-bundle/);
    await con.waitScreen('kill', 'the host live again', (f) => f.lines[1]!.includes(`${HOST} live`), 30_000);
    const second = agentOf(top);
    expect(second).not.toBe(agent);
    con.quitting.add('kill');
    process.kill(Number(top), 'SIGKILL');
    await until(`the agent ${second} to end after its console was killed`, () => !alive(second));
  });

  it('ends its agent when the operator quits', async () => {
    con.startTop('quit', 120, 40, ['--cib', CIB]);
    await con.waitScreen('quit', 'the file live', (f) => f.text.includes(`${HOST} live`));
    const top = con.topPid('quit');
    const agent = agentOf(top);
    con.quitting.add('quit');
    await con.keys('quit', 'q');
    await con.waitScreen('quit', 'pcmk-top exited', (f) => f.text.includes('[pcmk-top exited with status 0]'), 10_000);
    await until(`the agent ${agent} to end`, () => !alive(agent), 5_000);
    expect(con.violations).toEqual([]);
  });
});
