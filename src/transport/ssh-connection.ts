/**
 * SSH connections with ssh2: honours ssh_config (via ssh-config.ts), verifies host keys against
 * known_hosts (never a silent accept), authenticates with ssh-agent and identity files, hops through
 * ProxyJump hosts, keeps the connection alive and reuses it for every command of one run (SshPool).
 *
 * About exec: an SSH "exec" request is always one string that the remote user's login shell
 * interprets; there is no argv on the wire. `exec(argv)` therefore single-quotes every word
 * (`'it'\''s'`) so the remote shell sees exactly these arguments, and refuses words containing NUL,
 * CR or LF (which some login shells do not treat literally inside quotes).
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Client, utils as ssh2utils, type AuthenticationType, type ClientChannel, type ConnectConfig } from 'ssh2';
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

  get closed(): boolean {
    return this._closed;
  }

  private markClosed(): void {
    if (this._closed) return;
    this._closed = true;
    this.closeError ??= new TransportError({ host: this.host, stage: 'closed', detail: 'connection closed', target: this.target });
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
   * Runs argv on the host and collects its output. A non-zero exit is a result, not an error;
   * errors are TransportErrors (stage 'exec', 'timeout' or 'closed').
   */
  exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
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
      let channel: ClientChannel | null = null;
      let done = false;
      const finish = (err: Error | null, result?: ExecResult): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.off('close', onConnClose);
        if (err) reject(err);
        else resolve(result!);
      };
      const timer = setTimeout(() => {
        if (channel) {
          try {
            channel.signal('KILL');
          } catch {
            // the server may not support signals; closing the channel is enough for us
          }
          channel.close();
        }
        finish(
          new TransportError({
            host: this.host,
            stage: 'timeout',
            detail: `command timed out after ${timeoutMs} ms: ${argv.join(' ')}`,
            target: this.target,
          }),
        );
      }, timeoutMs);
      const onConnClose = (): void => finish(this.closedError());
      this.once('close', onConnClose);

      this.openExec(argv).then(
        (ch) => {
          if (done) {
            ch.close();
            return;
          }
          channel = ch;
          const out: Buffer[] = [];
          const errb: Buffer[] = [];
          let size = 0;
          let exitCode: number | null = null;
          let signal: string | null = null;
          let sawExit = false;
          const add = (list: Buffer[], d: Buffer): void => {
            size += d.length;
            if (size > maxBuffer) {
              ch.close();
              finish(new TransportError({ host: this.host, stage: 'exec', detail: `output of ${argv[0]} exceeds ${maxBuffer} bytes`, target: this.target }));
              return;
            }
            list.push(d);
          };
          ch.on('data', (d: Buffer) => add(out, d));
          ch.stderr.on('data', (d: Buffer) => add(errb, d));
          ch.on('exit', (code: number | null, sig?: string) => {
            sawExit = true;
            exitCode = typeof code === 'number' ? code : null;
            signal = sig ? String(sig) : null;
          });
          ch.on('close', () => {
            if (!sawExit) {
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
              exitCode,
              signal,
              durationMs: performance.now() - started,
              command,
            });
          });
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

  /** Closes the connection (and the jump connections it owns, unless pooled elsewhere). */
  close(): void {
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
      conn.once('close', () => {
        if (this.conns.get(key) === p) this.conns.delete(key);
      });
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
