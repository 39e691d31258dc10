/**
 * SSH connections with ssh2: honours ssh_config (via ssh-config.ts), verifies host keys against
 * known_hosts (never a silent accept), authenticates with ssh-agent and identity files, hops through
 * ProxyJump hosts, keeps the connection alive and reuses it for every command of one run (SshPool).
 *
 * About exec: an SSH "exec" request is always one string that the remote user's login shell
 * interprets; there is no argv on the wire. `exec(argv)` therefore single-quotes every word
 * (`'it'\''s'`) so the remote shell sees exactly these arguments, and refuses words containing NUL,
 * CR or LF (which some login shells do not treat literally inside quotes).
 *
 * Commands run under a one-line `sh` wrapper that reports their pid on stderr (removed from the
 * output) and then execs argv, so a timeout or close can kill them with a second exec: OpenSSH's
 * sshd refuses SSH "signal" requests for root sessions, and closing a channel does not stop a
 * command that is not writing.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
// ssh2 is CommonJS: Node's ESM loader does not see all of its named exports (utils), so take the default.
import ssh2 from 'ssh2';
import type { AuthenticationType, Client as Ssh2Client, ClientChannel, ConnectConfig } from 'ssh2';
import { HostKeyError, TransportError } from './errors.js';
import { knownHostsName, knownKeyTypes, loadKnownHosts, verifyHostKey, type KnownHostsFile } from './known-hosts.js';
import {
  loadSshConfig,
  localResolveEnv,
  resolveHost,
  type JumpSpec,
  type ResolveEnv,
  type ResolvedHost,
  type SshConfig,
} from './ssh-config.js';

export class UnsafeArgumentError extends Error {
  constructor(readonly word: string) {
    super(`refusing to pass an argument containing NUL, CR or LF to a remote shell: ${JSON.stringify(word.slice(0, 80))}`);
    this.name = 'UnsafeArgumentError';
  }
}

/** Single-quotes one word for a POSIX shell. Pure. */
export function quoteShellWord(word: string): string {
  if (/[\0\r\n]/.test(word)) throw new UnsafeArgumentError(word);
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command string sent in an SSH exec request for `argv`: every word single-quoted. Pure. */
export function toRemoteCommand(argv: string[]): string {
  if (!argv.length) throw new UnsafeArgumentError('');
  return argv.map(quoteShellWord).join(' ');
}

export interface TransportOptions {
  /** `-F FILE`; without it ~/.ssh/config and /etc/ssh/ssh_config are read. */
  configFile?: string;
  /** A parsed config (takes precedence over configFile). */
  config?: SshConfig;
  /** Extra known_hosts files (`--known-hosts`), checked with the user's and the system's. */
  knownHostsFiles?: string[];
  /** Use only `knownHostsFiles` (not UserKnownHostsFile / GlobalKnownHostsFile). */
  onlyGivenKnownHosts?: boolean;
  /** Connect timeout for TCP + SSH handshake + authentication; default ConnectTimeout or 10 s. */
  connectTimeoutMs?: number;
  /** Keepalive interval; default ServerAliveInterval or 15 s. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Extra identity files (`-i`), tried before those of the config. */
  identityFiles?: string[];
  /** ssh-agent socket; default IdentityAgent or $SSH_AUTH_SOCK; null disables the agent. */
  agentSocket?: string | null;
  /** Local identity for config defaults (home, user); default: this process's user. */
  resolveEnv?: ResolveEnv;
  /** Concurrent channels per connection (sshd's MaxSessions defaults to 10). */
  maxChannels?: number;
  /** Receives non-fatal notes (config warnings, skipped keys). */
  onWarning?: (host: string, message: string) => void;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_KEEPALIVE_MS = 15_000;
export const DEFAULT_EXEC_TIMEOUT_MS = 30_000;
const MAX_JUMP_DEPTH = 8;

export interface ExecOptions {
  timeoutMs?: number;
  /** Data written to the remote command's stdin (then EOF). */
  input?: string | Buffer;
  maxBuffer?: number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit status, or null when the command was killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** The exact string sent to the remote shell. */
  command: string;
}

/** Host key algorithm names for a known_hosts key type. */
function algorithmsForKeyType(t: string): string[] {
  if (t === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [t];
}

const DEFAULT_HOST_KEY_ALGOS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Prefer host key algorithms we already have keys for (as OpenSSH does), so a known host verifies. */
export function orderHostKeyAlgorithms(knownTypes: string[]): string[] {
  const first = knownTypes.flatMap(algorithmsForKeyType).filter((a) => DEFAULT_HOST_KEY_ALGOS.includes(a));
  return [...new Set([...first, ...DEFAULT_HOST_KEY_ALGOS])];
}

function targetOf(r: ResolvedHost): string {
  return `${r.user}@${r.hostName}:${r.port}`;
}

/** Identity material for authentication; key contents never leave this module's closures. */
interface AuthPlan {
  methods: Array<{ type: AuthenticationType; label: string; key?: unknown; agent?: string }>;
  notes: string[];
}

function planAuth(r: ResolvedHost, opts: TransportOptions, env: Record<string, string | undefined>): AuthPlan {
  const notes: string[] = [];
  const methods: AuthPlan['methods'] = [];
  const files = [...(opts.identityFiles ?? []), ...r.identityFiles];
  const keyMethods: AuthPlan['methods'] = [];
  for (const file of [...new Set(files)]) {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (e) {
      const explicit = opts.identityFiles?.includes(file) || !r.identityFilesAreDefault;
      if (explicit) notes.push(`identity file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
      continue;
    }
    const parsed = ssh2utils.parseKey(data);
    if (parsed instanceof Error) {
      notes.push(
        /encrypt|passphrase/i.test(parsed.message)
          ? `identity file ${file} is encrypted; load it into ssh-agent to use it`
          : `identity file ${file}: not a usable private key (${parsed.message})`,
      );
      continue;
    }
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    keyMethods.push({ type: 'publickey', label: file, key });
  }
  const agent =
    opts.agentSocket !== undefined ? opts.agentSocket : r.identityAgent !== undefined ? r.identityAgent : (env.SSH_AUTH_SOCK ?? null);
  // IdentitiesOnly: only the configured files (the agent is used only when no file is usable).
  if (agent && !(r.identitiesOnly && keyMethods.length)) methods.push({ type: 'agent', label: `ssh-agent (${agent})`, agent });
  methods.push(...keyMethods);
  return { methods, notes };
}

const { Client, utils: ssh2utils } = ssh2;
type Client = Ssh2Client;

function mapSocketError(e: NodeJS.ErrnoException, r: ResolvedHost, host: string): TransportError {
  const where = `${r.hostName}:${r.port}`;
  const code = e.code;
  const detail =
    code === 'ECONNREFUSED'
      ? `connection refused by ${where} (is sshd running and listening on port ${r.port}?)`
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `cannot resolve host name ${r.hostName}`
        : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
          ? `no route to ${where}`
          : code === 'ETIMEDOUT'
            ? `TCP connection to ${where} timed out`
            : code === 'ECONNRESET'
              ? `connection reset by ${where}`
              : `cannot connect to ${where}: ${e.message}`;
  return new TransportError({ host, stage: 'connect', detail, target: targetOf(r), code, cause: e });
}

interface ConnectStep {
  host: string;
  resolved: ResolvedHost;
  knownHosts: KnownHostsFile[];
  opts: TransportOptions;
  env: Record<string, string | undefined>;
  sock?: Readable;
}

/** Opens one ssh2 client (TCP or over a given stream) and authenticates it. */
function openClient(step: ConnectStep): Promise<Client> {
  const { host, resolved: r, opts } = step;
  const timeoutMs = opts.connectTimeoutMs ?? r.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const lookupHost = r.hostKeyAlias ?? r.hostName;
  const lookupPort = r.hostKeyAlias ? 22 : r.port;
  const knownTypes = knownKeyTypes(knownHostsName(lookupHost, lookupPort), step.knownHosts);
  const auth = planAuth(r, opts, step.env);
  for (const n of auth.notes) opts.onWarning?.(host, n);
  const target = targetOf(r);

  return new Promise<Client>((resolve, reject) => {
    const client = new Client();
    let phase: 'tcp' | 'handshake' | 'auth' = step.sock ? 'handshake' : 'tcp';
    let settled = false;
    let hostKeyError: HostKeyError | null = null;
    const tried: string[] = [];
    const fail = (err: TransportError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeAllListeners('ready');
      client.on('error', () => {});
      client.destroy();
      reject(err);
    };
    const timer = setTimeout(() => {
      const waiting =
        phase === 'tcp'
          ? `the TCP connection to ${r.hostName}:${r.port}`
          : phase === 'handshake'
            ? 'the SSH handshake (the server accepted the connection but did not complete the handshake)'
            : 'authentication';
      fail(new TransportError({ host, stage: 'timeout', detail: `timed out after ${timeoutMs} ms waiting for ${waiting}`, target }));
    }, timeoutMs);

    client.on('connect', () => {
      phase = 'handshake';
    });
    client.on('handshake', () => {
      phase = 'auth';
    });
    client.on('ready', () => {
      if (settled) {
        client.end();
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve(client);
    });
    client.on('error', (e: Error & { level?: string; code?: string }) => {
      if (hostKeyError) return fail(hostKeyError);
      if (e.level === 'client-socket' || e.level === 'client-dns' || (e.code && !e.level)) {
        return fail(mapSocketError(e as NodeJS.ErrnoException, r, host));
      }
      if (e.level === 'client-authentication') {
        const what = tried.length ? tried.join(', ') : 'no method available (no ssh-agent, no readable identity file)';
        const notes = auth.notes.length ? `; ${auth.notes.join('; ')}` : '';
        return fail(new TransportError({ host, stage: 'auth', detail: `authentication as ${r.user} failed; tried: ${what}${notes}`, target, cause: e }));
      }
      if (e.level === 'client-timeout') {
        return fail(new TransportError({ host, stage: 'timeout', detail: `timed out: ${e.message}`, target, cause: e }));
      }
      fail(new TransportError({ host, stage: 'connect', detail: `SSH ${phase} failed: ${e.message}`, target, cause: e }));
    });
    client.on('close', () => {
      if (hostKeyError) return fail(hostKeyError);
      fail(new TransportError({ host, stage: 'closed', detail: `connection closed by ${r.hostName}:${r.port} during the ${phase}`, target }));
    });

    const queue = [...auth.methods];
    const authHandler = (_left: unknown, _partial: unknown, next: (m: unknown) => void): void => {
      const m = queue.shift();
      if (!m) {
        next(false);
        return;
      }
      tried.push(m.label);
      if (m.type === 'agent') next({ type: 'agent', username: r.user, agent: m.agent });
      else next({ type: 'publickey', username: r.user, key: m.key });
    };

    const cfg: ConnectConfig = {
      host: r.hostName,
      port: r.port,
      username: r.user,
      readyTimeout: timeoutMs + 1000,
      keepaliveInterval: opts.keepaliveIntervalMs ?? r.serverAliveIntervalMs ?? DEFAULT_KEEPALIVE_MS,
      keepaliveCountMax: opts.keepaliveCountMax ?? r.serverAliveCountMax ?? 3,
      algorithms: { serverHostKey: orderHostKeyAlgorithms(knownTypes) as never },
      authHandler: authHandler as never,
      hostVerifier: (key: Buffer): boolean => {
        const v = verifyHostKey(lookupHost, lookupPort, key, step.knownHosts);
        if (v.ok) return true;
        hostKeyError = new HostKeyError({
          host,
          lookupName: v.lookupName,
          target,
          status: v.status,
          keyType: v.keyType,
          fingerprint: v.fingerprint,
          file: v.file,
          line: v.line,
          searched: v.searched,
        });
        return false;
      },
    };
    if (step.sock) cfg.sock = step.sock;
    try {
      client.connect(cfg);
    } catch (e) {
      fail(new TransportError({ host, stage: 'connect', detail: (e as Error).message, target, cause: e }));
    }
  });
}

/** A simple counting semaphore for channels. */
class Slots {
  private waiting: Array<() => void> = [];
  private used = 0;
  constructor(private readonly max: number) {}
  acquire(): Promise<void> {
    if (this.used < this.max) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((res) => this.waiting.push(res));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
  cancel(fn: () => void): void {
    const i = this.waiting.indexOf(fn);
    if (i >= 0) this.waiting.splice(i, 1);
  }
}

/** One authenticated SSH connection (possibly through jump hosts). Emits 'close' (err?: Error). */
export class SshConnection extends EventEmitter {
  readonly host: string;
  readonly resolved: ResolvedHost;
  readonly target: string;
  private _closed = false;
  private closeError: TransportError | null = null;
  private readonly slots: Slots;
  private readonly openChannels = new Set<ClientChannel>();
  private readonly processes = new Set<RemoteProcess>();
  private closing = false;
  /** Rejecters of running exec() calls, called when the connection is lost. */
  private readonly running = new Set<(e: TransportError) => void>();

  constructor(
    private readonly client: Client,
    resolved: ResolvedHost,
    host: string,
    private readonly jumps: SshConnection[] = [],
    maxChannels = 8,
  ) {
    super();
    this.host = host;
    this.resolved = resolved;
    this.target = targetOf(resolved);
    this.slots = new Slots(maxChannels);
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
    for (const reject of [...this.running]) reject(this.closeError);
    this.running.clear();
    this.emit('close', this.closeError);
  }

  private closedError(): TransportError {
    return this.closeError ?? new TransportError({ host: this.host, stage: 'closed', detail: 'connection closed', target: this.target });
  }

  /** Opens an exec channel for `argv` (e.g. the agent's serve loop). Caller closes it. */
  async openExec(argv: string[]): Promise<ClientChannel> {
    let command: string;
    try {
      command = toRemoteCommand(argv);
    } catch (e) {
      throw new TransportError({ host: this.host, stage: 'exec', detail: (e as Error).message, target: this.target, cause: e });
    }
    if (this._closed) throw this.closedError();
    await this.slots.acquire();
    if (this._closed) {
      this.slots.release();
      throw this.closedError();
    }
    return new Promise<ClientChannel>((resolve, reject) => {
      try {
        this.client.exec(command, (err, channel) => {
          if (err) {
            this.slots.release();
            reject(
              this._closed
                ? this.closedError()
                : new TransportError({ host: this.host, stage: 'exec', detail: `cannot start ${argv[0]}: ${err.message}`, target: this.target, cause: err }),
            );
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
        this.slots.release();
        reject(new TransportError({ host: this.host, stage: 'exec', detail: (e as Error).message, target: this.target, cause: e }));
      }
    });
  }

  /**
   * Starts argv on the host as a killable process: it runs under a tiny `sh` wrapper that reports
   * its pid on stderr (that line is removed) and then execs argv, so the pid is the command's own.
   * kill() signals it (and its process group) through a second exec: sshd ignores SSH "signal"
   * requests for root sessions, and closing a channel does not stop a command that is not writing.
   */
  async spawn(argv: string[]): Promise<RemoteProcess> {
    const ch = await this.openExec([...PID_WRAPPER, ...argv]);
    const proc = new RemoteProcess(this, ch, argv);
    this.processes.add(proc);
    void proc.exited.then(() => this.processes.delete(proc));
    return proc;
  }

  /** Sends a signal to a remote pid and its process group (best effort). */
  async signalPid(pid: number, signal: 'TERM' | 'KILL'): Promise<void> {
    if (this._closed || !Number.isInteger(pid) || pid <= 1) return;
    try {
      await this.execRaw(['kill', '-s', signal, '--', `-${pid}`, String(pid)], { timeoutMs: 5000 });
    } catch {
      // the connection may be going away; nothing more we can do
    }
  }

  /**
   * Runs argv on the host and collects its output. A non-zero exit is a result, not an error;
   * errors are TransportErrors (stage 'exec', 'timeout' or 'closed'). On a timeout the remote
   * command is killed.
   */
  exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.run(argv, opts, true);
  }

  /** Like exec() but without the pid wrapper (used for kill itself). */
  private execRaw(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.run(argv, opts, false);
  }

  private run(argv: string[], opts: ExecOptions, killable: boolean): Promise<ExecResult> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    const maxBuffer = opts.maxBuffer ?? 256 * 1024 * 1024;
    const started = performance.now();
    let command: string;
    try {
      command = toRemoteCommand(argv);
    } catch (e) {
      return Promise.reject(new TransportError({ host: this.host, stage: 'exec', detail: (e as Error).message, target: this.target, cause: e }));
    }
    return new Promise<ExecResult>((resolve, reject) => {
      let proc: RemoteProcess | null = null;
      let rawChannel: ClientChannel | null = null;
      let done = false;
      const finish = (err: Error | null, result?: ExecResult): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.running.delete(onConnClose);
        if (err) reject(err);
        else resolve(result!);
      };
      const timer = setTimeout(() => {
        if (proc) void proc.kill('KILL');
        else rawChannel?.close();
        finish(
          new TransportError({
            host: this.host,
            stage: 'timeout',
            detail: `command timed out after ${timeoutMs} ms: ${argv.join(' ')}`,
            target: this.target,
          }),
        );
      }, timeoutMs);
      const onConnClose = (e: TransportError): void => finish(e);
      this.running.add(onConnClose);

      const out: Buffer[] = [];
      const errb: Buffer[] = [];
      let size = 0;
      const add = (list: Buffer[], d: Buffer): void => {
        if (done) return;
        size += d.length;
        if (size > maxBuffer) {
          if (proc) void proc.kill('KILL');
          else rawChannel?.close();
          finish(new TransportError({ host: this.host, stage: 'exec', detail: `output of ${argv[0]} exceeds ${maxBuffer} bytes`, target: this.target }));
          return;
        }
        list.push(d);
      };
      const onExit = (x: ProcessExit): void => {
        if (x.noStatus) {
          finish(
            this._closed
              ? this.closedError()
              : new TransportError({ host: this.host, stage: 'exec', detail: `${argv[0]}: channel closed without an exit status`, target: this.target }),
          );
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
      const begin = killable
        ? this.spawn(argv).then((p) => {
            proc = p;
            if (done) {
              void p.kill('KILL');
              return null;
            }
            p.onStdout((d) => add(out, d));
            p.onStderr((d) => add(errb, d));
            void p.exited.then(onExit);
            return p.channel;
          })
        : this.openExec(argv).then((ch) => {
            rawChannel = ch;
            if (done) {
              ch.close();
              return null;
            }
            ch.on('data', (d: Buffer) => add(out, d));
            ch.stderr.on('data', (d: Buffer) => add(errb, d));
            void channelExit(ch).then(onExit);
            return ch;
          });
      begin.then(
        (ch) => {
          if (!ch) return;
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
      const t = setTimeout(
        () =>
          reject(
            new TransportError({
              host: forHost,
              stage: 'timeout',
              detail: `timed out after ${timeoutMs} ms opening a forwarded connection to ${target} through jump host ${this.host}`,
              target,
            }),
          ),
        timeoutMs,
      );
      try {
        this.client.forwardOut('127.0.0.1', 0, toHost, toPort, (err, stream) => {
          clearTimeout(t);
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

export interface ProcessExit {
  code: number | null;
  signal: string | null;
  /** The channel closed without an exit status (connection lost, or killed on our side). */
  noStatus: boolean;
}

/** Resolves when a session channel closes, with its exit status. */
export function channelExit(ch: ClientChannel): Promise<ProcessExit> {
  return new Promise((resolve) => {
    let code: number | null = null;
    let signal: string | null = null;
    let saw = false;
    ch.on('exit', (c: number | null, sig?: string) => {
      saw = true;
      code = typeof c === 'number' ? c : null;
      signal = sig ? String(sig) : null;
    });
    ch.once('close', () => resolve({ code, signal, noStatus: !saw }));
  });
}

/** Prefix that makes a remote command report its pid before it becomes argv (same pid via exec). */
export const PID_WRAPPER = ['sh', '-c', 'echo "pcmk-pid=$$" >&2; exec "$@"', 'pcmk'];
const PID_LINE = /^pcmk-pid=(\d+)$/;

/** A command running on a host under PID_WRAPPER. */
export class RemoteProcess {
  pid: number | null = null;
  readonly exited: Promise<ProcessExit>;
  private readonly stdoutCbs: Array<(d: Buffer) => void> = [];
  private readonly stderrCbs: Array<(d: Buffer) => void> = [];
  private head: Buffer | null = Buffer.alloc(0);
  private pidWaiters: Array<(pid: number | null) => void> = [];
  private ended = false;

  constructor(
    private readonly conn: SshConnection,
    readonly channel: ClientChannel,
    readonly argv: string[],
  ) {
    channel.on('data', (d: Buffer) => {
      for (const cb of this.stdoutCbs) cb(d);
    });
    channel.stderr.on('data', (d: Buffer) => this.takeStderr(d));
    this.exited = channelExit(channel).then((x) => {
      this.ended = true;
      this.flushHead();
      for (const w of this.pidWaiters.splice(0)) w(this.pid);
      return x;
    });
  }

  private takeStderr(d: Buffer): void {
    if (this.head === null) {
      for (const cb of this.stderrCbs) cb(d);
      return;
    }
    this.head = Buffer.concat([this.head, d]);
    const nl = this.head.indexOf(10);
    if (nl < 0 && this.head.length < 64) return;
    const first = nl >= 0 ? this.head.subarray(0, nl).toString('latin1') : '';
    const m = PID_LINE.exec(first);
    let rest = this.head;
    if (m) {
      this.pid = Number(m[1]);
      rest = this.head.subarray(nl + 1);
    }
    this.head = null;
    for (const w of this.pidWaiters.splice(0)) w(this.pid);
    if (rest.length) for (const cb of this.stderrCbs) cb(rest);
  }

  private flushHead(): void {
    if (this.head && this.head.length) {
      const rest = this.head;
      this.head = null;
      for (const cb of this.stderrCbs) cb(rest);
    }
    this.head = null;
  }

  onStdout(cb: (d: Buffer) => void): void {
    this.stdoutCbs.push(cb);
  }

  onStderr(cb: (d: Buffer) => void): void {
    this.stderrCbs.push(cb);
  }

  private waitPid(ms: number): Promise<number | null> {
    if (this.pid !== null || this.head === null || this.ended) return Promise.resolve(this.pid);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(this.pid), ms);
      this.pidWaiters.push((p) => {
        clearTimeout(t);
        resolve(p);
      });
    });
  }

  /** Signals the command (and its process group) on the host, then closes the channel. */
  async kill(signal: 'TERM' | 'KILL' = 'TERM'): Promise<void> {
    if (this.ended) return;
    const pid = await this.waitPid(2000);
    if (pid !== null && !this.ended) await this.conn.signalPid(pid, signal);
    try {
      this.channel.close();
    } catch {
      // already closed
    }
  }
}

export interface ConnectContext {
  opts: TransportOptions;
  config: SshConfig;
  renv: ResolveEnv;
  /** Returns a (pooled) connection for a jump host. */
  getJump: (spec: JumpSpec, chain: JumpSpec[], depth: number) => Promise<SshConnection>;
}

/** Resolves a jump spec through the config, with user/port from the spec taking precedence. */
export function resolveJump(spec: JumpSpec, chainBefore: JumpSpec[], config: SshConfig, renv: ResolveEnv): ResolvedHost {
  const r = resolveHost(spec.host, config, renv);
  return {
    ...r,
    user: spec.user ?? r.user,
    port: spec.port ?? r.port,
    // `-J a,b`: b is reached through a; the first jump keeps its own ProxyJump from the config.
    proxyJump: chainBefore.length ? chainBefore : r.proxyJump,
  };
}

function knownHostsFor(r: ResolvedHost, opts: TransportOptions): KnownHostsFile[] {
  const extra = opts.knownHostsFiles ?? [];
  const paths = opts.onlyGivenKnownHosts ? extra : [...r.userKnownHostsFiles, ...r.globalKnownHostsFiles, ...extra];
  return loadKnownHosts(paths);
}

/** Connects to an already resolved host (through its ProxyJump chain via ctx.getJump). */
export async function connectResolved(host: string, r: ResolvedHost, ctx: ConnectContext, depth = 0): Promise<SshConnection> {
  const env = ctx.renv.env ?? process.env;
  let sock: Readable | undefined;
  let jumps: SshConnection[] = [];
  if (r.proxyJump.length) {
    if (depth >= MAX_JUMP_DEPTH) {
      throw new TransportError({ host, stage: 'connect', detail: `ProxyJump chain deeper than ${MAX_JUMP_DEPTH} hosts (a loop?)`, target: targetOf(r) });
    }
    const chain = r.proxyJump;
    const last = chain[chain.length - 1]!;
    const jump = await ctx.getJump(last, chain.slice(0, -1), depth + 1);
    jumps = [jump];
    sock = await jump.forwardOut(r.hostName, r.port, ctx.opts.connectTimeoutMs ?? r.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, host);
  }
  for (const w of r.warnings) ctx.opts.onWarning?.(host, w);
  const client = await openClient({ host, resolved: r, knownHosts: knownHostsFor(r, ctx.opts), opts: ctx.opts, env, sock });
  return new SshConnection(client, r, host, jumps, ctx.opts.maxChannels ?? 8);
}

/**
 * Connections reused across the commands of one run, keyed by the resolved target (user, host,
 * port and jump chain). Jump hosts are pooled too. Closed connections are dropped and re-made.
 */
export class SshPool {
  private readonly config: SshConfig;
  private readonly renv: ResolveEnv;
  private readonly conns = new Map<string, Promise<SshConnection>>();

  constructor(private readonly opts: TransportOptions = {}) {
    this.renv = opts.resolveEnv ?? localResolveEnv();
    this.config = opts.config ?? loadSshConfig({ file: opts.configFile, homeDir: this.renv.homeDir });
  }

  /** What `ssh -G alias` would use. */
  resolve(alias: string): ResolvedHost {
    return resolveHost(alias, this.config, this.renv);
  }

  static keyOf(r: ResolvedHost): string {
    const chain = r.proxyJump.map((j) => `${j.user ?? ''}@${j.host}:${j.port ?? ''}`).join(',');
    return `${targetOf(r)}${chain ? ` via ${chain}` : ''}`;
  }

  /** A live connection to `alias`, made once and shared. */
  get(alias: string): Promise<SshConnection> {
    return this.getResolved(alias, this.resolve(alias), 0);
  }

  private getResolved(host: string, r: ResolvedHost, depth: number): Promise<SshConnection> {
    const key = SshPool.keyOf(r);
    const existing = this.conns.get(key);
    if (existing) return existing;
    const ctx: ConnectContext = {
      opts: this.opts,
      config: this.config,
      renv: this.renv,
      getJump: (spec, chain, d) => {
        const jr = resolveJump(spec, chain, this.config, this.renv);
        return this.getResolved(spec.host, jr, d);
      },
    };
    const p = connectResolved(host, r, ctx, depth).then((conn) => {
      const drop = (): void => {
        if (this.conns.get(key) === p) this.conns.delete(key);
      };
      conn.once('closing', drop);
      conn.once('close', drop);
      return conn;
    });
    this.conns.set(key, p);
    p.catch(() => {
      if (this.conns.get(key) === p) this.conns.delete(key);
    });
    return p;
  }

  /** Closes every pooled connection. */
  async closeAll(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close(), () => undefined)));
  }
}
