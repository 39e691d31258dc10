/**
 * Pure tests of the IPMI framing, RMCP+ crypto and response decoders, on recorded ipmitool
 * sessions (test/fixtures/ipmi: ipmitool -C 3 with ipmi_sim, ipmitool -C 17 with the fake BMC):
 * our builders must produce ipmitool's bytes, our crypto must verify and decrypt its packets.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  buildIpmi15Packet,
  buildIpmiRequest,
  buildOpenSessionRequest,
  buildRakp1,
  buildRakp3,
  buildRmcpPlusPacket,
  ipmiChecksum,
  MalformedPacketError,
  parseIpmiResponse,
  parseOpenSessionResponse,
  parsePacket,
  parseRakp2,
  parseRakp4,
} from '../../../../src/fencing/ipmi/codec.js';
import { CIPHER_SUITES, type CipherSuiteId, completionCodeName, PayloadType, rakpStatusName } from '../../../../src/fencing/ipmi/constants.js';
import {
  type RakpContext,
  rakp2AuthCode,
  rakp3AuthCode,
  rakp4Icv,
  SessionCrypto,
  sessionIntegrityKey,
} from '../../../../src/fencing/ipmi/crypto.js';
import { classifyRakpStatus } from '../../../../src/fencing/ipmi/errors.js';
import {
  parseChannelAuthCapabilities,
  parseChassisStatus,
  parseDeviceId,
  parseSelfTestResults,
  parseSelInfo,
} from '../../../../src/fencing/ipmi/responses.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/ipmi');

interface Capture {
  username: string;
  password: string;
  cipherSuite: CipherSuiteId;
  datagrams: Array<{ from: 'console' | 'bmc'; bytes: Buffer }>;
}

function load(file: string): Capture {
  const raw = JSON.parse(readFileSync(path.join(fixtures, file), 'utf8'));
  return { ...raw, datagrams: raw.datagrams.map((d: { from: string; hex: string }) => ({ from: d.from, bytes: Buffer.from(d.hex, 'hex') })) };
}

const captures = [load('ipmitool-c3-ipmi-sim.json'), load('ipmitool-c17-fake-bmc.json')];

describe('IPMI message framing', () => {
  it('builds Get Device ID with both checksums', () => {
    expect(buildIpmiRequest({ netFn: 0x06, cmd: 0x01, rqSeq: 1 }).toString('hex')).toBe('2018c88104017a');
    expect(ipmiChecksum(Buffer.from([0x20, 0x18]))).toBe(0xc8);
  });

  it('parses a response and rejects bad checksums and short messages', () => {
    const rsp = Buffer.from([0x81, 0x1c, 0x63, 0x20, 0x04, 0x01, 0x00, 0x01, 0x00]);
    rsp[8] = ipmiChecksum(rsp, 3, 8);
    expect(parseIpmiResponse(rsp)).toEqual({ netFn: 7, rqSeq: 1, cmd: 1, completionCode: 0, data: Buffer.from([0x01]) });
    const bad = Buffer.from(rsp);
    bad[2] ^= 1;
    expect(() => parseIpmiResponse(bad)).toThrow('IPMI response header checksum mismatch');
    expect(() => parseIpmiResponse(rsp.subarray(0, 7))).toThrow('IPMI response message truncated: 7 bytes, need at least 8');
  });

  it('pads the integrity trailer to a 4-byte multiple for every payload length', () => {
    for (let len = 0; len < 40; len++) {
      const pkt = buildRmcpPlusPacket(
        { payloadType: 0, sessionId: 7, sessionSeq: 9, encrypted: false, authenticated: true, payload: Buffer.alloc(len, 0xaa) },
        () => Buffer.alloc(12, 0xcc),
      );
      expect((pkt.length - 4 - 12) % 4).toBe(0);
      const p = parsePacket(pkt, 12);
      expect(p.format === 'rmcp+' && p.payload.length).toBe(len);
      expect(p.format === 'rmcp+' && p.authCode?.equals(Buffer.alloc(12, 0xcc))).toBe(true);
    }
  });

  it('encrypts with IPMI pad bytes 1..n and the pad length, for every plaintext length', () => {
    const crypto = new SessionCrypto(CIPHER_SUITES[3], Buffer.alloc(20, 7));
    for (let len = 0; len < 50; len++) {
      const plain = Buffer.alloc(len, len);
      const sealed = crypto.encrypt(plain);
      expect(sealed.length % 16).toBe(0);
      expect(sealed.length).toBe(16 + Math.ceil((len + 1) / 16) * 16);
      expect(crypto.decrypt(sealed).equals(plain)).toBe(true);
    }
    expect(() => crypto.decrypt(Buffer.alloc(40))).toThrow('encrypted payload has invalid length 40');
  });
});

for (const cap of captures) {
  describe(`recorded ipmitool -C ${cap.cipherSuite} session`, () => {
    const suite = CIPHER_SUITES[cap.cipherSuite];
    const packets = cap.datagrams.map((d) => ({ from: d.from, bytes: d.bytes, p: parsePacket(d.bytes, suite.integrityLength) }));
    const payload = (type: number): Buffer => {
      const hit = packets.find((x) => x.p.format === 'rmcp+' && x.p.payloadType === type);
      if (!hit || hit.p.format !== 'rmcp+') throw new Error(`no payload type ${type}`);
      return hit.p.payload;
    };
    const openReq = payload(PayloadType.OPEN_SESSION_REQUEST);
    const openRsp = parseOpenSessionResponse(payload(PayloadType.OPEN_SESSION_RESPONSE));
    const rakp1 = payload(PayloadType.RAKP1);
    const rakp2 = parseRakp2(payload(PayloadType.RAKP2), suite.keyExchangeCodeLength);
    const rakp3 = payload(PayloadType.RAKP3);
    const rakp4 = parseRakp4(payload(PayloadType.RAKP4), suite.rakp4IcvLength);
    const username = Buffer.from(cap.username);
    const kuid = Buffer.from(cap.password);
    const ctx: RakpContext = {
      suite,
      consoleSessionId: openReq.readUInt32LE(4),
      bmcSessionId: openRsp.bmcSessionId!,
      consoleRandom: rakp1.subarray(8, 24),
      bmcRandom: rakp2.bmcRandom!,
      bmcGuid: rakp2.bmcGuid!,
      role: rakp1[24],
      username,
    };

    it('our session-less and setup packets are byte-identical to ipmitool’s', () => {
      const first = cap.datagrams[0].bytes;
      const rqSeq = first[14 + 4] >> 2;
      expect(buildIpmi15Packet(buildIpmiRequest({ netFn: 6, cmd: 0x38, rqSeq, data: Buffer.from([0x8e, 0x04]) })).equals(first)).toBe(true);
      expect(parseChannelAuthCapabilities(parseIpmiResponse((parsePacket(cap.datagrams[1].bytes) as { message: Buffer }).message).data).ipmi20).toBe(true);
      expect(
        buildOpenSessionRequest({ tag: openReq[0], privilege: openReq[1], consoleSessionId: ctx.consoleSessionId, suite }).equals(openReq),
      ).toBe(true);
      expect(
        buildRakp1({ tag: rakp1[0], bmcSessionId: ctx.bmcSessionId, consoleRandom: ctx.consoleRandom, role: ctx.role, username }).equals(rakp1),
      ).toBe(true);
      expect(ctx.role).toBe(0x14); // ADMINISTRATOR with name-only lookup, as we send
      expect(openRsp).toMatchObject({ status: 0, authAlg: suite.authAlg, integAlg: suite.integAlg, confAlg: suite.confAlg });
    });

    it('RAKP 2, RAKP 3 and RAKP 4 codes match ours', () => {
      expect(rakp2AuthCode(kuid, ctx).equals(rakp2.authCode!)).toBe(true);
      const ours3 = buildRakp3({ tag: rakp3[0], status: 0, bmcSessionId: ctx.bmcSessionId, authCode: rakp3AuthCode(kuid, ctx) });
      expect(ours3.equals(rakp3)).toBe(true);
      expect(rakp4Icv(sessionIntegrityKey(kuid, ctx), ctx).equals(rakp4.icv!)).toBe(true);
      expect(rakp2AuthCode(Buffer.from(`${cap.password}!`), ctx).equals(rakp2.authCode!)).toBe(false);
    });

    it('every session packet verifies and decrypts; re-sealing ipmitool’s requests gives its exact bytes', () => {
      const crypto = new SessionCrypto(suite, sessionIntegrityKey(kuid, ctx));
      const session = packets.filter((x) => x.p.format === 'rmcp+' && x.p.payloadType === 0);
      expect(session.length).toBeGreaterThanOrEqual(6);
      let sawPowerOn = false;
      for (const { from, bytes, p } of session) {
        if (p.format !== 'rmcp+') throw new Error('unexpected');
        expect(p.authenticated && p.encrypted).toBe(true);
        expect(crypto.verify(p.covered!, p.authCode!)).toBe(true);
        const msg = crypto.decrypt(p.payload);
        if (from === 'console') {
          expect(p.sessionId).toBe(ctx.bmcSessionId);
          const resealed = buildRmcpPlusPacket(
            { payloadType: 0, sessionId: p.sessionId, sessionSeq: p.sessionSeq, encrypted: true, authenticated: true, payload: crypto.encrypt(msg, p.payload.subarray(0, 16)) },
            (covered) => crypto.authCode(covered),
          );
          expect(resealed.equals(bytes)).toBe(true);
        } else {
          expect(p.sessionId).toBe(ctx.consoleSessionId);
          const rsp = parseIpmiResponse(msg);
          if (rsp.netFn === 1 && rsp.cmd === 1) sawPowerOn = parseChassisStatus(rsp.data).power === 'on';
        }
      }
      expect(sawPowerOn).toBe(true);
    });

    it('mutated and truncated copies of every datagram fail only with MalformedPacketError', () => {
      const crypto = new SessionCrypto(suite, sessionIntegrityKey(kuid, ctx));
      let seed = 12345;
      const rnd = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      const tryAll = (bytes: Buffer): void => {
        try {
          const p = parsePacket(bytes, suite.integrityLength);
          if (p.format === 'ipmi15') {
            parseChannelAuthCapabilities(parseIpmiResponse(p.message).data);
          } else if (p.payloadType === 0) {
            if (p.covered && p.authCode) crypto.verify(p.covered, p.authCode);
            parseIpmiResponse(crypto.decrypt(p.payload));
          } else {
            parseOpenSessionResponse(p.payload);
            parseRakp2(p.payload, suite.keyExchangeCodeLength);
            parseRakp4(p.payload, suite.rakp4IcvLength);
          }
        } catch (err) {
          expect(err).toBeInstanceOf(MalformedPacketError);
        }
      };
      for (const { bytes } of cap.datagrams) {
        for (let n = 0; n < bytes.length; n++) tryAll(bytes.subarray(0, n));
        for (let i = 0; i < 200; i++) {
          const m = Buffer.from(bytes);
          for (let k = 0; k <= rnd(4); k++) m[rnd(m.length)] = rnd(256);
          tryAll(m);
        }
      }
    });
  });
}

describe('response decoders', () => {
  it('Get Device ID, with and without the auxiliary firmware bytes', () => {
    const bytes = Buffer.from([0x20, 0x81, 0x82, 0x15, 0x51, 0xbf, 0xa2, 0x02, 0x00, 0x34, 0x12]);
    expect(parseDeviceId(bytes)).toEqual({
      deviceId: 0x20,
      deviceRevision: 1,
      providesDeviceSdrs: true,
      deviceAvailable: false,
      firmwareMajor: 2,
      firmwareRevision: '2.15',
      ipmiVersion: '1.5',
      additionalDeviceSupport: ['sensor', 'sdr-repository', 'sel', 'fru-inventory', 'ipmb-event-receiver', 'ipmb-event-generator', 'chassis'],
      manufacturerId: 674,
      productId: 0x1234,
    });
    expect(parseDeviceId(Buffer.concat([bytes, Buffer.from([1, 2, 3, 4])])).auxFirmwareRevision).toEqual([1, 2, 3, 4]);
    expect(() => parseDeviceId(bytes.subarray(0, 10))).toThrow('Get Device ID response truncated: 10 data bytes, need at least 11');
  });

  it('Get Chassis Status: power, faults, restore policy, last power event, identify', () => {
    expect(parseChassisStatus(Buffer.from([0x01, 0x00, 0x00]))).toMatchObject({ power: 'on', powerRestorePolicy: 'always-off', lastPowerEvent: [] });
    const st = parseChassisStatus(Buffer.from([0x3e, 0x1f, 0x6f, 0x0a]));
    expect(st).toEqual({
      power: 'off',
      powerOverload: true,
      powerInterlock: true,
      mainPowerFault: true,
      powerControlFault: true,
      powerRestorePolicy: 'previous',
      lastPowerEvent: ['ac-failed', 'overload', 'interlock', 'power-fault', 'ipmi-command'],
      chassisIntrusion: true,
      frontPanelLockout: true,
      driveFault: true,
      coolingFault: true,
      identify: 'indefinite',
      frontPanelButtons: 0x0a,
    });
    expect(parseChassisStatus(Buffer.from([0x61, 0, 0x50])).identify).toBe('temporary');
    expect(parseChassisStatus(Buffer.from([0x61, 0, 0x10])).identify).toBeUndefined();
    expect(() => parseChassisStatus(Buffer.from([0x01]))).toThrow(MalformedPacketError);
  });

  it('Get Self Test Results verdicts', () => {
    expect(parseSelfTestResults(Buffer.from([0x55, 0x00]))).toEqual({ verdict: 'passed', code: 0x55, detail: 0, failures: [] });
    expect(parseSelfTestResults(Buffer.from([0x56, 0x00])).verdict).toBe('not-implemented');
    expect(parseSelfTestResults(Buffer.from([0x57, 0x81])).failures).toEqual([
      'controller operational firmware corrupted',
      'cannot access SEL device',
    ]);
    expect(parseSelfTestResults(Buffer.from([0x58, 0x00])).verdict).toBe('fatal-hardware-error');
    expect(parseSelfTestResults(Buffer.from([0x80, 0x03])).verdict).toBe('device-specific');
  });

  it('Get SEL Info with unspecified and real timestamps', () => {
    const sel = Buffer.from([0x51, 0x03, 0x00, 0x80, 0x3e, 0xff, 0xff, 0xff, 0xff, 0x10, 0x32, 0x54, 0x65, 0x8a]);
    expect(parseSelInfo(sel)).toEqual({
      version: '1.5',
      entries: 3,
      freeSpaceBytes: 16000,
      lastEraseTime: 0x65543210,
      overflow: true,
      supportsDelete: true,
      supportsPartialAdd: false,
      supportsReserve: true,
      supportsAllocationInfo: false,
    });
  });
});

describe('status and completion code names', () => {
  it('classifies RAKP statuses by step', () => {
    expect(classifyRakpStatus(0x0d, 'rakp-1-2')).toBe('auth');
    expect(classifyRakpStatus(0x0f, 'rakp-3-4')).toBe('auth');
    expect(classifyRakpStatus(0x12, 'rakp-1-2')).toBe('auth');
    expect(classifyRakpStatus(0x12, 'open-session')).toBe('session');
    expect(classifyRakpStatus(0x09, 'rakp-1-2')).toBe('privilege');
    expect(classifyRakpStatus(0x11, 'open-session')).toBe('unsupported-cipher');
    expect(classifyRakpStatus(0x01, 'open-session')).toBe('session');
    expect(rakpStatusName(0x0f)).toBe('invalid integrity check value');
    expect(rakpStatusName(0x42)).toBe('unknown status 0x42');
  });

  it('names generic and command-specific completion codes', () => {
    expect(completionCodeName(0xd4)).toBe('insufficient privilege level');
    expect(completionCodeName(0x81, 0x06, 0x3b)).toBe('requested level exceeds channel and/or user privilege limit');
    expect(completionCodeName(0x81)).toBe('unknown completion code 0x81');
  });
});
