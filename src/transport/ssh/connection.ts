/**
 * One authenticated SSH connection (possibly through jump hosts) and the commands run on it: each
 * command gets its own session channel, at most `maxChannels` at once (ChannelSlots); the others
 * wait their turn, bounded, and a command that gives up while waiting never starts later.
 */
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { TransportError } from '../errors.js';
import type { ResolvedHost } from '../ssh-config.js';
import { ChannelSlots } from './channels.js';
import { PID_WRAPPER, toRemoteCommand } from './command.js';
import { DEFAULT_EXEC_TIMEOUT_MS, DEFAULT_MAX_CHANNELS, targetOf, type ExecOptions, type ExecResult } from './options.js';
import { channelExit, RemoteProcess, type ProcessExit } from './process.js';

export interface OpenOptions {
  /** How long to wait for a free session channel; default DEFAULT_EXEC_TIMEOUT_MS. */
  waitMs?: number;
  /** Goes before the commands already waiting (a kill). */
  urgent?: boolean;
  /** The caller gave up: a request still waiting is withdrawn and never starts. */
  signal?: AbortSignal;
  /** The command as errors name it; default argv. */
  label?: string;
}

type ChannelCallback = (err: Error | undefined, channel: ClientChannel) => void;

/**
 * What a connection needs from its SSH client: ssh2's Client, or the relay to the connection
 * holder (held-client.ts), which keeps the connection between runs.
 */
export interface SshClientLike {
  exec(command: string, cb: ChannelCallback): unknown;
  forwardOut(srcIP: string, srcPort: number, dstIP: string, dstPort: number, cb: ChannelCallback): unknown;
  end(): unknown;
  destroy(): unknown;
  on(event: 'error', listener: (err: Error & { level?: string }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/** One authenticated SSH connection (possibly through jump hosts). Emits 'close' (err?: Error). */
export class SshConnection extends EventEmitter {
  readonly host: string;
  readonly resolved: ResolvedHost;
  readonly target: string;
  private _closed = false;
  private closeError: TransportError | null = null;
  private readonly slots: ChannelSlots;
  private readonly openChannels = new Set<ClientChannel>();
  private readonly processes = new Set<RemoteProcess>();
  private closing = false;
  /** Rejecters of running exec() calls, called when the connection is lost. */
  private readonly running = new Set<(e: TransportError) => void>();

  constructor(
    private readonly client: SshClientLike,
    resolved: ResolvedHost,
    host: string,
    private readonly jumps: SshConnection[] = [],
    maxChannels = DEFAULT_MAX_CHANNELS,
  ) {
    super();
    this.host = host;
    this.resolved = resolved;
    this.target = targetOf(resolved);
    this.slots = new ChannelSlots(maxChannels);
    client.on('error', (e: Error & { level?: string }) => {
      this.closeError = new TransportError({
        host,
        stage: e.level === 'client-timeout' ? 'timeout' : 'closed',
        detail: `connection lost: ${e.message}`,
        target: this.target,
        cause: e,
      });
    });
    client.on('close', () => this.markClosed());
    for (const j of jumps) j.once('close', () => this.close());
  }

  /** True once closed or closing. */
  get closed(): boolean {
    return this._closed || this.closing;
  }

  private markClosed(): void {
    if (this._closed) return;
    this._closed = true;
    this.closeError ??= new TransportError({ host: this.host, stage: 'closed', detail: 'connection closed', target: this.target });
    this.slots.close(this.closeError);
    for (const reject of [...this.running]) reject(this.closeError);
    this.running.clear();
    this.emit('close', this.closeError);
  }

  private closedError(): TransportError {
    return this.closeError ?? new TransportError({ host: this.host, stage: 'closed', detail: 'connection closed', target: this.target });
  }

  private execError(detail: string, cause?: unknown): TransportError {
    return new TransportError({ host: this.host, stage: 'exec', detail, target: this.target, cause });
  }

  /**
   * Opens an exec channel for `argv` (e.g. the agent's serve loop) once a session channel is free.
   * Caller closes it. A host that refuses a session while others of ours are open is full for now:
   * the request waits for the next channel to close and tries again.
   */
  async openExec(argv: string[], opts: OpenOptions = {}): Promise<ClientChannel> {
    let command: string;
    try {
      command = toRemoteCommand(argv);
    } catch (e) {
      throw this.execError((e as Error).message, e);
    }
    return this.openCommand(command, opts.label ?? argv.join(' '), opts);
  }

  /** openExec() for a command string already quoted (the connection holder relays these). */
  async openCommand(command: string, what: string, opts: OpenOptions = {}): Promise<ClientChannel> {
    const waitMs = opts.waitMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    const deadline = performance.now() + waitMs;
    let urgent = opts.urgent ?? false;
    for (;;) {
      if (this._closed) throw this.closedError();
      await this.takeSlot(what, waitMs, deadline - performance.now(), urgent, opts.signal);
      try {
        return await this.startChannel(command);
      } catch (e) {
        if (this._closed) {
          this.slots.release();
          throw this.closedError();
        }
        const refusedOpen = (e as { reason?: unknown }).reason !== undefined;
        if (refusedOpen && this.slots.refused()) {
          // First in line again once a channel of ours closes.
          urgent = true;
          continue;
        }
        if (!refusedOpen) this.slots.release();
        throw this.execError(
          refusedOpen ? `the host refused a session channel for ${what}: ${(e as Error).message}` : `cannot start ${what}: ${(e as Error).message}`,
          e,
        );
      }
    }
  }

  /** Waits (bounded) for a channel slot; a request that times out is withdrawn from the queue. */
  private takeSlot(what: string, waitMs: number, leftMs: number, urgent: boolean, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(this.execError(`${what}: given up before it started`));
    const req = this.slots.request(urgent);
    return new Promise<void>((resolve, reject) => {
      const withdraw = (e: Error): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        req.cancel();
        reject(e);
      };
      const onAbort = (): void => withdraw(this.execError(`${what}: given up before it started`));
      const timer = setTimeout(
        () =>
          withdraw(
            this.execError(
              `waited ${waitMs} ms for a free session channel to start ${what} (${this.slots.inUse} open, the host allows ${this.slots.allowed} at once)`,
            ),
          ),
        Math.max(0, leftMs),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      req.granted.then(
        () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        (e: unknown) => withdraw(e as Error),
      );
    });
  }

  /** Sends the exec request on a slot already taken; the slot is released when the channel closes. */
  private startChannel(command: string): Promise<ClientChannel> {
    return new Promise<ClientChannel>((resolve, reject) => {
      try {
        this.client.exec(command, (err, channel) => {
          if (err) {
            reject(err);
            return;
          }
          this.openChannels.add(channel);
          channel.once('close', () => {
            this.openChannels.delete(channel);
            this.slots.release();
          });
          resolve(channel);
        });
      } catch (e) {
        reject(e);
      }
    });
  }

  /**
   * Starts argv on the host as a killable process: it runs under a tiny `sh` wrapper that reports
   * its pid on stderr (that line is removed) and then execs argv, so the pid is the command's own.
   * kill() signals it (and its process group) through a second exec: sshd ignores SSH "signal"
   * requests for root sessions, and closing a channel does not stop a command that is not writing.
   */
  async spawn(argv: string[], opts: OpenOptions = {}): Promise<RemoteProcess> {
    const ch = await this.openExec([...PID_WRAPPER, ...argv], { label: argv.join(' '), ...opts });
    const proc = new RemoteProcess(this, ch, argv);
    this.processes.add(proc);
    void proc.exited.then(() => this.processes.delete(proc));
    return proc;
  }

  /** Sends a signal to a remote pid and its process group (best effort; goes before waiting commands). */
  async signalPid(pid: number, signal: 'TERM' | 'KILL'): Promise<void> {
    if (this._closed || !Number.isInteger(pid) || pid <= 1) return;
    try {
      await this.run(['kill', '-s', signal, '--', `-${pid}`, String(pid)], { timeoutMs: 5000 }, false);
    } catch {
      // the connection may be going away; nothing more we can do
    }
  }

  /**
   * Runs argv on the host and collects its output. A non-zero exit is a result, not an error;
   * errors are TransportErrors (stage 'exec', 'timeout' or 'closed'). The command waits for a free
   * session channel (at most `waitMs`, default `timeoutMs`: stage 'exec', the command never ran),
   * then runs for at most `timeoutMs` (stage 'timeout': the command is killed).
   */
  exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.run(argv, opts, true);
  }

  /** `killable`: under the pid wrapper; without it (the kill itself) the request is urgent. */
  private run(argv: string[], opts: ExecOptions, killable: boolean): Promise<ExecResult> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    const maxBuffer = opts.maxBuffer ?? 256 * 1024 * 1024;
    let command: string;
    try {
      command = toRemoteCommand(argv);
    } catch (e) {
      return Promise.reject(this.execError((e as Error).message, e));
    }
    return new Promise<ExecResult>((resolve, reject) => {
      let proc: RemoteProcess | null = null;
      let rawChannel: ClientChannel | null = null;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      let started = 0;
      const giveUp = new AbortController();
      const stop = (): void => {
        if (proc) void proc.kill('KILL');
        else rawChannel?.close();
      };
      const finish = (err: Error | null, result?: ExecResult): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        giveUp.abort();
        this.running.delete(onConnClose);
        if (err) reject(err);
        else resolve(result!);
      };
      const onConnClose = (e: TransportError): void => finish(e);
      this.running.add(onConnClose);

      const out: Buffer[] = [];
      const errb: Buffer[] = [];
      let size = 0;
      const add = (list: Buffer[], d: Buffer): void => {
        if (done) return;
        size += d.length;
        if (size > maxBuffer) {
          stop();
          finish(this.execError(`output of ${argv[0]} exceeds ${maxBuffer} bytes`));
          return;
        }
        list.push(d);
      };
      const onExit = (x: ProcessExit): void => {
        if (x.noStatus) {
          finish(this._closed ? this.closedError() : this.execError(`${argv[0]}: channel closed without an exit status`));
          return;
        }
        finish(null, {
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(errb).toString('utf8'),
          exitCode: x.code,
          signal: x.signal,
          durationMs: performance.now() - started,
          command,
        });
      };
      const begin = async (): Promise<ClientChannel | null> => {
        const open = { waitMs: opts.waitMs ?? timeoutMs, urgent: !killable, signal: giveUp.signal };
        if (killable) {
          const p = await this.spawn(argv, open);
          proc = p;
          if (done) {
            void p.kill('KILL');
            return null;
          }
          p.onStdout((d) => add(out, d));
          p.onStderr((d) => add(errb, d));
          void p.exited.then(onExit);
          return p.channel;
        }
        const ch = await this.openExec(argv, open);
        rawChannel = ch;
        if (done) {
          ch.close();
          return null;
        }
        ch.on('data', (d: Buffer) => add(out, d));
        ch.stderr.on('data', (d: Buffer) => add(errb, d));
        void channelExit(ch).then(onExit);
        return ch;
      };
      begin().then(
        (ch) => {
          if (!ch) return;
          // The command runs from here: its timeout counts from now, not from when it was queued.
          started = performance.now();
          timer = setTimeout(() => {
            stop();
            finish(new TransportError({ host: this.host, stage: 'timeout', detail: `command timed out after ${timeoutMs} ms: ${argv.join(' ')}`, target: this.target }));
          }, timeoutMs);
          if (opts.input !== undefined) ch.end(opts.input);
          else ch.end();
        },
        (e: unknown) => finish(e as Error),
      );
    });
  }

  /** Opens a TCP stream from this host to host:port (for ProxyJump); errors name `forHost`. */
  forwardOut(toHost: string, toPort: number, timeoutMs: number, forHost: string): Promise<Readable> {
    const target = `${toHost}:${toPort}`;
    if (this._closed) return Promise.reject(this.closedError());
    return new Promise<Readable>((resolve, reject) => {
      let timedOut = false;
      const t = setTimeout(() => {
        timedOut = true;
        reject(
          new TransportError({
            host: forHost,
            stage: 'timeout',
            detail: `timed out after ${timeoutMs} ms opening a forwarded connection to ${target} through jump host ${this.host}`,
            target,
          }),
        );
      }, timeoutMs);
      try {
        this.client.forwardOut('127.0.0.1', 0, toHost, toPort, (err, stream) => {
          clearTimeout(t);
          if (timedOut) {
            // The caller has given up: a stream that arrives late is closed, not leaked.
            stream?.destroy();
            return;
          }
          if (err) {
            reject(
              new TransportError({
                host: forHost,
                stage: 'connect',
                detail: `jump host ${this.host} cannot reach ${target}: ${err.message}`,
                target,
                cause: err,
              }),
            );
          } else resolve(stream);
        });
      } catch (e) {
        clearTimeout(t);
        reject(new TransportError({ host: forHost, stage: 'connect', detail: `jump host ${this.host}: ${(e as Error).message}`, target, cause: e }));
      }
    });
  }

  /**
   * Closes the connection. Commands still running are sent SIGTERM first (briefly waited for),
   * so closing the console does not leave them behind on the host.
   */
  close(): void {
    if (this._closed || this.closing) return;
    this.closing = true;
    // Calls still waiting fail now, as 'closed'; the kills below must not turn them into results.
    this.closeError ??= new TransportError({ host: this.host, stage: 'closed', detail: 'connection closed by the console', target: this.target });
    for (const reject of [...this.running]) reject(this.closeError);
    this.running.clear();
    this.emit('closing');
    const procs = [...this.processes].filter((p) => p.pid !== null);
    const end = (): void => {
      for (const ch of this.openChannels) {
        try {
          ch.close();
        } catch {
          // already closing
        }
      }
      this.client.end();
      // end() waits for the peer; make sure the socket goes away even if the peer hangs.
      setTimeout(() => this.client.destroy(), 1000).unref();
      this.markClosed();
    };
    if (!procs.length) {
      end();
      return;
    }
    const grace = setTimeout(end, 1000);
    grace.unref();
    void Promise.all(procs.map((p) => p.kill('TERM'))).then(() => {
      clearTimeout(grace);
      end();
    });
  }
}
