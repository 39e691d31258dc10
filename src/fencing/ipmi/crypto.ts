/**
 * RMCP+ cryptography (IPMI v2.0 section 13.28-13.32) on node:crypto: RAKP key exchange
 * authentication codes, session integrity key (SIK), K1/K2, HMAC integrity and AES-CBC-128.
 * Key material lives in private fields so it never shows up in inspect/JSON output.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { MalformedPacketError } from './codec.js';
import type { CipherSuiteSpec } from './constants.js';

export interface RakpContext {
  suite: CipherSuiteSpec;
  consoleSessionId: number;
  bmcSessionId: number;
  consoleRandom: Buffer;
  bmcRandom: Buffer;
  bmcGuid: Buffer;
  /** RAKP 1 byte 24: requested privilege and name-only lookup bit. */
  role: number;
  username: Buffer;
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}

function hmac(suite: CipherSuiteSpec, key: Buffer, ...parts: Buffer[]): Buffer {
  const h = createHmac(suite.hash, key);
  for (const p of parts) h.update(p);
  return h.digest();
}

function roleAndName(ctx: RakpContext): Buffer {
  return Buffer.concat([Buffer.from([ctx.role, ctx.username.length]), ctx.username]);
}

/** RAKP 2 key exchange auth code the BMC must send: HMAC_Kuid(SIDm, SIDc, Rm, Rc, GUIDc, ROLEm, ULENm, UNAMEm). */
export function rakp2AuthCode(kuid: Buffer, ctx: RakpContext): Buffer {
  return hmac(
    ctx.suite,
    kuid,
    u32le(ctx.consoleSessionId),
    u32le(ctx.bmcSessionId),
    ctx.consoleRandom,
    ctx.bmcRandom,
    ctx.bmcGuid,
    roleAndName(ctx),
  );
}

/** RAKP 3 key exchange auth code we send: HMAC_Kuid(Rc, SIDm, ROLEm, ULENm, UNAMEm). */
export function rakp3AuthCode(kuid: Buffer, ctx: RakpContext): Buffer {
  return hmac(ctx.suite, kuid, ctx.bmcRandom, u32le(ctx.consoleSessionId), roleAndName(ctx));
}

/** Session integrity key: HMAC_KG(Rm, Rc, ROLEm, ULENm, UNAMEm); KG defaults to Kuid. */
export function sessionIntegrityKey(kgOrKuid: Buffer, ctx: RakpContext): Buffer {
  return hmac(ctx.suite, kgOrKuid, ctx.consoleRandom, ctx.bmcRandom, roleAndName(ctx));
}

/** RAKP 4 integrity check value the BMC must send: HMAC_SIK(Rm, SIDc, GUIDc), truncated. */
export function rakp4Icv(sik: Buffer, ctx: RakpContext): Buffer {
  return hmac(ctx.suite, sik, ctx.consoleRandom, u32le(ctx.bmcSessionId), ctx.bmcGuid).subarray(0, ctx.suite.rakp4IcvLength);
}

/**
 * K1 (integrity) and K2 (confidentiality) keys: HMAC_SIK(const 1) and HMAC_SIK(const 2), where the
 * constants are 20 bytes of 0x01 / 0x02 for every hash (SHA-256 included), as BMCs and ipmitool do.
 */
export function deriveAdditionalKey(suite: CipherSuiteSpec, sik: Buffer, n: 1 | 2): Buffer {
  return hmac(suite, sik, Buffer.alloc(20, n));
}

export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Per-session integrity and confidentiality operations once RAKP has completed. */
export class SessionCrypto {
  readonly suite: CipherSuiteSpec;
  readonly #k1: Buffer;
  readonly #aesKey: Buffer;

  constructor(suite: CipherSuiteSpec, sik: Buffer) {
    this.suite = suite;
    this.#k1 = deriveAdditionalKey(suite, sik, 1);
    this.#aesKey = deriveAdditionalKey(suite, sik, 2).subarray(0, 16);
  }

  /** AuthCode over AuthType..Next Header (HMAC-SHA1-96 or HMAC-SHA256-128). */
  authCode(covered: Buffer): Buffer {
    return createHmac(this.suite.hash, this.#k1).update(covered).digest().subarray(0, this.suite.integrityLength);
  }

  verify(covered: Buffer, code: Buffer): boolean {
    return constantTimeEqual(this.authCode(covered), code);
  }

  /** AES-CBC-128 payload: IV (16) + ciphertext of data, pad 1..n, pad length. */
  encrypt(plain: Buffer, iv: Buffer = randomBytes(16)): Buffer {
    const padLength = (16 - ((plain.length + 1) % 16)) % 16;
    const pad = Buffer.alloc(padLength + 1);
    for (let i = 0; i < padLength; i++) pad[i] = i + 1;
    pad[padLength] = padLength;
    const cipher = createCipheriv('aes-128-cbc', this.#aesKey, iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([iv, cipher.update(Buffer.concat([plain, pad])), cipher.final()]);
  }

  decrypt(payload: Buffer): Buffer {
    if (payload.length < 32 || payload.length % 16 !== 0) {
      throw new MalformedPacketError(`encrypted payload has invalid length ${payload.length}`);
    }
    const decipher = createDecipheriv('aes-128-cbc', this.#aesKey, payload.subarray(0, 16));
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(payload.subarray(16)), decipher.final()]);
    const padLength = plain[plain.length - 1];
    if (padLength > 15) throw new MalformedPacketError(`confidentiality pad length ${padLength} is invalid`);
    const end = plain.length - 1 - padLength;
    for (let i = 0; i < padLength; i++) {
      if (plain[end + i] !== i + 1) throw new MalformedPacketError('confidentiality pad bytes are invalid');
    }
    return plain.subarray(0, end);
  }
}
