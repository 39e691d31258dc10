/**
 * The sandbox of this project really is the Pacemaker 3.0 one (`up --pacemaker 3.0`): every node
 * runs Debian 13's Pacemaker 3.0 (members with Corosync 3.1.9), and the real CLI reads it over
 * SSH and reports that version. The other files of this project are the 2.1 integration files,
 * run again on this cluster (vitest.config.ts).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
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
    });
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
