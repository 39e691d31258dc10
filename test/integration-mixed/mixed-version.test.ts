/**
 * The sandbox in the middle of a rolling upgrade (`up --mixed`): cluster-3 runs Pacemaker 3.0, the
 * other nodes 2.1. Pacemaker runs the mix (crm_mon: "MIXED-VERSION partition"); `pcmk status` and
 * pcmk-top warn with each member's feature set and release, and changes work through a node of
 * either version: a move sent through cluster-1 (2.1's tools), a ban and its clear through
 * cluster-3 (3.0's tools).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { knownHosts, locate, onNode, root, sshConfig } from '../integration/sandbox-env.js';
import { requireBuilt, topConsole } from '../integration/tmux.js';

const WARNING = 'MIXED VERSIONS: feature set 3.16.1 on cluster-1, cluster-2 (Pacemaker 2.1.5); 3.20.0 on cluster-3 (Pacemaker 3.0.0)';

/** The real CLI over SSH to `hosts` (the first that answers runs a change). */
function pcmk(hosts: string[], args: string[]): string {
  return execFileSync(process.execPath, [path.join(root, 'bin/pcmk.js'), ...args, '--host', hosts.join(','), '-F', sshConfig, '--known-hosts', knownHosts, '--no-color'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('a mixed-version cluster (cluster-3 on Pacemaker 3.0, the others on 2.1)', () => {
  it('runs: each node its own release, and crm_mon calls the partition mixed', () => {
    expect(onNode('cluster-3', ['pacemakerd', '--version']).split('\n')[0]).toMatch(/^Pacemaker 3\.0\./);
    for (const n of ['cluster-1', 'cluster-2']) expect(onNode(n, ['pacemakerd', '--version']).split('\n')[0], n).toBe('Pacemaker 2.1.5');
    // The remote node runs the running daemon's binary (on 2.1 extracted from its package, off PATH).
    expect(onNode('remote-1', ['sh', '-c', '"$(readlink /proc/$(pidof pacemaker-remoted)/exe)" --version']).split('\n')[0]).toBe('Pacemaker 2.1.5');
    expect(onNode('cluster-1', ['crm_mon', '-1'])).toContain('MIXED-VERSION partition with quorum');
  });

  it("pcmk status over SSH warns with each member's feature set and release; --json has both per node", () => {
    const text = pcmk(['cluster-1', 'cluster-2', 'cluster-3'], ['status']);
    expect(text.split('\n')).toContain(WARNING);
    const j = JSON.parse(pcmk(['cluster-1', 'cluster-2', 'cluster-3'], ['status', '--json'])) as {
      snapshot: { cluster: { mixedVersion: boolean }; nodes: Array<{ name: string; featureSet: string | null; pacemakerVersion?: string }> };
    };
    expect(j.snapshot.cluster.mixedVersion).toBe(true);
    expect(j.snapshot.nodes.map((n) => [n.name, n.featureSet, n.pacemakerVersion ?? null])).toEqual([
      ['cluster-1', '3.16.1', '2.1.5'],
      ['cluster-2', '3.16.1', '2.1.5'],
      ['cluster-3', '3.20.0', '3.0.0'],
      ['guest-1', null, null],
      ['remote-1', null, null],
    ]);
  });

  it('moves dregistry to the 3.0 member through a 2.1 one, then bans and clears it through the 3.0 member', () => {
    const moved = pcmk(['cluster-1'], ['move', 'dregistry', 'cluster-3', '--yes', '--wait']);
    expect(moved).toMatch(/^Done: move dregistry from \S+ to cluster-3/m);
    expect(locate('dregistry')).toEqual(['cluster-3']);

    const banned = pcmk(['cluster-3'], ['ban', 'dregistry', 'cluster-3', '--yes', '--wait']);
    expect(banned).toContain('crm_resource --ban --resource dregistry --node cluster-3');
    expect(banned).toMatch(/^Done: /m);
    const away = locate('dregistry');
    expect(away).toHaveLength(1);
    expect(away[0]).not.toBe('cluster-3');
    expect(onNode('cluster-3', ['cibadmin', '--query', '--scope', 'constraints'])).toContain('cli-ban-dregistry-on-cluster-3');

    expect(pcmk(['cluster-3'], ['clear', 'dregistry', '--yes'])).toMatch(/^Done: remove move\/ban constraints of dregistry/m);
    expect(onNode('cluster-1', ['cibadmin', '--query', '--scope', 'constraints'])).not.toContain('cli-ban-dregistry');
  });

  describe('pcmk-top', () => {
    const { startTop, waitScreen, close } = topConsole('pcmk-mixed');
    afterAll(() => close());
    it('shows the warning on a line of its own under the hosts', async () => {
      requireBuilt();
      startTop('mixed', 130, 24);
      const f = await waitScreen('mixed', 'the mixed-version warning line', (s) => s.lines.some((l) => l === `! ${WARNING}`), 60_000);
      expect(f.lines.findIndex((l) => l.startsWith('! MIXED'))).toBe(2);
    });
  });
});
