/**
 * What the console and its connection holder say to each other over the holder's unix socket:
 * length-prefixed frames `[u32 length][u8 type][u32 channel][payload]`, one socket per connection
 * the console uses, channels multiplexed on it by number (0 is the connection itself). Errors cross
 * as plain data and become the same TransportError / HostKeyError on the console's side. Pure.
 */
import { HostKeyError, TransportError, type HostKeyErrorDetails, type TransportStage } from '../errors.js';
import type { ResolvedHost } from '../ssh-config.js';

export const WIRE_VERSION = 1;

export const FRAME = {
  // console -> holder
  HELLO: 1,
  EXEC: 2,
  DATA: 3,
  EOF: 4,
  CLOSE: 5,
  STOP: 6,
  STATUS: 7,
  // holder -> console
  READY: 10,
  FAIL: 11,
  OPENED: 12,
  OPEN_FAILED: 13,
  OUT: 14,
  ERR: 15,
  EXIT: 16,
  LOST: 17,
  INFO: 18,
} as const;

/** Largest frame accepted (a snapshot's stdout arrives in many frames, each a channel read). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export interface Frame {
  type: number;
  channel: number;
  payload: Buffer;
}

const EMPTY = Buffer.alloc(0);

export function encodeFrame(type: number, channel: number, payload: Buffer | string = EMPTY): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const head = Buffer.allocUnsafe(9);
  head.writeUInt32BE(5 + body.length, 0);
  head.writeUInt8(type, 4);
  head.writeUInt32BE(channel, 5);
  return Buffer.concat([head, body]);
}

export function encodeJson(type: number, channel: number, value: unknown): Buffer {
  return encodeFrame(type, channel, JSON.stringify(value));
}

/** Splits a byte stream into frames; throws on a frame that is too large or too short. */
export class FrameReader {
  private buf: Buffer = EMPTY;

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Frame[] = [];
    for (;;) {
      if (this.buf.length < 4) break;
      const len = this.buf.readUInt32BE(0);
      if (len < 5 || len > MAX_FRAME_BYTES) throw new Error(`bad frame length ${len}`);
      if (this.buf.length < 4 + len) break;
      out.push({ type: this.buf.readUInt8(4), channel: this.buf.readUInt32BE(5), payload: this.buf.subarray(9, 4 + len) });
      this.buf = this.buf.subarray(4 + len);
    }
    return out;
  }
}

/** Calls `onFrame` for each frame arriving on `s`; a malformed stream ends the socket. */
export function readFrames(s: { on(ev: 'data', fn: (d: Buffer) => void): unknown; destroy(): unknown }, onFrame: (f: Frame) => void): void {
  const reader = new FrameReader();
  s.on('data', (d: Buffer) => {
    let frames: Frame[];
    try {
      frames = reader.push(d);
    } catch {
      s.destroy();
      return;
    }
    for (const f of frames) onFrame(f);
  });
}

/**
 * The route to a host as the console resolved it: the host, and the jump host it goes through
 * (itself a route). The holder needs no ssh_config of its own: everything comes resolved.
 */
export interface HeldRoute {
  host: string;
  resolved: ResolvedHost;
  jump: HeldRoute | null;
}

/** The settings besides the route that shape a connection; any difference means another connection. */
export interface HeldSettings {
  /** `-F FILE`, or null for the default files. */
  configFile: string | null;
  /** Every file the ssh_config came from (the main file and its Includes). */
  configFiles: string[];
  knownHostsFiles: string[];
  onlyGivenKnownHosts: boolean;
  identityFiles: string[];
  /** TransportOptions.agentSocket: undefined = IdentityAgent or $SSH_AUTH_SOCK, null = none. */
  agentSocket?: string | null;
  /** $SSH_AUTH_SOCK of the console. */
  authSock: string | null;
  connectTimeoutMs: number | null;
  keepaliveIntervalMs: number | null;
  keepaliveCountMax: number | null;
  maxChannels: number | null;
}

export interface Hello {
  v: number;
  route: HeldRoute;
  settings: HeldSettings;
}

export interface Ready {
  /** True when the connection was already open (made by an earlier run). */
  reused: boolean;
  pid: number;
  /** Non-fatal notes of the connection (config warnings, skipped keys), as when it was made. */
  notes: string[];
}

export interface ExitInfo {
  /** Exit status; null with a signal; absent when the channel closed without a status. */
  code?: number | null;
  signal?: string | null;
}

export interface Lost {
  stage: TransportStage;
  detail: string;
}

export interface HolderStatus {
  pid: number;
  clients: number;
  connections: Array<{ target: string; key: string; made: number; reused: number; clients: number }>;
}

export type WireError = { kind: 'hostkey'; details: HostKeyErrorDetails } | { kind: 'transport'; host: string; stage: TransportStage; detail: string; target?: string; code?: string } | { kind: 'other'; message: string };

export function errorToWire(e: unknown): WireError {
  if (e instanceof HostKeyError) {
    return {
      kind: 'hostkey',
      details: {
        host: e.host,
        lookupName: e.lookupName,
        target: e.target,
        status: e.status,
        keyType: e.keyType,
        fingerprint: e.fingerprint,
        file: e.file,
        line: e.line,
        searched: e.searched,
      },
    };
  }
  if (e instanceof TransportError) return { kind: 'transport', host: e.host, stage: e.stage, detail: e.detail, target: e.target, code: e.code };
  return { kind: 'other', message: e instanceof Error ? e.message : String(e) };
}

/** The same error on the console's side; `host` names it when the holder did not. */
export function errorFromWire(w: WireError, host: string): TransportError {
  if (w.kind === 'hostkey') return new HostKeyError(w.details);
  if (w.kind === 'transport') return new TransportError({ host: w.host, stage: w.stage, detail: w.detail, target: w.target, code: w.code });
  return new TransportError({ host, stage: 'connect', detail: w.message });
}
