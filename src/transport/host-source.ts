/**
 * Host sources for the Aggregator (src/aggregate) over the transport: an agent on the host (installed
 * or pushed) reached over SSH, with an agentless fallback, and a local agent process. They satisfy
 * the aggregator's HostSource interface structurally.
 */
import type { ClusterSnapshot } from '../model/snapshot.js';
import type { DeferUnlessDc } from '../model/protocol.js';
import { AgentClient, AgentError, spawnLocalAgent, type AgentChannel } from './agent-client.js';
import { connectAgent, type AgentConnection, type AgentMode, type ConnectAgentOptions } from './connect-agent.js';
import { TransportError } from './errors.js';
import type { SshConnection, SshPool } from './ssh/index.js';
import type { SshToolRunner } from './ssh-tool-runner.js';

type OnSnapshot = (s: ClusterSnapshot) => void;
type OnError = (e: Error, info?: { fatal?: boolean }) => void;

/** How to build snapshots in agentless mode (the caller passes the agent's collectors). */
export interface AgentlessCollector {
  snapshot(runner: SshToolRunner, host: string): Promise<ClusterSnapshot>;
  /** Optional watch (e.g. the agent's createAgent({runner}).watch); otherwise snapshot() is polled. */
  watch?(runner: SshToolRunner, host: string, onSnapshot: OnSnapshot, onError: (e: unknown) => void): () => void;
}

export interface SshHostSourceOptions extends ConnectAgentOptions {
  /** Keep watching (pcmk-top) or take one snapshot (pcmk). Default true. */
  watch?: boolean;
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** One of several hosts of a cluster watched together (src/model/protocol.ts DeferUnlessDc). */
  deferUnlessDc?: DeferUnlessDc;
  /** Ping the agent this often to prove the host is alive between changes (default 10 s). */
  heartbeatMs?: number;
  /** Poll period in agentless mode without a watch (default 5 s). */
  pollMs?: number;
  snapshotTimeoutMs?: number;
  agentless?: AgentlessCollector;
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** A host reached over SSH through the pool; reports the mode it ended up in. */
export class SshHostSource {
  mode: AgentMode | null = null;
  notes: string[] = [];
  private stops: Array<() => void> = [];
  private active = false;

  constructor(
    readonly name: string,
    private readonly pool: SshPool,
    private readonly opts: SshHostSourceOptions = {},
  ) {}

  async start(onSnapshot: OnSnapshot, onError: OnError, onHeartbeat?: () => void): Promise<void> {
    this.active = true;
    const conn: SshConnection = await this.pool.get(this.name);
    if (!this.active) return;
    const onConnClose = (e?: Error): void => onError(e ?? new TransportError({ host: this.name, stage: 'closed', detail: 'connection closed' }));
    conn.once('close', onConnClose);
    this.stops.push(() => conn.off('close', onConnClose));
    const allow = this.opts.allow ?? (this.opts.agentless ? ['agent', 'pushed', 'agentless'] : ['agent', 'pushed']);
    const ac: AgentConnection = await connectAgent(conn, { ...this.opts, allow });
    this.mode = ac.mode;
    this.notes = ac.notes;
    if (!this.active) {
      if (ac.mode !== 'agentless') ac.client.close();
      return;
    }
    if (ac.mode === 'agentless') {
      this.runAgentless(ac.runner, onSnapshot, onError);
      return;
    }
    this.runAgent(ac.client, onSnapshot, onError, onHeartbeat);
  }

  private runAgent(client: AgentClient, onSnapshot: OnSnapshot, onError: OnError, onHeartbeat?: () => void): void {
    this.stops.push(() => client.close());
    client.once('close', (e: AgentError) => onError(e));
    client.on('agent-error', (e: AgentError) => onError(e, { fatal: false }));
    if (this.opts.watch === false) {
      client.snapshot({ timeoutMs: this.opts.snapshotTimeoutMs }).then(onSnapshot, (e: unknown) => onError(asError(e)));
      return;
    }
    const unwatch = client.watch(onSnapshot, {
      minIntervalMs: this.opts.minIntervalMs,
      maxIntervalMs: this.opts.maxIntervalMs,
      deferUnlessDc: this.opts.deferUnlessDc,
      onError: (e) => onError(e, { fatal: false }),
    });
    this.stops.push(unwatch);
    const hb = setInterval(() => {
      client.ping({ timeoutMs: Math.max(5000, this.opts.heartbeatMs ?? 10_000) }).then(
        () => onHeartbeat?.(),
        (e: unknown) => onError(asError(e)),
      );
    }, this.opts.heartbeatMs ?? 10_000);
    hb.unref?.();
    this.stops.push(() => clearInterval(hb));
  }

  private runAgentless(runner: SshToolRunner, onSnapshot: OnSnapshot, onError: OnError): void {
    const collector = this.opts.agentless!;
    // A lost connection is fatal; a failed collection is not.
    const report = (e: unknown): void => onError(asError(e), { fatal: !(e instanceof TransportError) ? false : true });
    if (this.opts.watch === false) {
      collector.snapshot(runner, this.name).then(onSnapshot, (e: unknown) => onError(asError(e)));
      return;
    }
    if (collector.watch) {
      this.stops.push(collector.watch(runner, this.name, onSnapshot, report));
      return;
    }
    let stopped = false;
    let timer: NodeJS.Timeout | null = null;
    const loop = async (): Promise<void> => {
      if (stopped) return;
      try {
        onSnapshot(await collector.snapshot(runner, this.name));
      } catch (e) {
        report(e);
        if (e instanceof TransportError) return;
      }
      if (!stopped) timer = setTimeout(() => void loop(), this.opts.pollMs ?? 5000);
    };
    void loop();
    this.stops.push(() => {
      stopped = true;
      if (timer) clearTimeout(timer);
    });
  }

  stop(): void {
    this.active = false;
    for (const s of this.stops.splice(0).reverse()) {
      try {
        s();
      } catch {
        // keep stopping
      }
    }
  }
}

/**
 * An agent run as a local child process: pcmk-top's watch in `--local` and `--cib` mode (argv
 * `[node, dist/pcmk-agent.cjs, "serve", ...]`), so the XML parses and snapshot builds happen in the
 * child's heap and not in the console's; tests run fakes. Its stderr is kept for error messages
 * (never written to the screen). A child that fails reports like a host over SSH does: down, with
 * the agent's last words, and retried with the aggregator's backoff.
 */
export class LocalAgentSource {
  readonly mode = 'local';
  private client: AgentClient | null = null;
  private channel: AgentChannel | null = null;
  private stops: Array<() => void> = [];
  private active = false;

  constructor(
    readonly name: string,
    private readonly argv: string[],
    private readonly opts: { watch?: boolean; heartbeatMs?: number; minIntervalMs?: number; maxIntervalMs?: number; helloTimeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
  ) {}

  /** The agent process's id while it runs (null before start and after stop). */
  get pid(): number | null {
    return this.channel?.pid ?? null;
  }

  async start(onSnapshot: OnSnapshot, onError: OnError, onHeartbeat?: () => void): Promise<void> {
    this.active = true;
    const channel = spawnLocalAgent(this.argv, { where: this.name, env: this.opts.env });
    this.channel = channel;
    const client = await AgentClient.open(channel, { helloTimeoutMs: this.opts.helloTimeoutMs });
    // Stopped while the agent was starting: it goes at once.
    if (!this.active || this.channel !== channel) {
      client.close();
      return;
    }
    this.client = client;
    client.once('close', (e: AgentError) => onError(e));
    client.on('agent-error', (e: AgentError) => onError(e, { fatal: false }));
    if (this.opts.watch === false) {
      client.snapshot().then(onSnapshot, (e: unknown) => onError(asError(e)));
      return;
    }
    const { minIntervalMs, maxIntervalMs } = this.opts;
    this.stops.push(client.watch(onSnapshot, { minIntervalMs, maxIntervalMs, onError: (e) => onError(e, { fatal: false }) }));
    const hb = setInterval(() => {
      client.ping().then(() => onHeartbeat?.(), (e: unknown) => onError(asError(e)));
    }, this.opts.heartbeatMs ?? 10_000);
    hb.unref?.();
    this.stops.push(() => clearInterval(hb));
  }

  stop(): void {
    this.active = false;
    for (const s of this.stops.splice(0).reverse()) s();
    // Closing the client ends the agent's stdin; closing the channel covers an agent still starting.
    this.client?.close();
    this.channel?.close();
    this.client = null;
    this.channel = null;
  }
}
