/**
 * Hostile and broken UDP peers on 127.0.0.1 during session setup: silence, garbage, truncated
 * and wrong-session packets, bad status codes. The client must end with the right IpmiError
 * inside its timeout budget and never hang or crash.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { getChannelAuthCapabilities, IpmiError, IpmiSession, type IpmiSessionOptions } from '../../../../src/fencing/ipmi/index.js';

type Reply = (bytes: Buffer) => void;

interface Peer {
  port: number;
  received: Buffer[];
  close(): Promise<void>;
}

const peers: Peer[] = [];

async function startPeer(onPacket: (msg: Buffer, reply: Reply, index: number) => void): Promise<Peer> {
  const socket = dgram.createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (msg, rinfo) => {
    received.push(Buffer.from(msg));
    onPacket(msg, (bytes) => socket.send(bytes, rinfo.port, rinfo.address), received.length - 1);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const peer = {
    port: socket.address().port,
    received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
  peers.push(peer);
  return peer;
}

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

const cksum = (bytes: number[]): number => (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;

/** Session-less IPMI v1.5 answer to the request message inside `pkt`. */
function ipmi15Answer(pkt: Buffer, cc: number, data: number[]): Buffer {
  const req = pkt.subarray(14, 14 + pkt[13]);
  const head = [req[3], (((req[1] >> 2) + 1) << 2) | (req[4] & 3)];
  const body = [req[0], req[4], req[5], cc, ...data];
  const msg = [...head, cksum(head), ...body, cksum(body)];
  return Buffer.from([6, 0, 0xff, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, msg.length, ...msg]);
}

const AUTH_CAPS_V2 = [0x01, 0x80 | 0x04, 0x04, 0x02, 0, 0, 0, 0];

function rmcpPlus(ptype: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(16);
  Buffer.from([6, 0, 0xff, 7, 6, ptype]).copy(head);
  head.writeUInt16LE(payload.length, 14);
  return Buffer.concat([head, payload]);
}

function payloadOf(pkt: Buffer): Buffer {
  return pkt.subarray(16, 16 + pkt.readUInt16LE(14));
}

function openSessionAnswer(req: Buffer, tweak: { status?: number; consoleId?: number; integ?: number } = {}): Buffer {
  const p = payloadOf(req);
  const r = Buffer.alloc(tweak.status ? 8 : 36);
  r[0] = p[0];
  r[1] = tweak.status ?? 0;
  r.writeUInt32LE(tweak.consoleId ?? p.readUInt32LE(4), 4);
  if (!tweak.status) {
    r[2] = 4;
    r.writeUInt32LE(0x2222, 8);
    Buffer.from([0, 0, 0, 8, p[12]]).copy(r, 12);
    Buffer.from([1, 0, 0, 8, tweak.integ ?? p[20]]).copy(r, 20);
    Buffer.from([2, 0, 0, 8, p[28]]).copy(r, 28);
  }
  return rmcpPlus(0x11, r);
}

/** A peer that answers Get Channel Auth Caps and Open Session properly, then `onRakp1`. */
function setupPeer(onRakp1: (req: Buffer, reply: Reply) => void, open?: (req: Buffer, reply: Reply) => void) {
  return startPeer((msg, reply) => {
    if (msg[4] === 0x00) reply(ipmi15Answer(msg, 0, AUTH_CAPS_V2));
    else if ((msg[5] & 0x3f) === 0x10) (open ?? ((req, r) => r(openSessionAnswer(req))))(msg, reply);
    else if ((msg[5] & 0x3f) === 0x12) onRakp1(msg, reply);
  });
}

function options(port: number, extra: Partial<IpmiSessionOptions> = {}): IpmiSessionOptions {
  return { host: '127.0.0.1', port, username: 'admin', password: 'Secret-Pw-9', timeoutMs: 200, retries: 2, ...extra };
}

async function failure(p: Promise<unknown>): Promise<{ err: IpmiError; ms: number }> {
  const t0 = Date.now();
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(IpmiError);
    const e = err as IpmiError;
    expect(e.message).not.toContain('Secret-Pw-9');
    return { err: e, ms: Date.now() - t0 };
  }
  throw new Error('expected an IpmiError');
}

describe('peers that never answer properly', () => {
  it('a silent peer: timeout after 1 + retries attempts, each sent', async () => {
    const peer = await startPeer(() => undefined);
    const { err, ms } = await failure(IpmiSession.open(options(peer.port)));
    expect(err.code).toBe('timeout');
    expect(err.stage).toBe('get-channel-auth-capabilities');
    expect(err.message).toBe(
      `no answer from 127.0.0.1:${peer.port} to Get Channel Authentication Capabilities after 3 attempts of 200 ms`,
    );
    expect(peer.received).toHaveLength(3);
    expect(peer.received[0].equals(peer.received[1])).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(590);
    expect(ms).toBeLessThan(1100);
  });

  it('a peer answering garbage (20 random datagrams per request): malformed, counted', async () => {
    const peer = await startPeer((_m, reply) => {
      for (let i = 0; i < 20; i++) reply(randomBytes(i * 3));
    });
    const { err, ms } = await failure(IpmiSession.open(options(peer.port)));
    expect(err.code).toBe('malformed');
    expect(err.rejectedPackets).toBe(60);
    expect(err.message).toMatch(
      new RegExp(`^no valid answer from 127\\.0\\.0\\.1:${peer.port} to Get Channel Authentication Capabilities after 3 attempts of 200 ms: rejected 60 packets, last: `),
    );
    expect(ms).toBeLessThan(1100);
  });

  it('a flood of 3000 garbage datagrams does not stall the timeout', async () => {
    const peer = await startPeer((_m, reply, n) => {
      if (n === 0) for (let i = 0; i < 3000; i++) reply(randomBytes(1 + (i % 90)));
    });
    const { err, ms } = await failure(getChannelAuthCapabilities({ host: '127.0.0.1', port: peer.port, timeoutMs: 300, retries: 1 }));
    expect(err.code).toBe('malformed');
    expect(err.rejectedPackets).toBeGreaterThan(100);
    expect(ms).toBeLessThan(1500);
  });

  it('every truncation of a valid answer is rejected, naming what was cut', async () => {
    const peer = await startPeer((msg, reply) => {
      const full = ipmi15Answer(msg, 0, AUTH_CAPS_V2);
      for (let n = 0; n < full.length; n++) reply(full.subarray(0, n));
    });
    const { err } = await failure(getChannelAuthCapabilities({ host: '127.0.0.1', port: peer.port, timeoutMs: 200, retries: 0 }));
    expect(err.code).toBe('malformed');
    expect(err.rejectedPackets).toBe(30); // prefixes of 0..29 bytes of the 30-byte answer
    expect(err.message).toMatch(/truncated/);
  });

  it('garbage first, then the real answer: the answer wins', async () => {
    const peer = await startPeer((msg, reply) => {
      reply(Buffer.from('hello'));
      reply(randomBytes(40));
      reply(ipmi15Answer(msg, 0, AUTH_CAPS_V2));
    });
    const caps = await getChannelAuthCapabilities({ host: '127.0.0.1', port: peer.port, timeoutMs: 500, retries: 0 });
    expect(caps).toMatchObject({ channel: 1, ipmi20: true, authTypes: ['md5'] });
  });

  it('a bad checksum is rejected', async () => {
    const peer = await startPeer((msg, reply) => {
      const a = ipmi15Answer(msg, 0, AUTH_CAPS_V2);
      a[a.length - 1] ^= 0xff;
      reply(a);
    });
    const { err } = await failure(getChannelAuthCapabilities({ host: '127.0.0.1', port: peer.port, timeoutMs: 200, retries: 0 }));
    expect(err.code).toBe('malformed');
    expect(err.message).toContain('last: IPMI response data checksum mismatch');
  });

  it('a BMC without IPMI v2.0: unsupported', async () => {
    const peer = await startPeer((msg, reply) => reply(ipmi15Answer(msg, 0, [0x01, 0x04, 0x04, 0x00, 0, 0, 0, 0])));
    const { err } = await failure(IpmiSession.open(options(peer.port)));
    expect(err.code).toBe('unsupported');
    expect(err.message).toBe(`127.0.0.1:${peer.port} does not offer IPMI v2.0 / RMCP+ sessions`);
  });

  it('a completion code on Get Channel Authentication Capabilities is named', async () => {
    const peer = await startPeer((msg, reply) => reply(ipmi15Answer(msg, 0xcc, [])));
    const { err } = await failure(IpmiSession.open(options(peer.port)));
    expect(err).toMatchObject({ code: 'completion-code', completionCode: 0xcc });
    expect(err.message).toBe(
      `Get Channel Authentication Capabilities on 127.0.0.1:${peer.port} failed: invalid data field in request (0xcc)`,
    );
  });
});

describe('broken session setup answers', () => {
  it('an Open Session Response for another console session ID is rejected', async () => {
    const peer = await setupPeer(() => undefined, (req, reply) => reply(openSessionAnswer(req, { consoleId: 0x01020304 })));
    const { err, ms } = await failure(IpmiSession.open(options(peer.port)));
    expect(err).toMatchObject({ code: 'malformed', stage: 'open-session', rejectedPackets: 3 });
    expect(err.message).toContain('last: Open Session Response for another session ID 0x01020304');
    expect(ms).toBeLessThan(1100);
  });

  it('Open Session status "insufficient resources" is a session error', async () => {
    const peer = await setupPeer(() => undefined, (req, reply) => reply(openSessionAnswer(req, { status: 0x01 })));
    const { err } = await failure(IpmiSession.open(options(peer.port)));
    expect(err).toMatchObject({ code: 'session', rakpStatus: 0x01 });
    expect(err.message).toBe(
      `Open Session Response from 127.0.0.1:${peer.port}: insufficient resources to create a session (0x01)`,
    );
  });

  it('an Open Session Response with other algorithms than proposed: unsupported-cipher', async () => {
    const peer = await setupPeer(() => undefined, (req, reply) => reply(openSessionAnswer(req, { integ: 0x02 })));
    const { err } = await failure(IpmiSession.open(options(peer.port)));
    expect(err.code).toBe('unsupported-cipher');
    expect(err.message).toBe(
      `127.0.0.1:${peer.port} answered cipher suite 3 with other algorithms (authentication 1, integrity 2, confidentiality 1)`,
    );
  });

  it('a truncated RAKP 2 is rejected', async () => {
    const peer = await setupPeer((req, reply) => {
      const p = payloadOf(req);
      const r = Buffer.alloc(30);
      r[0] = p[0];
      reply(rmcpPlus(0x13, r));
    });
    const { err } = await failure(IpmiSession.open(options(peer.port)));
    expect(err).toMatchObject({ code: 'malformed', stage: 'rakp-1-2' });
    expect(err.message).toContain('last: RAKP 2 truncated: 30 bytes, need at least 60');
  });

  it('a RAKP 2 with a status names it', async () => {
    const peer = await setupPeer((req, reply) => {
      const p = payloadOf(req);
      const r = Buffer.from([p[0], 0x12, 0, 0, 0, 0, 0, 0]);
      r.writeUInt32LE(payloadOf(peer.received[1]).readUInt32LE(4), 4); // our console session id
      reply(rmcpPlus(0x13, Buffer.from([p[0], 0x12, 0, 0, 9, 9, 9, 9]))); // another session's error: ignored
      reply(rmcpPlus(0x13, r));
    });
    const { err } = await failure(IpmiSession.open(options(peer.port)));
    expect(err).toMatchObject({ code: 'auth', rakpStatus: 0x12 });
    expect(err.message).toBe(
      `RAKP message 2 from 127.0.0.1:${peer.port}: illegal or unrecognized parameter (0x12) (user "admin")`,
    );
  });

  it('a RAKP 2 whose key exchange code is wrong: auth, and RAKP 3 tells the BMC so', async () => {
    const peer = await setupPeer((req, reply) => {
      const p = payloadOf(req);
      const r = Buffer.alloc(60);
      r[0] = p[0];
      r.writeUInt32LE(0, 4);
      randomBytes(52).copy(r, 8);
      r.writeUInt32LE(payloadOf(peer.received[1]).readUInt32LE(4), 4); // our console session id
      reply(rmcpPlus(0x13, r));
    });
    const { err } = await failure(IpmiSession.open(options(peer.port)));
    expect(err).toMatchObject({ code: 'auth', rakpStatus: 0x0f, stage: 'rakp-1-2' });
    await new Promise((r) => setTimeout(r, 50));
    const rakp3 = peer.received.find((m) => m[4] === 6 && (m[5] & 0x3f) === 0x14);
    expect(rakp3).toBeDefined();
    expect(payloadOf(rakp3!)[1]).toBe(0x0f);
    expect(payloadOf(rakp3!).readUInt32LE(4)).toBe(0x2222);
  });

  it('refuses invalid options before sending anything', async () => {
    const peer = await startPeer(() => undefined);
    for (const [extra, text] of [
      [{ cipherSuite: 1 as never }, 'cipher suite 1 is not supported (use 3 or 17)'],
      [{ password: 'x'.repeat(21) }, 'passwords are at most 20 bytes'],
      [{ username: 'u'.repeat(17) }, 'user names are at most 16 bytes'],
      [{ timeoutMs: 0 }, 'timeoutMs 0'],
      [{ retries: -1 }, 'retries -1'],
      [{ privilege: 'ROOT' as never }, 'privilege ROOT'],
    ] as const) {
      const { err } = await failure(IpmiSession.open(options(peer.port, extra)));
      expect(err.code).toBe('invalid-argument');
      expect(err.message).toBe(`invalid IPMI option: ${text}`);
    }
    expect(peer.received).toHaveLength(0);
  });
});
