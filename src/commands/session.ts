/**
 * A session: how `pcmk` and `pcmk-top` reach the cluster. Local (the agent in-process), a CIB file,
 * or a set of hosts over SSH (agent on the host, pushed bundle, or agentless). The same sources feed
 * the aggregator for both front ends, and actions go to one host's agent, which re-validates them.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAgent, type Agent } from '../agent/agent.js';
import { collectSnapshot } from '../agent/collect.js';
import { LocalToolRunner, type ToolRunner } from '../agent/run-tool.js';
import { Aggregator, collectOnce, type HostSource, type SourceErrorInfo } from '../aggregate/aggregator.js';
import type { ClusterView, HostStatus } from '../aggregate/merge-view.js';
import type * as TransportModule from '../transport/index.js';
import type { AgentClient } from '../transport/agent-client.js';
import type { SshPool } from '../transport/ssh-connection.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import type { AgentMessage } from '../model/protocol.js';
import type { GlobalOptions } from './args.js';
import type { Inventory } from './inventory.js';

/**
 * The SSH transport (ssh2) and the inventory (conf) load only when a command needs them: a local
 * `pcmk status` on a cluster node should not pay for them at start-up.
 */
let transport: typeof TransportModule | null = null;
export async function loadTransport(): Promise<typeof TransportModule> {
  transport ??= await import('../transport/index.js');
  return transport;
}

function loadedTransport(): typeof TransportModule {
  if (!transport) throw new Error('the SSH transport is not loaded (openTarget() loads it)');
  return transport;
}

/** resolveTarget() with the inventory and, for SSH targets, the transport loaded. */
export async function openTarget(o: GlobalOptions, inventory?: Inventory): Promise<Target> {
  const needsInventory = !o.cib && !o.local && !o.hosts.length;
  const inv = inventory ?? (needsInventory ? new (await import('./inventory.js')).Inventory() : undefined);
  const target = resolveTarget(o, inv);
  if (target.kind === 'ssh') await loadTransport();
  return target;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/commands/session.js -> dist/pcmk-agent.cjs */
export const AGENT_BUNDLE = path.resolve(here, '../pcmk-agent.cjs');

export class SessionError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The agent running inside this process, as a host source. */
export class InProcessSource implements HostSource {
  readonly mode = 'local';
  private stopWatch: (() => void) | null = null;
  constructor(
    readonly name: string,
    readonly agent: Agent,
    private readonly watch: boolean,
  ) {}

  async start(onSnapshot: (s: ClusterSnapshot) => void, onError: (e: Error, info?: SourceErrorInfo) => void): Promise<void> {
    if (!this.watch) {
      onSnapshot(await this.agent.snapshot());
      return;
    }
    this.stopWatch = this.agent.watch((s) => onSnapshot(s), { onError: (e) => onError(e instanceof Error ? e : new Error(String(e)), { fatal: false }) });
  }

  stop(): void {
    this.stopWatch?.();
    this.stopWatch = null;
  }
}

export interface Target {
  kind: 'local' | 'cib' | 'ssh';
  hosts: string[];
  sshConfig: string | null;
  knownHosts: string[];
  label: string;
}

/** Decides where to go: --cib, --local, --host, --cluster, the inventory's current cluster, or local. */
export function resolveTarget(o: GlobalOptions, inventory?: Inventory): Target {
  if (o.cib) return { kind: 'cib', hosts: [], sshConfig: null, knownHosts: [], label: `file ${o.cib}` };
  if (o.local) return { kind: 'local', hosts: [], sshConfig: null, knownHosts: [], label: 'local' };
  if (o.hosts.length) return { kind: 'ssh', hosts: o.hosts, sshConfig: o.sshConfig, knownHosts: o.knownHosts, label: o.hosts.join(',') };
  // An explicit --cluster, else the inventory's current cluster, else this host (a cluster node).
  const inv = inventory;
  const name = o.cluster ?? inv?.current() ?? null;
  if (name) {
    if (!inv) throw new SessionError('no inventory loaded', 64);
    const e = inv.get(name);
    if (!e) throw new SessionError(`no cluster named ${name} in ${inv.path} (pcmk cluster list)`, 64);
    return { kind: 'ssh', hosts: e.hosts, sshConfig: o.sshConfig ?? e.sshConfig ?? null, knownHosts: [...(e.knownHosts ?? []), ...o.knownHosts], label: name };
  }
  return { kind: 'local', hosts: [], sshConfig: null, knownHosts: [], label: 'local' };
}

export class Session {
  readonly sources: HostSource[];
  private pool: SshPool | null = null;
  private readonly localAgent: Agent | null = null;
  private readonly localRunner: ToolRunner | null = null;

  constructor(
    readonly target: Target,
    private readonly o: GlobalOptions,
    watch: boolean,
  ) {
    if (target.kind === 'ssh') {
      const { SshPool, SshHostSource, TransportError } = loadedTransport();
      const runnerClosed = (r: unknown): boolean => !!(r as { conn?: { closed?: boolean } }).conn?.closed;
      this.pool = new SshPool({
        configFile: target.sshConfig ?? undefined,
        knownHostsFiles: target.knownHosts,
        connectTimeoutMs: o.timeoutMs,
      });
      const pool = this.pool;
      this.sources = target.hosts.map(
        (h) =>
          new SshHostSource(h, pool, {
            watch,
            // One-shot reads are fastest with the tools run directly over the connection (no
            // node start on the host); the live console keeps an agent per host for its watch.
            allow: watch ? ['agent', 'pushed', 'agentless'] : ['agentless'],
            bundlePath: AGENT_BUNDLE,
            helloTimeoutMs: o.timeoutMs,
            requestTimeoutMs: Math.max(o.timeoutMs, 30_000),
            snapshotTimeoutMs: Math.max(o.timeoutMs, 30_000),
            serveArgs: o.prefix.length ? ['--prefix', o.prefix.join(' ')] : [],
            agentless: {
              snapshot: async (runner, host) => {
                const take = () => collectSnapshot({ runner, source: host, timeoutMs: o.timeoutMs });
                try {
                  return await take();
                } catch (e) {
                  // A channel that closed without a status on a connection still open (sshd under
                  // load) is worth one more try; these reads change nothing. A lost connection is not.
                  if (e instanceof TransportError && e.stage === 'exec' && !runnerClosed(runner)) return take();
                  throw e;
                }
              },
            },
          }),
      );
    } else {
      this.localRunner = new LocalToolRunner(o.prefix);
      this.localAgent = createAgent({ runner: this.localRunner, cibFile: target.kind === 'cib' ? this.o.cib! : undefined, timeoutMs: o.timeoutMs });
      this.sources = [new InProcessSource(target.kind === 'cib' ? `file:${path.basename(this.o.cib!)}` : this.localAgent.node, this.localAgent, watch)];
    }
  }

  /** One round: every host once, merged. */
  async collect(): Promise<{ hosts: HostStatus[]; view: ClusterView }> {
    return collectOnce(this.sources, { timeoutMs: this.o.timeoutMs + 20_000 });
  }

  /** A live aggregator over every host (pcmk-top). */
  aggregator(): Aggregator {
    return new Aggregator(this.sources, {});
  }

  /**
   * Sends an action to one host's agent (the DC's host when known, else the first that answers),
   * which re-validates it against its own fresh snapshot and plans it itself.
   */
  /**
   * Sends an action to one host's agent (the DC's host when known, else the first that answers),
   * which re-validates it against its own fresh snapshot and plans it itself.
   */
  async action(action: Record<string, unknown>, dryRun: boolean, preferHost?: string | null): Promise<unknown> {
    if (this.localRunner) {
      const { handleAction } = await import('../agent/actions/index.js');
      return handleAction({ id: 'local', type: 'action', action: action as { name: string }, dryRun }, { runner: this.localRunner, cibFile: this.cibFile });
    }
    const answer = await this.agentRequest({ type: 'action', action: action as { name: string }, dryRun }, ((this.o.wait ?? 0) + 180) * 1000, preferHost);
    if (answer.type === 'action-result') return answer.result;
    throw new SessionError(`unexpected answer ${answer.type} from the agent`, 1);
  }

  /** The runner for host-side work in local and CIB-file mode (null over SSH). */
  get runner(): ToolRunner | null {
    return this.localRunner;
  }

  get cibFile(): string | undefined {
    return this.target.kind === 'cib' ? this.o.cib! : undefined;
  }

  /**
   * One request to one host's agent over SSH, trying the hosts in order (preferHost first) until
   * one answers. An error the agent itself reports is final: it came from the cluster, not the link.
   */
  async agentRequest(body: Parameters<AgentClient['request']>[0], timeoutMs: number, preferHost?: string | null): Promise<AgentMessage> {
    if (!this.pool) throw new SessionError('no SSH hosts in this session', 64);
    const hosts = preferHost ? [preferHost, ...this.target.hosts.filter((h) => h !== preferHost)] : this.target.hosts;
    let last: unknown = null;
    for (const h of hosts) {
      let client: AgentClient | null = null;
      try {
        const conn = await this.pool.get(h);
        const ac = await loadedTransport().connectAgent(conn, { bundlePath: AGENT_BUNDLE, allow: ['agent', 'pushed'], helloTimeoutMs: this.o.timeoutMs });
        if (ac.mode === 'agentless') throw new SessionError(`${h}: this needs the agent on the host`, 69);
        client = ac.client;
        return await client.request(body, { timeoutMs });
      } catch (e) {
        if ((e as { agentCode?: string | null }).agentCode) throw e;
        last = e;
      } finally {
        client?.close();
      }
    }
    // No host could be reached at all: 69, with the transport's own words (host, fingerprint...).
    if (last instanceof loadedTransport().TransportError) throw new SessionError(last.message, 69);
    throw last ?? new SessionError('no host answered', 69);
  }

  async close(): Promise<void> {
    for (const s of this.sources) await s.stop();
    await this.pool?.closeAll();
  }
}
