/**
 * The client against a small independent RMCP+ BMC (fake-bmc.ts). The fake is first
 * validated with ipmitool (cipher suites 3 and 17), then used for what ipmi_sim cannot do:
 * cipher suite 17, self test answers, and a BMC that misbehaves inside an established session.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IpmiError, IpmiSession, type IpmiSessionOptions, withIpmi } from '../../../../src/fencing/ipmi/index.js';
import { FakeBmc } from './fake-bmc.js';
import { ipmitool } from './sim-harness.js';

const admin = { name: 'root', password: 'calvin-Pa55', maxPriv: 4 };
const operator = { name: 'oper', password: 'op-secret-1', maxPriv: 3 };
let bmc: FakeBmc;
let laxBmc: FakeBmc;

function opts(extra: Partial<IpmiSessionOptions> = {}): IpmiSessionOptions {
  return {
    host: bmc.host,
    port: bmc.port,
    username: admin.name,
    password: admin.password,
    timeoutMs: 300,
    retries: 1,
    ...extra,
  };
}

async function caught(p: Promise<unknown>): Promise<IpmiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(IpmiError);
    return err as IpmiError;
  }
  throw new Error('expected an IpmiError');
}

function fields(out: string): Record<string, string> {
  const r: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^([^:\s][^:]*?)\s*:\s?(.*)$/.exec(line);
    if (m) r[m[1].trim()] = m[2].trim();
  }
  return r;
}

beforeAll(async () => {
  bmc = await new FakeBmc({ users: [admin, operator], selfTest: [0x57, 0x0c] }).start();
  // A BMC that accepts any role in RAKP and refuses in Set Session Privilege Level instead.
  laxBmc = await new FakeBmc({ users: [operator], suites: [3], laxRole: true }).start();
});

afterAll(async () => {
  await bmc?.stop();
  await laxBmc?.stop();
});

beforeEach(() => {
  bmc.mode = 'normal';
  bmc.power = true;
});

describe('the fake BMC speaks RMCP+ as ipmitool expects', () => {
  for (const suite of [3, 17]) {
    it(`ipmitool -C ${suite} reads power and device id from it`, async () => {
      const p = await ipmitool(bmc.host, bmc.port, admin, ['chassis', 'power', 'status'], { cipherSuite: suite });
      expect(p.code, p.stderr).toBe(0);
      expect(p.stdout.trim()).toBe('Chassis Power is on');
      const mc = await ipmitool(bmc.host, bmc.port, admin, ['mc', 'info'], { cipherSuite: suite });
      expect(mc.code, mc.stderr).toBe(0);
      expect(fields(mc.stdout)['Manufacturer ID']).toBe('674');
    });
  }
});

describe('cipher suites 3 and 17 against the fake BMC', () => {
  for (const suite of [3, 17] as const) {
    it(`suite ${suite}: device id and chassis status agree with ipmitool, power off is seen by ipmitool`, async () => {
      const { id, st } = await withIpmi(opts({ cipherSuite: suite }), async (s) => {
        expect(s.cipherSuite).toBe(suite);
        return { id: await s.getDeviceId(), st: await s.getChassisStatus() };
      });
      const mc = fields((await ipmitool(bmc.host, bmc.port, admin, ['mc', 'info'], { cipherSuite: suite })).stdout);
      expect(String(id.deviceId)).toBe(mc['Device ID']);
      expect(String(id.deviceRevision)).toBe(mc['Device Revision']);
      expect(id.firmwareRevision).toBe(mc['Firmware Revision']);
      expect(id.ipmiVersion).toBe(mc['IPMI Version']);
      expect(String(id.manufacturerId)).toBe(mc['Manufacturer ID']);
      expect(mc['Product ID']).toBe(`${id.productId} (0x${id.productId.toString(16)})`);
      expect(id.providesDeviceSdrs).toBe(mc['Provides Device SDRs'] === 'yes');
      expect(id.auxFirmwareRevision).toEqual([1, 2, 3, 4]);

      const cs = fields((await ipmitool(bmc.host, bmc.port, admin, ['chassis', 'status'], { cipherSuite: suite })).stdout);
      expect(st.power).toBe(cs['System Power']);
      expect(st.powerRestorePolicy).toBe(cs['Power Restore Policy']);
      expect(st.lastPowerEvent).toEqual(['ipmi-command']);
      expect(cs['Last Power Event']).toBe('command');
      expect(st.identify).toBe('off');

      await withIpmi(opts({ cipherSuite: suite }), (s) => s.chassisControl('off'));
      expect(bmc.power).toBe(false);
      const p = await ipmitool(bmc.host, bmc.port, admin, ['chassis', 'power', 'status'], { cipherSuite: suite });
      expect(p.stdout.trim()).toBe('Chassis Power is off');
    });

    it(`suite ${suite}: wrong password is an auth error, and the half-open session is dropped`, async () => {
      const err = await caught(IpmiSession.open(opts({ cipherSuite: suite, password: 'not-it' })));
      expect(err.code).toBe('auth');
      expect(err.rakpStatus).toBe(0x0f);
      expect(err.message).toContain('invalid integrity check value (0x0f)');
      expect(err.message).not.toContain('not-it');
      expect(err.message).not.toContain(admin.password);
    });
  }

  it('session sequence numbers start at 1 and increase with every packet', async () => {
    const before = bmc.received.length;
    const active = bmc.activeSessions;
    await withIpmi(opts({ cipherSuite: 17 }), async (s) => {
      for (let i = 0; i < 5; i++) await s.getPowerState();
    });
    const seqs = bmc.received.slice(before).map((r) => r.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7]); // set privilege, 5 x status, close session
    expect(bmc.received.at(-1)).toMatchObject({ netFn: 0x06, cmd: 0x3c });
    expect(bmc.activeSessions).toBe(active);
  });

  it('unknown user: "unauthorized name"', async () => {
    const err = await caught(IpmiSession.open(opts({ username: 'ghost' })));
    expect(err).toMatchObject({ code: 'auth', rakpStatus: 0x0d, stage: 'rakp-1-2' });
    expect(err.message).toBe(`RAKP message 2 from 127.0.0.1:${bmc.port}: unauthorized name (0x0d) (user "ghost")`);
  });

  it('an operator asking for ADMINISTRATOR: privilege error naming the RAKP status', async () => {
    const err = await caught(IpmiSession.open(opts({ username: operator.name, password: operator.password })));
    expect(err).toMatchObject({ code: 'privilege', rakpStatus: 0x09 });
    expect(err.message).toBe(
      `RAKP message 2 from 127.0.0.1:${bmc.port}: invalid role (0x09) (requested ADMINISTRATOR for user "oper")`,
    );
    const ok = await withIpmi(opts({ username: operator.name, password: operator.password, privilege: 'OPERATOR' }), async (s) => {
      await s.chassisControl('on');
      return s.privilege;
    });
    expect(ok).toBe('OPERATOR');
  });

  it('a BMC refusing Set Session Privilege Level: privilege error with the command-specific code', async () => {
    const err = await caught(
      IpmiSession.open({ ...opts({ username: operator.name, password: operator.password }), port: laxBmc.port }),
    );
    expect(err).toMatchObject({ code: 'privilege', completionCode: 0x81, stage: 'set-session-privilege' });
    expect(err.message).toBe(
      `127.0.0.1:${laxBmc.port} refused privilege ADMINISTRATOR for user "oper": ` +
        'requested level exceeds channel and/or user privilege limit (0x81)',
    );
    expect(laxBmc.activeSessions).toBe(0);
  });

  it('a BMC without suite 17 answers "no cipher suite match"', async () => {
    const err = await caught(IpmiSession.open({ ...opts({ username: operator.name, password: operator.password }), port: laxBmc.port, cipherSuite: 17 }));
    expect(err).toMatchObject({ code: 'unsupported-cipher', rakpStatus: 0x11 });
    expect(err.message).toContain('no cipher suite match with proposed security algorithms (0x11)');
  });

  it('decodes a failing self test with its named parts', async () => {
    const st = await withIpmi(opts(), (s) => s.getSelfTestResults());
    expect(st).toEqual({
      verdict: 'corrupted-or-inaccessible',
      code: 0x57,
      detail: 0x0c,
      failures: ['internal use area of BMC FRU corrupted', 'SDR repository empty'],
    });
    const t = await ipmitool(bmc.host, bmc.port, admin, ['mc', 'selftest']);
    expect(t.stdout).toContain('SDR repository empty');
    expect(t.stdout).toContain('Internal Use Area corrupted');
  });
});

describe('a BMC that misbehaves inside the session', () => {
  const cases: Array<{ mode: FakeBmc['mode']; code: string; reason: string }> = [
    { mode: 'bad-integrity', code: 'malformed', reason: 'integrity check value (AuthCode) mismatch' },
    { mode: 'wrong-session-id', code: 'malformed', reason: 'packet for another session ID 0x' },
    { mode: 'truncated', code: 'malformed', reason: 'truncated' },
    { mode: 'unauthenticated', code: 'malformed', reason: 'unauthenticated packet in an authenticated session' },
    { mode: 'silent', code: 'timeout', reason: '' },
    { mode: 'wrong-rqseq', code: 'timeout', reason: '' },
  ];
  for (const c of cases) {
    it(`${c.mode}: ${c.code} after the retries, within the timeout budget`, async () => {
      const s = await IpmiSession.open(opts({ timeoutMs: 150, retries: 2 }));
      bmc.mode = c.mode;
      const t0 = Date.now();
      const err = await caught(s.getChassisStatus());
      const elapsed = Date.now() - t0;
      expect(err.code).toBe(c.code);
      expect(err.stage).toBe('command');
      expect(elapsed).toBeGreaterThanOrEqual(440);
      expect(elapsed).toBeLessThan(1200);
      if (c.code === 'malformed') {
        expect(err.rejectedPackets).toBe(3);
        expect(err.message).toMatch(
          new RegExp(`^no valid answer from 127\\.0\\.0\\.1:${bmc.port} to Get Chassis Status after 3 attempts of 150 ms: rejected 3 packets, last: .*`),
        );
        expect(err.message).toContain(c.reason);
      } else {
        expect(err.message).toBe(`no answer from 127.0.0.1:${bmc.port} to Get Chassis Status after 3 attempts of 150 ms`);
      }
      bmc.mode = 'normal';
      expect(await s.getPowerState()).toBe('on'); // the session is still usable
      await s.close();
    });
  }

  it('replayed answers are rejected; the fresh answer to the retry is taken', async () => {
    await withIpmi(opts({ timeoutMs: 150, retries: 2 }), async (s) => {
      bmc.mode = 'replay';
      expect(await s.getPowerState()).toBe('on'); // first answer is fresh
      const t0 = Date.now();
      const id = await s.getDeviceId(); // gets the replay first, then the answer to its retry
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
      expect(id.manufacturerId).toBe(674);
      bmc.mode = 'normal';
    });
  });
});
