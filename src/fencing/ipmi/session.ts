/**
 * IPMI v2.0 RMCP+ ("lanplus") session: Get Channel Authentication Capabilities, Open Session,
 * RAKP 1-4, Set Session Privilege Level, authenticated and encrypted commands, Close Session.
 */
import { randomBytes, randomInt } from 'node:crypto';
import {
  buildIpmi15Packet,
  buildIpmiRequest,
  buildOpenSessionRequest,
  buildRakp1,
  buildRakp3,
  buildRmcpPlusPacket,
  type IpmiResponse,
  parseIpmiResponse,
  parseOpenSessionResponse,
  parsePacket,
  parseRakp2,
  parseRakp4,
} from './codec.js';
import {
  CHASSIS_CONTROL_CODES,
  CIPHER_SUITES,
  type ChassisControlAction,
  type CipherSuiteId,
  type CipherSuiteSpec,
  Cmd,
  commandName,
  IPMI_PORT,
  NetFn,
  PayloadType,
  PRIVILEGE_LEVELS,
  type PrivilegeName,
  privilegeName,
} from './constants.js';
import {
  constantTimeEqual,
  type RakpContext,
  rakp2AuthCode,
  rakp3AuthCode,
  rakp4Icv,
  SessionCrypto,
  sessionIntegrityKey,
} from './crypto.js';
import {
  classifyRakpStatus,
  completionCodeText,
  IpmiError,
  type IpmiStage,
  rakpStatusText,
  target,
} from './errors.js';
import {
  type ChannelAuthCapabilities,
  type ChassisStatus,
  type DeviceId,
  parseChannelAuthCapabilities,
  parseChassisStatus,
  parseDeviceId,
  parseSelfTestResults,
  parseSelInfo,
  type SelfTestResults,
  type SelInfo,
} from './responses.js';
import { type MatchResult, UdpChannel } from './transport.js';

export type SessionPrivilege = 'ADMINISTRATOR' | 'OPERATOR' | 'USER';

export interface IpmiTargetOptions {
  host: string;
  /** UDP port, default 623. */
  port?: number;
  /** Per-attempt answer timeout in ms, default 1000. */
  timeoutMs?: number;
  /** Retransmissions after the first attempt, default 3. */
  retries?: number;
}

export interface IpmiSessionOptions extends IpmiTargetOptions {
  username: string;
  password: string;
  /** 3 (HMAC-SHA1, AES-CBC-128; default) or 17 (HMAC-SHA256, AES-CBC-128). */
  cipherSuite?: CipherSuiteId;
  /** Session privilege to obtain, default ADMINISTRATOR. */
  privilege?: SessionPrivilege;
  /** BMC key (Kg), when the BMC has one configured. */
  kg?: Buffer | string;
}

const DEFAULT_TIMEOUT_MS = 1000;
const DEFAULT_RETRIES = 3;
const NAME_ONLY_LOOKUP = 0x10;

interface Resolved {
  host: string;
  port: number;
  timeoutMs: number;
  retries: number;
}

function resolveTarget(opts: IpmiTargetOptions): Resolved {
  const port = opts.port ?? IPMI_PORT;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = opts.retries ?? DEFAULT_RETRIES;
  const bad = (what: string): IpmiError =>
    new IpmiError('invalid-argument', `invalid IPMI option: ${what}`, { host: opts.host, port, stage: 'connect' });
  if (typeof opts.host !== 'string' || opts.host.length === 0) throw bad('host is required');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port ${port}`);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw bad(`timeoutMs ${timeoutMs}`);
  if (!Number.isInteger(retries) || retries < 0) throw bad(`retries ${retries}`);
  return { host: opts.host, port, timeoutMs, retries };
}

function rejectReason(what: string): MatchResult<never> {
  return { kind: 'reject', reason: what };
}

function sessionIdText(id: number): string {
  return `0x${(id >>> 0).toString(16).padStart(8, '0')}`;
}

/** Session-less Get Channel Authentication Capabilities over an open channel. */
async function exchangeAuthCapabilities(
  channel: UdpChannel,
  t: Resolved,
  privilege: number,
): Promise<ChannelAuthCapabilities> {
  const rqSeq = randomInt(1, 64);
  const what = 'Get Channel Authentication Capabilities';
  const stage: IpmiStage = 'get-channel-auth-capabilities';
  const request = buildIpmi15Packet(
    buildIpmiRequest({
      netFn: NetFn.APP,
      cmd: Cmd.GET_CHANNEL_AUTH_CAPABILITIES,
      rqSeq,
      data: Buffer.from([0x8e, privilege]), // IPMI v2.0 extended data, current channel
    }),
  );
  return channel.exchange<ChannelAuthCapabilities>({
    what,
    stage,
    timeoutMs: t.timeoutMs,
    retries: t.retries,
    build: () => request,
    match: (packet) => {
      const parsed = parsePacket(packet);
      if (parsed.format !== 'ipmi15') return rejectReason(`expected an IPMI v1.5 session-less answer to ${what}`);
      const rsp = parseIpmiResponse(parsed.message);
      if (rsp.netFn !== NetFn.APP + 1 || rsp.cmd !== Cmd.GET_CHANNEL_AUTH_CAPABILITIES || rsp.rqSeq !== rqSeq) {
        return { kind: 'ignore' };
      }
      if (rsp.completionCode !== 0) {
        return {
          kind: 'fail',
          error: new IpmiError(
            'completion-code',
            `${what} on ${target(t.host, t.port)} failed: ${completionCodeText(rsp.completionCode)}`,
            { host: t.host, port: t.port, stage, command: what, completionCode: rsp.completionCode },
          ),
        };
      }
      return { kind: 'accept', value: parseChannelAuthCapabilities(rsp.data) };
    },
  });
}

/**
 * Asks a BMC for its channel authentication capabilities without credentials: a cheap
 * "is an IPMI v2.0 service answering there" probe.
 */
export async function getChannelAuthCapabilities(
  opts: IpmiTargetOptions & { privilege?: SessionPrivilege },
): Promise<ChannelAuthCapabilities> {
  const t = resolveTarget(opts);
  const channel = await UdpChannel.connect(t.host, t.port);
  try {
    return await exchangeAuthCapabilities(channel, t, PRIVILEGE_LEVELS[opts.privilege ?? 'ADMINISTRATOR']);
  } finally {
    channel.close();
  }
}

interface Established {
  suite: CipherSuiteSpec;
  crypto: SessionCrypto;
  consoleSessionId: number;
  bmcSessionId: number;
  auth: ChannelAuthCapabilities;
}

export class IpmiSession {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly cipherSuite: CipherSuiteId;
  /** Privilege level the session runs at. */
  readonly privilege: SessionPrivilege;
  /** The BMC's answer to Get Channel Authentication Capabilities. */
  readonly channelAuth: ChannelAuthCapabilities;
  readonly bmcSessionId: number;
  readonly consoleSessionId: number;
  readonly #channel: UdpChannel;
  readonly #crypto: SessionCrypto;
  readonly #timeoutMs: number;
  readonly #retries: number;
  #outSeq = 0;
  #rqSeq = 0;
  readonly #seenInbound: number[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(
    t: Resolved,
    username: string,
    privilege: SessionPrivilege,
    channel: UdpChannel,
    est: Established,
  ) {
    this.host = t.host;
    this.port = t.port;
    this.username = username;
    this.cipherSuite = est.suite.id;
    this.privilege = privilege;
    this.channelAuth = est.auth;
    this.bmcSessionId = est.bmcSessionId;
    this.consoleSessionId = est.consoleSessionId;
    this.#channel = channel;
    this.#crypto = est.crypto;
    this.#timeoutMs = t.timeoutMs;
    this.#retries = t.retries;
    this.#rqSeq = randomInt(0, 64);
  }

  /** Opens an authenticated, encrypted RMCP+ session at the requested privilege level. */
  static async open(opts: IpmiSessionOptions): Promise<IpmiSession> {
    const t = resolveTarget(opts);
    const suiteId = opts.cipherSuite ?? 3;
    const privilege = opts.privilege ?? 'ADMINISTRATOR';
    const bad = (what: string): IpmiError =>
      new IpmiError('invalid-argument', `invalid IPMI option: ${what}`, { host: t.host, port: t.port, stage: 'connect' });
    const suite = CIPHER_SUITES[suiteId as CipherSuiteId] as CipherSuiteSpec | undefined;
    if (!suite) throw bad(`cipher suite ${String(suiteId)} is not supported (use 3 or 17)`);
    if (!['ADMINISTRATOR', 'OPERATOR', 'USER'].includes(privilege)) throw bad(`privilege ${String(privilege)}`);
    if (typeof opts.username !== 'string') throw bad('username is required');
    const username = Buffer.from(opts.username, 'utf8');
    if (username.length > 16) throw bad('user names are at most 16 bytes');
    if (typeof opts.password !== 'string') throw bad('password is required');
    const kuid = Buffer.from(opts.password, 'utf8');
    if (kuid.length > 20) throw bad('passwords are at most 20 bytes');
    const kg = opts.kg === undefined ? undefined : Buffer.isBuffer(opts.kg) ? opts.kg : Buffer.from(opts.kg, 'utf8');
    if (kg && kg.length > 20) throw bad('the BMC key (Kg) is at most 20 bytes');

    const channel = await UdpChannel.connect(t.host, t.port);
    try {
      const est = await establish(channel, t, suite, PRIVILEGE_LEVELS[privilege], opts.username, username, kuid, kg);
      const session = new IpmiSession(t, opts.username, privilege, channel, est);
      if (PRIVILEGE_LEVELS[privilege] > PRIVILEGE_LEVELS.USER) {
        try {
          await session.#setPrivilege(PRIVILEGE_LEVELS[privilege]);
        } catch (err) {
          await session.close();
          throw err;
        }
      }
      return session;
    } catch (err) {
      channel.close();
      throw err;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  async getDeviceId(): Promise<DeviceId> {
    return parseDeviceId((await this.request(NetFn.APP, Cmd.GET_DEVICE_ID)).data);
  }

  async getChassisStatus(): Promise<ChassisStatus> {
    return parseChassisStatus((await this.request(NetFn.CHASSIS, Cmd.GET_CHASSIS_STATUS)).data);
  }

  async getPowerState(): Promise<'on' | 'off'> {
    return (await this.getChassisStatus()).power;
  }

  /** Chassis Control: power off/on, power cycle, hard reset, diagnostic interrupt, soft (ACPI) shutdown. */
  async chassisControl(action: ChassisControlAction): Promise<void> {
    const code = CHASSIS_CONTROL_CODES[action];
    if (code === undefined) {
      throw new IpmiError('invalid-argument', `unknown chassis control action ${String(action)}`, this.#details('command'));
    }
    await this.request(NetFn.CHASSIS, Cmd.CHASSIS_CONTROL, Buffer.from([code]));
  }

  /**
   * Chassis Identify: light the identify LED for `seconds` (default BMC interval, 0 turns it off),
   * or indefinitely with `force`.
   */
  async chassisIdentify(opts: { seconds?: number; force?: boolean } = {}): Promise<void> {
    const data: number[] = [];
    if (opts.seconds !== undefined || opts.force !== undefined) {
      const seconds = opts.seconds ?? 15;
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > 255) {
        throw new IpmiError('invalid-argument', `identify interval ${seconds} is not 0..255 seconds`, this.#details('command'));
      }
      data.push(seconds);
      if (opts.force !== undefined) data.push(opts.force ? 1 : 0);
    }
    await this.request(NetFn.CHASSIS, Cmd.CHASSIS_IDENTIFY, Buffer.from(data));
  }

  async getSelfTestResults(): Promise<SelfTestResults> {
    return parseSelfTestResults((await this.request(NetFn.APP, Cmd.GET_SELF_TEST_RESULTS)).data);
  }

  async getSelInfo(): Promise<SelInfo> {
    return parseSelInfo((await this.request(NetFn.STORAGE, Cmd.GET_SEL_INFO)).data);
  }

  /**
   * Sends any command inside the session. Resolves with the response when the completion code
   * is 0; otherwise rejects with code 'completion-code' ('privilege' for insufficient privilege).
   */
  request(netFn: number, cmd: number, data: Buffer = Buffer.alloc(0)): Promise<IpmiResponse> {
    if (this.#closed) {
      return Promise.reject(
        new IpmiError('closed', `IPMI session to ${target(this.host, this.port)} is closed`, this.#details('command')),
      );
    }
    const run = (): Promise<IpmiResponse> => this.#exchange(netFn, cmd, data, 'command');
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Closes the session on the BMC (best effort, bounded by one timeout) and the socket. Never throws. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const id = Buffer.alloc(4);
    id.writeUInt32LE(this.bmcSessionId >>> 0, 0);
    try {
      await this.#queue;
      await this.#exchange(NetFn.APP, Cmd.CLOSE_SESSION, id, 'close-session', 0);
    } catch {
      // The BMC drops idle sessions by itself; nothing more to do.
    } finally {
      this.#channel.close();
    }
  }

  async #setPrivilege(level: number): Promise<void> {
    let rsp: IpmiResponse;
    try {
      rsp = await this.#exchange(NetFn.APP, Cmd.SET_SESSION_PRIVILEGE_LEVEL, Buffer.from([level]), 'set-session-privilege');
    } catch (err) {
      if (err instanceof IpmiError && err.code === 'completion-code') {
        throw new IpmiError(
          'privilege',
          `${target(this.host, this.port)} refused privilege ${privilegeName(level)} for user "${this.username}": ` +
            completionCodeText(err.completionCode ?? 0xff, NetFn.APP, Cmd.SET_SESSION_PRIVILEGE_LEVEL),
          { ...this.#details('set-session-privilege'), completionCode: err.completionCode },
        );
      }
      throw err;
    }
    const granted = (rsp.data[0] ?? 0) & 0x0f;
    if (granted < level) {
      throw new IpmiError(
        'privilege',
        `${target(this.host, this.port)} granted privilege ${privilegeName(granted)} instead of ${privilegeName(level)} for user "${this.username}"`,
        this.#details('set-session-privilege'),
      );
    }
  }

  #details(stage: IpmiStage): { host: string; port: number; stage: IpmiStage } {
    return { host: this.host, port: this.port, stage };
  }

  #nextOutSeq(): number {
    this.#outSeq = this.#outSeq >= 0xffffffff ? 1 : this.#outSeq + 1;
    return this.#outSeq;
  }

  /** Remembers authentic inbound sequence numbers; false for a replayed one. */
  #acceptInboundSeq(seq: number): boolean {
    if (seq === 0 || this.#seenInbound.includes(seq)) return false;
    this.#seenInbound.push(seq);
    if (this.#seenInbound.length > 64) this.#seenInbound.shift();
    return true;
  }

  #exchange(
    netFn: number,
    cmd: number,
    data: Buffer,
    stage: IpmiStage,
    retries = this.#retries,
  ): Promise<IpmiResponse> {
    const what = commandName(netFn, cmd);
    this.#rqSeq = (this.#rqSeq + 1) & 0x3f;
    const rqSeq = this.#rqSeq;
    const message = buildIpmiRequest({ netFn, cmd, rqSeq, data });
    const crypto = this.#crypto;
    const integrityLength = crypto.suite.integrityLength;
    return this.#channel.exchange<IpmiResponse>({
      what,
      stage,
      timeoutMs: this.#timeoutMs,
      retries,
      build: () =>
        buildRmcpPlusPacket(
          {
            payloadType: PayloadType.IPMI,
            sessionId: this.bmcSessionId,
            sessionSeq: this.#nextOutSeq(),
            encrypted: true,
            authenticated: true,
            payload: crypto.encrypt(message),
          },
          (covered) => crypto.authCode(covered),
        ),
      match: (packet) => {
        const p = parsePacket(packet, integrityLength);
        if (p.format !== 'rmcp+') return rejectReason('IPMI v1.5 packet inside an RMCP+ session');
        if (p.sessionId !== this.consoleSessionId) {
          return rejectReason(`packet for another session ID ${sessionIdText(p.sessionId)}`);
        }
        if (!p.authenticated || !p.covered || !p.authCode) return rejectReason('unauthenticated packet in an authenticated session');
        if (!crypto.verify(p.covered, p.authCode)) return rejectReason('integrity check value (AuthCode) mismatch');
        if (!this.#acceptInboundSeq(p.sessionSeq)) {
          return rejectReason(`replayed or zero session sequence number ${p.sessionSeq}`);
        }
        if (p.payloadType !== PayloadType.IPMI) return { kind: 'ignore' };
        if (!p.encrypted) return rejectReason('unencrypted payload in an encrypted session');
        const rsp = parseIpmiResponse(crypto.decrypt(p.payload));
        if (rsp.netFn !== netFn + 1 || rsp.cmd !== cmd || rsp.rqSeq !== rqSeq) return { kind: 'ignore' };
        if (rsp.completionCode !== 0) {
          const insufficient = rsp.completionCode === 0xd4;
          return {
            kind: 'fail',
            error: new IpmiError(
              insufficient ? 'privilege' : 'completion-code',
              `${what} on ${target(this.host, this.port)} failed: ${completionCodeText(rsp.completionCode, netFn, cmd)}` +
                (insufficient ? ` (session privilege ${this.privilege})` : ''),
              { ...this.#details(stage), command: what, completionCode: rsp.completionCode },
            ),
          };
        }
        return { kind: 'accept', value: rsp };
      },
    });
  }
}

/** Runs the RMCP+ handshake up to an established session (before Set Session Privilege Level). */
async function establish(
  channel: UdpChannel,
  t: Resolved,
  suite: CipherSuiteSpec,
  privilege: number,
  usernameText: string,
  username: Buffer,
  kuid: Buffer,
  kg: Buffer | undefined,
): Promise<Established> {
  const where = target(t.host, t.port);
  const base = { host: t.host, port: t.port };
  const auth = await exchangeAuthCapabilities(channel, t, privilege);
  if (!auth.ipmi20) {
    throw new IpmiError('unsupported', `${where} does not offer IPMI v2.0 / RMCP+ sessions`, {
      ...base,
      stage: 'get-channel-auth-capabilities',
    });
  }

  // Open Session
  const consoleSessionId = randomInt(1, 0xffffffff);
  const tag = randomInt(0, 256);
  const openRequest = buildRmcpPlusPacket({
    payloadType: PayloadType.OPEN_SESSION_REQUEST,
    sessionId: 0,
    sessionSeq: 0,
    encrypted: false,
    authenticated: false,
    payload: buildOpenSessionRequest({ tag, privilege, consoleSessionId, suite }),
  });
  const statusError = (stage: IpmiStage, step: string, status: number): IpmiError => {
    const code = classifyRakpStatus(status, stage);
    let hint = '';
    if (code === 'auth') hint = ` (user "${usernameText}")`;
    else if (code === 'privilege') hint = ` (requested ${privilegeName(privilege)} for user "${usernameText}")`;
    else if (code === 'unsupported-cipher') hint = ` (cipher suite ${suite.id}: ${suite.description})`;
    return new IpmiError(code, `${step} from ${where}: ${rakpStatusText(status)}${hint}`, { ...base, stage, rakpStatus: status });
  };

  const opened = await channel.exchange({
    what: 'RMCP+ Open Session Request',
    stage: 'open-session',
    timeoutMs: t.timeoutMs,
    retries: t.retries,
    build: () => openRequest,
    match: (packet) => {
      const p = parsePacket(packet);
      if (p.format !== 'rmcp+' || p.payloadType !== PayloadType.OPEN_SESSION_RESPONSE) {
        return rejectReason('expected an RMCP+ Open Session Response');
      }
      const r = parseOpenSessionResponse(p.payload);
      if (r.consoleSessionId !== undefined && r.consoleSessionId !== consoleSessionId) {
        return rejectReason(`Open Session Response for another session ID ${sessionIdText(r.consoleSessionId)}`);
      }
      if (r.tag !== tag) return rejectReason(`Open Session Response with message tag ${r.tag}, expected ${tag}`);
      if (r.status !== 0) return { kind: 'fail', error: statusError('open-session', 'Open Session Response', r.status) };
      if (r.authAlg !== suite.authAlg || r.integAlg !== suite.integAlg || r.confAlg !== suite.confAlg) {
        return {
          kind: 'fail',
          error: new IpmiError(
            'unsupported-cipher',
            `${where} answered cipher suite ${suite.id} with other algorithms ` +
              `(authentication ${r.authAlg}, integrity ${r.integAlg}, confidentiality ${r.confAlg})`,
            { ...base, stage: 'open-session' },
          ),
        };
      }
      if (!r.bmcSessionId) return rejectReason('Open Session Response with managed system session ID 0');
      return { kind: 'accept', value: r as Required<typeof r> };
    },
  });

  // RAKP 1 / 2
  const consoleRandom = randomBytes(16);
  const role = privilege | NAME_ONLY_LOOKUP;
  const rakp1 = buildRmcpPlusPacket({
    payloadType: PayloadType.RAKP1,
    sessionId: 0,
    sessionSeq: 0,
    encrypted: false,
    authenticated: false,
    payload: buildRakp1({ tag, bmcSessionId: opened.bmcSessionId, consoleRandom, role, username }),
  });
  const rakp2 = await channel.exchange({
    what: 'RAKP message 1',
    stage: 'rakp-1-2',
    timeoutMs: t.timeoutMs,
    retries: t.retries,
    build: () => rakp1,
    match: (packet) => {
      const p = parsePacket(packet);
      if (p.format !== 'rmcp+' || p.payloadType !== PayloadType.RAKP2) return rejectReason('expected RAKP message 2');
      const r = parseRakp2(p.payload, suite.keyExchangeCodeLength);
      if (r.consoleSessionId !== undefined && r.consoleSessionId !== consoleSessionId) {
        return rejectReason(`RAKP message 2 for another session ID ${sessionIdText(r.consoleSessionId)}`);
      }
      if (r.tag !== tag) return rejectReason(`RAKP message 2 with message tag ${r.tag}, expected ${tag}`);
      if (r.status !== 0) return { kind: 'fail', error: statusError('rakp-1-2', 'RAKP message 2', r.status) };
      return { kind: 'accept', value: r as Required<typeof r> };
    },
  });

  const ctx: RakpContext = {
    suite,
    consoleSessionId,
    bmcSessionId: opened.bmcSessionId,
    consoleRandom,
    bmcRandom: rakp2.bmcRandom,
    bmcGuid: rakp2.bmcGuid,
    role,
    username,
  };
  if (!constantTimeEqual(rakp2AuthCode(kuid, ctx), rakp2.authCode)) {
    // Tell the BMC to drop the half-open session, as the specification asks.
    channel.sendOnly(
      buildRmcpPlusPacket({
        payloadType: PayloadType.RAKP3,
        sessionId: 0,
        sessionSeq: 0,
        encrypted: false,
        authenticated: false,
        payload: buildRakp3({ tag, status: 0x0f, bmcSessionId: opened.bmcSessionId, authCode: Buffer.alloc(0) }),
      }),
    );
    throw new IpmiError(
      'auth',
      `RAKP message 2 from ${where}: ${rakpStatusText(0x0f)}: the BMC's key exchange code does not match ` +
        `the password given for user "${usernameText}" (wrong password)`,
      { ...base, stage: 'rakp-1-2', rakpStatus: 0x0f },
    );
  }

  // RAKP 3 / 4
  const sik = sessionIntegrityKey(kg ?? kuid, ctx);
  const rakp3 = buildRmcpPlusPacket({
    payloadType: PayloadType.RAKP3,
    sessionId: 0,
    sessionSeq: 0,
    encrypted: false,
    authenticated: false,
    payload: buildRakp3({ tag, status: 0, bmcSessionId: opened.bmcSessionId, authCode: rakp3AuthCode(kuid, ctx) }),
  });
  const rakp4 = await channel.exchange({
    what: 'RAKP message 3',
    stage: 'rakp-3-4',
    timeoutMs: t.timeoutMs,
    retries: t.retries,
    build: () => rakp3,
    match: (packet) => {
      const p = parsePacket(packet);
      if (p.format !== 'rmcp+' || p.payloadType !== PayloadType.RAKP4) return rejectReason('expected RAKP message 4');
      const r = parseRakp4(p.payload, suite.rakp4IcvLength);
      if (r.consoleSessionId !== undefined && r.consoleSessionId !== consoleSessionId) {
        return rejectReason(`RAKP message 4 for another session ID ${sessionIdText(r.consoleSessionId)}`);
      }
      if (r.tag !== tag) return rejectReason(`RAKP message 4 with message tag ${r.tag}, expected ${tag}`);
      if (r.status !== 0) return { kind: 'fail', error: statusError('rakp-3-4', 'RAKP message 4', r.status) };
      return { kind: 'accept', value: r as Required<typeof r> };
    },
  });
  if (!constantTimeEqual(rakp4Icv(sik, ctx), rakp4.icv)) {
    throw new IpmiError(
      'auth',
      `RAKP message 4 from ${where}: ${rakpStatusText(0x0f)}: the session integrity key does not match` +
        (kg ? ' (wrong BMC key Kg?)' : ' (the BMC may require a BMC key Kg)'),
      { ...base, stage: 'rakp-3-4', rakpStatus: 0x0f },
    );
  }

  return {
    suite,
    crypto: new SessionCrypto(suite, sik),
    consoleSessionId,
    bmcSessionId: opened.bmcSessionId,
    auth,
  };
}

/** Opens a session, runs `fn` with it and always closes it. */
export async function withIpmi<T>(opts: IpmiSessionOptions, fn: (session: IpmiSession) => Promise<T>): Promise<T> {
  const session = await IpmiSession.open(opts);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}
