/**
 * A small RMCP+ BMC on node:dgram for tests, written straight from the IPMI v2.0 specification
 * and deliberately independent of src/fencing/ipmi (its own framing and crypto), so it can be
 * validated against ipmitool and then used to check our client: cipher suites 3 and 17 (which
 * ipmi_sim lacks), self test results, and a BMC that misbehaves once the session is up.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';

export type FakeMode =
  | 'normal'
  /** Stop answering session messages (the handshake still works). */
  | 'silent'
  /** Flip a bit of the AuthCode of every session reply. */
  | 'bad-integrity'
  /** Address replies to another console session ID. */
  | 'wrong-session-id'
  /** Send the same authentic reply twice, the second time as answer to the next request. */
  | 'replay'
  /** Cut session replies short. */
  | 'truncated'
  /** Answer session messages without the authenticated bit. */
  | 'unauthenticated'
  /** Answer with a response for another rqSeq only. */
  | 'wrong-rqseq';

interface Suite {
  hash: 'sha1' | 'sha256';
  auth: number;
  integ: number;
  conf: number;
  icvLen: number;
  integLen: number;
}

const SUITES: Record<number, Suite> = {
  3: { hash: 'sha1', auth: 1, integ: 1, conf: 1, icvLen: 12, integLen: 12 },
  17: { hash: 'sha256', auth: 3, integ: 4, conf: 1, icvLen: 16, integLen: 16 },
};

interface Session {
  consoleId: number;
  bmcId: number;
  suite: Suite;
  maxPriv: number;
  priv: number;
  rm?: Buffer;
  rc: Buffer;
  role?: number;
  user?: { name: string; password: string; maxPriv: number };
  sik?: Buffer;
  k1?: Buffer;
  k2?: Buffer;
  active: boolean;
  outSeq: number;
  lastReply?: Buffer;
}

export interface FakeBmcOptions {
  users: Array<{ name: string; password: string; maxPriv: number }>;
  /** Cipher suites the BMC accepts (default 3 and 17). */
  suites?: number[];
  /** Get Self Test Results answer bytes after the completion code (default 0x55 0x00). */
  selfTest?: number[];
  /** Get Chassis Status answer bytes after the completion code. */
  chassisStatus?: number[];
  /** Accept any role in RAKP 1 and enforce the user's limit only in Set Session Privilege Level. */
  laxRole?: boolean;
}

function hmac(hash: string, key: Buffer, ...parts: Buffer[]): Buffer {
  const h = createHmac(hash, key);
  for (const p of parts) h.update(p);
  return h.digest();
}

function le32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

function cksum(bytes: number[]): number {
  return (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
}

/** IPMI response message for a request message. */
function response(req: Buffer, cc: number, data: number[] = []): Buffer {
  const head = [req[3], ((req[1] >> 2) + 1) << 2 | (req[4] & 3)];
  const body = [req[0], req[4] & 0xfc | (req[1] & 3), req[5], cc, ...data];
  return Buffer.from([...head, cksum(head), ...body, cksum(body)]);
}

export class FakeBmc {
  readonly host = '127.0.0.1';
  port = 0;
  mode: FakeMode = 'normal';
  readonly guid = randomBytes(16);
  /** Every request the BMC decoded inside a session: [session seq, netFn, cmd, data]. */
  readonly received: Array<{ seq: number; netFn: number; cmd: number; data: Buffer }> = [];
  power = true;
  readonly controls: number[] = [];
  readonly #socket = dgram.createSocket('udp4');
  readonly #sessions = new Map<number, Session>();
  readonly #opts: FakeBmcOptions;
  #nextId = 0x1000;

  constructor(opts: FakeBmcOptions) {
    this.#opts = opts;
  }

  async start(): Promise<this> {
    this.#socket.on('message', (msg, rinfo) => {
      try {
        for (const out of this.#handle(msg)) this.#socket.send(out, rinfo.port, rinfo.address);
      } catch {
        // a real BMC drops what it cannot parse
      }
    });
    await new Promise<void>((resolve) => this.#socket.bind(0, this.host, () => resolve()));
    this.port = this.#socket.address().port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  get activeSessions(): number {
    return [...this.#sessions.values()].filter((s) => s.active).length;
  }

  #handle(pkt: Buffer): Buffer[] {
    if (pkt[0] !== 6 || pkt[3] !== 7) return [];
    const authType = pkt[4];
    if (authType === 0x00) return this.#sessionless(pkt.subarray(14, 14 + pkt[13]));
    if (authType !== 0x06) return [];
    const ptype = pkt[5] & 0x3f;
    const sid = pkt.readUInt32LE(6);
    const len = pkt.readUInt16LE(14);
    const payload = pkt.subarray(16, 16 + len);
    switch (ptype) {
      case 0x10:
        return this.#openSession(payload);
      case 0x12:
        return this.#rakp1(payload);
      case 0x14:
        return this.#rakp3(payload);
      case 0x00:
        return this.#sessionMessage(pkt, sid, payload);
      default:
        return [];
    }
  }

  #sessionless(msg: Buffer): Buffer[] {
    const netFn = msg[1] >> 2;
    const cmd = msg[5];
    let rsp: Buffer;
    if (netFn === 0x06 && cmd === 0x38) {
      rsp = response(msg, 0, [0x01, 0x80 | 0x04, 0x04, 0x02, 0, 0, 0, 0]);
    } else {
      rsp = response(msg, 0xc1);
    }
    const head = Buffer.alloc(14);
    Buffer.from([6, 0, 0xff, 7]).copy(head);
    head[13] = rsp.length;
    return [Buffer.concat([head, rsp])];
  }

  #plain(ptype: number, payload: Buffer): Buffer {
    const head = Buffer.alloc(16);
    Buffer.from([6, 0, 0xff, 7, 6, ptype]).copy(head);
    head.writeUInt16LE(payload.length, 14);
    return Buffer.concat([head, payload]);
  }

  #openSession(p: Buffer): Buffer[] {
    const tag = p[0];
    const consoleId = p.readUInt32LE(4);
    const auth = p[12];
    const integ = p[20];
    const conf = p[28];
    const suiteId = Object.keys(SUITES)
      .map(Number)
      .find((id) => SUITES[id].auth === auth && SUITES[id].integ === integ && SUITES[id].conf === conf);
    const allowed = this.#opts.suites ?? [3, 17];
    const fail = (status: number): Buffer[] => {
      const r = Buffer.alloc(8);
      r[0] = tag;
      r[1] = status;
      r.writeUInt32LE(consoleId, 4);
      return [this.#plain(0x11, r)];
    };
    if (suiteId === undefined || !allowed.includes(suiteId)) {
      return fail(Object.values(SUITES).some((s) => s.auth === auth) ? 0x11 : 0x04);
    }
    const bmcId = this.#nextId++;
    const maxPriv = p[1] & 0x0f || 4;
    this.#sessions.set(bmcId, {
      consoleId,
      bmcId,
      suite: SUITES[suiteId],
      maxPriv,
      priv: 2,
      rc: randomBytes(16),
      active: false,
      outSeq: 0,
    });
    const r = Buffer.alloc(36);
    r[0] = tag;
    r[2] = maxPriv;
    r.writeUInt32LE(consoleId, 4);
    r.writeUInt32LE(bmcId, 8);
    Buffer.from([0, 0, 0, 8, auth]).copy(r, 12);
    Buffer.from([1, 0, 0, 8, integ]).copy(r, 20);
    Buffer.from([2, 0, 0, 8, conf]).copy(r, 28);
    return [this.#plain(0x11, r)];
  }

  #rakp1(p: Buffer): Buffer[] {
    const tag = p[0];
    const s = this.#sessions.get(p.readUInt32LE(4));
    if (!s) return [];
    s.rm = Buffer.from(p.subarray(8, 24));
    s.role = p[24];
    const name = p.subarray(28, 28 + p[27]).toString();
    const user = this.#opts.users.find((u) => u.name === name);
    const reply = Buffer.alloc(40);
    reply[0] = tag;
    reply.writeUInt32LE(s.consoleId, 4);
    if (!user) {
      reply[1] = 0x0d; // unauthorized name
      return [this.#plain(0x13, reply.subarray(0, 8))];
    }
    if (!this.#opts.laxRole && (s.role & 0x0f) > user.maxPriv) {
      reply[1] = 0x09; // invalid role
      return [this.#plain(0x13, reply.subarray(0, 8))];
    }
    s.user = user;
    s.rc.copy(reply, 8);
    this.guid.copy(reply, 24);
    const kuid = Buffer.from(user.password);
    const nameBytes = Buffer.from(name);
    const roleName = Buffer.concat([Buffer.from([s.role, nameBytes.length]), nameBytes]);
    const code = hmac(s.suite.hash, kuid, le32(s.consoleId), le32(s.bmcId), s.rm, s.rc, this.guid, roleName);
    s.sik = hmac(s.suite.hash, kuid, s.rm, s.rc, roleName);
    // The key derivation constants are 20 bytes for every hash (what ipmitool and OpenBMC use).
    s.k1 = hmac(s.suite.hash, s.sik, Buffer.alloc(20, 1));
    s.k2 = hmac(s.suite.hash, s.sik, Buffer.alloc(20, 2));
    return [this.#plain(0x13, Buffer.concat([reply, code]))];
  }

  #rakp3(p: Buffer): Buffer[] {
    const tag = p[0];
    const s = this.#sessions.get(p.readUInt32LE(4));
    if (!s || !s.user || !s.rm || !s.sik || s.role === undefined) return [];
    if (p[1] !== 0) {
      this.#sessions.delete(s.bmcId); // the console gave up
      return [];
    }
    const nameBytes = Buffer.from(s.user.name);
    const expect = hmac(
      s.suite.hash,
      Buffer.from(s.user.password),
      s.rc,
      le32(s.consoleId),
      Buffer.from([s.role, nameBytes.length]),
      nameBytes,
    );
    const reply = Buffer.alloc(8);
    reply[0] = tag;
    reply.writeUInt32LE(s.consoleId, 4);
    if (!expect.equals(p.subarray(8))) {
      reply[1] = 0x0f;
      this.#sessions.delete(s.bmcId);
      return [this.#plain(0x15, reply)];
    }
    s.active = true;
    const icv = hmac(s.suite.hash, s.sik, s.rm, le32(s.bmcId), this.guid).subarray(0, s.suite.icvLen);
    return [this.#plain(0x15, Buffer.concat([reply, icv]))];
  }

  #sessionMessage(pkt: Buffer, sid: number, payload: Buffer): Buffer[] {
    const s = this.#sessions.get(sid);
    if (!s || !s.active || !s.k1 || !s.k2) return [];
    const { suite } = s;
    const end = pkt.length - suite.integLen;
    const code = hmac(suite.hash, s.k1, pkt.subarray(4, end)).subarray(0, suite.integLen);
    if (!code.equals(pkt.subarray(end))) return [];
    const decipher = createDecipheriv('aes-128-cbc', s.k2.subarray(0, 16), payload.subarray(0, 16));
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(payload.subarray(16)), decipher.final()]);
    const msg = plain.subarray(0, plain.length - 1 - plain[plain.length - 1]);
    const netFn = msg[1] >> 2;
    const cmd = msg[5];
    const data = Buffer.from(msg.subarray(6, msg.length - 1));
    this.received.push({ seq: pkt.readUInt32LE(10), netFn, cmd, data });
    if (this.mode === 'silent') return [];

    let rsp: Buffer;
    if (netFn === 0x06 && cmd === 0x3b) {
      const want = data[0] & 0x0f;
      if (want > s.maxPriv || want > (s.user?.maxPriv ?? 0)) rsp = response(msg, 0x81);
      else {
        s.priv = want;
        rsp = response(msg, 0, [want]);
      }
    } else if (netFn === 0x06 && cmd === 0x3c) {
      rsp = response(msg, 0);
      s.active = false;
    } else if (netFn === 0x06 && cmd === 0x01) {
      rsp = response(msg, 0, [0x20, 0x81, 0x02, 0x15, 0x02, 0xbf, 0xa2, 0x02, 0x00, 0x34, 0x12, 1, 2, 3, 4]);
    } else if (netFn === 0x06 && cmd === 0x04) {
      rsp = response(msg, 0, this.#opts.selfTest ?? [0x55, 0x00]);
    } else if (netFn === 0x00 && cmd === 0x01) {
      rsp = response(msg, 0, this.#opts.chassisStatus ?? [this.power ? 0x41 : 0x40, 0x10, 0x40, 0x00]);
    } else if (netFn === 0x00 && cmd === 0x02) {
      if (s.priv < 3) rsp = response(msg, 0xd4);
      else {
        this.controls.push(data[0]);
        if (data[0] === 0) this.power = false;
        if (data[0] === 1) this.power = true;
        rsp = response(msg, 0);
      }
    } else {
      rsp = response(msg, 0xc1);
    }
    if (this.mode === 'wrong-rqseq') {
      rsp[4] = (rsp[4] + 4) & 0xff;
      const body = [...rsp.subarray(3, rsp.length - 1)];
      rsp[rsp.length - 1] = cksum(body);
    }
    const out = this.#seal(s, rsp);
    if (this.mode === 'replay') {
      const previous = s.lastReply;
      s.lastReply = out;
      return previous ? [previous] : [out];
    }
    return [out];
  }

  #seal(s: Session, msg: Buffer): Buffer {
    const { suite } = s;
    const padLen = (16 - ((msg.length + 1) % 16)) % 16;
    const pad = Buffer.from([...Array.from({ length: padLen }, (_, i) => i + 1), padLen]);
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-128-cbc', s.k2!.subarray(0, 16), iv);
    cipher.setAutoPadding(false);
    const payload = Buffer.concat([iv, cipher.update(Buffer.concat([msg, pad])), cipher.final()]);
    const authenticated = this.mode !== 'unauthenticated';
    const head = Buffer.alloc(16);
    Buffer.from([6, 0, 0xff, 7, 6, 0x80 | (authenticated ? 0x40 : 0)]).copy(head);
    head.writeUInt32LE(this.mode === 'wrong-session-id' ? (s.consoleId ^ 0x5a5a5a5a) >>> 0 : s.consoleId, 6);
    s.outSeq += 1;
    head.writeUInt32LE(s.outSeq, 10);
    head.writeUInt16LE(payload.length, 14);
    if (!authenticated) return Buffer.concat([head, payload]);
    const covered = 12 + payload.length + 2;
    const ipad = (4 - (covered % 4)) % 4;
    const body = Buffer.concat([head, payload, Buffer.alloc(ipad, 0xff), Buffer.from([ipad, 0x07])]);
    const code = hmac(suite.hash, s.k1!, body.subarray(4)).subarray(0, suite.integLen);
    if (this.mode === 'bad-integrity') code[0] ^= 0x01;
    const out = Buffer.concat([body, code]);
    return this.mode === 'truncated' ? out.subarray(0, out.length - 5) : out;
  }
}
