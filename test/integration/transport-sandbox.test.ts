/**
 * The transport and the aggregator against the sandbox cluster's three nodes over real SSH (its
 * ssh_config and known_hosts), with the real agent bundle pushed to the nodes and in agentless mode.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOnce } from '../../src/aggregate/aggregator.js';
import { collectSnapshot } from '../../src/agent/collect.js';
import { connectAgent } from '../../src/transport/connect-agent.js';
import { SshHostSource } from '../../src/transport/host-source.js';
import { SshPool } from '../../src/transport/ssh/index.js';

const root = path.resolve(__dirname, '../..');
const bundle = path.join(root, 'dist/pcmk-agent.cjs');
let env: Record<string, string> = {};
let nodes: string[] = [];
const pools: SshPool[] = [];

function sandboxEnv(): Record<string, string> {
  const out = execFileSync('bash', [path.join(root, 'test/sandbox/sandbox.sh'), 'env'], { encoding: 'utf8', timeout: 60_000 });
  const vars: Record<string, string> = {};
  for (const m of out.matchAll(/^export (\w+)='([^']*)'$/gm)) vars[m[1]!] = m[2]!;
  return vars;
}

function pool(): SshPool {
  const p = new SshPool({ configFile: env.PCMK_SANDBOX_SSH_CONFIG, agentSocket: null, connectTimeoutMs: 10_000 });
  pools.push(p);
  return p;
}

beforeAll(() => {
  env = sandboxEnv();
  nodes = env.PCMK_SANDBOX_NODES!.split(/\s+/).filter(Boolean);
  if (!existsSync(bundle)) execFileSync('node', ['scripts/bundle.mjs'], { cwd: root, timeout: 120_000, stdio: 'inherit' });
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.closeAll()));
});

describe('transport on the sandbox cluster', () => {
  it('reaches every node with the sandbox ssh_config and known_hosts', async () => {
    const p = pool();
    const names = await Promise.all(nodes.map(async (n) => (await (await p.get(n)).exec(['uname', '-n'], { timeoutMs: 20_000 })).stdout.trim()));
    expect(names).toEqual(nodes);
  });

  it('runs the real agent on every node (installed or pushed) and they agree on the cluster', async () => {
    const sources = nodes.map((n) => new SshHostSource(n, pool(), { bundlePath: bundle, watch: false, helloTimeoutMs: 30_000, snapshotTimeoutMs: 60_000 }));
    const { hosts, view } = await collectOnce(sources, { timeoutMs: 90_000 });
    for (const h of hosts) {
      expect(h.lastError).toBeNull();
      expect(['agent', 'pushed']).toContain(h.mode);
      expect(h.snapshot!.source).toBe(h.name);
    }
    expect(view.splitView).toBe(false);
    expect(view.issues).toEqual([]);
    expect(view.partitions).toHaveLength(1);
    expect(view.partitions[0]!.online).toEqual([...nodes].sort());
    const dc = view.partitions[0]!.dc!;
    expect(nodes).toContain(dc);
    // The primary is the DC's own snapshot.
    expect(view.primary).toMatchObject({ host: dc, fresh: true });
    expect(view.primary!.reason).toBe("fresh, quorate, the DC's own view");
  });

  it('agentless mode builds the same picture with the agent collectors over SSH', async () => {
    const p = pool();
    const conn = await p.get(nodes[0]!);
    const ac = await connectAgent(conn, { allow: ['agentless'] });
    if (ac.mode !== 'agentless') throw new Error(`expected agentless, got ${ac.mode}`);
    const s = await collectSnapshot({ runner: ac.runner, source: nodes[0]! });
    expect(s.sources.find((x) => x.tool === 'crm_mon')).toMatchObject({ ok: true });
    expect(s.nodes.filter((n) => n.type === 'member').map((n) => n.name).sort()).toEqual([...nodes].sort());
    expect(nodes).toContain(s.cluster.dc);
    expect(s.corosync?.quorum.quorate).toBe(true);
  });
});
