/**
 * IPMI v2.0 protocol constants and name tables (pure data, no IO).
 * Numbers follow the IPMI v2.0 rev 1.1 specification.
 */

export const IPMI_PORT = 623;

/** RMCP header for IPMI class messages: version 6, reserved, seq 0xff (no ACK), class 7 (IPMI). */
export const RMCP_HEADER = Buffer.from([0x06, 0x00, 0xff, 0x07]);

export const AUTH_TYPE_NONE = 0x00;
export const AUTH_TYPE_RMCP_PLUS = 0x06;

/** Addresses used on a LAN session: BMC responder and remote console software ID. */
export const BMC_SLAVE_ADDR = 0x20;
export const REMOTE_SWID = 0x81;

export const PayloadType = {
  IPMI: 0x00,
  OPEN_SESSION_REQUEST: 0x10,
  OPEN_SESSION_RESPONSE: 0x11,
  RAKP1: 0x12,
  RAKP2: 0x13,
  RAKP3: 0x14,
  RAKP4: 0x15,
} as const;

export const NetFn = {
  CHASSIS: 0x00,
  APP: 0x06,
  STORAGE: 0x0a,
} as const;

export const Cmd = {
  // App
  GET_DEVICE_ID: 0x01,
  GET_SELF_TEST_RESULTS: 0x04,
  GET_CHANNEL_AUTH_CAPABILITIES: 0x38,
  SET_SESSION_PRIVILEGE_LEVEL: 0x3b,
  CLOSE_SESSION: 0x3c,
  // Chassis
  GET_CHASSIS_STATUS: 0x01,
  CHASSIS_CONTROL: 0x02,
  CHASSIS_IDENTIFY: 0x04,
  // Storage
  GET_SEL_INFO: 0x40,
} as const;

/** Human names of the commands this client sends, keyed by `netFn:cmd`. */
export const COMMAND_NAMES: Readonly<Record<string, string>> = {
  [`${NetFn.APP}:${Cmd.GET_DEVICE_ID}`]: 'Get Device ID',
  [`${NetFn.APP}:${Cmd.GET_SELF_TEST_RESULTS}`]: 'Get Self Test Results',
  [`${NetFn.APP}:${Cmd.GET_CHANNEL_AUTH_CAPABILITIES}`]: 'Get Channel Authentication Capabilities',
  [`${NetFn.APP}:${Cmd.SET_SESSION_PRIVILEGE_LEVEL}`]: 'Set Session Privilege Level',
  [`${NetFn.APP}:${Cmd.CLOSE_SESSION}`]: 'Close Session',
  [`${NetFn.CHASSIS}:${Cmd.GET_CHASSIS_STATUS}`]: 'Get Chassis Status',
  [`${NetFn.CHASSIS}:${Cmd.CHASSIS_CONTROL}`]: 'Chassis Control',
  [`${NetFn.CHASSIS}:${Cmd.CHASSIS_IDENTIFY}`]: 'Chassis Identify',
  [`${NetFn.STORAGE}:${Cmd.GET_SEL_INFO}`]: 'Get SEL Info',
};

export function commandName(netFn: number, cmd: number): string {
  return COMMAND_NAMES[`${netFn}:${cmd}`] ?? `command netFn 0x${hex2(netFn)} cmd 0x${hex2(cmd)}`;
}

export type PrivilegeName = 'CALLBACK' | 'USER' | 'OPERATOR' | 'ADMINISTRATOR' | 'OEM';

export const PRIVILEGE_LEVELS: Readonly<Record<PrivilegeName, number>> = {
  CALLBACK: 1,
  USER: 2,
  OPERATOR: 3,
  ADMINISTRATOR: 4,
  OEM: 5,
};

export function privilegeName(level: number): PrivilegeName | `level ${number}` {
  const hit = (Object.keys(PRIVILEGE_LEVELS) as PrivilegeName[]).find((k) => PRIVILEGE_LEVELS[k] === level);
  return hit ?? `level ${level}`;
}

/** RMCP+ and RAKP message status codes (IPMI v2.0 table 13-15). */
export const RAKP_STATUS_NAMES: Readonly<Record<number, string>> = {
  0x00: 'no errors',
  0x01: 'insufficient resources to create a session',
  0x02: 'invalid session ID',
  0x03: 'invalid payload type',
  0x04: 'invalid authentication algorithm',
  0x05: 'invalid integrity algorithm',
  0x06: 'no matching authentication payload',
  0x07: 'no matching integrity payload',
  0x08: 'inactive session ID',
  0x09: 'invalid role',
  0x0a: 'unauthorized role or privilege level requested',
  0x0b: 'insufficient resources to create a session at the requested role',
  0x0c: 'invalid name length',
  0x0d: 'unauthorized name',
  0x0e: 'unauthorized GUID',
  0x0f: 'invalid integrity check value',
  0x10: 'invalid confidentiality algorithm',
  0x11: 'no cipher suite match with proposed security algorithms',
  0x12: 'illegal or unrecognized parameter',
};

export function rakpStatusName(status: number): string {
  return RAKP_STATUS_NAMES[status] ?? `unknown status 0x${hex2(status)}`;
}

/** Generic IPMI completion codes (IPMI v2.0 table 5-2). */
export const COMPLETION_CODE_NAMES: Readonly<Record<number, string>> = {
  0x00: 'command completed normally',
  0xc0: 'node busy',
  0xc1: 'invalid command',
  0xc2: 'command invalid for given LUN',
  0xc3: 'timeout while processing command',
  0xc4: 'out of space',
  0xc5: 'reservation canceled or invalid reservation ID',
  0xc6: 'request data truncated',
  0xc7: 'request data length invalid',
  0xc8: 'request data field length limit exceeded',
  0xc9: 'parameter out of range',
  0xca: 'cannot return number of requested data bytes',
  0xcb: 'requested sensor, data, or record not present',
  0xcc: 'invalid data field in request',
  0xcd: 'command illegal for specified sensor or record type',
  0xce: 'command response could not be provided',
  0xcf: 'cannot execute duplicated request',
  0xd0: 'SDR repository in update mode',
  0xd1: 'device in firmware update mode',
  0xd2: 'BMC initialization or initialization agent in progress',
  0xd3: 'destination unavailable',
  0xd4: 'insufficient privilege level',
  0xd5: 'command not supported in present state',
  0xd6: 'command sub-function disabled or unavailable',
  0xff: 'unspecified error',
};

/** Command-specific completion codes for the commands we send. */
const COMMAND_COMPLETION_CODE_NAMES: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  [`${NetFn.APP}:${Cmd.SET_SESSION_PRIVILEGE_LEVEL}`]: {
    0x80: 'requested level not available for this user',
    0x81: 'requested level exceeds channel and/or user privilege limit',
    0x82: 'cannot disable user level authentication',
  },
  [`${NetFn.APP}:${Cmd.CLOSE_SESSION}`]: {
    0x87: 'invalid session ID in request',
    0x88: 'invalid session handle in request',
  },
};

export function completionCodeName(code: number, netFn?: number, cmd?: number): string {
  const specific = netFn === undefined || cmd === undefined ? undefined : COMMAND_COMPLETION_CODE_NAMES[`${netFn}:${cmd}`];
  return specific?.[code] ?? COMPLETION_CODE_NAMES[code] ?? `unknown completion code 0x${hex2(code)}`;
}

/** Algorithm numbers used in the RMCP+ Open Session payloads. */
export const AuthAlg = { RAKP_NONE: 0x00, RAKP_HMAC_SHA1: 0x01, RAKP_HMAC_MD5: 0x02, RAKP_HMAC_SHA256: 0x03 } as const;
export const IntegAlg = { NONE: 0x00, HMAC_SHA1_96: 0x01, HMAC_MD5_128: 0x02, MD5_128: 0x03, HMAC_SHA256_128: 0x04 } as const;
export const ConfAlg = { NONE: 0x00, AES_CBC_128: 0x01 } as const;

export type CipherSuiteId = 3 | 17;

export interface CipherSuiteSpec {
  readonly id: CipherSuiteId;
  readonly authAlg: number;
  readonly integAlg: number;
  readonly confAlg: number;
  /** Hash used for RAKP key exchange, SIK, K1, K2 and integrity. */
  readonly hash: 'sha1' | 'sha256';
  /** Length of the RAKP 2/3 key exchange auth codes (full HMAC length). */
  readonly keyExchangeCodeLength: number;
  /** Length of the RAKP 4 integrity check value. */
  readonly rakp4IcvLength: number;
  /** Length of the per-message AuthCode (truncated HMAC). */
  readonly integrityLength: number;
  readonly description: string;
}

export const CIPHER_SUITES: Readonly<Record<CipherSuiteId, CipherSuiteSpec>> = {
  3: {
    id: 3,
    authAlg: AuthAlg.RAKP_HMAC_SHA1,
    integAlg: IntegAlg.HMAC_SHA1_96,
    confAlg: ConfAlg.AES_CBC_128,
    hash: 'sha1',
    keyExchangeCodeLength: 20,
    rakp4IcvLength: 12,
    integrityLength: 12,
    description: 'RAKP-HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128',
  },
  17: {
    id: 17,
    authAlg: AuthAlg.RAKP_HMAC_SHA256,
    integAlg: IntegAlg.HMAC_SHA256_128,
    confAlg: ConfAlg.AES_CBC_128,
    hash: 'sha256',
    keyExchangeCodeLength: 32,
    rakp4IcvLength: 16,
    integrityLength: 16,
    description: 'RAKP-HMAC-SHA256, HMAC-SHA256-128, AES-CBC-128',
  },
};

export type ChassisControlAction = 'off' | 'on' | 'cycle' | 'reset' | 'diag' | 'soft';

/** Chassis Control request data byte per action. */
export const CHASSIS_CONTROL_CODES: Readonly<Record<ChassisControlAction, number>> = {
  off: 0x00,
  on: 0x01,
  cycle: 0x02,
  reset: 0x03,
  diag: 0x04,
  soft: 0x05,
};

export function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
