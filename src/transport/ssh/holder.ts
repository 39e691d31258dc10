/**
 * The connection holder: a per-user background process that keeps SSH connections open between
 * runs of `pcmk` and `pcmk-top`, as OpenSSH's ControlMaster/ControlPersist does. Consoles reach it
 * over a unix socket in a private directory (reuse-dir.ts); each asks for a connection by its
 * route and settings (one socket per connection), and the holder opens exec channels on it for
 * them and relays stdin, stdout, stderr and the exit status (held-wire.ts).
 *
 * A connection is made with the same code as a direct one (connect.ts: host key verified against
 * known_hosts, authentication) and shared only under the same key (reuse-key.ts). The holder exits
 * `idleMs` after its last console left, closing its connections and removing its socket. It never
 * writes key material or commands' output to its log.
 */
import { chmodSync, renameSync, statSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ClientChannel } from 'ssh2';
import { TransportError } from '../errors.js';
import { connectResolved, type ConnectContext } from './connect.js';
import type { SshConnection } from './connection.js';
import {
  encodeFrame,
  encodeJson,
  errorToWire,
  FRAME,
  readFrames,
  WIRE_VERSION,
  type ExitInfo,
  type Frame,
  type HeldRoute,
  type HeldSettings,
  type Hello,
  type HolderStatus,
  type Lost,
  type Ready,
} from './held-wire.js';
import { DEFAULT_EXEC_TIMEOUT_MS, targetOf, type TransportOptions } from './options.js';
import { fileDigest, reuseKey } from './reuse-key.js';
import { openSocket, socketPath } from './reuse-dir.js';

export const DEFAULT_IDLE_MS = 60_000;

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface HolderOptions {
  /** A private directory (ensurePrivateDir). */
  dir: string;
  /** How long to stay without consoles before exiting. */
  idleMs?: number;
  log?: (line: string) => void;
  /** Makes a connection (default: connectResolved, as a direct connection is made). */
  connect?: (route: HeldRoute, settings: HeldSettings, ctx: ConnectContext, depth: number) => Promise<SshConnection>;
  digest?: (file: string) => string;
  timers?: Timers;
}

interface Held {
  key: string;
  route: HeldRoute;
  conn: Promise<SshConnection>;
  notes: string[];
  made: number;
  reused: number;
  clients: number;
}

/** True when something answers on the socket (a live holder); false for none or a stale file. */
export async function holderAnswers(sock: string): Promise<boolean> {
  const s = await openSocket(sock);
  s?.destroy();
  return s !== null;
}

export class Holder {
  readonly closed: Promise<void>;
  private readonly sock: string;
  private readonly idleMs: number;
  private readonly log: (line: string) => void;
  private readonly timers: Timers;
  private readonly digest: (file: string) => string;
  private readonly conns = new Map<string, Held>();
  private readonly clients = new Set<net.Socket>();
  private server: net.Server | null = null;
  private socketIno: number | null = null;
  private idleTimer: unknown = null;
  private stopping = false;
  private resolveClosed!: () => void;

  private constructor(private readonly opts: HolderOptions) {
    this.sock = socketPath(opts.dir);
    this.idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
    this.log = opts.log ?? (() => {});
    this.timers = opts.timers ?? realTimers;
    this.digest = opts.digest ?? fileDigest;
    this.closed = new Promise((r) => (this.resolveClosed = r));
  }

  /**
   * Listens on `dir`'s socket, replacing a stale one. Returns null when a live holder already
   * answers there. The socket is bound under a private name and renamed into place, so a console
   * never reaches a half-made holder.
   */
  static async start(opts: HolderOptions): Promise<Holder | null> {
    const h = new Holder(opts);
    if (await holderAnswers(h.sock)) return null;
    const tmp = path.join(opts.dir, `.holder-${process.pid}.sock`);
    try {
      unlinkSync(tmp);
    } catch {
      // not there
    }
    const server = net.createServer((s) => h.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(tmp, () => resolve());
    });
    chmodSync(tmp, 0o600);
    // Replaces a stale socket of a holder that died; the directory is private, so only ours.
    renameSync(tmp, h.sock);
    h.socketIno = statSync(h.sock).ino;
    h.server = server;
    h.log(`listening on ${h.sock} (pid ${process.pid}, idle exit after ${h.idleMs} ms)`);
    h.armIdle();
    return h;
  }

  status(): HolderStatus {
    return {
      pid: process.pid,
      clients: this.clients.size,
      connections: [...this.conns.values()].map((c) => ({ target: targetOf(c.route.resolved), key: c.key.slice(0, 12), made: c.made, reused: c.reused, clients: c.clients })),
    };
  }

  private armIdle(): void {
    if (this.idleTimer !== null || this.clients.size || this.stopping) return;
    this.idleTimer = this.timers.set(() => {
      this.idleTimer = null;
      if (!this.clients.size) void this.stop(`idle for ${this.idleMs} ms`);
    }, this.idleMs);
  }

  private disarmIdle(): void {
    if (this.idleTimer === null) return;
    this.timers.clear(this.idleTimer);
    this.idleTimer = null;
  }

  /** Closes every connection and the socket (removed only while it is still ours), then resolves `closed`. */
  async stop(reason: string): Promise<void> {
    if (this.stopping) return this.closed;
    this.stopping = true;
    this.disarmIdle();
    this.log(`exiting: ${reason}`);
    try {
      if (this.socketIno !== null && statSync(this.sock).ino === this.socketIno) unlinkSync(this.sock);
    } catch {
      // already gone
    }
    const server = this.server;
    for (const c of this.clients) c.destroy();
    for (const held of this.conns.values()) void held.conn.then((c) => c.close(), () => undefined);
    this.conns.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
    this.resolveClosed();
  }

  private accept(s: net.Socket): void {
    if (this.stopping) {
      s.destroy();
      return;
    }
    this.clients.add(s);
    this.disarmIdle();
    new HolderSession(this, s);
    s.once('close', () => {
      this.clients.delete(s);
      this.armIdle();
    });
  }

  /** A connection for `route`, kept or made; jump hosts are kept connections too. */
  getConnection(route: HeldRoute, settings: HeldSettings, depth = 0): { held: Held; reused: boolean } {
    const key = reuseKey(route, settings, this.digest);
    const existing = this.conns.get(key);
    if (existing) {
      existing.reused++;
      return { held: existing, reused: true };
    }
    const notes: string[] = [];
    const opts: TransportOptions = {
      knownHostsFiles: settings.knownHostsFiles,
      onlyGivenKnownHosts: settings.onlyGivenKnownHosts,
      identityFiles: settings.identityFiles,
      ...(settings.agentSocket !== undefined ? { agentSocket: settings.agentSocket } : {}),
      ...(settings.connectTimeoutMs !== null ? { connectTimeoutMs: settings.connectTimeoutMs } : {}),
      ...(settings.keepaliveIntervalMs !== null ? { keepaliveIntervalMs: settings.keepaliveIntervalMs } : {}),
      ...(settings.keepaliveCountMax !== null ? { keepaliveCountMax: settings.keepaliveCountMax } : {}),
      ...(settings.maxChannels !== null ? { maxChannels: settings.maxChannels } : {}),
      onWarning: (_host, message) => notes.push(message),
    };
    const ctx: ConnectContext = {
      opts,
      config: { sections: [], warnings: [], files: [] },
      renv: { homeDir: '/', localUser: '', env: { SSH_AUTH_SOCK: settings.authSock ?? undefined } },
      getJump: async (spec, _chain, d) => {
        if (!route.jump) {
          throw new TransportError({ host: route.host, stage: 'connect', detail: `no route to jump host ${spec.host}`, target: targetOf(route.resolved) });
        }
        return this.getConnection(route.jump, settings, d).held.conn;
      },
    };
    const make = this.opts.connect ?? ((r, _s, c, d) => connectResolved(r.host, r.resolved, c, d));
    const held: Held = { key, route, conn: make(route, settings, ctx, depth), notes, made: 1, reused: 0, clients: 0 };
    this.conns.set(key, held);
    const drop = (): void => {
      if (this.conns.get(key) === held) this.conns.delete(key);
    };
    held.conn.then(
      (conn) => {
        this.log(`connected to ${conn.target} for ${route.host} (key ${key.slice(0, 12)})`);
        conn.once('closing', drop);
        conn.once('close', (e?: TransportError) => {
          drop();
          this.log(`connection to ${conn.target} closed${e ? `: ${e.detail}` : ''}`);
        });
      },
      (e: unknown) => {
        drop();
        this.log(`connecting to ${targetOf(route.resolved)} for ${route.host} failed: ${e instanceof TransportError ? `${e.stage}: ${e.detail}` : 'error'}`);
      },
    );
    return { held, reused: false };
  }
}

/** One console's socket: its connection and the channels it opened on it. */
class HolderSession {
  private conn: SshConnection | null = null;
  private held: Held | null = null;
  private readonly channels = new Map<number, ClientChannel>();
  private readonly opening = new Map<number, AbortController>();
  private readonly paused = new Set<ClientChannel>();
  private ended = false;

  constructor(
    private readonly holder: Holder,
    private readonly s: net.Socket,
  ) {
    readFrames(s, (f) => this.onFrame(f));
    s.on('drain', () => {
      for (const ch of this.paused) {
        ch.resume();
        ch.stderr.resume();
      }
      this.paused.clear();
    });
    s.on('error', () => {});
    s.once('close', () => this.end());
  }

  private send(frame: Buffer, from?: ClientChannel): void {
    if (this.ended || this.s.destroyed) return;
    if (!this.s.write(frame) && from) {
      // The console reads slower than the host writes: hold the host back (SSH flow control).
      from.pause();
      from.stderr.pause();
      this.paused.add(from);
    }
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const ac of this.opening.values()) ac.abort();
    for (const ch of this.channels.values()) {
      try {
        ch.close();
      } catch {
        // already closed
      }
    }
    this.channels.clear();
    if (this.held) this.held.clients--;
  }

  private onFrame(f: Frame): void {
    switch (f.type) {
      case FRAME.HELLO:
        void this.hello(f.payload);
        return;
      case FRAME.STATUS:
        this.send(encodeJson(FRAME.INFO, 0, this.holder.status()));
        this.s.end();
        return;
      case FRAME.STOP:
        void this.holder.stop('asked to stop');
        return;
      case FRAME.EXEC:
        void this.exec(f.channel, f.payload.toString('utf8'));
        return;
      case FRAME.DATA:
        this.channels.get(f.channel)?.write(f.payload);
        return;
      case FRAME.EOF:
        this.channels.get(f.channel)?.end();
        return;
      case FRAME.CLOSE: {
        this.opening.get(f.channel)?.abort();
        try {
          this.channels.get(f.channel)?.close();
        } catch {
          // already closed
        }
        return;
      }
      default:
        this.s.destroy();
    }
  }

  private async hello(payload: Buffer): Promise<void> {
    let hello: Hello;
    try {
      hello = JSON.parse(payload.toString('utf8')) as Hello;
      if (hello.v !== WIRE_VERSION) throw new Error(`wire version ${hello.v}, this holder speaks ${WIRE_VERSION}`);
    } catch (e) {
      this.send(encodeJson(FRAME.FAIL, 0, errorToWire(e)));
      this.s.end();
      return;
    }
    const { held, reused } = this.holder.getConnection(hello.route, hello.settings);
    held.clients++;
    this.held = held;
    try {
      const conn = await held.conn;
      if (this.ended) return;
      if (conn.closed) throw new TransportError({ host: hello.route.host, stage: 'closed', detail: 'connection closed', target: conn.target });
      this.conn = conn;
      conn.once('close', (e?: TransportError) => {
        const lost: Lost = { stage: e?.stage ?? 'closed', detail: e?.detail ?? 'connection closed' };
        this.send(encodeJson(FRAME.LOST, 0, lost));
        this.s.end();
      });
      const ready: Ready = { reused, pid: process.pid, notes: held.notes };
      this.send(encodeJson(FRAME.READY, 0, ready));
    } catch (e) {
      this.send(encodeJson(FRAME.FAIL, 0, errorToWire(e)));
      this.s.end();
    }
  }

  private async exec(id: number, command: string): Promise<void> {
    const conn = this.conn;
    if (!conn || this.channels.has(id) || this.opening.has(id)) {
      this.send(encodeJson(FRAME.OPEN_FAILED, id, { message: 'no connection' }));
      return;
    }
    const ac = new AbortController();
    this.opening.set(id, ac);
    let ch: ClientChannel;
    try {
      ch = await conn.openCommand(command, 'a command', { signal: ac.signal, waitMs: DEFAULT_EXEC_TIMEOUT_MS });
    } catch (e) {
      this.send(encodeJson(FRAME.OPEN_FAILED, id, { message: e instanceof TransportError ? e.detail : (e as Error).message }));
      return;
    } finally {
      this.opening.delete(id);
    }
    if (this.ended) {
      ch.close();
      return;
    }
    this.channels.set(id, ch);
    this.send(encodeFrame(FRAME.OPENED, id));
    ch.on('data', (d: Buffer) => this.send(encodeFrame(FRAME.OUT, id, d), ch));
    ch.stderr.on('data', (d: Buffer) => this.send(encodeFrame(FRAME.ERR, id, d), ch));
    ch.on('error', () => {});
    ch.once('close', (code?: number | null, signal?: string) => {
      this.channels.delete(id);
      this.paused.delete(ch);
      const exit: ExitInfo = typeof code === 'number' ? { code } : code === null && signal ? { code: null, signal: String(signal) } : {};
      this.send(encodeJson(FRAME.EXIT, id, exit));
    });
  }
}
