/**
 * The sandbox of this project really is the Pacemaker 3.0 one (`up --pacemaker 3.0 --bundle`):
 * every node runs Debian 13's Pacemaker 3.0 (members with Corosync 3.1.9, the podman bundle's
 * containers pacemaker-remoted 3.0), the real CLI reads it over SSH and reports that version, and
 * pcs 0.12 reads it on a member. The other files of this project are the 2.1 integration files,
 * run again on this cluster (vitest.config.ts).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../src/model/snapshot.js';
import { knownHosts, locate, members, onNode, root, sandboxNodes, sshConfig } from '../integration/sandbox-env.js';

/** The real CLI over SSH to the three members. */
function pcmk(args: string[]): string {
  return execFileSync(process.execPath, [path.join(root, 'bin/pcmk.js'), ...args, '--host', members.join(','), '-F', sshConfig, '--known-hosts', knownHosts], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('the Pacemaker 3.0 sandbox', () => {
  it('members run Pacemaker 3.0 on Corosync 3.1.9; the remote and guest nodes run pacemaker-remoted 3.0', () => {
    for (const m of members) {
      expect(onNode(m, ['pacemakerd', '--version']).split('\n')[0], m).toMatch(/^Pacemaker 3\.0\./);
      expect(onNode(m, ['corosync', '-v']).split('\n')[0], m).toContain("version '3.1.9'");
    }
    for (const n of sandboxNodes.filter((x) => !members.includes(x))) {
      expect(onNode(n, ['pacemaker-remoted', '--version']).split('\n')[0], n).toMatch(/^Pacemaker 3\.0\./);
    }
  });

  it('pcmk status --json over SSH: every node online with its type, DC on Pacemaker 3.0', () => {
    const out = pcmk(['status', '--json']);
    const j = JSON.parse(out) as {
      hosts: Array<{ name: string; state: string }>;
      snapshot: { cluster: { pacemakerVersion: string | null; quorate: boolean }; nodes: Array<{ name: string; type: string; online: boolean }> };
    };
    expect(j.hosts.map((h) => [h.name, h.state])).toEqual(members.map((m) => [m, 'live']));
    expect(j.snapshot.cluster.pacemakerVersion).toMatch(/^3\.0\./);
    expect(j.snapshot.cluster.quorate).toBe(true);
    expect(Object.fromEntries(j.snapshot.nodes.map((n) => [n.name, `${n.type}:${n.online}`]))).toEqual({
      'cluster-1': 'member:true',
      'cluster-2': 'member:true',
      'cluster-3': 'member:true',
      'remote-1': 'remote:true',
      'guest-1': 'guest:true',
      'dummy-bundle-0': 'guest:true',
      'dummy-bundle-1': 'guest:true',
      'dummy-bundle-2': 'guest:true',
    });
  });

  it('pcmk status --json over SSH models the podman bundle on 3.0: 3 replicas, one per member, each a guest node running pacemaker-remoted 3.0 in its container', () => {
    const j = JSON.parse(pcmk(['status', '--json'])) as { snapshot: ClusterSnapshot };
    const s = j.snapshot;
    const bundle = s.resources.find((r) => r.kind === 'bundle' && r.id === 'dummy-bundle');
    expect(bundle, 'the sandbox runs with a podman bundle (up --pacemaker 3.0 --bundle)').toBeDefined();
    if (bundle?.kind !== 'bundle') return;
    expect([bundle.containerType, bundle.replicasConfigured, bundle.replicas.length]).toEqual(['podman', 3, 3]);
    const hosts: string[] = [];
    for (const rep of bundle.replicas) {
      const container = s.instances.find((i) => i.id === rep.container);
      expect(container, rep.container ?? 'no container').toMatchObject({ role: 'Started', active: true });
      const host = container!.nodes[0]!;
      hosts.push(host);
      expect(s.nodes.find((n) => n.name === rep.guestNode)).toMatchObject({ type: 'guest', online: true, container: rep.container, host });
      // every replica's child has the same id (crm_mon's): it is told apart by its guest node
      expect(s.instances.find((i) => i.id === rep.child && i.nodes[0] === rep.guestNode)).toMatchObject({ parent: bundle.id, role: 'Started' });
      expect(onNode(host, ['podman', 'exec', rep.container!, '/opt/pcmk/pacemaker-remoted', '--version']).split('\n')[0], rep.container!).toMatch(/^Pacemaker 3\.0\./);
    }
    expect(hosts.sort()).toEqual(members);
  });

  it('pcs 0.12 on a 3.0 member: pcs status lists the nodes and the bundle with its replicas started', () => {
    expect(onNode('cluster-1', ['pcs', '--version']).trim()).toMatch(/^0\.12\./);
    const out = onNode('cluster-1', ['pcs', 'status']);
    expect(out).toContain('Container bundle set: dummy-bundle [localhost/pcmk-remote:sandbox]');
    for (const i of [0, 1, 2]) expect(out).toMatch(new RegExp(`dummy-bundle-${i}\\s+\\(ocf:pacemaker:Dummy\\):\\s+Started cluster-[123]`));
    expect(out).toMatch(/Online: \[ cluster-1 cluster-2 cluster-3 \]/);
  });

  it('pcmk move --dry-run over SSH: the agent on a 3.0 member previews the move of dregistry with its plan, and the CIB stays as it was', () => {
    const from = locate('dregistry')[0]!;
    const to = members.find((m) => m !== from)!;
    const before = onNode('cluster-1', ['cibadmin', '--query', '--scope', 'configuration']);
    const out = pcmk(['move', 'dregistry', to, '--dry-run', '--no-color']);
    expect(out).toContain(`crm_resource --move --resource dregistry --node ${to}`);
    expect(out).toContain('Move       dregistry');
    expect(out).not.toContain('Done');
    expect(onNode('cluster-1', ['cibadmin', '--query', '--scope', 'configuration'])).toBe(before);
    expect(locate('dregistry')).toEqual([from]);
  });
});
