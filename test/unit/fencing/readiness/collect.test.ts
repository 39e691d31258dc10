/**
 * runFenceCheck() end to end without a cluster: a runner that answers with output captured from
 * the sandbox (test/fixtures/sandbox, test/fixtures/fencing) and a fence agent stand-in, and a
 * real RMCP+ BMC on 127.0.0.1 (../ipmi/fake-bmc.ts) that our IPMI client talks to. Checks where
 * the credentials go (stdin of the agent and the BMC session only) and that they never come back.
 */
import { readFileSync } from 'node:fs';
import dgram from 'node:dgram';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError, type RunOptions, type ToolOutput, type ToolRunner } from '../../../../src/agent/run-tool.js';
import { fenceCheckHandler, runFenceCheck, scrubSecrets, type FenceReport } from '../../../../src/fencing/readiness/index.js';
import { FakeBmc } from '../ipmi/fake-bmc.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const read = (f: string) => readFileSync(path.resolve(here, '../../../fixtures', f), 'utf8');
const GOOD = 'fixture-secret-1234';
const WRONG = 'wrong-bmc-pass-77';

interface Call {
  tool: string;
  args: string[];
  input?: string;
  env?: Record<string, string>;
}

/** Answers like cluster-1 of the sandbox; fence agents succeed only with the right password. */
class FakeHostRunner implements ToolRunner {
  readonly where = 'fake cluster-1';
  readonly calls: Call[] = [];
  constructor(private readonly cib: string) {}

  async run(tool: string, args: string[], opts: RunOptions = {}): Promise<ToolOutput> {
    this.calls.push({ tool, args, input: opts.input, env: opts.env });
    const ok = (stdout: string): ToolOutput => ({ stdout, stderr: '', exitCode: 0, durationMs: 1 });
    const fail = (stderr: string, exitCode = 1): never => {
      throw new ToolError({ tool, args, failure: 'exit', exitCode, signal: null, stderr, stdout: '', timeoutMs: opts.timeoutMs ?? null, durationMs: 1, where: this.where });
    };
    const a = args.join(' ');
    switch (tool) {
      case 'crm_mon':
        return ok(read('sandbox/crm_mon.xml'));
      case 'cibadmin':
        return ok(a.includes('--xpath') ? read('sandbox/cib-version.xml') : this.cib);
      case 'corosync-quorumtool':
        return ok(read('sandbox/corosync-quorumtool-s.txt'));
      case 'corosync-cmapctl':
        return ok(read('sandbox/corosync-cmapctl.txt'));
      case 'corosync-cfgtool':
        return ok(read('sandbox/corosync-cfgtool-s.txt'));
      case 'crm_node':
        return ok('cluster-1\n');
      case 'stonith_admin': {
        if (a.includes('--list-registered')) return ok(read('fencing/list-registered.cluster-1.xml'));
        const m = /--list (\S+)/.exec(a);
        if (m) return ok(read(`fencing/list-${m[1]}.cluster-1.xml`));
        return fail(`unexpected stonith_admin ${a}`);
      }
      case 'fence_ipmilan': {
        // Like fence_ipmilan run with -v: its error output shows the ipmitool command line.
        const pw = /^password=(.*)$/m.exec(opts.input ?? '')?.[1] ?? '';
        if (pw === GOOD) return ok('');
        return fail(`2026-11-23 21:08:55,533 ERROR: Failed: Unable to obtain correct plug status (ipmitool -I lanplus -U admin -P ${pw} chassis power status)\n`);
      }
      default:
        return fail(`${tool}: not found`, 127);
    }
  }
}

/** The sandbox CIB with its BMCs moved to local UDP ports and one device's password changed. */
function localCib(ports: Record<string, number>, wrongPasswordDevice: string): string {
  let xml = read('sandbox/cib-configuration.xml');
  for (const [dev, port] of Object.entries(ports)) {
    xml = xml.replace(new RegExp(`(<nvpair id="${dev}-ip" name="ip" value=")[^"]*("/>)`), `$1127.0.0.1$2<nvpair id="${dev}-ipport" name="ipport" value="${port}"/>`);
  }
  return xml.replace(new RegExp(`(<nvpair id="${wrongPasswordDevice}-password" name="password" value=")[^"]*"`), `$1${WRONG}"`);
}

let bmc: FakeBmc;
let silentPort: number;
let silent: dgram.Socket;
let runner: FakeHostRunner;
let report: FenceReport;

beforeAll(async () => {
  bmc = await new FakeBmc({ users: [{ name: 'admin', password: GOOD, maxPriv: 4 }], suites: [3] }).start();
  // A "powered down" BMC: the port is bound, nothing ever answers.
  silent = dgram.createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  silentPort = silent.address().port;
  const cib = localCib({ 'fence-cluster-1': bmc.port, 'fence-cluster-2': bmc.port, 'fence-cluster-3': bmc.port, 'fence-remote-1': silentPort }, 'fence-cluster-2');
  runner = new FakeHostRunner(cib);
  report = await runFenceCheck({ runner, ipmiTimeoutMs: 600, now: () => new Date('2026-11-23T21:00:00Z') });
});

afterAll(async () => {
  await bmc?.stop();
  await new Promise<void>((r) => silent?.close(() => r()));
});

describe('runFenceCheck with a fake host and a real RMCP+ BMC', () => {
  it('reads the chassis power through each BMC with the configured credentials', () => {
    for (const id of ['fence-cluster-1', 'fence-cluster-3']) {
      expect(report.devices.find((d) => d.id === id)?.ipmi).toMatchObject({ ok: true, host: '127.0.0.1', port: bmc.port, cipherSuite: 3, power: 'on', code: null });
    }
    expect(report.nodes.find((n) => n.node === 'cluster-1')?.fencable).toBe(true);
    expect(report.nodes.find((n) => n.node === 'cluster-3')?.fencable).toBe(true);
  });

  it('reports a wrong password for the right node, from the BMC and from the agent', () => {
    const d = report.devices.find((x) => x.id === 'fence-cluster-2')!;
    expect(d.ipmi).toMatchObject({ ok: false, code: 'auth' });
    expect(d.statusCheck).toMatchObject({ ok: false, method: 'agent monitor' });
    expect(d.statusCheck.detail).toMatch(/^exit code 1: ERROR: Failed: Unable to obtain correct plug status/);
    const n = report.nodes.find((x) => x.node === 'cluster-2')!;
    expect(n.fencable).toBe(false);
    expect(n.problems.map((p) => p.code)).toEqual(['device-broken', 'no-working-device']);
  });

  it('reports a BMC that does not answer, within the time budget', () => {
    const d = report.devices.find((x) => x.id === 'fence-remote-1')!;
    expect(d.ipmi).toMatchObject({ ok: false, code: 'timeout', port: silentPort });
    expect((d.ipmi as { durationMs: number }).durationMs).toBeLessThan(1500);
    expect(report.nodes.find((x) => x.node === 'remote-1')?.fencable).toBe(false);
    expect(report.ok).toBe(false);
  });

  it('never puts a credential in argv; the agent gets it on stdin', () => {
    for (const c of runner.calls) {
      expect(c.args.join(' ')).not.toContain(GOOD);
      expect(c.args.join(' ')).not.toContain(WRONG);
    }
    const agentCalls = runner.calls.filter((c) => c.tool === 'fence_ipmilan');
    // fence-cluster-1 is not registered with cluster-1's fencer, the others are: all are run directly.
    expect(agentCalls).toHaveLength(4);
    for (const c of agentCalls) {
      expect(c.args).toEqual([]);
      expect(c.input).toMatch(/^action=monitor\n/);
      expect(c.input).toMatch(/^password=/m);
      expect(c.input).not.toMatch(/^pcmk_host_list=/m);
    }
  });

  it('never returns a credential, even one the agent printed in its error', () => {
    const text = JSON.stringify(report);
    expect(text).not.toContain(GOOD);
    expect(text).not.toContain(WRONG);
    expect(report.devices.find((x) => x.id === 'fence-cluster-2')?.statusCheck.detail).toContain('-P (secret)');
    expect(report.devices.every((d) => d.password === 'set')).toBe(true);
  });

  it('asks the fencer about every member and remote node, each call bounded', () => {
    const lists = runner.calls.filter((c) => c.tool === 'stonith_admin' && c.args.includes('--list')).map((c) => c.args[c.args.indexOf('--list') + 1]);
    expect(lists.sort()).toEqual(['cluster-1', 'cluster-2', 'cluster-3', 'remote-1']);
    for (const c of runner.calls.filter((x) => x.tool === 'stonith_admin')) expect(c.args).toContain('--timeout');
    expect(report.checkedFrom).toBe('cluster-1');
    expect(report.mode).toBe('live');
  });
});

describe('runFenceCheck on a CIB file', () => {
  it('reads the configuration only: no fencer, agent or BMC is asked', async () => {
    const r = new FakeHostRunner(read('sandbox/cib-configuration.xml'));
    const rep = await runFenceCheck({ runner: r, cibFile: '/nonexistent/cib.xml' });
    expect(rep.mode).toBe('cib-file');
    expect(r.calls.map((c) => c.tool)).not.toContain('stonith_admin');
    expect(r.calls.map((c) => c.tool)).not.toContain('fence_ipmilan');
    expect(r.calls.find((c) => c.tool === 'cibadmin')?.env).toEqual({ CIB_file: '/nonexistent/cib.xml' });
    expect(rep.devices.every((d) => d.ipmi === null && d.statusCheck.method === 'skipped')).toBe(true);
    expect(rep.nodes.filter((n) => n.type !== 'guest').every((n) => n.fencable)).toBe(true);
    expect(JSON.stringify(rep)).not.toContain(GOOD);
  });

  it('the agent handler runs the same check', async () => {
    const r = new FakeHostRunner(read('sandbox/cib-configuration.xml'));
    const rep = await fenceCheckHandler({ runner: r, cibFile: '/nonexistent/cib.xml' })();
    expect(rep.nodes.map((n) => n.node)).toContain('remote-1');
  });
});

describe('scrubSecrets', () => {
  it('replaces every occurrence in every string, keys included, longest secret first', () => {
    const v = { a: 'x pass123 y pass123', b: ['pass1234'], pass123: 1, n: 5 };
    expect(scrubSecrets(v, ['pass123', 'pass1234', ''])).toEqual({ a: 'x (secret) y (secret)', b: ['(secret)'], '(secret)': 1, n: 5 });
  });
});
