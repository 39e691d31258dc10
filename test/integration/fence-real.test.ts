/**
 * A real fence on the sandbox: `pcmk fence cluster-3 --yes`, in this process, in local mode with
 * every tool run inside cluster-1. The cluster reboots cluster-3 through its BMC (fence_ipmilan
 * against ipmi_sim), the BMC log shows the power cycle, the fencing history shows the entry, and
 * the test waits until cluster-3 is back and the cluster settled before it ends.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/commands/args.js';
import { fenceCommand } from '../../src/commands/fence-check.js';
import { plain } from '../../src/commands/render.js';
import { resolveTarget, Session } from '../../src/commands/session.js';
import { sandboxScript, state, onNode, waitFor } from './sandbox-env.js';

function sandboxHealthy(): boolean {
  try {
    execFileSync('bash', [sandboxScript, 'status'], { stdio: 'pipe', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

const powerLog = path.join(state, 'hosts/cluster-3/bmc/power.log');
const readPowerLog = (): string => {
  try {
    return readFileSync(powerLog, 'utf8');
  } catch {
    return '';
  }
};

afterAll(async () => {
  // Leave the sandbox as the next test expects it: every node back, every resource started.
  await waitFor('the sandbox to be healthy again', () => sandboxHealthy(), 180_000, 3000);
}, 200_000);

describe('pcmk fence cluster-3 --yes', () => {
  it('reboots cluster-3 through its BMC and reports the fencing history entry', async () => {
    expect(sandboxHealthy()).toBe(true);
    const logBefore = readPowerLog();
    const p = parseArgs(['--local', '--prefix', `bash ${sandboxScript} exec cluster-1 --`, 'fence', 'cluster-3', '--yes']);
    const out: string[] = [];
    const err: string[] = [];
    const w = { out: (s: string) => out.push(s), err: (s: string) => err.push(s), isTTY: false, style: plain };
    const started = Date.now();
    const code = await fenceCommand(p, w, () => new Session(resolveTarget(p.options), p.options, false));
    const tookMs = Date.now() - started;
    console.log(`pcmk fence cluster-3 --yes: exit ${code} after ${tookMs} ms\n${[...err, ...out].join('\n')}`);

    expect(code).toBe(0);
    // The plan named the device before the shot.
    expect(err[0]).toBe('reboot cluster-3 with fence-cluster-3 (fence_ipmilan, BMC 198.51.100.113: power on, status ok)');
    expect(out[0]).toMatch(/^cluster-3: reboot done in \d+\.\d s \(requested on bash .*sandbox\.sh exec cluster-1 --\)$/);
    expect(out[1]).toMatch(/^fencing history: reboot of cluster-3: success, executed by cluster-[12], requested by cluster-1, completed \S/);

    // The BMC really cut the power: its log grew by power-off (and on) lines.
    const added = readPowerLog().slice(logBefore.length);
    expect(added).toMatch(/off/i);

    // The history from another member agrees.
    const hist = onNode('cluster-2', ['stonith_admin', '--history', 'cluster-3']);
    expect(hist).toMatch(/reboot of cluster-3 successful/);

    // cluster-3 comes back by itself (the BMC powers it on after the simulated POST).
    await waitFor('cluster-3 online again', () => /Online: \[[^\]]*cluster-3/.test(onNode('cluster-1', ['crm_mon', '-1'])), 150_000, 2000);
  });
});
