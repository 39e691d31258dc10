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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { main } from '../../src/commands/main.js';
import { createOutput, plain } from '../../src/commands/output.js';
import { onNode, pending, sandboxScript, state, waitFor, type Pending } from './sandbox-env.js';

/** True when `sandbox.sh status` says every node, daemon and BMC is up, else what it printed. */
function sandboxHealthy(): true | Pending {
  try {
    execFileSync('bash', [sandboxScript, 'status'], { stdio: 'pipe', timeout: 60_000 });
    return true;
  } catch (e) {
    const out = String((e as { stdout?: unknown }).stdout ?? '');
    return pending(out.split('\n').filter((l) => /down|not|fail|stopped|off/i.test(l)).slice(0, 10).join(' | ') || (e as Error).message);
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

// The local audit log of this run, away from the operator's own.
const stateHome = mkdtempSync(path.join(tmpdir(), 'pcmk-fence-state-'));
const savedStateHome = process.env.XDG_STATE_HOME;
process.env.XDG_STATE_HOME = stateHome;

afterAll(async () => {
  if (savedStateHome === undefined) delete process.env.XDG_STATE_HOME;
  else process.env.XDG_STATE_HOME = savedStateHome;
  rmSync(stateHome, { recursive: true, force: true });
  // Leave the sandbox as the next test expects it: every node back, every resource started.
  await waitFor('the sandbox to be healthy again', () => sandboxHealthy(), 180_000, 3000);
}, 200_000);

describe('pcmk fence cluster-3 --yes', () => {
  it('reboots cluster-3 through its BMC, once, and the local audit log has it with its request id', async () => {
    const healthy = sandboxHealthy();
    expect(healthy === true ? 'healthy' : healthy.seen).toBe('healthy');
    const logBefore = readPowerLog();
    const argv = ['--local', '--prefix', `bash ${sandboxScript} exec cluster-1 --`];
    const out: string[] = [];
    const err: string[] = [];
    const w = createOutput({ out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, false, plain);
    const started = Date.now();
    const code = await main([...argv, 'fence', 'cluster-3', '--yes'], w);
    const tookMs = Date.now() - started;
    console.log(`pcmk fence cluster-3 --yes: exit ${code} after ${tookMs} ms\n${[...err, ...out].join('\n')}`);

    expect(code).toBe(0);
    // The plan named the device before the shot.
    expect(err[0]).toBe('reboot cluster-3 with fence-cluster-3 (fence_ipmilan, BMC 198.51.100.113: power on, status ok)');
    expect(out[0]).toBe("fence node cluster-3 (reboot) through the cluster's fencer");
    expect(out).toContain('Scope: node cluster-3  (destructive: needs confirmation)');
    const idLine = out.find((l) => l.startsWith('Request id: '));
    expect(idLine).toMatch(/^Request id: \S+ \(pcmk log\)$/);
    const requestId = idLine!.split(' ')[2]!;

    // The local audit log holds the fence with its request id and the host's result.
    const log: string[] = [];
    expect(await main([...argv, 'log', '--json'], createOutput({ out: (s: string) => log.push(s), err: (s: string) => err.push(s) }, false, plain))).toBe(0);
    const entries = JSON.parse(log.join('\n')) as Array<{ requestId?: string; client?: string; action: { name: string; node?: string }; result: { ok: boolean | null } }>;
    const fenced = entries.filter((e) => e.action.name === 'fence');
    expect(fenced).toHaveLength(1);
    expect(fenced[0]).toMatchObject({ requestId, client: 'pcmk', action: { name: 'fence', node: 'cluster-3' }, result: { ok: true } });

    // The BMC really cut the power: its log grew by power-off (and on) lines.
    const added = readPowerLog().slice(logBefore.length);
    expect(added).toMatch(/off/i);

    // The history from another member agrees.
    const hist = onNode('cluster-2', ['stonith_admin', '--history', 'cluster-3']);
    expect(hist).toMatch(/reboot of cluster-3 successful/);

    // cluster-3 comes back by itself (the BMC powers it on after the simulated POST).
    await waitFor(
      'cluster-3 online again',
      () => {
        const mon = onNode('cluster-1', ['crm_mon', '-1']);
        return /Online: \[[^\]]*cluster-3/.test(mon) || pending(mon.split('\n').filter((l) => /Online|OFFLINE|UNCLEAN|pending/i.test(l)).join(' | '));
      },
      150_000,
      2000,
    );
  });
});
