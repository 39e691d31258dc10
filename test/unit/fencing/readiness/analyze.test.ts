/**
 * analyzeFencing() on real inputs: the sandbox cluster's CIB, crm_mon and corosync output and the
 * stonith_admin answers captured on its cluster-1 (test/fixtures/sandbox, test/fixtures/fencing),
 * Pacemaker's own regression CIBs with fencing topologies (read in place from the shared corpus),
 * and configurations broken on purpose by editing the CIB text.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../../../src/agent/collect.js';
import { parseCib } from '../../../../src/agent/parse/cib.js';
import { LocalToolRunner } from '../../../../src/agent/run-tool.js';
import { buildSnapshot, captured } from '../../../../src/agent/snapshot.js';
import {
  analyzeFencing,
  parseStonithAdmin,
  toFenceDeviceRows,
  toFenceNodeRows,
  type FenceInputs,
  type FenceIpmiCheck,
  type FenceReport,
  type FenceStatusCheck,
} from '../../../../src/fencing/readiness/index.js';
import type { ClusterSnapshot } from '../../../../src/model/snapshot.js';
import { renderFenceReport } from '../../../../src/commands/fence-check.js';
import { plain } from '../../../../src/commands/output.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../../fixtures');
const corpus = path.resolve(here, '../../../../../shared/corpus');
const read = (f: string) => readFileSync(path.join(fixtures, f), 'utf8');
const now = new Date('2026-11-23T21:00:00Z');
const SANDBOX_CIB = read('sandbox/cib-configuration.xml');
const FIXTURE_SECRET = 'fixture-secret-1234';

function sandboxSnapshot(cibXml = SANDBOX_CIB, quorumtool = read('sandbox/corosync-quorumtool-s.txt')): ClusterSnapshot {
  return buildSnapshot(
    {
      crmMon: captured('crm_mon', read('sandbox/crm_mon.xml')),
      cib: captured('cibadmin', cibXml),
      cibVersion: captured('cibadmin', read('sandbox/cib-version.xml')),
      quorumtool: captured('corosync-quorumtool', quorumtool),
      cmapctl: captured('corosync-cmapctl', read('sandbox/corosync-cmapctl.txt')),
      cfgtool: captured('corosync-cfgtool', read('sandbox/corosync-cfgtool-s.txt')),
    },
    { now, source: 'cluster-1' },
  );
}

const list = (f: string) => parseStonithAdmin(read(`fencing/${f}`)).items;

const okStatus = (method = 'agent monitor'): FenceStatusCheck => ({ ok: true, method, detail: 'fence_ipmilan monitor succeeded', durationMs: 150 });
const okIpmi = (host: string): FenceIpmiCheck => ({ ok: true, host, port: 623, cipherSuite: 3, power: 'on', code: null, error: null, durationMs: 20 });
const BMC: Record<string, string> = { 'fence-cluster-1': '198.51.100.111', 'fence-cluster-2': '198.51.100.112', 'fence-cluster-3': '198.51.100.113', 'fence-remote-1': '198.51.100.121' };

/** What runFenceCheck collects on cluster-1 of the healthy sandbox. */
function sandboxInputs(over: Partial<FenceInputs> & { cibXml?: string } = {}): FenceInputs {
  const cibXml = over.cibXml ?? SANDBOX_CIB;
  return {
    cib: parseCib(cibXml, { now }),
    snapshot: sandboxSnapshot(cibXml),
    mode: 'live',
    checkedFrom: 'cluster-1',
    fencerLists: {
      'cluster-1': list('list-cluster-1.cluster-1.xml'),
      'cluster-2': list('list-cluster-2.cluster-1.xml'),
      'cluster-3': list('list-cluster-3.cluster-1.xml'),
      'remote-1': list('list-remote-1.cluster-1.xml'),
    },
    registered: list('list-registered.cluster-1.xml'),
    statusChecks: Object.fromEntries(Object.keys(BMC).map((id) => [id, okStatus()])),
    ipmi: Object.fromEntries(Object.entries(BMC).map(([id, host]) => [id, okIpmi(host)])),
    takenAt: now.toISOString(),
    durationMs: 1234,
    ...over,
  };
}

const node = (r: FenceReport, name: string) => {
  const n = r.nodes.find((x) => x.node === name);
  if (!n) throw new Error(`no node ${name} in the report`);
  return n;
};
const device = (r: FenceReport, id: string) => {
  const d = r.devices.find((x) => x.id === id);
  if (!d) throw new Error(`no device ${id} in the report`);
  return d;
};
const codes = (fs: Array<{ code: string }>) => fs.map((f) => f.code);

describe('analyzeFencing on the healthy sandbox', () => {
  const r = analyzeFencing(sandboxInputs());

  it('finds every node fencable, with the device the fencer offers', () => {
    expect(r.ok).toBe(true);
    expect(r.nodes.map((n) => [n.node, n.type, n.fencable])).toEqual([
      ['cluster-1', 'member', true],
      ['cluster-2', 'member', true],
      ['cluster-3', 'member', true],
      ['dummy-bundle-0', 'guest', true],
      ['dummy-bundle-1', 'guest', true],
      ['dummy-bundle-2', 'guest', true],
      ['guest-1', 'guest', true],
      ['remote-1', 'remote', true],
    ]);
    expect(node(r, 'cluster-2').devices).toEqual([{ id: 'fence-cluster-2', source: ['fencer', 'config'], working: true }]);
    expect(node(r, 'remote-1').devices.map((d) => d.id)).toEqual(['fence-remote-1']);
    for (const n of r.nodes) expect(n.problems.filter((p) => p.severity !== 'info')).toEqual([]);
  });

  it('covers the node the check runs on from the configuration (its own fencer never holds that device)', () => {
    // The capture: cluster-1's fencer offers no device for cluster-1.
    expect(list('list-cluster-1.cluster-1.xml')).toEqual([]);
    expect(node(r, 'cluster-1').devices).toEqual([{ id: 'fence-cluster-1', source: ['config'], working: true }]);
  });

  it('reports the guest node as fenced through its container', () => {
    const g = node(r, 'guest-1');
    expect(g.via).toBe('container guest-1-vm on host cluster-2');
    expect(g.devices).toEqual([]);
    // Bundle replicas are guests too, fenced through their podman container (stopped in this capture).
    expect(node(r, 'dummy-bundle-1')).toMatchObject({ online: false, via: 'container dummy-bundle-podman-1', fencable: true });
  });

  it('describes each device: targets, where it runs, registration here, password only as set', () => {
    const d = device(r, 'fence-cluster-1');
    expect(d).toMatchObject({ agent: 'fence_ipmilan', targets: ['cluster-1'], hostCheck: 'static-list', registered: false, bannedFrom: ['cluster-1'], password: 'set', secrets: { password: 'set' } });
    expect(d.runningOn).toHaveLength(1);
    expect(d.runningOn[0]).not.toBe('cluster-1');
    expect(device(r, 'fence-cluster-2').registered).toBe(true);
    for (const x of r.devices) expect(x.warnings).toEqual([]);
  });

  it('never carries a credential', () => {
    expect(JSON.stringify(r)).not.toContain(FIXTURE_SECRET);
    expect(SANDBOX_CIB).toContain(FIXTURE_SECRET);
  });

  it('reads the cluster options and the quorum', () => {
    expect(r.cluster.options['stonith-enabled']).toBe('true');
    expect(r.cluster.options['stonith-timeout']).toBe('60s');
    expect(r.cluster.twoNode).toBe(false);
    expect(r.cluster.quorate).toBe(true);
    expect(codes(r.cluster.findings)).toEqual(['stonith-timeout']);
  });

  it('builds the table rows', () => {
    const rows = toFenceNodeRows(r);
    expect(rows.find((x) => x.node === 'cluster-3')).toMatchObject({ fencedBy: 'fence-cluster-3', checks: 'fence-cluster-3: status ok, BMC power on', problems: '-', fencable: true });
    expect(rows.find((x) => x.node === 'guest-1')?.fencedBy).toBe('container guest-1-vm on host cluster-2');
    const dev = toFenceDeviceRows(r).find((x) => x.id === 'fence-cluster-1');
    expect(dev).toMatchObject({ targets: 'cluster-1', registered: 'no', password: 'set', bmc: 'power on (20 ms)', ok: true });
  });
});

describe('renderFenceReport (pcmk fence-test)', () => {
  it('a node table, a device table, the cluster findings and a verdict', () => {
    const cibXml = SANDBOX_CIB.replace('name="pcmk_host_list" value="cluster-3"', 'name="pcmk_host_list" value="cluster-4"');
    const r = analyzeFencing(sandboxInputs({ cibXml, fencerLists: { ...sandboxInputs().fencerLists, 'cluster-3': [] } }));
    const lines = renderFenceReport(r, plain);
    expect(lines[0]).toBe('Fencing readiness (checked from cluster-1, 1234 ms)');
    expect(lines[1]).toMatch(/^ {2}NODE +TYPE +CAN BE FENCED BY +CHECKS +PROBLEMS$/);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}cluster-3 +member +- +- +✗ no device can fence cluster-3$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}fence-cluster-3 +fence_ipmilan +cluster-4 +\S+ +yes +ok \(agent monitor\) +power on \(20 ms\) +set +! fence-cluster-3 lists cluster-4, which is not a node of this cluster$/));
    expect(lines).toContain('  i stonith-timeout=60s: a fencing action that takes longer counts as failed (devices may override it with pcmk_reboot_timeout)');
    expect(lines.at(-1)).toBe('NOT READY: cluster-3 cannot be fenced');
  });
});

describe('analyzeFencing on a sandbox broken on purpose', () => {
  it('stonith-enabled=false: a failure for every member and remote node', () => {
    const cibXml = SANDBOX_CIB.replace('name="stonith-enabled" value="true"', 'name="stonith-enabled" value="false"');
    const r = analyzeFencing(sandboxInputs({ cibXml }));
    expect(r.ok).toBe(false);
    expect(codes(r.cluster.findings)).toContain('stonith-disabled');
    for (const n of ['cluster-1', 'cluster-2', 'cluster-3', 'remote-1']) {
      expect(node(r, n).fencable).toBe(false);
      expect(node(r, n).problems.find((p) => p.code === 'stonith-disabled')?.message).toBe(`stonith-enabled=false: the cluster will not fence ${n}`);
    }
    // A guest is still recovered by restarting its container.
    expect(node(r, 'guest-1').fencable).toBe(true);
  });

  it('a node removed from its device host list: no device can fence it', () => {
    const cibXml = SANDBOX_CIB.replace('name="pcmk_host_list" value="cluster-3"', 'name="pcmk_host_list" value="cluster-4"');
    // The fencer agrees: it no longer offers the device for cluster-3.
    const r = analyzeFencing(sandboxInputs({ cibXml, fencerLists: { ...sandboxInputs().fencerLists, 'cluster-3': [] } }));
    const n = node(r, 'cluster-3');
    expect(n.fencable).toBe(false);
    expect(n.devices).toEqual([]);
    expect(n.problems).toContainEqual({ severity: 'failure', code: 'no-device', message: 'no device can fence cluster-3', node: 'cluster-3' });
    expect(device(r, 'fence-cluster-3').warnings.map((w) => w.message)).toContain('fence-cluster-3 lists cluster-4, which is not a node of this cluster');
    expect(node(r, 'cluster-2').fencable).toBe(true);
    expect(r.ok).toBe(false);
  });

  it('a wrong BMC password: the node is not fencable and the reason names the BMC and the password', () => {
    const ipmi = {
      ...sandboxInputs().ipmi,
      'fence-cluster-3': {
        ok: false,
        host: '198.51.100.113',
        port: 623,
        cipherSuite: 3,
        power: null,
        code: 'auth',
        error: 'RAKP message 2 from 198.51.100.113:623: invalid integrity check value (0x0f) (wrong password)',
        durationMs: 12,
      } satisfies FenceIpmiCheck,
    };
    const statusChecks = { ...sandboxInputs().statusChecks, 'fence-cluster-3': { ok: false, method: 'agent monitor', detail: 'exit code 1: ERROR: Failed: Unable to obtain correct plug status or plug is not available', durationMs: 160 } };
    const r = analyzeFencing(sandboxInputs({ ipmi, statusChecks }));
    const n = node(r, 'cluster-3');
    expect(n.fencable).toBe(false);
    expect(codes(n.problems)).toEqual(['device-broken', 'no-working-device']);
    expect(n.problems[0]!.message).toMatch(/^fence-cluster-3 cannot fence cluster-3: agent monitor failed: exit code 1/);
    expect(n.devices).toEqual([{ id: 'fence-cluster-3', source: ['fencer', 'config'], working: false }]);
    const w = device(r, 'fence-cluster-3').warnings;
    expect(w.find((x) => x.code === 'ipmi-auth')?.message).toMatch(/^fence-cluster-3: BMC 198\.51\.100\.113 rejected the configured user name or password/);
    expect(w.find((x) => x.code === 'ipmi-auth')?.severity).toBe('failure');
    for (const other of ['cluster-1', 'cluster-2', 'remote-1']) expect(node(r, other).fencable).toBe(true);
  });

  it('a BMC that does not answer: the node is not fencable, even before the agent says so', () => {
    const ipmi = {
      ...sandboxInputs().ipmi,
      'fence-remote-1': { ok: false, host: '198.51.100.121', port: 623, cipherSuite: 3, power: null, code: 'timeout', error: 'no answer from 198.51.100.121:623 after 3 attempts of 800 ms', durationMs: 2400 } satisfies FenceIpmiCheck,
    };
    const statusChecks = { ...sandboxInputs().statusChecks, 'fence-remote-1': { ok: null, method: 'skipped', detail: 'not checked', durationMs: 0 } };
    const r = analyzeFencing(sandboxInputs({ ipmi, statusChecks }));
    expect(node(r, 'remote-1').fencable).toBe(false);
    expect(node(r, 'remote-1').problems[0]!.message).toBe('fence-remote-1 cannot fence remote-1: no answer from 198.51.100.121:623 after 3 attempts of 800 ms');
    expect(device(r, 'fence-remote-1').warnings.map((x) => x.code)).toEqual(['ipmi-timeout']);
  });

  it('a BMC that answers "power off" for a node that is online is flagged (wrong BMC?)', () => {
    const ipmi = { ...sandboxInputs().ipmi, 'fence-cluster-2': { ...okIpmi('198.51.100.112'), power: 'off' as const } };
    const r = analyzeFencing(sandboxInputs({ ipmi }));
    expect(device(r, 'fence-cluster-2').warnings).toEqual([
      { severity: 'warning', code: 'power-mismatch', message: 'fence-cluster-2: BMC 198.51.100.112 reports power off while cluster-2 is online: does this BMC belong to cluster-2?', device: 'fence-cluster-2' },
    ]);
    expect(node(r, 'cluster-2').fencable).toBe(true);
  });

  it('risky settings: method=cycle, action=, no -INFINITY location, no host list, no password', () => {
    let cibXml = SANDBOX_CIB.replace(
      '<nvpair id="fence-cluster-1-lanplus" name="lanplus" value="1"/>',
      '<nvpair id="fence-cluster-1-lanplus" name="lanplus" value="1"/><nvpair id="fence-cluster-1-method" name="method" value="cycle"/><nvpair id="fence-cluster-1-action" name="action" value="off"/>',
    );
    cibXml = cibXml.replace(/<rsc_location id="location-fence-cluster-2-avoids-cluster-2"[^>]*\/>/, '');
    cibXml = cibXml.replace(/<nvpair id="fence-cluster-3-pcmk_host_(list|check)"[^>]*\/>/g, '');
    cibXml = cibXml.replace(/<nvpair id="fence-remote-1-password"[^>]*\/>/, '');
    const r = analyzeFencing(sandboxInputs({ cibXml }));
    expect(codes(device(r, 'fence-cluster-1').warnings)).toEqual(['method-cycle', 'deprecated-action']);
    expect(device(r, 'fence-cluster-2').warnings.map((w) => w.message)).toEqual([
      'fence-cluster-2 may run on cluster-2, the node it fences: add a location constraint with score -INFINITY',
    ]);
    const d3 = device(r, 'fence-cluster-3');
    expect(d3.hostCheck).toBe('status');
    expect(d3.targets).toEqual(['cluster-1', 'cluster-2', 'cluster-3', 'remote-1']);
    expect(codes(d3.warnings)).toContain('no-host-list');
    // Without a host list this IPMI device is offered for every node: wrong, and reported per node.
    expect(node(r, 'cluster-1').devices.map((d) => d.id)).toEqual(['fence-cluster-1', 'fence-cluster-3']);
    const d4 = device(r, 'fence-remote-1');
    expect(d4.password).toBe('not set');
    expect(d4.secrets).toEqual({});
    expect(codes(d4.warnings)).toEqual(['no-password']);
  });

  it('pcmk_host_check=static-list without a host list: the device fences nothing', () => {
    const cibXml = SANDBOX_CIB.replace(/<nvpair id="fence-cluster-2-pcmk_host_list"[^>]*\/>/, '');
    const r = analyzeFencing(sandboxInputs({ cibXml, fencerLists: { ...sandboxInputs().fencerLists, 'cluster-2': [] } }));
    expect(device(r, 'fence-cluster-2').warnings[0]).toMatchObject({ severity: 'failure', code: 'static-list-empty' });
    expect(device(r, 'fence-cluster-2').targets).toEqual([]);
    expect(node(r, 'cluster-2').fencable).toBe(false);
  });

  it('a device the fencer holds but does not offer for a node its configuration covers', () => {
    const r = analyzeFencing(sandboxInputs({ fencerLists: { ...sandboxInputs().fencerLists, 'cluster-3': [] } }));
    expect(node(r, 'cluster-3').problems.map((p) => p.code)).toEqual(['fencer-disagrees']);
    expect(node(r, 'cluster-3').fencable).toBe(true);
  });

  it('a disabled device cannot fence', () => {
    const cibXml = SANDBOX_CIB.replace(
      /(<primitive id="fence-cluster-2"[^>]*>)/,
      '$1<meta_attributes id="fence-cluster-2-meta"><nvpair id="fence-cluster-2-meta-target-role" name="target-role" value="Stopped"/></meta_attributes>',
    );
    const r = analyzeFencing(sandboxInputs({ cibXml }));
    expect(codes(device(r, 'fence-cluster-2').warnings)).toContain('disabled');
    expect(node(r, 'cluster-2').fencable).toBe(false);
    expect(node(r, 'cluster-2').problems[0]!.message).toBe('fence-cluster-2 cannot fence cluster-2: disabled (target-role=Stopped)');
  });
});

describe('analyzeFencing: cluster options and what they imply', () => {
  const withOptions = (pairs: Record<string, string>): string =>
    SANDBOX_CIB.replace(
      '<nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="true"/>',
      '<nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="true"/>' +
        Object.entries(pairs)
          .map(([k, v]) => `<nvpair id="opt-${k}" name="${k}" value="${v}"/>`)
          .join(''),
    );
  // Real `corosync-quorumtool -s` output of a two_node cluster (ha_cluster_exporter's test data).
  const twoNodeQuorum = readFileSync(path.join(corpus, 'tool-output/corosync-3/ha_cluster_exporter-TestParse-quorumtool.txt'), 'utf8');

  it('two_node without any fencing delay is a fence race', () => {
    const inputs = sandboxInputs();
    inputs.snapshot = sandboxSnapshot(SANDBOX_CIB, twoNodeQuorum);
    expect(inputs.snapshot.corosync?.quorum.flags).toContain('2Node');
    const r = analyzeFencing(inputs);
    expect(r.cluster.twoNode).toBe(true);
    expect(codes(r.cluster.findings)).toEqual(['stonith-timeout', 'two-node', 'fence-race']);
    expect(r.ok).toBe(true);
  });

  it('two_node with pcmk_delay_max on a device: no race warning', () => {
    const cibXml = SANDBOX_CIB.replace(
      '<nvpair id="fence-cluster-1-lanplus" name="lanplus" value="1"/>',
      '<nvpair id="fence-cluster-1-lanplus" name="lanplus" value="1"/><nvpair id="fence-cluster-1-delay" name="pcmk_delay_max" value="15s"/>',
    );
    const inputs = sandboxInputs({ cibXml });
    inputs.snapshot = sandboxSnapshot(cibXml, twoNodeQuorum);
    expect(codes(analyzeFencing(inputs).cluster.findings)).toEqual(['stonith-timeout', 'two-node']);
  });

  it('priority-fencing-delay: unused without priorities, too long against stonith-timeout', () => {
    const r = analyzeFencing(sandboxInputs({ cibXml: withOptions({ 'priority-fencing-delay': '90s', 'stonith-timeout': '1min' }) }));
    expect(r.cluster.options['priority-fencing-delay']).toBe('90s');
    expect(codes(r.cluster.findings)).toEqual(['stonith-timeout', 'priority-fencing-delay', 'priority-fencing-delay-unused', 'priority-fencing-delay-too-long']);
    expect(r.cluster.findings.at(-1)?.message).toBe('priority-fencing-delay (90s) is not shorter than stonith-timeout (1min)');
  });

  it('no-quorum-policy=ignore, stonith-action=off, startup-fencing=false', () => {
    const r = analyzeFencing(sandboxInputs({ cibXml: withOptions({ 'no-quorum-policy': 'ignore', 'stonith-action': 'off', 'startup-fencing': 'false' }) }));
    const f = r.cluster.findings;
    expect(f.find((x) => x.code === 'no-quorum-ignore')?.severity).toBe('warning');
    expect(codes(f)).toEqual(expect.arrayContaining(['stonith-action-off', 'startup-fencing-off']));
    expect(r.ok).toBe(true);
  });

  it('an invalid stonith-timeout is reported, not a crash', () => {
    const r = analyzeFencing(sandboxInputs({ cibXml: withOptions({ 'stonith-timeout': 'soon' }) }));
    expect(r.cluster.findings.find((x) => x.code === 'stonith-timeout-invalid')?.message).toBe('stonith-timeout=soon is not a duration');
  });

  it('no device at all', () => {
    const cibXml = SANDBOX_CIB.replace(/<primitive id="fence-[^"]*" class="stonith"[\s\S]*?<\/primitive>/g, '');
    const r = analyzeFencing(sandboxInputs({ cibXml, fencerLists: {}, registered: [] }));
    expect(r.devices).toEqual([]);
    expect(codes(r.cluster.findings)).toContain('no-devices');
    expect(r.nodes.filter((n) => n.type !== 'guest').every((n) => !n.fencable && n.problems.some((p) => p.code === 'no-device'))).toBe(true);
  });
});

describe('analyzeFencing on Pacemaker regression CIBs with fencing topology (CIB file mode)', () => {
  async function corpusInputs(name: string): Promise<FenceInputs> {
    const file = path.join(corpus, 'pacemaker-cts/scheduler', name);
    const xml = readFileSync(file, 'utf8');
    const snapshot = await collectSnapshot({ runner: new LocalToolRunner(), cibFile: file, now: () => now, timeoutMs: 60_000 });
    return { cib: parseCib(xml, { now }), snapshot, mode: 'cib-file', checkedFrom: null, fencerLists: {}, registered: null, statusChecks: {}, ipmi: {}, takenAt: now.toISOString(), durationMs: 0 };
  }

  it('colocation-vs-stickiness: levels per node, a level by node attribute, AND-levels', async () => {
    const r = analyzeFencing(await corpusInputs('colocation-vs-stickiness.xml'));
    const l1 = node(r, 'rhel7-1');
    expect(l1.levels).toEqual([
      { index: 1, target: 'rhel7-1', devices: ['FencingFail'], usable: true },
      { index: 2, target: 'rhel7-1', devices: ['Fencing'], usable: true },
    ]);
    expect(l1.fencable).toBe(true);
    // rhel7-5 gets its level from the node attribute cts-fencing=levels-and.
    expect(node(r, 'rhel7-5').levels).toEqual([{ index: 1, target: 'cts-fencing=levels-and', devices: ['FencingPass', 'Fencing'], usable: true }]);
    expect(node(r, 'rhel7-3').levels).toEqual([{ index: 1, target: 'rhel7-3', devices: ['FencingPass', 'Fencing'], usable: true }]);
    // Devices from the host lists (fence_xvm "Fencing" covers every node).
    expect(node(r, 'rhel7-4').devices.map((d) => d.id).sort()).toEqual(['Fencing', 'FencingFail']);
    expect(device(r, 'Fencing').statusCheck).toEqual({ ok: null, method: 'skipped', detail: 'configuration only (CIB file)', durationMs: 0 });
    expect(r.mode).toBe('cib-file');
  });

  it('colocation-vs-stickiness: a level that names a device that cannot fence the node is reported', async () => {
    const inputs = await corpusInputs('colocation-vs-stickiness.xml');
    // FencingPass's host list covers rhel7-3 and rhel7-5, not rhel7-1.
    inputs.cib.fencingTopology.push({ id: 'extra', target: 'rhel7-1', targetKind: 'node', index: 3, devices: ['FencingPass'] });
    inputs.cib.fencingTopology.push({ id: 'ghost', target: 'rhel7-1', targetKind: 'node', index: 4, devices: ['NoSuchDevice'] });
    const n = node(analyzeFencing(inputs), 'rhel7-1');
    expect(n.levels.map((l) => [l.index, l.usable])).toEqual([[1, true], [2, true], [3, false], [4, false]]);
    expect(n.problems.map((p) => p.message)).toEqual([
      'fencing level 3 for rhel7-1 uses FencingPass, which cannot fence rhel7-1',
      'fencing level 4 for rhel7-1 names NoSuchDevice, which is not configured',
    ]);
    expect(n.fencable).toBe(true);
  });

  it('remote-connection-shutdown: IPMI devices kept off their node by -10000 only; a dynamic-list device in a level', async () => {
    const r = analyzeFencing(await corpusInputs('remote-connection-shutdown.xml'));
    const d = device(r, 'stonith-fence_ipmilan-5254003f88b4');
    expect(d).toMatchObject({ agent: 'fence_ipmilan', targets: ['controller-2'], password: 'set', secrets: { passwd: 'set' } });
    expect(d.warnings.map((w) => w.code)).toContain('allowed-on-target');
    // compute-0: level 1 = its IPMI device + fence_compute, whose targets only its agent knows.
    const c0 = node(r, 'compute-0');
    expect(c0.type).toBe('remote');
    expect(c0.levels).toEqual([{ index: 1, target: 'compute-0', devices: ['stonith-fence_ipmilan-525400d5382b', 'stonith-fence_compute-fence-nova'], usable: true }]);
    expect(c0.devices.find((x) => x.id === 'stonith-fence_compute-fence-nova')?.source).toEqual(['agent']);
    expect(c0.fencable).toBe(true);
    expect(device(r, 'stonith-fence_compute-fence-nova').targets).toBeNull();
    // Guest nodes of bundles are fenced through their containers.
    const guests = r.nodes.filter((n) => n.type === 'guest');
    expect(guests.length).toBeGreaterThan(0);
    for (const g of guests) expect(g.via).toMatch(/^container \S+-podman-\d+/);
    expect(JSON.stringify(r)).not.toContain('****');
  });
});
