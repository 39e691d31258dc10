/**
 * The console side of the agent protocol (src/model/protocol.ts): JSON lines over any pair of
 * streams, an SSH exec channel running `pcmk-agent serve` or a local child process's stdio.
 *
 * The agent writes `hello` first; every answer carries the request's id; a `watch` keeps pushing
 * `snapshot` messages with the watch's id until `unwatch` (same id). A dropped channel rejects every
 * pending request and emits 'close'.
 */
import { liveTraceFile, traceLive } from './trace-live.js';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { PROTOCOL_VERSION, type AgentMessage, type ClientRequest, type DeferUnlessDc, type HelloMessage } from '../model/protocol.js';
import type { ClusterSnapshot } from '../model/snapshot.js';

/** A bidirectional byte channel to an agent process. */
export interface AgentChannel {
  /** The agent's stdout. */
  readonly output: Readable;
  /** The agent's stdin. */
  readonly input: Writable;
  /** The agent's stderr, when separate (kept for error messages). */
  readonly stderr: Readable | null;
  /** Where the agent runs, for messages ("local", "ssh cluster-2"). */
  readonly where: string;
  /** The agent's process id, for a local child process. */
  readonly pid?: number;
  /** Ends the channel (kills the local process / closes the SSH channel). */
  close(): void;
  /** Called once when the channel is gone, with the exit status if known. */
  onExit(cb: (info: { code: number | null; signal: string | null }) => void): void;
}

export type AgentErrorCode =
  | 'hello-timeout'
  | 'bad-hello'
  | 'protocol-mismatch'
  | 'timeout'
  | 'closed'
  | 'agent'
  | 'protocol';

/** An agent-side error message, a protocol failure or a lost channel. */
export class AgentError extends Error {
  readonly code: AgentErrorCode;
  /** The agent's error code (e.g. "not-connected") for code 'agent'. */
  readonly agentCode: string | null;
  /** Exit code the agent reports (e.g. 102 when crm_mon cannot reach the cluster). */
  readonly exitCode: number | null;
  readonly where: string;

  constructor(d: { code: AgentErrorCode; message: string; where: string; agentCode?: string | null; exitCode?: number | null }) {
    super(`${d.where}: ${d.message}`);
    this.name = 'AgentError';
    this.code = d.code;
    this.agentCode = d.agentCode ?? null;
    this.exitCode = d.exitCode ?? null;
    this.where = d.where;
  }
}

type RequestBody = ClientRequest extends infer R ? (R extends { id: string } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve: (m: AgentMessage) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | null;
}

interface Watch {
  onSnapshot: (s: ClusterSnapshot, trigger?: string) => void;
  onError: (e: AgentError) => void;
}

export interface AgentClientOptions {
  helloTimeoutMs?: number;
  /** Default per-request timeout. */
  requestTimeoutMs?: number;
  /** Largest accepted line (a snapshot of a big cluster is a few MB). */
  maxLineBytes?: number;
}

const STDERR_KEEP = 4000;

/**
 * A client for one agent. Events: 'close' (err: AgentError), 'agent-error' (err) for errors that
 * belong to no request, 'protocol-warning' (message) for lines that are not valid messages.
 */
export class AgentClient extends EventEmitter {
  private _hello: HelloMessage | null = null;
  private seq = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly watches = new Map<string, Watch>();
  private buffer = '';
  private readonly decoder = new StringDecoder('utf8');
  private stderrTail = '';
  private _closed = false;
  private closeReason: AgentError | null = null;
  private helloWaiter: { resolve: (h: HelloMessage) => void; reject: (e: Error) => void } | null = null;
  private readonly requestTimeoutMs: number;
  private readonly maxLineBytes: number;

  private constructor(
    private readonly channel: AgentChannel,
    opts: AgentClientOptions,
  ) {
    super();
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
    this.maxLineBytes = opts.maxLineBytes ?? 512 * 1024 * 1024;
    channel.output.on('data', (d: Buffer | string) => this.onData(typeof d === 'string' ? d : this.decoder.write(d)));
    channel.output.on('error', () => {
      /* reported through onExit */
    });
    channel.input.on('error', () => {
      /* EPIPE when the agent is gone: reported through onExit */
    });
    channel.stderr?.on('data', (d: Buffer | string) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-STDERR_KEEP);
    });
    channel.onExit((info) => {
      const status = info.signal ? `killed by ${info.signal}` : info.code !== null ? `exit code ${info.code}` : 'channel closed';
      const err = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
      this.shutdown(new AgentError({ code: 'closed', message: `agent ended (${status})${err ? `: ${err}` : ''}`, where: channel.where }));
    });
  }

  /** Wraps a channel and waits for the agent's hello. */
  static async open(channel: AgentChannel, opts: AgentClientOptions = {}): Promise<AgentClient> {
    const client = new AgentClient(channel, opts);
    await client.waitHello(opts.helloTimeoutMs ?? 15_000);
    return client;
  }

  get hello(): HelloMessage {
    if (!this._hello) throw new Error('no hello yet');
    return this._hello;
  }

  get where(): string {
    return this.channel.where;
  }

  get closed(): boolean {
    return this._closed;
  }

  /** The last lines the agent wrote to stderr (for diagnostics). */
  get stderr(): string {
    return this.stderrTail;
  }

  private waitHello(timeoutMs: number): Promise<HelloMessage> {
    if (this._hello) return Promise.resolve(this._hello);
    if (this._closed) return Promise.reject(this.closeReason);
    return new Promise<HelloMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.helloWaiter = null;
        const e = new AgentError({ code: 'hello-timeout', message: `no hello from the agent within ${timeoutMs} ms`, where: this.where });
        reject(e);
        this.close();
      }, timeoutMs);
      this.helloWaiter = {
        resolve: (h) => {
          clearTimeout(timer);
          resolve(h);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /**
   * Only whole lines are parsed: what follows the last newline waits for the rest, and a line cut
   * off by the agent's end is dropped with the channel. A chunk without a newline is only appended
   * (a snapshot line of many megabytes arrives in thousands of chunks; rescanning it each time
   * would cost the console quadratic time).
   */
  private onData(text: string): void {
    this.buffer += text;
    if (!text.includes('\n')) {
      if (this.buffer.length > this.maxLineBytes) {
        this.fail(new AgentError({ code: 'protocol', message: `a line longer than ${this.maxLineBytes} bytes`, where: this.where }));
      }
      return;
    }
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.onLine(line);
      if (this._closed) return;
    }
  }

  private onLine(line: string): void {
    let msg: AgentMessage;
    try {
      msg = JSON.parse(line) as AgentMessage;
    } catch {
      if (!this._hello) {
        // Something else speaks on stdout (a login banner, a shell error): not an agent.
        this.fail(new AgentError({ code: 'bad-hello', message: `expected the agent's hello, got: ${line.slice(0, 200)}`, where: this.where }));
      } else {
        this.emit('protocol-warning', `ignored a line that is not JSON: ${line.slice(0, 200)}`);
      }
      return;
    }
    if (!msg || typeof msg !== 'object' || typeof (msg as { type?: unknown }).type !== 'string') {
      this.emit('protocol-warning', `ignored a message without a type: ${line.slice(0, 200)}`);
      return;
    }
    if (!this._hello) {
      if (msg.type !== 'hello') {
        this.fail(new AgentError({ code: 'bad-hello', message: `expected the agent's hello first, got a ${msg.type} message`, where: this.where }));
        return;
      }
      if (msg.protocol !== PROTOCOL_VERSION) {
        this.fail(
          new AgentError({
            code: 'protocol-mismatch',
            message: `the agent (${msg.agent}) speaks protocol ${String(msg.protocol)}, this console speaks ${PROTOCOL_VERSION}`,
            where: this.where,
          }),
        );
        return;
      }
      this._hello = msg;
      this.helloWaiter?.resolve(msg);
      this.helloWaiter = null;
      return;
    }
    if (msg.type === 'hello') return;
    if (msg.type === 'error') {
      const id = msg.id;
      const err = new AgentError({ code: 'agent', agentCode: msg.code, message: msg.message, exitCode: msg.exitCode ?? null, where: this.where });
      if (id !== null && this.pending.has(id)) {
        this.settle(id, null, err);
      } else if (id !== null && this.watches.has(id)) {
        this.watches.get(id)!.onError(err);
      } else {
        this.emit('agent-error', err);
      }
      return;
    }
    const id = String(msg.id);
    if (msg.type === 'snapshot' && this.watches.has(id)) {
      if (liveTraceFile) traceLive({ where: this.where, node: msg.snapshot.source, trigger: msg.trigger, ...msg.timing });
      this.watches.get(id)!.onSnapshot(msg.snapshot, msg.trigger);
      return;
    }
    if (this.pending.has(id)) {
      this.settle(id, msg, null);
      return;
    }
    // Late answers (after a timeout or an unwatch) are dropped.
  }

  private settle(id: string, msg: AgentMessage | null, err: Error | null): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve(msg!);
  }

  private nextId(): string {
    this.seq += 1;
    return `c${this.seq}`;
  }

  private send(msg: ClientRequest): void {
    this.channel.input.write(`${JSON.stringify(msg)}\n`);
  }

  /** Sends a request and resolves with the agent's answer (an 'error' answer rejects with AgentError). */
  request(body: RequestBody, opts: { timeoutMs?: number } = {}): Promise<AgentMessage> {
    if (this._closed) return Promise.reject(this.closeReason);
    const id = this.nextId();
    const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
    return new Promise<AgentMessage>((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.settle(
                id,
                null,
                new AgentError({ code: 'timeout', message: `no answer to ${body.type} within ${timeoutMs} ms`, where: this.where }),
              );
            }, timeoutMs)
          : null;
      this.pending.set(id, { resolve, reject, timer });
      this.send({ ...body, id } as ClientRequest);
    });
  }

  /** One snapshot. */
  async snapshot(opts: { timeoutMs?: number } = {}): Promise<ClusterSnapshot> {
    const m = await this.request({ type: 'snapshot' }, opts);
    if (m.type !== 'snapshot') throw new AgentError({ code: 'protocol', message: `expected a snapshot, got ${m.type}`, where: this.where });
    return m.snapshot;
  }

  async ping(opts: { timeoutMs?: number } = {}): Promise<number> {
    const t = performance.now();
    const m = await this.request({ type: 'ping' }, opts);
    if (m.type !== 'pong') throw new AgentError({ code: 'protocol', message: `expected pong, got ${m.type}`, where: this.where });
    return performance.now() - t;
  }

  /**
   * Starts a watch: onSnapshot gets the first snapshot and every changed one. Errors the agent
   * reports for the watch go to onError (the watch keeps running); a lost channel is the 'close'
   * event. Returns an unsubscribe function (sends `unwatch`).
   */
  watch(
    onSnapshot: (s: ClusterSnapshot, trigger?: string) => void,
    opts: { minIntervalMs?: number; maxIntervalMs?: number; deferUnlessDc?: DeferUnlessDc; onError?: (e: AgentError) => void } = {},
  ): () => void {
    const id = this.nextId();
    this.watches.set(id, { onSnapshot, onError: opts.onError ?? ((e) => this.emit('agent-error', e)) });
    if (!this._closed) {
      const req: ClientRequest = { id, type: 'watch' };
      if (opts.minIntervalMs !== undefined) req.minIntervalMs = opts.minIntervalMs;
      if (opts.maxIntervalMs !== undefined) req.maxIntervalMs = opts.maxIntervalMs;
      if (opts.deferUnlessDc !== undefined) req.deferUnlessDc = opts.deferUnlessDc;
      this.send(req);
    }
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.watches.delete(id);
      if (!this._closed) this.send({ id, type: 'unwatch' });
    };
  }

  private fail(err: AgentError): void {
    this.shutdown(err);
    this.channel.close();
  }

  private shutdown(err: AgentError): void {
    if (this._closed) return;
    this._closed = true;
    this.closeReason = err;
    this.helloWaiter?.reject(err);
    this.helloWaiter = null;
    for (const id of [...this.pending.keys()]) this.settle(id, null, err);
    this.watches.clear();
    this.emit('close', err);
  }

  /** Ends the session: the agent sees EOF on stdin and stops. */
  close(): void {
    if (!this._closed) {
      try {
        this.channel.input.end();
      } catch {
        // already gone
      }
      this.shutdown(new AgentError({ code: 'closed', message: 'closed by the console', where: this.where }));
    }
    this.channel.close();
  }
}

/**
 * Runs an agent as a local child process (argv[0] is the program), e.g. for `--local` and tests.
 * The child does not outlive this process: it sees EOF on stdin when this process is gone however
 * it ended, and one still running when this process exits normally is sent SIGTERM.
 */
export function spawnLocalAgent(argv: string[], opts: { env?: NodeJS.ProcessEnv; where?: string; cwd?: string } = {}): AgentChannel {
  if (!argv.length) throw new Error('spawnLocalAgent needs a program');
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd });
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const killAtExit = (): void => {
    if (running()) child.kill('SIGTERM');
  };
  process.on('exit', killAtExit);
  let exitInfo: { code: number | null; signal: string | null } | null = null;
  const waiters: Array<(i: { code: number | null; signal: string | null }) => void> = [];
  const done = (info: { code: number | null; signal: string | null }): void => {
    if (exitInfo) return;
    exitInfo = info;
    process.off('exit', killAtExit);
    for (const w of waiters.splice(0)) w(info);
  };
  child.on('close', (code, signal) => done({ code, signal }));
  child.on('error', (e) => {
    child.stderr.emit('data', Buffer.from(`${e.message}\n`));
    done({ code: null, signal: null });
  });
  return {
    output: child.stdout,
    input: child.stdin,
    stderr: child.stderr,
    where: opts.where ?? 'local',
    pid: child.pid,
    close() {
      if (running()) {
        child.stdin.end();
        // Give the agent a moment to exit on EOF, then make sure.
        setTimeout(() => {
          if (running()) child.kill('SIGTERM');
        }, 1000).unref();
      }
    },
    onExit(cb) {
      if (exitInfo) queueMicrotask(() => cb(exitInfo!));
      else waiters.push(cb);
    },
  };
}
