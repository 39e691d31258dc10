/**
 * The console's side of a kept connection: HeldClient stands where ssh2's Client stands under an
 * SshConnection (same exec channels, same exit statuses, same 'error' and 'close' when the
 * connection is lost), but its channels are relayed by the connection holder (holder.ts). Above
 * SshConnection nothing changes: a command sent once is sent once, and a holder that dies looks
 * exactly like a dropped SSH connection.
 *
 * connectHeld() starts the holder when none answers (detached, its stderr to a log in its
 * directory) and asks it for the connection; it returns null (with a note) when the holder cannot
 * be used, and the caller connects directly.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Duplex, Readable } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { TransportError } from '../errors.js';
import { SshConnection, type SshClientLike } from './connection.js';
import {
  encodeFrame,
  encodeJson,
  errorFromWire,
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
  type WireError,
} from './held-wire.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_CHANNELS } from './options.js';
import { ensurePrivateDir, LOG_NAME, openSocket, ReuseDirError, socketPath } from './reuse-dir.js';

export interface ReuseOptions {
  /** The holder's private directory (defaultReuseDir). */
  dir: string;
  /** The holder program (dist/bin/pcmk-ssh-holder.js). */
  holderEntry: string;
  /** How long the holder stays without consoles. */
  idleMs: number;
  /** Told why connections are not kept this time (a refused directory, a holder that did not start). */
  onProblem?: (message: string) => void;
  startTimeoutMs?: number;
}

type ChannelCallback = (err: Error | undefined, channel: ClientChannel) => void;

/** A relayed exec channel, shaped like ssh2's ClientChannel for SshConnection and its users. */
class HeldChannel extends Duplex {
  readonly stderr = new Readable({ read() {} });
  private done = false;

  constructor(
    private readonly id: number,
    private readonly send: (frame: Buffer) => void,
  ) {
    super({ allowHalfOpen: true, emitClose: false });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.send(encodeFrame(FRAME.DATA, this.id, chunk));
    cb();
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.send(encodeFrame(FRAME.EOF, this.id));
    cb();
  }

  /** Closes the channel on the host (as ssh2's close()). */
  close(): void {
    if (!this.done) this.send(encodeFrame(FRAME.CLOSE, this.id));
  }

  out(d: Buffer): void {
    this.push(d);
  }

  err(d: Buffer): void {
    this.stderr.push(d);
  }

  /** The channel closed: 'close' carries the status as ssh2's does, once stdout has been read. */
  exited(x: ExitInfo): void {
    if (this.done) return;
    this.done = true;
    this.push(null);
    this.stderr.push(null);
    const emit = (): void => {
      if (typeof x.code === 'number') this.emit('close', x.code);
      else if (x.code === null && x.signal) this.emit('close', null, x.signal);
      else this.emit('close');
    };
    if (this.readableEnded) emit();
    else this.once('end', emit);
  }
}

/** The holder closed the socket before answering (it was exiting): nothing was sent to the host. */
class HolderGone extends Error {}

export class HeldClient extends EventEmitter implements SshClientLike {
  readonly ready: Promise<Ready>;
  private readonly channels = new Map<number, HeldChannel>();
  private readonly opening = new Map<number, ChannelCallback>();
  private nextId = 1;
  private isReady = false;
  private lost: Lost | null = null;
  private holderPid = 0;
  private settle!: { resolve: (r: Ready) => void; reject: (e: Error) => void };

  constructor(
    private readonly s: net.Socket,
    hello: Hello,
    private readonly host: string,
  ) {
    super();
    this.ready = new Promise<Ready>((resolve, reject) => (this.settle = { resolve, reject }));
    readFrames(s, (f) => this.onFrame(f));
    s.on('error', () => {});
    s.once('close', () => this.onClose());
    s.write(encodeJson(FRAME.HELLO, 0, hello));
  }

  private send = (frame: Buffer): void => {
    if (!this.s.destroyed) this.s.write(frame);
  };

  private json<T>(f: Frame): T {
    return JSON.parse(f.payload.toString('utf8')) as T;
  }

  private onFrame(f: Frame): void {
    switch (f.type) {
      case FRAME.READY: {
        const r = this.json<Ready>(f);
        this.isReady = true;
        this.holderPid = r.pid;
        this.settle.resolve(r);
        return;
      }
      case FRAME.FAIL:
        this.settle.reject(errorFromWire(this.json<WireError>(f), this.host));
        return;
      case FRAME.LOST:
        this.lost = this.json<Lost>(f);
        return;
      case FRAME.OPENED: {
        const cb = this.opening.get(f.channel);
        if (!cb) return;
        this.opening.delete(f.channel);
        const ch = new HeldChannel(f.channel, this.send);
        this.channels.set(f.channel, ch);
        cb(undefined, ch as unknown as ClientChannel);
        return;
      }
      case FRAME.OPEN_FAILED: {
        const cb = this.opening.get(f.channel);
        this.opening.delete(f.channel);
        cb?.(new Error(this.json<{ message: string }>(f).message), undefined as unknown as ClientChannel);
        return;
      }
      case FRAME.OUT:
        this.channels.get(f.channel)?.out(f.payload);
        return;
      case FRAME.ERR:
        this.channels.get(f.channel)?.err(f.payload);
        return;
      case FRAME.EXIT: {
        const ch = this.channels.get(f.channel);
        this.channels.delete(f.channel);
        ch?.exited(this.json<ExitInfo>(f));
        return;
      }
      default:
        this.s.destroy();
    }
  }

  /** The socket is gone: a lost connection, as ssh2 reports one ('error', then 'close'). */
  private onClose(): void {
    if (!this.isReady) {
      this.settle.reject(new HolderGone('the connection holder closed the connection before answering'));
      return;
    }
    const detail = this.lost ? this.lost.detail.replace(/^connection lost: /, '') : `the connection holder (pid ${this.holderPid}) went away`;
    const e = Object.assign(new Error(detail), this.lost?.stage === 'timeout' ? { level: 'client-timeout' } : {});
    this.emit('error', e);
    this.emit('close');
    for (const cb of this.opening.values()) cb(e, undefined as unknown as ClientChannel);
    this.opening.clear();
    for (const ch of this.channels.values()) ch.exited({});
    this.channels.clear();
  }

  exec(command: string, cb: ChannelCallback): void {
    if (this.s.destroyed) {
      queueMicrotask(() => cb(new Error('not connected'), undefined as unknown as ClientChannel));
      return;
    }
    const id = this.nextId++;
    this.opening.set(id, cb);
    this.send(encodeFrame(FRAME.EXEC, id, command));
  }

  forwardOut(_srcIP: string, _srcPort: number, dstIP: string, dstPort: number, cb: ChannelCallback): void {
    // Jump hosts are kept by the holder itself; a kept connection is never a jump for the console.
    queueMicrotask(() => cb(new Error(`forwarding to ${dstIP}:${dstPort} is not relayed by the connection holder`), undefined as unknown as ClientChannel));
  }

  end(): void {
    this.s.end();
  }

  destroy(): void {
    this.s.destroy();
  }
}

/** Starts a holder in `dir`, detached; resolves null once it listens, or with why it did not. */
export function startHolder(dir: string, reuse: ReuseOptions): Promise<string | null> {
  let log: number;
  try {
    log = openSync(path.join(dir, LOG_NAME), 'a', 0o600);
  } catch (e) {
    return Promise.resolve(`cannot open ${path.join(dir, LOG_NAME)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const child = spawn(process.execPath, [reuse.holderEntry, '--dir', dir, '--idle-ms', String(reuse.idleMs)], {
    detached: true,
    stdio: ['ignore', 'pipe', log],
  });
  closeSync(log);
  const timeoutMs = reuse.startTimeoutMs ?? 5000;
  return new Promise<string | null>((resolve) => {
    let text = '';
    const done = (problem: string | null): void => {
      clearTimeout(timer);
      child.stdout!.destroy();
      child.removeAllListeners('exit');
      child.unref();
      resolve(problem);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done(`the connection holder did not start within ${timeoutMs} ms (see ${path.join(dir, LOG_NAME)})`);
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      if (text.includes('\n')) done(text.startsWith('ready') ? null : `the connection holder said: ${text.trim().slice(0, 200)}`);
    });
    child.once('error', (e) => done(`cannot start the connection holder: ${e.message}`));
    child.once('exit', (code, signal) => done(`the connection holder exited at start (${signal ?? `exit ${code}`}; see ${path.join(dir, LOG_NAME)})`));
  });
}

/**
 * A connection to `route` kept by the holder in reuse.dir (started when none answers). Null when
 * the holder cannot be used (reuse.onProblem says why): the caller then connects directly. A
 * failure to reach the host itself is thrown as the same TransportError a direct connection throws.
 */
export async function connectHeld(
  route: HeldRoute,
  settings: HeldSettings,
  reuse: ReuseOptions,
  onWarning?: (host: string, message: string) => void,
): Promise<SshConnection | null> {
  const host = route.host;
  let dir: string;
  try {
    dir = ensurePrivateDir(reuse.dir);
  } catch (e) {
    if (!(e instanceof ReuseDirError)) throw e;
    reuse.onProblem?.(e.message);
    return null;
  }
  const sock = socketPath(dir);
  let hops = 1;
  for (let r: HeldRoute | null = route.jump; r; r = r.jump) hops++;
  const answerMs = hops * (settings.connectTimeoutMs ?? route.resolved.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS) + 5000;
  let why = 'the connection holder did not answer';
  for (let attempt = 0; attempt < 2; attempt++) {
    let s = await openSocket(sock);
    if (!s) {
      const problem = await startHolder(dir, reuse);
      if (problem) {
        why = problem;
        break;
      }
      s = await openSocket(sock);
      if (!s) continue;
    }
    const client = new HeldClient(s, { v: WIRE_VERSION, route, settings }, host);
    let timer: NodeJS.Timeout | undefined;
    try {
      const ready = await Promise.race([
        client.ready,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new TransportError({ host, stage: 'timeout', detail: `the connection holder did not answer within ${answerMs} ms (see ${path.join(dir, LOG_NAME)})` })),
            answerMs,
          );
        }),
      ]);
      for (const n of ready.notes) onWarning?.(host, n);
      return new SshConnection(client, route.resolved, host, [], settings.maxChannels ?? DEFAULT_MAX_CHANNELS);
    } catch (e) {
      client.destroy();
      if (!(e instanceof HolderGone)) throw e;
    } finally {
      clearTimeout(timer);
    }
  }
  reuse.onProblem?.(`not keeping SSH connections between runs: ${why}`);
  return null;
}

/** Asks the holder in `dir` what it keeps; null when none answers. */
export async function holderStatus(dir: string): Promise<HolderStatus | null> {
  const s = await openSocket(socketPath(dir));
  if (!s) return null;
  return new Promise((resolve) => {
    let status: HolderStatus | null = null;
    readFrames(s, (f) => {
      if (f.type === FRAME.INFO) status = JSON.parse(f.payload.toString('utf8')) as HolderStatus;
    });
    s.on('error', () => {});
    s.once('close', () => resolve(status));
    s.write(encodeFrame(FRAME.STATUS, 0));
  });
}

/** Stops the holder in `dir` (it closes its connections and removes its socket); its pid, or null. */
export async function stopHolder(dir: string): Promise<number | null> {
  const st = await holderStatus(dir);
  if (!st) return null;
  const s = await openSocket(socketPath(dir));
  if (!s) return st.pid;
  await new Promise<void>((resolve) => {
    s.on('error', () => {});
    s.once('close', () => resolve());
    s.write(encodeFrame(FRAME.STOP, 0));
  });
  return st.pid;
}
