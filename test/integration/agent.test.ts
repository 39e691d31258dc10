/**
 * The agent on the real sandbox cluster: a snapshot of 3 members, a remote and a guest node, the
 * single-file bundle over SSH, and a watch that sees a resource move within a second.
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../src/agent/collect.js';
import type { ClusterSnapshot } from '../../src/model/snapshot.js';
import { agentBundle, knownHosts, locate, nodeRunner, onNode, pending, sshConfig, waitFor } from './sandbox-env.js';

describe('snapshot of the sandbox cluster', () => {
  it('sees members, the remote node and the guest node with its host', async () => {
    const s = await collectSnapshot({ runner: nodeRunner('cluster-1'), source: 'cluster-1' });
    expect(s.sources.filter((x) => !x.ok)).toEqual([]);
    const byName = new Map(s.nodes.map((n) => [n.name, n]));
    for (const m of ['cluster-1', 'cluster-2', 'cluster-3']) {
      expect(byName.get(m)).toMatchObject({ type: 'member', online: true });
    }
    expect(byName.get('remote-1')).toMatchObject({ type: 'remote', online: true });
    const guest = byName.get('guest-1')!;
    expect(guest).toMatchObject({ type: 'guest', online: true, container: 'guest-1-vm' });
    expect(guest.host).toBe(locate('guest-1-vm')[0]);
    expect(s.cluster.quorate).toBe(true);
    expect(s.cluster.dc).toMatch(/^cluster-[123]$/);
    expect(s.corosync?.members).toHaveLength(3);
    expect(s.corosync?.links.filter((l) => !l.connected)).toEqual([]);
    const dreg = s.instances.find((i) => i.id === 'dregistry')!;
    expect(dreg.nodes).toEqual(locate('dregistry'));
    expect(s.instances.find((i) => i.id === 'remote-1-dummy')?.nodes).toEqual(['remote-1']);
    expect(s.instances.find((i) => i.id === 'guest-1-dummy')?.nodes).toEqual(['guest-1']);
  });

  it('models the podman bundle with its replicas and their guest nodes', async () => {
    const s = await collectSnapshot({ runner: nodeRunner('cluster-1'), source: 'cluster-1' });
    const bundle = s.resources.find((r) => r.kind === 'bundle');
    expect(bundle, 'the sandbox runs with a podman bundle (up --bundle)').toBeDefined();
    if (bundle?.kind !== 'bundle') return;
    expect(bundle.containerType).toBe('podman');
    expect(bundle.replicas.length).toBe(bundle.replicasConfigured);
    for (const rep of bundle.replicas) {
      expect(rep.container).toMatch(/-podman-\d+$/);
      const guest = s.nodes.find((n) => n.name === rep.guestNode);
      expect(guest?.type).toBe('guest');
      expect(guest?.container).toBe(rep.container);
      // The guest's host is where its container runs.
      const container = s.instances.find((i) => i.id === rep.container);
      expect(guest?.host ?? null).toBe(container?.nodes[0] ?? null);
      expect(s.instances.find((i) => i.id === rep.child)?.parent).toBe(bundle.id);
    }
  });

  it('works on a pacemaker_remote node, where corosync is absent', async () => {
    const s = await collectSnapshot({ runner: nodeRunner('remote-1'), source: 'remote-1' });
    expect(s.nodes.length).toBeGreaterThanOrEqual(5);
    expect(s.corosync).toBeNull();
    const coro = s.sources.filter((x) => x.tool.startsWith('corosync'));
    expect(coro.length).toBe(3);
    expect(coro.every((x) => !x.ok && /corosync-\w+: (command not found|exit code)/.test(x.error ?? ''))).toBe(true);
  });
});

describe('pcmk-agent bundle over SSH', () => {
  const children: Array<ReturnType<typeof spawn>> = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGTERM');
  });

  function serveOver(host: string) {
    const child = spawn('ssh', ['-F', sshConfig, '-o', `UserKnownHostsFile=${knownHosts}`, host, 'node', agentBundle, 'serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    const queue: Array<Record<string, unknown>> = [];
    const waiters: Array<() => void> = [];
    // Whole lines only: the line being written when the ssh child is killed at the end stays in
    // `rest` and is never parsed (readline would hand it over as a line of its own). A whole line
    // that is not JSON is the agent's fault and fails the next wait.
    const notJson: string[] = [];
    let rest = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      rest += chunk;
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
        if (!line.trim()) continue;
        try {
          queue.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          notJson.push(line.slice(0, 200));
        }
      }
      waiters.splice(0).forEach((w) => w());
    });
    const send = (m: unknown) => child.stdin!.write(`${JSON.stringify(m)}\n`);
    const next = async (pred: (m: Record<string, unknown>) => boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (notJson.length) throw new Error(`${host}: the agent sent a line that is not JSON: ${notJson[0]}`);
        const i = queue.findIndex(pred);
        if (i >= 0) return queue.splice(i, 1)[0]!;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching message from ${host} within ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, left).unref();
        });
      }
    };
    return { send, next };
  }

  it('says hello, answers a snapshot and turns bad requests into error messages', async () => {
    const a = serveOver('cluster-2');
    const hello = await a.next((m) => m.type === 'hello', 20_000);
    expect(hello).toMatchObject({ protocol: 1, schema: 1, node: 'cluster-2', mode: 'live' });
    a.send({ id: 'x1', type: 'snapshot' });
    const snap = await a.next((m) => m.id === 'x1', 30_000);
    expect((snap.snapshot as ClusterSnapshot).nodes.length).toBeGreaterThanOrEqual(5);
    a.send({ id: 'x2', type: 'frobnicate' });
    expect(await a.next((m) => m.id === 'x2', 5000)).toMatchObject({ type: 'error', code: 'unknown-type' });
  });

  it('pushes a change to a watch client within a second of the cluster making it', async () => {
    const a = serveOver('cluster-3');
    await a.next((m) => m.type === 'hello', 20_000);
    a.send({ id: 'w', type: 'watch' });
    await a.next((m) => m.id === 'w' && m.type === 'snapshot', 30_000);

    const from = locate('dregistry')[0]!;
    const target = ['cluster-1', 'cluster-2', 'cluster-3'].find((n) => n !== from)!;
    const seen = (m: Record<string, unknown>) =>
      m.id === 'w' && m.type === 'snapshot' && !!(m.snapshot as ClusterSnapshot).instances.find((i) => i.id === 'dregistry' && i.nodes.includes(target) && i.role === 'Started');
    // Move the whole group (dregistry follows docker), then time when the cluster shows it running
    // on the target (polled independently) against when the watch delivered it.
    onNode('cluster-1', ['crm_resource', '--move', '--resource', 'docker', '--node', target]);
    try {
      const watchP = a.next(seen, 60_000).then(() => Date.now());
      const clusterAt = await waitFor(
        `dregistry to run on ${target}`,
        () => {
          const at = locate('dregistry');
          return at.includes(target) ? Date.now() : pending(`dregistry on [${at.join(', ')}]`);
        },
        60_000,
        100,
      );
      const watchAt = await watchP;
      const latency = watchAt - clusterAt;
      console.log(`watch latency after the move completed: ${latency} ms`);
      expect(latency).toBeLessThan(1000);
    } finally {
      onNode('cluster-1', ['crm_resource', '--clear', '--resource', 'docker']);
    }
  });
});
