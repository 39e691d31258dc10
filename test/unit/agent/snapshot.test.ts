import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../src/agent/agent.js';
import { ToolError } from '../../../src/agent/run-tool.js';
import { buildSnapshot, captured, hasClusterState, parseCibVersion, type RawOutputs } from '../../../src/agent/snapshot.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/sandbox');
const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
const now = new Date('2026-11-23T21:00:00Z');

/** Outputs captured from the sandbox cluster (Pacemaker 2.1.5, Corosync 3.1.7), inside cluster-1. */
function sandboxRaw(): RawOutputs {
  return {
    crmMon: captured('crm_mon', read('crm_mon.xml')),
    cib: captured('cibadmin', read('cib-configuration.xml')),
    cibVersion: captured('cibadmin', read('cib-version.xml')),
    quorumtool: captured('corosync-quorumtool', read('corosync-quorumtool-s.txt')),
    cmapctl: captured('corosync-cmapctl', read('corosync-cmapctl.txt')),
    cfgtool: captured('corosync-cfgtool', read('corosync-cfgtool-s.txt')),
  };
}

function missing(tool: string) {
  return {
    ok: false as const,
    tool,
    durationMs: 1,
    error: new ToolError({ tool, args: [], failure: 'missing', exitCode: null, signal: null, stderr: '', stdout: '', timeoutMs: null, durationMs: 1, where: 'local' }),
  };
}

describe('buildSnapshot on the sandbox cluster', () => {
  const s = buildSnapshot(sandboxRaw(), { now, source: 'cluster-1' });

  it('describes the cluster', () => {
    expect(s.schema).toBe(1);
    expect(s.takenAt).toBe('2026-11-23T21:00:00.000Z');
    expect(s.cluster.name).toBe('sandbox');
    expect(s.cluster.stack).toBe('corosync');
    expect(s.cluster.quorate).toBe(true);
    expect(s.cluster.pacemakerVersion).toMatch(/^2\.1\.5/);
    expect(s.cluster.apiVersion).toBe('2.25');
    expect(s.cluster.cibVersion).toMatch(/^0:\d+:\d+$/);
    expect(s.cluster.options['stonith-enabled']).toBe('true');
    expect(s.cluster.options['cluster-name']).toBe('sandbox');
    expect(hasClusterState(s)).toBe(true);
    expect(s.warnings).toEqual([]);
  });

  it('types members, the remote node and the guest node, with the guest host', () => {
    const byName = new Map(s.nodes.map((n) => [n.name, n]));
    for (const m of ['cluster-1', 'cluster-2', 'cluster-3']) expect(byName.get(m)?.type).toBe('member');
    expect(byName.get('remote-1')?.type).toBe('remote');
    const guest = byName.get('guest-1')!;
    expect(guest.type).toBe('guest');
    expect(guest.container).toBe('guest-1-vm');
    const vm = s.instances.find((i) => i.id === 'guest-1-vm')!;
    expect(guest.host).toBe(vm.nodes[0]);
    expect(s.nodes.filter((n) => n.isDc)).toHaveLength(1);
  });

  it('keeps the configured tree and the flat instances with parents', () => {
    const docker = s.resources.find((r) => r.id === 'docker');
    expect(docker?.kind).toBe('group');
    if (docker?.kind === 'group') expect(docker.children.map((c) => c.id)).toEqual(['dockerIP', 'dockerd']);
    const clone = s.resources.find((r) => r.id === 'dlm-clone');
    expect(clone?.kind).toBe('clone');
    expect(s.instances.find((i) => i.id === 'dockerd')?.parent).toBe('docker');
    expect(s.instances.find((i) => i.id === 'dregistry')?.parent).toBeNull();
    expect(s.instances.filter((i) => i.parent === 'dlm-clone').length).toBeGreaterThanOrEqual(3);
    // The CIB adds configuration that crm_mon does not print.
    const fence = s.resources.find((r) => r.id === 'fence-cluster-1');
    expect(fence?.kind).toBe('primitive');
    if (fence?.kind === 'primitive') {
      expect(fence.agent.type).toBe('fence_ipmilan');
      expect(fence.params.ip).toBe('198.51.100.111');
      expect(fence.ops.some((o) => o.name === 'monitor')).toBe(true);
    }
  });

  it('never carries a fencing password', () => {
    expect(JSON.stringify(s)).not.toContain('fixture-secret-1234');
  });

  it('has corosync membership, quorum and links', () => {
    expect(s.corosync?.clusterName).toBe('sandbox');
    expect(s.corosync?.members.map((m) => m.nodeId).sort()).toEqual(['1', '2', '3']);
    expect(s.corosync?.quorum.expectedVotes).toBe(3);
    expect(s.corosync?.links.every((l) => l.connected)).toBe(true);
  });

  it('finds the constraints, including the fencing bans', () => {
    const ids = s.constraints.location.map((c) => c.id);
    expect(ids).toContain('location-fence-cluster-1-avoids-cluster-1');
    expect(s.constraints.colocation.length).toBeGreaterThan(0);
    expect(s.constraints.order.length).toBeGreaterThan(0);
  });
});

describe('buildSnapshot when parts are missing', () => {
  it('makes corosync absent with a reason when its tools are missing (a remote node)', () => {
    const raw = { ...sandboxRaw(), quorumtool: missing('corosync-quorumtool'), cmapctl: missing('corosync-cmapctl'), cfgtool: missing('corosync-cfgtool') };
    const s = buildSnapshot(raw, { now });
    expect(s.corosync).toBeNull();
    expect(s.nodes.length).toBe(buildSnapshot(sandboxRaw(), { now }).nodes.length);
    expect(s.nodes.length).toBeGreaterThanOrEqual(5);
    expect(s.sources.filter((x) => !x.ok).map((x) => x.tool).sort()).toEqual(['corosync-cfgtool', 'corosync-cmapctl', 'corosync-quorumtool']);
    expect(s.warnings.map((w) => w.section)).toContain('corosync.quorumtool');
  });

  it('reports a cluster that is down instead of failing', () => {
    const raw: RawOutputs = { crmMon: missing('crm_mon') };
    const s = buildSnapshot(raw, { now });
    expect(hasClusterState(s)).toBe(false);
    expect(s.nodes).toEqual([]);
    expect(s.warnings[0]?.message).toContain('crm_mon: command not found');
  });

  it('turns malformed crm_mon output into a warning', () => {
    const s = buildSnapshot({ crmMon: captured('crm_mon', read('crm_mon.xml').slice(0, 500)) }, { now });
    expect(hasClusterState(s)).toBe(false);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]?.section).toBe('crm_mon');
  });
});

describe('fingerprint', () => {
  it('ignores the time crm_mon ran but not a change of state', () => {
    const a = sandboxRaw();
    const b = { ...a, crmMon: captured('crm_mon', read('crm_mon.xml').replace(/<last_update time="[^"]*"/, '<last_update time="Mon Nov 23 23:59:59 2026"')) };
    expect(fingerprint(b)).toBe(fingerprint(a));
    const c = { ...a, crmMon: captured('crm_mon', read('crm_mon.xml').replace('role="Started"', 'role="Stopped"')) };
    expect(fingerprint(c)).not.toBe(fingerprint(a));
  });
});

describe('parseCibVersion', () => {
  it('reads admin_epoch:epoch:num_updates', () => {
    expect(parseCibVersion('<cib epoch="5" num_updates="175" admin_epoch="0" dc-uuid="2"/>')).toBe('0:5:175');
    expect(parseCibVersion('<cib epoch="x"/>')).toBeNull();
    expect(parseCibVersion('')).toBeNull();
  });
});
