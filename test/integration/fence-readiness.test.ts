/**
 * The fencing readiness check on the real sandbox cluster, run from cluster-1 as the agent runs
 * it: it passes on the healthy cluster; then the cluster is broken on purpose, one fault at a
 * time (a wrong BMC password, a BMC that stopped answering, a node missing from its device's host
 * list, stonith-enabled=false), and each fault must be reported for the right node with the right
 * reason. Every test restores what it broke, even when it fails. Nothing is fenced here.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/commands/args.js';
import { fenceTestCommand } from '../../src/commands/fence-check.js';
import { main } from '../../src/commands/main.js';
import { createOutput, plain } from '../../src/commands/output.js';
import { resolveTarget, Session } from '../../src/commands/session.js';
import { runFenceCheck, type FenceReport } from '../../src/fencing/readiness/index.js';
import { knownHosts, locate, nodeRunner, onNode, pending, root, sandboxScript, settled, sshConfig, state, waitFor } from './sandbox-env.js';

const runner = nodeRunner('cluster-1');
const PASSWORD = readFileSync(path.join(state, 'ipmi_password'), 'utf8').trim();
const restores: Array<() => void | Promise<void>> = [];

afterEach(async () => {
  while (restores.length) await restores.pop()!();
});

const check = (): Promise<FenceReport> => runFenceCheck({ runner });
const node = (r: FenceReport, name: string) => r.nodes.find((n) => n.node === name)!;
const device = (r: FenceReport, id: string) => r.devices.find((d) => d.id === id)!;

function setParam(dev: string, name: string, value: string): void {
  onNode('cluster-1', ['crm_resource', '--resource', dev, '--set-parameter', name, '--parameter-value', value]);
}

function getParam(dev: string, name: string): string {
  return onNode('cluster-1', ['crm_resource', '--resource', dev, '--get-parameter', name]).trim();
}

/**
 * Clears the device's failures and waits until it runs again with none recorded. The cleanup
 * waits for the cluster to settle first: a cleanup that races the device's start still in flight
 * leaves a fail count in pacemaker-attrd that the CIB does not show, and attrd writes it back
 * later (a node rejoining), keeping the device off that node.
 */
async function deviceHealthy(dev: string): Promise<void> {
  await settled();
  onNode('cluster-1', ['crm_resource', '--cleanup', '--resource', dev], 60_000);
  await waitFor(
    `${dev} started without failures`,
    () => {
      const xml = onNode('cluster-1', ['crm_mon', '-1', '--output-as=xml']);
      const on = locate(dev);
      const failed = [...xml.matchAll(new RegExp(`<failure\\b[^>]*op_key="${dev}_[^>]*>`, 'g'))].map((m) => m[0]);
      const held = ['start_0', 'monitor_60000']
        .map((op) => onNode('cluster-1', ['sh', '-c', 'attrd_updater --query --all --name "$1" 2>/dev/null; exit 0', 'sh', `fail-count-${dev}#${op}`]).split('\n').filter((l) => /value="[^"]/.test(l)))
        .flat();
      return (on.length > 0 && !failed.length && !held.length) || pending(`${dev} on [${on.join(', ')}], failures ${failed.join(' ') || 'none'}, fail counts in pacemaker-attrd ${held.join(' ') || 'none'}`);
    },
    90_000,
    1000,
  );
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { w: createOutput({ out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, false, plain), out, err };
}

/** `pcmk <argv>` in this process, in local mode with every tool run inside cluster-1. */
function pcmkArgs(...argv: string[]) {
  const p = parseArgs(['--local', '--prefix', `bash ${sandboxScript} exec cluster-1 --`, ...argv]);
  return { p, open: () => new Session(resolveTarget(p.options), p.options, false) };
}

/** The whole `pcmk <argv>` (local mode inside cluster-1): exit code and output. */
async function pcmkMain(...argv: string[]) {
  const t = io();
  const code = await main(['--local', '--prefix', `bash ${sandboxScript} exec cluster-1 --`, ...argv], t.w);
  return { code, out: t.out, err: t.err };
}

describe('fencing readiness on the healthy sandbox', () => {
  it('every node can be fenced, every device and BMC answers, within 5 s', async () => {
    const r = await check();
    expect(r.nodes.filter((n) => !n.fencable)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.checkedFrom).toBe('cluster-1');
    for (const n of ['cluster-1', 'cluster-2', 'cluster-3', 'remote-1']) {
      expect(node(r, n).devices.map((d) => d.id)).toEqual([`fence-${n}`]);
      expect(node(r, n).devices[0]!.working).toBe(true);
    }
    expect(node(r, 'guest-1').via).toMatch(/^container guest-1-vm on host cluster-\d$/);
    for (const d of r.devices) {
      expect(d.statusCheck.ok).toBe(true);
      expect(d.ipmi).toMatchObject({ ok: true, power: 'on', cipherSuite: 3 });
      expect(d.password).toBe('set');
    }
    expect(JSON.stringify(r)).not.toContain(PASSWORD);
    expect(r.durationMs).toBeLessThan(5000);
  });

  it('is fast: five runs, each under 5 s', async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push((await check()).durationMs);
    times.sort((a, b) => a - b);
    console.log(`fence readiness check on the sandbox (3 members, 1 remote, 1 guest, 4 IPMI devices): ${times.join(', ')} ms (median ${times[2]} ms)`);
    expect(times[4]).toBeLessThan(5000);
  });

  it('pcmk fence-test prints the tables and exits 0; --json gives the report', async () => {
    const a = pcmkArgs('fence-test');
    const t = io();
    expect(await fenceTestCommand(a.p, t.w, a.open)).toBe(0);
    const text = t.out.join('\n');
    expect(text).toMatch(/^ {2}NODE +TYPE +CAN BE FENCED BY +CHECKS +PROBLEMS$/m);
    expect(text).toMatch(/^ {2}cluster-3 +member +fence-cluster-3 +fence-cluster-3: status ok, BMC power on +-$/m);
    expect(text).toContain('ready: every node can be fenced');
    expect(text).not.toContain(PASSWORD);

    const j = pcmkArgs('fence-test', '--json');
    const tj = io();
    expect(await fenceTestCommand(j.p, tj.w, j.open)).toBe(0);
    const r = JSON.parse(tj.out.join('\n')) as FenceReport;
    expect(r.nodes.map((n) => n.node).sort()).toEqual(expect.arrayContaining(['cluster-1', 'cluster-2', 'cluster-3', 'guest-1', 'remote-1']));
  });

  it('pcmk fence without --yes shows the device and the plan, and fences nothing (66)', async () => {
    const r = await pcmkMain('fence', 'cluster-3');
    expect(r.code).toBe(66);
    expect(r.err[0]).toBe('reboot cluster-3 with fence-cluster-3 (fence_ipmilan, BMC 198.51.100.113: power on, status ok)');
    expect(r.err).toContain('Scope: node cluster-3  (destructive: needs confirmation)');
    expect(r.err.some((l) => l.startsWith('  stonith_admin --reboot cluster-3 --timeout 120'))).toBe(true);
    expect(r.err.at(-1)).toBe('pcmk: fence not done: add --yes to confirm');
    expect(onNode('cluster-1', ['crm_node', '--list'])).toMatch(/cluster-3 member/);
  });

  it('pcmk fence --dry-run --json gives the host\'s plan and fences nothing', async () => {
    const r = await pcmkMain('fence', 'remote-1', '--off', '--dry-run', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out.join('\n'));
    expect(j).toMatchObject({ dryRun: true, action: 'fence', plan: { scope: 'node remote-1', danger: true, steps: [{ tool: 'stonith_admin', args: ['--fence', 'remote-1', '--timeout', '120'] }] } });
  });

  it('pcmk fence with an unknown node suggests names (80); a guest is refused (64)', async () => {
    const a = await pcmkMain('fence', 'clustr-3', '--yes');
    expect(a.code).toBe(80);
    expect(a.err).toEqual(["pcmk: no node named 'clustr-3' (did you mean cluster-3?)"]);
    const g = await pcmkMain('fence', 'guest-1', '--yes');
    expect(g.code).toBe(64);
    expect(g.err.at(-1)).toMatch(/^pcmk: guest-1 is a guest node: the cluster fences it by recovering its guest-1-vm/);
  });
});

describe('fencing readiness over SSH (the real CLI; the agent on cluster-1 runs the check)', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'pcmk-fence-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const env = { ...process.env, HOME: home, XDG_STATE_HOME: path.join(home, 'state'), PCMK_CONFIG_DIR: path.join(home, 'config'), NO_COLOR: '1' };
  const pcmk = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = execFile(process.execPath, [path.join(root, 'bin/pcmk.js'), '--host', 'cluster-1', '-F', sshConfig, '--known-hosts', knownHosts, ...args], { env, timeout: 120_000, encoding: 'utf8' }, (e, stdout, stderr) => {
        const c = (e as { code?: unknown } | null)?.code;
        resolve({ code: e ? (typeof c === 'number' ? c : -1) : 0, stdout, stderr });
      });
      child.stdin?.end();
    });

  it('pcmk fence-test --json: the same verdict, and no credential crosses the wire', async () => {
    const r = await pcmk(['fence-test', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout) as FenceReport;
    expect(rep.checkedFrom).toBe('cluster-1');
    expect(rep.nodes.filter((n) => n.type !== 'guest').every((n) => n.fencable && n.devices[0]?.working === true)).toBe(true);
    expect(rep.devices.map((d) => d.ipmi && 'power' in d.ipmi ? d.ipmi.power : null)).toEqual(['on', 'on', 'on', 'on']);
    expect(r.stdout).not.toContain(PASSWORD);
  });

  it('pcmk fence cluster-2 without --yes shows the plan from the agent (66)', async () => {
    const r = await pcmk(['fence', 'cluster-2']);
    expect(r.code).toBe(66);
    expect(r.stderr).toContain('reboot cluster-2 with fence-cluster-2 (fence_ipmilan, BMC 198.51.100.112: power on, status ok)');
  });
});

describe('fencing readiness on a sandbox broken on purpose', () => {
  it('a wrong BMC password on fence-cluster-2: cluster-2 cannot be fenced, the BMC rejected the password', async () => {
    const before = getParam('fence-cluster-2', 'password');
    restores.push(async () => {
      setParam('fence-cluster-2', 'password', before);
      await deviceHealthy('fence-cluster-2');
    });
    setParam('fence-cluster-2', 'password', 'not-the-bmc-password');
    const r = await check();
    const n = node(r, 'cluster-2');
    expect(n.fencable).toBe(false);
    expect(n.problems.map((p) => p.code)).toContain('no-working-device');
    expect(n.problems.find((p) => p.code === 'device-broken')?.message).toMatch(/^fence-cluster-2 cannot fence cluster-2: agent monitor failed: exit code 1/);
    const d = device(r, 'fence-cluster-2');
    expect(d.ipmi).toMatchObject({ ok: false, code: 'auth', host: '198.51.100.112' });
    expect(d.warnings.find((w) => w.code === 'ipmi-auth')?.message).toMatch(/BMC 198\.51\.100\.112 rejected the configured user name or password/);
    for (const other of ['cluster-1', 'cluster-3', 'remote-1']) expect(node(r, other).fencable).toBe(true);
    expect(JSON.stringify(r)).not.toContain('not-the-bmc-password');
    expect(JSON.stringify(r)).not.toContain(PASSWORD);
  });

  it("remote-1's BMC stops answering: remote-1 cannot be fenced, the BMC did not answer", async () => {
    const pid = readFileSync(path.join(state, 'hosts/remote-1/bmc/ipmi_sim.pid'), 'utf8').trim();
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('ipmi_sim');
    restores.push(async () => {
      process.kill(Number(pid), 'SIGCONT');
      await deviceHealthy('fence-remote-1');
    });
    process.kill(Number(pid), 'SIGSTOP');
    const t = performance.now();
    const r = await check();
    expect(performance.now() - t).toBeLessThan(8000);
    const n = node(r, 'remote-1');
    expect(n.fencable).toBe(false);
    const d = device(r, 'fence-remote-1');
    expect(d.ipmi).toMatchObject({ ok: false, code: 'timeout', host: '198.51.100.121' });
    expect(d.statusCheck.ok).toBe(false);
    expect(n.problems.map((p) => p.code)).toEqual(['device-broken', 'no-working-device']);
    for (const other of ['cluster-1', 'cluster-2', 'cluster-3']) expect(node(r, other).fencable).toBe(true);
  });

  it('cluster-3 removed from the host list of fence-cluster-3: no device can fence cluster-3', async () => {
    restores.push(async () => {
      setParam('fence-cluster-3', 'pcmk_host_list', 'cluster-3');
      await deviceHealthy('fence-cluster-3');
    });
    setParam('fence-cluster-3', 'pcmk_host_list', 'cluster-4');
    const r = await check();
    const n = node(r, 'cluster-3');
    expect(n.fencable).toBe(false);
    expect(n.devices).toEqual([]);
    expect(n.problems).toContainEqual({ severity: 'failure', code: 'no-device', message: 'no device can fence cluster-3', node: 'cluster-3' });
    expect(device(r, 'fence-cluster-3').targets).toEqual(['cluster-4']);
    for (const other of ['cluster-1', 'cluster-2', 'remote-1']) expect(node(r, other).fencable).toBe(true);

    // The command's exit code says so.
    const a = pcmkArgs('fence-test');
    const t = io();
    expect(await fenceTestCommand(a.p, t.w, a.open)).toBe(3);
    expect(t.out.join('\n')).toContain('NOT READY: cluster-3 cannot be fenced');
  });

  it('stonith-enabled=false: every member and the remote node are reported', async () => {
    restores.push(() => {
      onNode('cluster-1', ['crm_attribute', '--type', 'crm_config', '--name', 'stonith-enabled', '--update', 'true']);
    });
    onNode('cluster-1', ['crm_attribute', '--type', 'crm_config', '--name', 'stonith-enabled', '--update', 'false']);
    const r = await check();
    expect(r.ok).toBe(false);
    expect(r.cluster.findings.find((f) => f.code === 'stonith-disabled')?.severity).toBe('failure');
    for (const n of ['cluster-1', 'cluster-2', 'cluster-3', 'remote-1']) {
      expect(node(r, n).fencable).toBe(false);
      expect(node(r, n).problems.map((p) => p.message)).toContain(`stonith-enabled=false: the cluster will not fence ${n}`);
    }
    // The devices themselves are fine.
    expect(r.devices.every((d) => d.statusCheck.ok === true)).toBe(true);
  });
});
