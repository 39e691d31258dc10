/**
 * `pcmk why` on the real sandbox: each test builds one situation with the cluster's own tools,
 * asks the real CLI (over SSH, through the agent) why the resource does not run, checks the named
 * cause, runs the command the answer suggests, and waits until the resource runs again. Each test
 * removes what it added (finally), so the file leaves the cluster as it found it
 * (leave-as-found.ts checks that). Run under `flock /tmp/pcmk-sandbox.lock`.
 *
 * Test resources are Dummy primitives named why-*, kept on the members by one location rule.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { knownHosts, members, onMemberAsync, pending, root, sandboxScript, settled, sshConfig, waitFor } from './sandbox-env.js';
import type { WhyResponse } from '../../src/agent/actions/why.js';

const bin = path.join(root, 'bin/pcmk.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'pcmk-why-'));
const env = { ...process.env, HOME: path.join(tmp, 'home'), XDG_STATE_HOME: path.join(tmp, 'state'), PCMK_CONFIG_DIR: path.join(tmp, 'config'), NO_COLOR: '1' };

function pcmk(args: string[], hosts = members, timeout = 240_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [bin, ...args, '--host', hosts.join(','), '-F', sshConfig, '--known-hosts', knownHosts], { env, timeout, encoding: 'utf8', maxBuffer: 16 << 20 }, (e, stdout, stderr) => {
      const err = e as (Error & { code?: number | string; killed?: boolean }) | null;
      if (err?.killed) return reject(new Error(`pcmk ${args.join(' ')} timed out\n${stderr}`));
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

async function why(resource: string, node?: string, hosts = members): Promise<WhyResponse> {
  const r = await pcmk(['why', resource, ...(node ? [node] : []), '--json'], hosts);
  if (r.code !== 0) throw new Error(`pcmk why ${resource} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as WhyResponse;
}

/** Runs the command the answer suggests, as printed (`pcmk ...`), confirmed and waited for. */
async function runSuggested(a: WhyResponse): Promise<void> {
  expect(a.next, `a next command for: ${a.verdict}`).not.toBeNull();
  const words = a.next!.command.split(' ');
  expect(words[0]).toBe('pcmk');
  const r = await pcmk([...words.slice(1), '--yes', '--wait=120']);
  expect(r.code, `${a.next!.command}: ${r.stdout}\n${r.stderr}`).toBe(0);
}

/** crm_resource --locate, both streams (it says "is NOT running" on stderr). */
const locateText = (resource: string) => onMemberAsync(['sh', '-c', 'crm_resource --locate --resource "$1" 2>&1', 'sh', resource]);

async function runsSomewhere(resource: string): Promise<string[]> {
  return waitFor(`${resource} to run`, async () => {
    const out = await locateText(resource);
    const on = [...out.matchAll(/is running on: (\S+)/g)].map((m) => m[1]!);
    return on.length ? on : pending(out.trim());
  }, 120_000, 1000);
}

async function stopped(resource: string): Promise<void> {
  await waitFor(`${resource} to stop`, async () => {
    const out = await locateText(resource);
    return /is NOT running/.test(out) ? true : pending(out.trim());
  }, 120_000, 1000);
}

// ---------------------------------------------------------------------------------------------
// What each test adds, removed after it whatever happened.

const undo: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (undo.length) await undo.pop()!().catch(() => undefined);
  await settled();
}, 400_000);

const sh = (argv: string[]) => onMemberAsync(argv, 60_000);

async function constraint(xml: string, id: string): Promise<void> {
  await sh(['cibadmin', '--create', '--scope', 'constraints', '--xml-text', xml]);
  undo.push(() => sh(['cibadmin', '--delete', '--scope', 'constraints', '--xml-text', `<${/^<(\w+)/.exec(xml)![1]} id="${id}"/>`]));
}

/** A Dummy primitive kept on the members (optionally created stopped or with meta attributes). */
async function dummy(id: string, meta: Record<string, string> = {}): Promise<void> {
  const nv = Object.entries(meta).map(([k, v]) => `<nvpair id="${id}-meta-${k}" name="${k}" value="${v}"/>`).join('');
  const members = `<rsc_location id="${id}-members" rsc="${id}" resource-discovery="never"><rule id="${id}-members-rule" score="-INFINITY"><expression id="${id}-members-expr" attribute="#kind" operation="ne" value="cluster"/></rule></rsc_location>`;
  undo.push(async () => {
    await sh(['crm_resource', '--resource', id, '--meta', '--set-parameter', 'target-role', '--parameter-value', 'Stopped']).catch(() => undefined);
    await stopped(id).catch(() => undefined);
    await sh(['cibadmin', '--delete', '--scope', 'constraints', '--xml-text', `<rsc_location id="${id}-members"/>`]).catch(() => undefined);
    await sh(['cibadmin', '--delete', '--scope', 'resources', '--xml-text', `<primitive id="${id}"/>`]);
    await sh(['crm_resource', '--cleanup', '--resource', id]).catch(() => undefined);
  });
  await sh(['cibadmin', '--create', '--scope', 'resources', '--xml-text', `<primitive id="${id}" class="ocf" provider="pacemaker" type="Dummy"><meta_attributes id="${id}-meta">${nv}</meta_attributes><operations><op id="${id}-monitor" name="monitor" interval="10s"/></operations></primitive>`]);
  await sh(['cibadmin', '--create', '--scope', 'constraints', '--xml-text', members]);
}

const causeKinds = (a: WhyResponse, node?: string) => (node ? (a.nodes.find((n) => n.node === node)?.causes ?? []) : a.causes).map((c) => c.kind);

describe('pcmk why on the sandbox: the named cause, and the suggested command makes it run again', () => {
  it('a ban on every node: every member names its cli-ban; pcmk clear RSC brings it back', async () => {
    await dummy('why-ban');
    await runsSomewhere('why-ban');
    undo.push(() => sh(['crm_resource', '--clear', '--resource', 'why-ban']));
    for (const m of members) await sh(['crm_resource', '--ban', '--resource', 'why-ban', '--node', m]);
    await stopped('why-ban');
    const a = await why('why-ban');
    for (const m of members) expect(causeKinds(a, m), m).toEqual(['ban']);
    expect(a.verdict).toMatch(/^why-ban is stopped: no node can run it/);
    expect(a.next?.command).toBe('pcmk clear why-ban');
    await runSuggested(a);
    await runsSomewhere('why-ban');
  }, 600_000);

  it("group-level target-role=Stopped: a member names its group's target-role; pcmk enable GROUP", async () => {
    undo.push(async () => {
      await sh(['crm_resource', '--resource', 'docker', '--meta', '--delete-parameter', 'target-role']);
      // crm_resource leaves the attribute set it created, now empty: the group had none.
      await sh(['cibadmin', '--delete', '--scope', 'resources', '--xml-text', '<meta_attributes id="docker-meta_attributes"/>']);
    });
    await sh(['crm_resource', '--resource', 'docker', '--meta', '--set-parameter', 'target-role', '--parameter-value', 'Stopped']);
    await stopped('dockerd');
    const a = await why('dockerd');
    expect(causeKinds(a)).toEqual(['target-role']);
    expect(a.causes[0]!.resource).toBe('docker');
    expect(a.next?.command).toBe('pcmk enable docker');
    const r = await why('dregistry');
    expect(causeKinds(r)).toEqual(['stopped-partner', 'order']);
    expect(r.next?.command).toBe('pcmk enable docker');
    await runSuggested(a);
    await runsSomewhere('dockerd');
    await runsSomewhere('dregistry');
  }, 600_000);

  it('fail count at migration-threshold: the failcount on that node with pcmk cleanup RSC --node NODE', async () => {
    await dummy('why-fail', { 'migration-threshold': '1' });
    await constraint(
      '<rsc_location id="why-fail-only-c3" rsc="why-fail"><rule id="why-fail-only-c3-rule" score="-INFINITY"><expression id="why-fail-only-c3-expr" attribute="#uname" operation="ne" value="cluster-3"/></rule></rsc_location>',
      'why-fail-only-c3',
    );
    await waitFor('why-fail on cluster-3', async () => ((await runsSomewhere('why-fail')).includes('cluster-3') ? true : pending('elsewhere')), 120_000, 1000);
    undo.push(() => sh(['crm_resource', '--cleanup', '--resource', 'why-fail']));
    await sh(['crm_resource', '--fail', '--resource', 'why-fail', '--node', 'cluster-3']);
    await stopped('why-fail');
    const a = await waitFor('the fail count in the answer', async () => {
      const x = await why('why-fail', 'cluster-3');
      return causeKinds(x, 'cluster-3').includes('failcount') ? x : pending(JSON.stringify(x.nodes));
    }, 60_000, 2000);
    const c = a.nodes.find((n) => n.node === 'cluster-3')!.causes.find((x) => x.kind === 'failcount')!;
    expect(c.text).toMatch(/why-fail failed \d+ time\(s\) on cluster-3, at or over its migration-threshold \(1\)/);
    expect(c.evidence.join('\n')).toContain('never expires by itself (no failure-timeout)');
    for (const m of ['cluster-1', 'cluster-2']) expect(causeKinds(a, m), m).toEqual(['rule']);
    expect(a.next?.command).toBe('pcmk cleanup why-fail --node cluster-3');
    await runSuggested(a);
    expect(await runsSomewhere('why-fail')).toEqual(['cluster-3']);
  }, 600_000);

  it('the node in standby: standby on that node with pcmk unstandby NODE', async () => {
    await dummy('why-sb');
    await constraint(
      '<rsc_location id="why-sb-only-c3" rsc="why-sb"><rule id="why-sb-only-c3-rule" score="-INFINITY"><expression id="why-sb-only-c3-expr" attribute="#uname" operation="ne" value="cluster-3"/></rule></rsc_location>',
      'why-sb-only-c3',
    );
    await runsSomewhere('why-sb');
    undo.push(() => sh(['crm_attribute', '--node', 'cluster-3', '--name', 'standby', '--delete']));
    await sh(['crm_attribute', '--node', 'cluster-3', '--name', 'standby', '--update', 'on']);
    await stopped('why-sb');
    const a = await why('why-sb', 'cluster-3');
    expect(causeKinds(a, 'cluster-3')).toEqual(['standby']);
    expect(a.next?.command).toBe('pcmk unstandby cluster-3');
    await runSuggested(a);
    await runsSomewhere('why-sb');
  }, 600_000);

  it('colocation with a stopped resource: names the partner and its own reason; enabling the partner brings both', async () => {
    await dummy('why-first', { 'target-role': 'Stopped' });
    await dummy('why-with');
    await constraint('<rsc_colocation id="why-with-with-first" rsc="why-with" with-rsc="why-first" score="INFINITY"/>', 'why-with-with-first');
    await stopped('why-with');
    const a = await why('why-with');
    expect(causeKinds(a)).toEqual(['stopped-partner']);
    expect(a.causes[0]!.text).toContain('why-with must run with why-first (colocation why-with-with-first), and why-first is not running: why-first has target-role=Stopped');
    expect(a.next?.command).toBe('pcmk enable why-first');
    await runSuggested(a);
    await runsSomewhere('why-with');
  }, 600_000);

  it('an ordering whose first resource is stopped: names the order; enabling the first starts it', async () => {
    await dummy('why-first', { 'target-role': 'Stopped' });
    await dummy('why-then');
    await constraint('<rsc_order id="why-first-then" first="why-first" then="why-then" kind="Mandatory"/>', 'why-first-then');
    await stopped('why-then');
    const a = await why('why-then');
    expect(causeKinds(a)).toEqual(['order']);
    expect(a.causes[0]!.constraint).toBe('why-first-then');
    expect(a.next?.command).toBe('pcmk enable why-first');
    await runSuggested(a);
    await runsSomewhere('why-then');
  }, 600_000);

  it('unmanaged (maintenance=true): names it; pcmk maintenance off --resource starts it', async () => {
    await dummy('why-um', { 'target-role': 'Stopped', maintenance: 'true' });
    await sh(['crm_resource', '--resource', 'why-um', '--meta', '--delete-parameter', 'target-role']);
    const a = await why('why-um');
    expect(a.running).toEqual([]);
    expect(causeKinds(a)).toEqual(['unmanaged']);
    expect(a.next?.command).toBe('pcmk maintenance off --resource why-um');
    await runSuggested(a);
    await runsSomewhere('why-um');
  }, 600_000);
});

describe('pcmk why without quorum', () => {
  it('two members powered off through their BMCs with no-quorum-policy=stop: no quorum, named with the offline members', async () => {
    const power = (node: string, how: 'on' | 'off') =>
      new Promise<void>((resolve, reject) => execFile('bash', [sandboxScript, 'power', node, how], { timeout: 60_000 }, (e) => (e ? reject(e) : resolve())));
    undo.push(() => sh(['crm_attribute', '--name', 'no-quorum-policy', '--delete']));
    await sh(['crm_attribute', '--name', 'no-quorum-policy', '--update', 'stop']);
    undo.push(async () => {
      await power('cluster-2', 'on');
      await power('cluster-3', 'on');
    });
    // Both at once: one member lost alone would be fenced (rebooted) by the two left with quorum.
    await Promise.all([power('cluster-2', 'off'), power('cluster-3', 'off')]);
    await waitFor('cluster-1 without quorum', async () => {
      const out = await onMemberAsync(['crm_mon', '-1']);
      return /partition WITHOUT quorum/.test(out) ? true : pending(out.split('\n').slice(0, 4).join(' | '));
    }, 180_000, 2000);
    const a = await waitFor('the no-quorum cause', async () => {
      const x = await why('dregistry', undefined, ['cluster-1']);
      return causeKinds(x).includes('no-quorum') ? x : pending(x.verdict);
    }, 120_000, 2000);
    expect(a.running).toEqual([]);
    const c = a.causes.find((x) => x.kind === 'no-quorum')!;
    expect(c.text).toMatch(/this partition has no quorum and no-quorum-policy=stop: the cluster stops every resource; members offline: cluster-2, cluster-3/);
    // Bringing the members back is what fixes it: power on, then the cluster runs dregistry again.
    await undo.pop()!();
    await runsSomewhere('dregistry');
  }, 900_000);
});

process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
