/**
 * A session: how `pcmk` and `pcmk-top` reach the cluster. Local (the agent in-process), a CIB file,
 * or a set of hosts over SSH (agent on the host, pushed bundle, or agentless). The same sources feed
 * the aggregator for both front ends, and actions go to one host's agent, which re-validates them.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAgent, type Agent } from '../agent/agent.js';
import { collectSnapshot, type ReadScope } from '../agent/collect.js';
import { LocalToolRunner, type ToolRunner } from '../agent/run-tool.js';
import { FirstReadSource } from '../aggregate/first-read.js';
import { Aggregator, collectOnce, type HostSource, type SourceErrorInfo } from '../aggregate/aggregator.js';
import { mergeView, type ClusterView, type HostStatus } from '../aggregate/merge-view.js';
import type * as TransportModule from '../transport/index.js';
import type { AgentClient } from '../transport/agent-client.js';
import type { SshPool } from '../transport/ssh/index.js';
import { isPeerRead, type ClusterSnapshot } from '../model/snapshot.js';
import type { AgentMessage } from '../model/protocol.js';
import { changesCluster, newRequestId, type Action } from '../model/actions.js';
import type { ActionResponse } from '../agent/actions/handle.js';
import { appendAuditLog, auditHost, auditPlan, auditResult, auditUser, type AuditEntry } from '../agent/actions/audit.js';
import { DEFAULT_WAIT_SECONDS } from '../agent/actions/plan.js';
import { describeScopeState, OUTCOME_UNKNOWN_EXIT, unknownOutcomeMessage } from './outcome.js';
import type { GlobalOptions } from './args.js';
import { printError } from './output.js';
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

/**
 * resolveTarget() with the inventory and, for SSH targets and for the live console (`live`: its
 * local agent runs as a child process through the transport), the transport loaded.
 */
export async function openTarget(o: GlobalOptions, inventory?: Inventory, opts: { live?: boolean } = {}): Promise<Target> {
  const needsInventory = !o.cib && !o.local && !o.hosts.length;
  const inv = inventory ?? (needsInventory ? await (await import('./inventory.js')).openInventory() : undefined);
  const target = resolveTarget(o, inv);
  if (target.kind === 'ssh' || opts.live) await loadTransport();
  return target;
}

/** `pcmk-agent serve` arguments for a local or CIB-file target: the same tool timeout, file and prefix as in process. */
export function localServeArgs(o: Pick<GlobalOptions, 'timeoutMs' | 'cib' | 'prefix'>): string[] {
  return ['serve', '--timeout', String(o.timeoutMs), ...(o.cib ? ['--cib', o.cib] : []), ...prefixArgs(o)];
}

/** The tool prefix as `pcmk-agent serve` takes it (the agent splits it on spaces again). */
function prefixArgs(o: Pick<GlobalOptions, 'prefix'>): string[] {
  return o.prefix.length ? ['--prefix', o.prefix.join(' ')] : [];
}

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * dist/, seen from the dist/pcmk*.mjs bundles, their dist/chunks/ and dist/commands/session.js
 * alike, and from src/commands/session.ts (the tests run the sources against the built agent).
 */
const outDir = path.basename(here) === 'dist' ? here : path.dirname(here);
const distDir = path.basename(outDir) === 'src' ? path.join(path.dirname(outDir), 'dist') : outDir;
/** dist/pcmk-agent.cjs */
export const AGENT_BUNDLE = path.join(distDir, 'pcmk-agent.cjs');

/**
 * How much later than the DC's agent the other watched hosts' agents read a resource operation,
 * crm_mon's redraw or a configuration change (merging what else comes meanwhile): on a busy
 * cluster one crm_mon per change instead of one per watched host.
 */
export const NOT_DC_DELAY_MS = 2000;
/** dist/bin/pcmk-ssh-holder.js (the holder runs from tsc's output). */
export const HOLDER_ENTRY = path.join(distDir, 'bin/pcmk-ssh-holder.js');

/**
 * Whether and where SSH connections are kept between runs: on unless --no-reuse or
 * PCMK_NO_REUSE=1; the holder's directory ($PCMK_REUSE_DIR, else per user) and idle time
 * ($PCMK_REUSE_IDLE seconds, default 60). Null when off.
 */
export function reuseSettings(
  o: Pick<GlobalOptions, 'reuse'>,
  env: Record<string, string | undefined>,
  uid: number,
  defaultDir: (env: Record<string, string | undefined>, uid: number) => string,
): { dir: string; idleMs: number } | null {
  const off = (env.PCMK_NO_REUSE ?? '') !== '' && env.PCMK_NO_REUSE !== '0';
  if (!o.reuse || off) return null;
  const idle = Number(env.PCMK_REUSE_IDLE ?? 60);
  return { dir: env.PCMK_REUSE_DIR || defaultDir(env, uid), idleMs: (Number.isFinite(idle) && idle > 0 ? idle : 60) * 1000 };
}

export class SessionError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/**
 * A change was sent to a host that then stopped answering (timeout, closed channel). It may have
 * run: it is not sent again. The message says what the cluster reports now about its scope.
 */
export class OutcomeUnknownError extends SessionError {
  readonly code = 'outcome-unknown';
  constructor(
    message: string,
    readonly host: string,
    readonly requestId: string,
    /** What the cluster said afterwards about the action's scope, or null when it could not be read. */
    readonly state: string | null,
  ) {
    super(message, OUTCOME_UNKNOWN_EXIT);
  }
}

/** The request was sent to `host` and no answer came back (internal to Session). */
class NotAnswered extends Error {
  constructor(
    readonly host: string,
    readonly cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause));
  }
}

/** One action request from a front end. */
export interface ActionCall {
  action: Action;
  /** Plan and preview only. */
  dryRun?: boolean;
  /** Seconds to wait for the cluster to settle after the change. */
  wait?: number | null;
  /** The front end making the change, for the local audit log. */
  client: 'pcmk' | 'pcmk-top';
  /** Send it to this host first. */
  preferHost?: string | null;
}

export type Audit = (entry: AuditEntry) => void;

/** The agent running inside this process, as a host source. */
export class InProcessSource implements HostSource {
  readonly mode = 'local';
  private stopWatch: (() => void) | null = null;
  constructor(
    readonly name: string,
    readonly agent: Agent,
    private readonly watch: boolean,
    private readonly read: ReadScope = 'full',
  ) {}

  async start(onSnapshot: (s: ClusterSnapshot) => void, onError: (e: Error, info?: SourceErrorInfo) => void): Promise<void> {
    if (!this.watch) {
      onSnapshot(await this.agent.snapshot(this.read));
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
  /** A one-shot source that reads a host whole (SSH targets of several hosts). */
  private readonly wholeRead: ((host: string) => HostSource) | null = null;

  constructor(
    readonly target: Target,
    private readonly o: GlobalOptions,
    watch: boolean,
    /** What one-shot reads collect (`status`: only what `pcmk status` prints). */
    read: ReadScope = 'full',
  ) {
    if (target.kind === 'ssh') {
      const { SshPool, SshHostSource, TransportError, defaultReuseDir } = loadedTransport();
      const runnerClosed = (r: unknown): boolean => !!(r as { conn?: { closed?: boolean } }).conn?.closed;
      const reuse = reuseSettings(o, process.env, process.getuid?.() ?? 0, defaultReuseDir);
      this.pool = new SshPool({
        configFile: target.sshConfig ?? undefined,
        knownHostsFiles: target.knownHosts,
        connectTimeoutMs: o.timeoutMs,
        ...(reuse ? { reuse: { ...reuse, holderEntry: HOLDER_ENTRY, onProblem: (m: string) => printError(m) } } : {}),
      });
      const pool = this.pool;
      const sshSource = (h: string, live: boolean, hostRead: ReadScope = read): HostSource =>
        new SshHostSource(h, pool, {
          watch: live,
          // One-shot reads are fastest with the tools run directly over the connection (no
          // node start on the host); the live console keeps an agent per host for its watch.
          allow: live ? ['agent', 'pushed', 'agentless'] : ['agentless'],
          // Several hosts of one cluster: the DC's agent reads every change at once, the others
          // (whose DC, membership and quorum a resource operation does not change) a little later.
          ...(live && target.hosts.length > 1 ? { deferUnlessDc: { ms: NOT_DC_DELAY_MS, peers: target.hosts } } : {}),
          bundlePath: AGENT_BUNDLE,
          helloTimeoutMs: o.timeoutMs,
          requestTimeoutMs: Math.max(o.timeoutMs, 30_000),
          snapshotTimeoutMs: Math.max(o.timeoutMs, 30_000),
          serveArgs: prefixArgs(o),
          agentless: {
            snapshot: async (runner, host) => {
              const take = () => collectSnapshot({ runner, source: host, timeoutMs: o.timeoutMs, read: live ? read : hostRead });
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
        });
      // One-shot reads of several hosts read the first host whole and only crm_mon on the others
      // (a peer read: what hosts are compared on); collect() reads the host it shows whole if that
      // turns out to be another one. On a cluster whose members share CPUs this is most of the time.
      const oneShot = (i: number): ReadScope => (i > 0 ? 'peer' : watch ? 'status' : read);
      this.wholeRead = (h) => sshSource(h, false, watch ? 'status' : read);
      // The live console paints each host's first one-shot read (what `pcmk status` reads) while
      // the agent starts behind it, then follows the agent's watch.
      this.sources = target.hosts.map((h, i) => (watch ? new FirstReadSource(h, sshSource(h, false, oneShot(i)), sshSource(h, true)) : sshSource(h, false, oneShot(i))));
    } else {
      // Actions, why, history and fencing checks run in this process with this runner.
      this.localRunner = new LocalToolRunner(o.prefix);
      const cibFile = target.kind === 'cib' ? this.o.cib! : undefined;
      const name = cibFile ? `file:${path.basename(cibFile)}` : null;
      if (watch) {
        // The live console watches through the agent as a child process (the bundle the SSH path
        // pushes): its XML parses and snapshot builds stay out of the console's heap. One-shot
        // reads stay in process: they are done before a second node would have started.
        const { LocalAgentSource } = loadedTransport();
        const argv = [process.execPath, AGENT_BUNDLE, ...localServeArgs(o)];
        this.sources = [new LocalAgentSource(name ?? os.hostname(), argv, { helloTimeoutMs: Math.max(o.timeoutMs, 30_000) })];
      } else {
        this.localAgent = createAgent({ runner: this.localRunner, cibFile, timeoutMs: o.timeoutMs });
        this.sources = [new InProcessSource(name ?? this.localAgent.node, this.localAgent, watch, read)];
      }
    }
  }

  /** One round: every host once, merged. */
  async collect(): Promise<{ hosts: HostStatus[]; view: ClusterView }> {
    const opts = { timeoutMs: this.o.timeoutMs + 20_000 };
    const first = await collectOnce(this.sources, opts);
    const shown = first.view.primary;
    // The host to show read only crm_mon (a peer read: the first host is down, cannot reach the
    // cluster or is in a smaller partition): read it whole, once, and merge again.
    if (!shown || !this.wholeRead || !isPeerRead(shown.snapshot)) return first;
    const again = await collectOnce([this.wholeRead(shown.host)], opts);
    const whole = again.hosts[0];
    if (!whole?.snapshot) return first;
    const hosts = first.hosts.map((h) => (h.name === shown.host ? whole : h));
    return { hosts, view: mergeView(hosts) };
  }

  /** A live aggregator over every host (pcmk-top). */
  aggregator(): Aggregator {
    return new Aggregator(this.sources, {});
  }

  /**
   * Sends an action to one host's agent, which re-validates it against its own fresh snapshot and
   * plans it itself. Reads and previews may fail over to the next host. A change is sent at most
   * once: if its host stops answering after the request went out, the outcome is unknown, the
   * change is not resent, the cluster state is read back from any host and an OutcomeUnknownError
   * says what it shows. Every change (and every unknown outcome) goes to the local audit log with
   * its request id, which the host's own log carries too.
   */
  async action(call: ActionCall): Promise<ActionResponse> {
    const dryRun = call.dryRun === true || !changesCluster(call.action.name);
    const requestId = dryRun ? undefined : newRequestId();
    const body = {
      type: 'action' as const,
      action: call.action,
      dryRun,
      ...(call.wait != null ? { wait: call.wait } : {}),
      ...(requestId ? { requestId } : {}),
    };
    if (this.localRunner) {
      const { handleAction } = await import('../agent/actions/index.js');
      // In-process the host's log is this machine's log: one entry, written below.
      const r = await handleAction({ id: requestId ?? 'local', ...body }, { runner: this.localRunner, cibFile: this.cibFile, auditPath: null });
      if (requestId) {
        r.requestId ??= requestId;
        this.auditResponse(call, r, requestId, this.sources[0]?.name ?? 'local');
      }
      return r;
    }
    const hosts = this.hostOrder(call.preferHost ?? null, call.action.name === 'fence' ? call.action.node : null);
    // Room for the longest plan step (a restart waits twice) plus the requested wait.
    const timeoutMs = ((call.wait ?? 0) + 2 * DEFAULT_WAIT_SECONDS + 60) * 1000;
    let sent: { answer: AgentMessage; host: string };
    try {
      sent = await this.sendToOneHost(body, timeoutMs, hosts, !dryRun);
    } catch (e) {
      if (e instanceof NotAnswered && requestId) throw await this.unknownOutcome(call, e, requestId);
      throw e;
    }
    if (sent.answer.type !== 'action-result') throw new SessionError(`unexpected answer ${sent.answer.type} from the agent on ${sent.host}`, 1);
    const r = sent.answer.result as ActionResponse;
    if (requestId) {
      r.requestId ??= requestId;
      this.auditResponse(call, r, requestId, sent.host);
    }
    return r;
  }

  /** The local audit log (tests replace it). */
  audit: Audit = (entry) => {
    try {
      appendAuditLog(entry);
    } catch (e) {
      printError(`pcmk: could not write the local audit log: ${(e as Error).message}`);
    }
  };

  private auditResponse(call: ActionCall, r: ActionResponse, requestId: string, host: string): void {
    if (!r.plan || !r.result) return;
    this.audit({
      time: r.result.finishedAt ?? new Date().toISOString(),
      user: auditUser(),
      host: auditHost(),
      requestId,
      client: call.client,
      via: this.target.label,
      ranOn: host,
      action: call.action,
      summary: r.plan.summary,
      plan: auditPlan(r.plan),
      result: auditResult(r.result),
    });
  }

  /** Reads the cluster back from any host, logs the unknown outcome and builds the error to report. */
  private async unknownOutcome(call: ActionCall, e: NotAnswered, requestId: string): Promise<OutcomeUnknownError> {
    let readBack: { host: string; state: string } | { error: string };
    try {
      const order = [...this.target.hosts.filter((h) => h !== e.host), e.host];
      const got = await this.sendToOneHost({ type: 'snapshot' }, Math.max(this.o.timeoutMs, 30_000), order, false);
      if (got.answer.type !== 'snapshot') throw new Error(`unexpected answer ${got.answer.type}`);
      readBack = { host: got.host, state: describeScopeState(got.answer.snapshot, call.action) };
    } catch (err) {
      readBack = { error: (err as Error).message };
    }
    const why = (e.cause as Error)?.message ?? String(e.cause);
    const message = unknownOutcomeMessage(call.action, e.host, why, readBack);
    this.audit({
      time: new Date().toISOString(),
      user: auditUser(),
      host: auditHost(),
      requestId,
      client: call.client,
      via: this.target.label,
      ranOn: e.host,
      action: call.action,
      summary: message,
      plan: null,
      result: { ok: null, outcome: 'unknown', message, steps: [], warnings: [] },
    });
    return new OutcomeUnknownError(message, e.host, requestId, 'state' in readBack ? readBack.state : null);
  }

  /** Hosts in the order to try: preferHost first, `last` (e.g. the node being fenced) last. */
  private hostOrder(preferHost: string | null, last: string | null): string[] {
    const hosts = preferHost ? [preferHost, ...this.target.hosts.filter((h) => h !== preferHost)] : [...this.target.hosts];
    return last ? [...hosts.filter((h) => h !== last), ...hosts.filter((h) => h === last)] : hosts;
  }

  /** The runner for host-side work in local and CIB-file mode (null over SSH). */
  get runner(): ToolRunner | null {
    return this.localRunner;
  }

  get cibFile(): string | undefined {
    return this.target.kind === 'cib' ? this.o.cib! : undefined;
  }

  /**
   * A read-only request to one host's agent over SSH, trying the hosts in order (preferHost first)
   * until one answers. An error the agent itself reports is final: it came from the cluster, not the link.
   */
  async agentRequest(body: Parameters<AgentClient['request']>[0], timeoutMs: number, preferHost?: string | null): Promise<AgentMessage> {
    if (body.type === 'action' && body.dryRun !== true) throw new SessionError('a change goes through Session.action (sent at most once)', 70);
    return (await this.sendToOneHost(body, timeoutMs, this.hostOrder(preferHost ?? null, null), false)).answer;
  }

  /** A read-only request to every host's agent at once (or to `only` of them): each host's answer, or why it gave none. */
  async agentRequestEach(
    body: Parameters<AgentClient['request']>[0],
    timeoutMs: number,
    only?: readonly string[],
  ): Promise<Array<{ host: string; answer: AgentMessage } | { host: string; error: Error }>> {
    if (body.type === 'action') throw new SessionError('a change goes through Session.action (sent at most once)', 70);
    return Promise.all(
      this.target.hosts.filter((h) => !only || only.includes(h)).map(async (host) => {
        try {
          return { host, answer: (await this.sendToOneHost(body, timeoutMs, [host], false)).answer };
        } catch (e) {
          return { host, error: e instanceof Error ? e : new Error(String(e)) };
        }
      }),
    );
  }

  /**
   * Sends `body` to the first host that connects. Until the request is sent, a host that cannot be
   * reached is skipped. Once it is sent, a lost answer (timeout, closed channel) is retried on the
   * next host only for reads; with atMostOnce it ends in NotAnswered instead.
   */
  private async sendToOneHost(
    body: Parameters<AgentClient['request']>[0],
    timeoutMs: number,
    hosts: string[],
    atMostOnce: boolean,
  ): Promise<{ answer: AgentMessage; host: string }> {
    if (!this.pool) throw new SessionError('no SSH hosts in this session', 64);
    let last: unknown = null;
    for (const h of hosts) {
      let client: AgentClient | null = null;
      let sent = false;
      try {
        const conn = await this.pool.get(h);
        const ac = await loadedTransport().connectAgent(conn, { bundlePath: AGENT_BUNDLE, allow: ['agent', 'pushed'], helloTimeoutMs: this.o.timeoutMs });
        if (ac.mode === 'agentless') throw new SessionError(`${h}: this needs the agent on the host`, 69);
        client = ac.client;
        sent = true;
        return { answer: await client.request(body, { timeoutMs }), host: h };
      } catch (e) {
        if ((e as { agentCode?: string | null }).agentCode) throw e;
        if (sent && atMostOnce) throw new NotAnswered(h, e);
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
