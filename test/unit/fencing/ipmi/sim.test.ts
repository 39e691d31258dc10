/**
 * The IPMI client against a real BMC: OpenIPMI's ipmi_sim on a loopback address, cross-checked
 * with ipmitool -I lanplus -C 3 on the same simulator. ipmi_sim and ipmitool are required: the
 * tests fail (not skip) with an install hint when either is missing.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIpmiRequest, parseIpmiResponse, parsePacket } from '../../../../src/fencing/ipmi/codec.js';
import { CIPHER_SUITES, PayloadType } from '../../../../src/fencing/ipmi/constants.js';
import {
  type RakpContext,
  rakp2AuthCode,
  rakp3AuthCode,
  rakp4Icv,
  SessionCrypto,
  sessionIntegrityKey,
} from '../../../../src/fencing/ipmi/crypto.js';
import {
  getChannelAuthCapabilities,
  IpmiError,
  IpmiSession,
  type IpmiSessionOptions,
  withIpmi,
} from '../../../../src/fencing/ipmi/index.js';
import { ipmitool, requireTool, type SimBmc, startIpmiSim, startRelay } from './sim-harness.js';

let bmc: SimBmc;
let admin: IpmiSessionOptions;

/** "Key   : value" lines of ipmitool output. */
function fields(out: string): Record<string, string> {
  const r: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^([^:]+?)\s*:\s?(.*)$/.exec(line);
    if (m && !line.startsWith(' ')) r[m[1].trim()] = m[2].trim();
  }
  return r;
}

async function toolPower(): Promise<string> {
  const r = await ipmitool(bmc.host, bmc.port, bmc.admin, ['chassis', 'power', 'status']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
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

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

beforeAll(async () => {
  requireTool('ipmitool', 'ipmitool');
  bmc = await startIpmiSim();
  admin = {
    host: bmc.host,
    port: bmc.port,
    username: bmc.admin.name,
    password: bmc.admin.password,
    cipherSuite: 3,
    timeoutMs: 1000,
    retries: 2,
  };
}, 30_000);

afterAll(async () => {
  await bmc?.stop();
});

describe('ipmi_sim: session setup', () => {
  it('reads the channel authentication capabilities without credentials', async () => {
    const caps = await getChannelAuthCapabilities({ host: bmc.host, port: bmc.port });
    expect(caps.ipmi20).toBe(true);
    expect(caps.channel).toBe(1);
    expect(caps.nonNullUsernames).toBe(true);
    expect(caps.anonymousLogin).toBe(false);
  });

  it('opens an ADMINISTRATOR session with cipher suite 3 and closes it', async () => {
    const s = await IpmiSession.open(admin);
    expect(s.privilege).toBe('ADMINISTRATOR');
    expect(s.cipherSuite).toBe(3);
    expect(s.bmcSessionId).not.toBe(0);
    expect(s.channelAuth.ipmi20).toBe(true);
    await s.close();
    expect(s.closed).toBe(true);
    const err = await caught(s.getChassisStatus());
    expect(err.code).toBe('closed');
    await s.close(); // idempotent
  });

  it('frees its BMC session on close: more sequential sessions than the per-user limit (10) all open', async () => {
    for (let i = 0; i < 14; i++) {
      const power = await withIpmi(admin, (s) => s.getPowerState());
      expect(['on', 'off']).toContain(power);
    }
  });

  it('wrong password: auth error naming the RAKP status, without any secret in it', async () => {
    const wrong = `${bmc.admin.password}x`;
    const err = await caught(IpmiSession.open({ ...admin, password: wrong }));
    expect(err.code).toBe('auth');
    expect(err.stage).toBe('rakp-1-2');
    expect(err.rakpStatus).toBe(0x0f);
    expect(err.message).toBe(
      `RAKP message 2 from ${bmc.host}:${bmc.port}: invalid integrity check value (0x0f): the BMC's key exchange ` +
        `code does not match the password given for user "admin" (wrong password)`,
    );
    const everything = `${err.message} ${err.stack} ${JSON.stringify(err)} ${inspect(err, { depth: 5, showHidden: true })}`;
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(bmc.admin.password);
    // ipmitool agrees that the password is wrong
    const r = await ipmitool(bmc.host, bmc.port, { name: 'admin', password: wrong }, ['chassis', 'power', 'status']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Unable to establish IPMI v2 \/ RMCP\+ session/);
  });

  it('unknown user: auth error "unauthorized name"', async () => {
    const err = await caught(IpmiSession.open({ ...admin, username: 'nobody' }));
    expect(err.code).toBe('auth');
    expect(err.rakpStatus).toBe(0x0d);
    expect(err.message).toContain('unauthorized name (0x0d)');
    expect(err.message).toContain('"nobody"');
  });

  it('cipher suite 17: ipmi_sim has no RAKP-HMAC-SHA256, the client says so, and so does ipmitool -C 17', async () => {
    const err = await caught(IpmiSession.open({ ...admin, cipherSuite: 17 }));
    expect(err.code).toBe('unsupported-cipher');
    expect(err.stage).toBe('open-session');
    expect(err.message).toBe(
      `Open Session Response from ${bmc.host}:${bmc.port}: invalid authentication algorithm (0x04) ` +
        `(cipher suite 17: RAKP-HMAC-SHA256, HMAC-SHA256-128, AES-CBC-128)`,
    );
    const r = await ipmitool(bmc.host, bmc.port, bmc.admin, ['chassis', 'power', 'status'], { cipherSuite: 17 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('invalid authentication algorithm');
  });

  it('a USER account can read but not control the chassis (insufficient privilege, like ipmitool -L USER)', async () => {
    const viewer = { ...admin, username: bmc.viewer.name, password: bmc.viewer.password, privilege: 'USER' as const };
    await withIpmi(viewer, async (s) => {
      expect(s.privilege).toBe('USER');
      expect(['on', 'off']).toContain(await s.getPowerState());
      const err = await caught(s.chassisControl('off'));
      expect(err.code).toBe('privilege');
      expect(err.completionCode).toBe(0xd4);
      expect(err.message).toBe(
        `Chassis Control on ${bmc.host}:${bmc.port} failed: insufficient privilege level (0xd4) (session privilege USER)`,
      );
    });
    const r = await ipmitool(bmc.host, bmc.port, bmc.viewer, ['chassis', 'power', 'off'], { privilege: 'USER' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Insufficient privilege level');
    expect(await bmc.readPower()).toBe('on');
  });

  it('never shows the password in inspect or JSON output of a live session', async () => {
    await withIpmi(admin, async (s) => {
      const shown = `${inspect(s, { depth: 10, showHidden: true })} ${JSON.stringify(s)}`;
      expect(shown).not.toContain(bmc.admin.password);
      expect(shown).toContain(bmc.host);
    });
  });
});

describe('ipmi_sim: commands, cross-checked with ipmitool', () => {
  it('Get Device ID matches ipmitool mc info and the emulated MC', async () => {
    const id = await withIpmi(admin, (s) => s.getDeviceId());
    const r = await ipmitool(bmc.host, bmc.port, bmc.admin, ['mc', 'info']);
    expect(r.code, r.stderr).toBe(0);
    const f = fields(r.stdout);
    expect(String(id.deviceId)).toBe(f['Device ID']);
    expect(String(id.deviceRevision)).toBe(f['Device Revision']);
    expect(id.firmwareRevision).toBe(f['Firmware Revision']);
    expect(id.ipmiVersion).toBe(f['IPMI Version']);
    expect(String(id.manufacturerId)).toBe(f['Manufacturer ID']);
    expect(f['Product ID']).toBe(`${id.productId} (0x${id.productId.toString(16).padStart(4, '0')})`);
    expect(id.providesDeviceSdrs ? 'yes' : 'no').toBe(f['Provides Device SDRs']);
    expect(id.deviceAvailable ? 'yes' : 'no').toBe(f['Device Available']);
    // and the values from the emulator file: mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02
    expect(id).toMatchObject({ deviceId: 0, deviceRevision: 3, firmwareRevision: '9.08', manufacturerId: 0x1291, productId: 0xf02 });
    expect(id.additionalDeviceSupport).toEqual(['sensor', 'sdr-repository', 'sel', 'fru-inventory', 'ipmb-event-receiver', 'chassis']);
  });

  it('Get Chassis Status decodes like ipmitool chassis status', async () => {
    const st = await withIpmi(admin, (s) => s.getChassisStatus());
    const r = await ipmitool(bmc.host, bmc.port, bmc.admin, ['chassis', 'status']);
    expect(r.code, r.stderr).toBe(0);
    const f = fields(r.stdout);
    expect(st.power).toBe(f['System Power']);
    expect(st.powerRestorePolicy).toBe(f['Power Restore Policy']);
    expect(String(st.powerOverload)).toBe(f['Power Overload']);
    expect(st.powerInterlock ? 'active' : 'inactive').toBe(f['Power Interlock']);
    expect(String(st.mainPowerFault)).toBe(f['Main Power Fault']);
    expect(String(st.powerControlFault)).toBe(f['Power Control Fault']);
    expect(st.chassisIntrusion ? 'active' : 'inactive').toBe(f['Chassis Intrusion']);
    expect(String(st.driveFault)).toBe(f['Drive Fault']);
    expect(String(st.coolingFault)).toBe(f['Cooling/Fan Fault']);
    expect(st.lastPowerEvent).toEqual([]);
    expect(f['Last Power Event']).toBe('');
  });

  it('power off / on with our client is what ipmitool and the BMC power file see, and the other way round', async () => {
    await withIpmi(admin, async (s) => {
      await s.chassisControl('off');
      expect(await s.getPowerState()).toBe('off');
    });
    expect(await bmc.readPower()).toBe('off');
    expect(await toolPower()).toBe('Chassis Power is off');

    await withIpmi(admin, (s) => s.chassisControl('on'));
    expect(await bmc.readPower()).toBe('on');
    expect(await toolPower()).toBe('Chassis Power is on');

    const off = await ipmitool(bmc.host, bmc.port, bmc.admin, ['chassis', 'power', 'off']);
    expect(off.code, off.stderr).toBe(0);
    expect(await withIpmi(admin, (s) => s.getPowerState())).toBe('off');
    const on = await ipmitool(bmc.host, bmc.port, bmc.admin, ['chassis', 'power', 'on']);
    expect(on.code, on.stderr).toBe(0);
    expect(await withIpmi(admin, (s) => s.getPowerState())).toBe('on');
  });

  it('power state written behind the BMC is read back (no caching)', async () => {
    await withIpmi(admin, async (s) => {
      await bmc.writePower(false);
      expect(await s.getPowerState()).toBe('off');
      await bmc.writePower(true);
      expect(await s.getPowerState()).toBe('on');
    });
  });

  it('power cycle goes off, then the BMC powers on again', async () => {
    const before = (await bmc.readEvents()).length;
    await withIpmi(admin, (s) => s.chassisControl('cycle'));
    expect(await waitFor(async () => (await bmc.readEvents()).slice(before).includes('power 1'), 5000)).toBe(true);
    expect((await bmc.readEvents()).slice(before)).toEqual(['power 0', 'power 1']);
    expect(await bmc.readPower()).toBe('on');
  });

  it('hard reset, soft shutdown and identify reach the chassis control program', async () => {
    const before = (await bmc.readEvents()).length;
    await withIpmi(admin, async (s) => {
      await s.chassisControl('reset');
      await s.chassisIdentify({ seconds: 5 });
      await s.chassisIdentify({ force: true });
      await s.chassisIdentify({ seconds: 0 });
      await s.chassisControl('soft');
    });
    expect((await bmc.readEvents()).slice(before)).toEqual(['reset 1', 'identify 5 0', 'identify 15 1', 'identify 0 0', 'shutdown 1']);
    expect(await bmc.readPower()).toBe('off');
    await withIpmi(admin, (s) => s.chassisControl('on'));
  });

  it('diagnostic interrupt is refused by ipmi_sim with a named completion code', async () => {
    const err = await caught(withIpmi(admin, (s) => s.chassisControl('diag')));
    expect(err.code).toBe('completion-code');
    expect(err.completionCode).toBe(0xcc);
    expect(err.message).toContain('invalid data field in request (0xcc)');
  });

  it('Get Self Test Results: ipmi_sim does not implement it; the completion code is named, as ipmitool reports', async () => {
    const err = await caught(withIpmi(admin, (s) => s.getSelfTestResults()));
    expect(err.code).toBe('completion-code');
    expect(err.command).toBe('Get Self Test Results');
    expect(err.message).toBe(`Get Self Test Results on ${bmc.host}:${bmc.port} failed: invalid command (0xc1)`);
    const r = await ipmitool(bmc.host, bmc.port, bmc.admin, ['raw', '0x06', '0x04']);
    expect(r.stderr).toContain('rsp=0xc1');
  });

  it('Get SEL Info matches ipmitool sel info', async () => {
    const sel = await withIpmi(admin, (s) => s.getSelInfo());
    const r = await ipmitool(bmc.host, bmc.port, bmc.admin, ['sel', 'info']);
    expect(r.code, r.stderr).toBe(0);
    const f = fields(r.stdout);
    expect(f.Version).toContain(sel.version);
    expect(String(sel.entries)).toBe(f.Entries);
    expect(`${sel.freeSpaceBytes} bytes`).toBe(f['Free Space']);
    expect(String(sel.overflow)).toBe(f.Overflow);
    expect(f['Supported Cmds']).toBe("'Delete' 'Reserve'");
    expect([sel.supportsDelete, sel.supportsReserve, sel.supportsPartialAdd]).toEqual([true, true, false]);
  });

  it('keeps sequence numbers straight over many and concurrent requests in one session', async () => {
    await withIpmi(admin, async (s) => {
      for (let i = 0; i < 80; i++) expect(await s.getPowerState()).toBe('on'); // rqSeq wraps at 64
      const all = await Promise.all([
        s.getDeviceId(),
        s.getChassisStatus(),
        s.getSelInfo(),
        s.getDeviceId(),
        s.getChassisStatus(),
      ]);
      expect(all[0].manufacturerId).toBe(0x1291);
      expect(all[1].power).toBe('on');
      expect(all[2].entries).toBe(0);
      expect(all[3].productId).toBe(0xf02);
      expect(all[4].power).toBe('on');
    });
  });
});

describe('ipmi_sim: our RMCP+ crypto reproduces a recorded ipmitool session', () => {
  it('RAKP codes, session keys, integrity and decryption match what ipmitool and ipmi_sim exchanged', async () => {
    const relay = await startRelay(bmc.host, bmc.port);
    try {
      const r = await ipmitool(relay.host, relay.port, bmc.admin, ['chassis', 'power', 'status']);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      await relay.close();
    }
    const suite = CIPHER_SUITES[3];
    const plus = relay.datagrams.map((d) => ({ from: d.from, p: parsePacket(d.bytes, suite.integrityLength) }));
    const find = (type: number) => {
      const hit = plus.filter((x) => x.p.format === 'rmcp+' && x.p.payloadType === type).at(-1);
      if (!hit || hit.p.format !== 'rmcp+') throw new Error(`payload type ${type} not captured`);
      return hit.p.payload;
    };
    const openReq = find(PayloadType.OPEN_SESSION_REQUEST);
    const openRsp = find(PayloadType.OPEN_SESSION_RESPONSE);
    const rakp1 = find(PayloadType.RAKP1);
    const rakp2 = find(PayloadType.RAKP2);
    const rakp3 = find(PayloadType.RAKP3);
    const rakp4 = find(PayloadType.RAKP4);
    const ulen = rakp1[27];
    const ctx: RakpContext = {
      suite,
      consoleSessionId: openReq.readUInt32LE(4),
      bmcSessionId: openRsp.readUInt32LE(8),
      consoleRandom: rakp1.subarray(8, 24),
      bmcRandom: rakp2.subarray(8, 24),
      bmcGuid: rakp2.subarray(24, 40),
      role: rakp1[24],
      username: rakp1.subarray(28, 28 + ulen),
    };
    expect(ctx.username.toString()).toBe('admin');
    const kuid = Buffer.from(bmc.admin.password);
    expect(rakp2AuthCode(kuid, ctx).equals(rakp2.subarray(40, 60))).toBe(true); // ipmi_sim's code
    expect(rakp3AuthCode(kuid, ctx).equals(rakp3.subarray(8, 28))).toBe(true); // ipmitool's code
    const sik = sessionIntegrityKey(kuid, ctx);
    expect(rakp4Icv(sik, ctx).equals(rakp4.subarray(8, 20))).toBe(true);

    const crypto = new SessionCrypto(suite, sik);
    const session = plus.filter((x) => x.p.format === 'rmcp+' && x.p.payloadType === PayloadType.IPMI && x.p.authenticated);
    expect(session.length).toBeGreaterThanOrEqual(4);
    const messages = session.map(({ from, p }) => {
      if (p.format !== 'rmcp+' || !p.covered || !p.authCode) throw new Error('unexpected');
      expect(crypto.verify(p.covered, p.authCode)).toBe(true);
      expect(p.encrypted).toBe(true);
      return { from, msg: crypto.decrypt(p.payload) };
    });
    // ipmitool asked Get Chassis Status (netFn 0, cmd 1) and ipmi_sim answered "power on"
    const ask = messages.find((m) => m.from === 'console' && m.msg[1] >> 2 === 0x00 && m.msg[5] === 0x01);
    expect(ask).toBeDefined();
    const seq = ask!.msg[4] >> 2;
    expect(ask!.msg.equals(buildIpmiRequest({ netFn: 0, cmd: 1, rqSeq: seq }))).toBe(true);
    const answer = messages
      .filter((m) => m.from === 'bmc')
      .map((m) => parseIpmiResponse(m.msg))
      .find((x) => x.netFn === 1 && x.cmd === 1 && x.rqSeq === seq);
    expect(answer?.completionCode).toBe(0);
    expect(answer!.data[0] & 1).toBe(1);
  });
});

describe('ipmi_sim: BMC gone', () => {
  it('a stopped simulator is reported as unreachable at once, not after the retries', async () => {
    const s = await IpmiSession.open(admin);
    await bmc.stop();
    const t0 = Date.now();
    const err = await caught(IpmiSession.open({ ...admin, timeoutMs: 2000, retries: 3 }));
    expect(err.code).toBe('unreachable');
    expect(err.message).toBe(
      `cannot reach the IPMI service at ${bmc.host}:${bmc.port}: port unreachable: nothing listens on that UDP port`,
    );
    expect(Date.now() - t0).toBeLessThan(1500);
    const err2 = await caught(s.getPowerState());
    expect(err2.code).toBe('unreachable');
    await s.close();
  });
});
