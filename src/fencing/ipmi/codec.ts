/**
 * Pure IPMI v2.0 / RMCP+ framing: bytes in, typed values out (and back). No IO, no crypto
 * state; integrity codes and encryption are supplied by the caller (see crypto.ts).
 * Parsers throw MalformedPacketError with a reason that names what was wrong.
 */
import {
  AUTH_TYPE_NONE,
  AUTH_TYPE_RMCP_PLUS,
  BMC_SLAVE_ADDR,
  type CipherSuiteSpec,
  REMOTE_SWID,
  RMCP_HEADER,
} from './constants.js';

export class MalformedPacketError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedPacketError';
  }
}

function need(buf: Buffer, length: number, what: string): void {
  if (buf.length < length) {
    throw new MalformedPacketError(`${what} truncated: ${buf.length} bytes, need at least ${length}`);
  }
}

/** Two's complement checksum over buf[start, end). */
export function ipmiChecksum(buf: Buffer, start = 0, end = buf.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + buf[i]) & 0xff;
  return (0x100 - sum) & 0xff;
}

// ---------------------------------------------------------------------------------------------
// IPMI LAN message (inside a session payload)

export interface IpmiRequest {
  netFn: number;
  cmd: number;
  /** 6-bit requester sequence number used to match the response. */
  rqSeq: number;
  data?: Buffer;
}

/** rsAddr, netFn/rsLUN, chk1, rqAddr, rqSeq/rqLUN, cmd, data..., chk2 */
export function buildIpmiRequest(req: IpmiRequest): Buffer {
  const data = req.data ?? Buffer.alloc(0);
  const msg = Buffer.alloc(7 + data.length);
  msg[0] = BMC_SLAVE_ADDR;
  msg[1] = (req.netFn << 2) & 0xfc; // rsLUN 0
  msg[2] = ipmiChecksum(msg, 0, 2);
  msg[3] = REMOTE_SWID;
  msg[4] = (req.rqSeq & 0x3f) << 2; // rqLUN 0
  msg[5] = req.cmd;
  data.copy(msg, 6);
  msg[msg.length - 1] = ipmiChecksum(msg, 3, msg.length - 1);
  return msg;
}

export interface IpmiResponse {
  /** Response netFn (request netFn + 1). */
  netFn: number;
  rqSeq: number;
  cmd: number;
  completionCode: number;
  /** Response data after the completion code. */
  data: Buffer;
}

/** rqAddr, netFn/rqLUN, chk1, rsAddr, rqSeq/rsLUN, cmd, cc, data..., chk2 */
export function parseIpmiResponse(msg: Buffer): IpmiResponse {
  need(msg, 8, 'IPMI response message');
  if (ipmiChecksum(msg, 0, 2) !== msg[2]) throw new MalformedPacketError('IPMI response header checksum mismatch');
  if (ipmiChecksum(msg, 3, msg.length - 1) !== msg[msg.length - 1]) {
    throw new MalformedPacketError('IPMI response data checksum mismatch');
  }
  return {
    netFn: msg[1] >> 2,
    rqSeq: msg[4] >> 2,
    cmd: msg[5],
    completionCode: msg[6],
    data: Buffer.from(msg.subarray(7, msg.length - 1)),
  };
}

// ---------------------------------------------------------------------------------------------
// RMCP / session framing

/** An IPMI v1.5 session-less packet (auth type none, session 0), used before RMCP+ is set up. */
export function buildIpmi15Packet(message: Buffer): Buffer {
  const head = Buffer.alloc(4 + 10);
  RMCP_HEADER.copy(head, 0);
  head[4] = AUTH_TYPE_NONE;
  // session sequence (4) and session id (4) stay zero
  head[13] = message.length;
  return Buffer.concat([head, message]);
}

export interface RmcpPlusFrame {
  payloadType: number;
  sessionId: number;
  sessionSeq: number;
  encrypted: boolean;
  authenticated: boolean;
  /** Payload as carried on the wire (still encrypted when `encrypted`). */
  payload: Buffer;
}

/**
 * Builds an RMCP+ packet. When `authCode` is given the packet is marked authenticated and gets
 * the integrity trailer: 0xff pad to a 4-byte multiple, pad length, next header 0x07 and the
 * code computed over AuthType..Next Header.
 */
export function buildRmcpPlusPacket(frame: RmcpPlusFrame, authCode?: (covered: Buffer) => Buffer): Buffer {
  const { payload } = frame;
  if (payload.length > 0xffff) throw new RangeError('RMCP+ payload too large');
  const head = Buffer.alloc(4 + 12);
  RMCP_HEADER.copy(head, 0);
  head[4] = AUTH_TYPE_RMCP_PLUS;
  head[5] = (frame.payloadType & 0x3f) | (frame.encrypted ? 0x80 : 0) | (authCode ? 0x40 : 0);
  head.writeUInt32LE(frame.sessionId >>> 0, 6);
  head.writeUInt32LE(frame.sessionSeq >>> 0, 10);
  head.writeUInt16LE(payload.length, 14);
  if (!authCode) return Buffer.concat([head, payload]);
  const coveredLength = 12 + payload.length + 2; // AuthType .. payload, + pad length + next header
  const pad = (4 - (coveredLength % 4)) % 4;
  const trailer = Buffer.alloc(pad + 2, 0xff);
  trailer[pad] = pad;
  trailer[pad + 1] = 0x07;
  const packet = Buffer.concat([head, payload, trailer]);
  return Buffer.concat([packet, authCode(packet.subarray(4))]);
}

export type ParsedPacket =
  | {
      format: 'ipmi15';
      authType: number;
      sessionSeq: number;
      sessionId: number;
      message: Buffer;
    }
  | (RmcpPlusFrame & {
      format: 'rmcp+';
      /** Bytes covered by the AuthCode (AuthType .. Next Header), when authenticated. */
      covered?: Buffer;
      authCode?: Buffer;
    });

/**
 * Splits a received datagram into its RMCP / session header fields. `integrityLength` is the
 * AuthCode length of the current session (needed to find the trailer of authenticated packets).
 */
export function parsePacket(buf: Buffer, integrityLength = 0): ParsedPacket {
  need(buf, 5, 'RMCP packet');
  if (buf[0] !== 0x06) throw new MalformedPacketError(`not an RMCP packet (version byte 0x${buf[0].toString(16)})`);
  if (buf[3] !== 0x07) throw new MalformedPacketError(`not an IPMI RMCP message (class 0x${buf[3].toString(16)})`);
  const authType = buf[4] & 0x0f;
  if (authType !== AUTH_TYPE_RMCP_PLUS) {
    need(buf, 14, 'IPMI v1.5 session header');
    const sessionSeq = buf.readUInt32LE(5);
    const sessionId = buf.readUInt32LE(9);
    let off = 13;
    if (authType !== AUTH_TYPE_NONE) {
      need(buf, 30, 'IPMI v1.5 session header with auth code');
      off += 16;
    }
    const len = buf[off];
    const message = buf.subarray(off + 1, off + 1 + len);
    if (message.length !== len) {
      throw new MalformedPacketError(`IPMI v1.5 message truncated: ${message.length} of ${len} bytes`);
    }
    return { format: 'ipmi15', authType, sessionSeq, sessionId, message: Buffer.from(message) };
  }
  need(buf, 16, 'RMCP+ session header');
  const typeByte = buf[5];
  const payloadType = typeByte & 0x3f;
  if (payloadType === 0x02) throw new MalformedPacketError('OEM explicit payloads are not supported');
  const encrypted = (typeByte & 0x80) !== 0;
  const authenticated = (typeByte & 0x40) !== 0;
  const sessionId = buf.readUInt32LE(6);
  const sessionSeq = buf.readUInt32LE(10);
  const len = buf.readUInt16LE(14);
  const payload = buf.subarray(16, 16 + len);
  if (payload.length !== len) {
    throw new MalformedPacketError(`RMCP+ payload truncated: ${payload.length} of ${len} bytes`);
  }
  const frame = { format: 'rmcp+' as const, payloadType, sessionId, sessionSeq, encrypted, authenticated };
  if (!authenticated) {
    if (buf.length !== 16 + len) {
      throw new MalformedPacketError(`RMCP+ packet has ${buf.length - 16 - len} stray bytes after the payload`);
    }
    return { ...frame, payload: Buffer.from(payload) };
  }
  if (integrityLength <= 0) throw new MalformedPacketError('authenticated packet outside an authenticated session');
  const trailer = buf.length - 16 - len;
  if (trailer < 2 + integrityLength) {
    throw new MalformedPacketError(`integrity trailer truncated: ${trailer} bytes, need at least ${2 + integrityLength}`);
  }
  const nextHeaderAt = buf.length - integrityLength - 1;
  const padLength = buf[nextHeaderAt - 1];
  if (buf[nextHeaderAt] !== 0x07) throw new MalformedPacketError('integrity trailer: next header is not 0x07');
  if (padLength !== trailer - 2 - integrityLength) {
    throw new MalformedPacketError(`integrity trailer: pad length ${padLength} does not fit the packet`);
  }
  return {
    ...frame,
    payload: Buffer.from(payload),
    covered: Buffer.from(buf.subarray(4, nextHeaderAt + 1)),
    authCode: Buffer.from(buf.subarray(nextHeaderAt + 1)),
  };
}

// ---------------------------------------------------------------------------------------------
// RMCP+ session setup payloads

export interface OpenSessionRequest {
  tag: number;
  /** Requested maximum privilege level (0 = highest the proposed algorithms allow). */
  privilege: number;
  consoleSessionId: number;
  suite: CipherSuiteSpec;
}

export function buildOpenSessionRequest(req: OpenSessionRequest): Buffer {
  const p = Buffer.alloc(32);
  p[0] = req.tag & 0xff;
  p[1] = req.privilege & 0x0f;
  p.writeUInt32LE(req.consoleSessionId >>> 0, 4);
  const algorithms = [req.suite.authAlg, req.suite.integAlg, req.suite.confAlg];
  algorithms.forEach((alg, i) => {
    const off = 8 + i * 8;
    p[off] = i; // payload type: 0 authentication, 1 integrity, 2 confidentiality
    p[off + 3] = 8; // payload length
    p[off + 4] = alg & 0x3f;
  });
  return p;
}

export interface OpenSessionResponse {
  tag: number;
  status: number;
  maxPrivilege?: number;
  consoleSessionId?: number;
  bmcSessionId?: number;
  authAlg?: number;
  integAlg?: number;
  confAlg?: number;
}

export function parseOpenSessionResponse(p: Buffer): OpenSessionResponse {
  need(p, 2, 'Open Session response');
  const tag = p[0];
  const status = p[1];
  if (status !== 0) {
    return p.length >= 8 ? { tag, status, consoleSessionId: p.readUInt32LE(4) } : { tag, status };
  }
  need(p, 36, 'Open Session response');
  return {
    tag,
    status,
    maxPrivilege: p[2] & 0x0f,
    consoleSessionId: p.readUInt32LE(4),
    bmcSessionId: p.readUInt32LE(8),
    authAlg: p[16] & 0x3f,
    integAlg: p[24] & 0x3f,
    confAlg: p[32] & 0x3f,
  };
}

export interface Rakp1 {
  tag: number;
  bmcSessionId: number;
  consoleRandom: Buffer;
  /** Requested privilege with the name-only lookup bit (0x10). */
  role: number;
  username: Buffer;
}

export function buildRakp1(m: Rakp1): Buffer {
  if (m.consoleRandom.length !== 16) throw new RangeError('RAKP 1 random number must be 16 bytes');
  if (m.username.length > 16) throw new RangeError('IPMI user names are at most 16 bytes');
  const p = Buffer.alloc(28 + m.username.length);
  p[0] = m.tag & 0xff;
  p.writeUInt32LE(m.bmcSessionId >>> 0, 4);
  m.consoleRandom.copy(p, 8);
  p[24] = m.role & 0xff;
  p[27] = m.username.length;
  m.username.copy(p, 28);
  return p;
}

export interface Rakp2 {
  tag: number;
  status: number;
  consoleSessionId?: number;
  bmcRandom?: Buffer;
  bmcGuid?: Buffer;
  authCode?: Buffer;
}

export function parseRakp2(p: Buffer, keyExchangeCodeLength: number): Rakp2 {
  need(p, 2, 'RAKP 2');
  const tag = p[0];
  const status = p[1];
  if (status !== 0) {
    return p.length >= 8 ? { tag, status, consoleSessionId: p.readUInt32LE(4) } : { tag, status };
  }
  need(p, 40 + keyExchangeCodeLength, 'RAKP 2');
  return {
    tag,
    status,
    consoleSessionId: p.readUInt32LE(4),
    bmcRandom: Buffer.from(p.subarray(8, 24)),
    bmcGuid: Buffer.from(p.subarray(24, 40)),
    authCode: Buffer.from(p.subarray(40, 40 + keyExchangeCodeLength)),
  };
}

export interface Rakp3 {
  tag: number;
  status: number;
  bmcSessionId: number;
  authCode: Buffer;
}

export function buildRakp3(m: Rakp3): Buffer {
  const p = Buffer.alloc(8 + m.authCode.length);
  p[0] = m.tag & 0xff;
  p[1] = m.status & 0xff;
  p.writeUInt32LE(m.bmcSessionId >>> 0, 4);
  m.authCode.copy(p, 8);
  return p;
}

export interface Rakp4 {
  tag: number;
  status: number;
  consoleSessionId?: number;
  icv?: Buffer;
}

export function parseRakp4(p: Buffer, icvLength: number): Rakp4 {
  need(p, 2, 'RAKP 4');
  const tag = p[0];
  const status = p[1];
  if (status !== 0) {
    return p.length >= 8 ? { tag, status, consoleSessionId: p.readUInt32LE(4) } : { tag, status };
  }
  need(p, 8 + icvLength, 'RAKP 4');
  return { tag, status, consoleSessionId: p.readUInt32LE(4), icv: Buffer.from(p.subarray(8, 8 + icvLength)) };
}
