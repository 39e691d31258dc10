/**
 * Pure decoders for the response data (the bytes after the completion code) of the commands
 * this client sends. Each throws MalformedPacketError when mandatory bytes are missing; optional
 * trailing bytes are decoded when present.
 */
import { MalformedPacketError } from './codec.js';

function need(data: Buffer, length: number, what: string): void {
  if (data.length < length) {
    throw new MalformedPacketError(`${what} response truncated: ${data.length} data bytes, need at least ${length}`);
  }
}

const bit = (byte: number, n: number): boolean => ((byte >> n) & 1) === 1;

// ---------------------------------------------------------------------------------------------

export type AuthTypeName = 'none' | 'md2' | 'md5' | 'password' | 'oem';

export interface ChannelAuthCapabilities {
  channel: number;
  /** IPMI v2.0 / RMCP+ sessions supported. */
  ipmi20: boolean;
  ipmi15: boolean;
  /** IPMI v1.5 authentication types offered. */
  authTypes: AuthTypeName[];
  /** A non-zero BMC key (Kg) is configured. */
  kgSet: boolean;
  perMessageAuth: boolean;
  userLevelAuth: boolean;
  nonNullUsernames: boolean;
  nullUsernames: boolean;
  anonymousLogin: boolean;
  oemId: number;
  oemAux: number;
}

export function parseChannelAuthCapabilities(data: Buffer): ChannelAuthCapabilities {
  need(data, 8, 'Get Channel Authentication Capabilities');
  const types: Array<[number, AuthTypeName]> = [
    [0, 'none'],
    [1, 'md2'],
    [2, 'md5'],
    [4, 'password'],
    [5, 'oem'],
  ];
  const extended = bit(data[1], 7);
  return {
    channel: data[0] & 0x0f,
    ipmi20: extended && bit(data[3], 1),
    ipmi15: !extended || bit(data[3], 0),
    authTypes: types.filter(([n]) => bit(data[1], n)).map(([, name]) => name),
    kgSet: bit(data[2], 5),
    perMessageAuth: !bit(data[2], 4),
    userLevelAuth: !bit(data[2], 3),
    nonNullUsernames: bit(data[2], 2),
    nullUsernames: bit(data[2], 1),
    anonymousLogin: bit(data[2], 0),
    oemId: data[4] | (data[5] << 8) | (data[6] << 16),
    oemAux: data[7],
  };
}

// ---------------------------------------------------------------------------------------------

export type DeviceSupport =
  | 'sensor'
  | 'sdr-repository'
  | 'sel'
  | 'fru-inventory'
  | 'ipmb-event-receiver'
  | 'ipmb-event-generator'
  | 'bridge'
  | 'chassis';

const DEVICE_SUPPORT: DeviceSupport[] = [
  'sensor',
  'sdr-repository',
  'sel',
  'fru-inventory',
  'ipmb-event-receiver',
  'ipmb-event-generator',
  'bridge',
  'chassis',
];

export interface DeviceId {
  deviceId: number;
  deviceRevision: number;
  providesDeviceSdrs: boolean;
  /** False while a firmware update (or self-initialisation) is in progress. */
  deviceAvailable: boolean;
  firmwareMajor: number;
  /** BCD minor revision as printed by ipmitool, e.g. "9.08". */
  firmwareRevision: string;
  /** e.g. "2.0" */
  ipmiVersion: string;
  additionalDeviceSupport: DeviceSupport[];
  /** IANA enterprise number of the manufacturer (20 bits). */
  manufacturerId: number;
  productId: number;
  auxFirmwareRevision?: number[];
}

export function parseDeviceId(data: Buffer): DeviceId {
  need(data, 11, 'Get Device ID');
  const firmwareMajor = data[2] & 0x7f;
  const result: DeviceId = {
    deviceId: data[0],
    deviceRevision: data[1] & 0x0f,
    providesDeviceSdrs: bit(data[1], 7),
    deviceAvailable: !bit(data[2], 7),
    firmwareMajor,
    firmwareRevision: `${firmwareMajor}.${data[3].toString(16).padStart(2, '0')}`,
    ipmiVersion: `${data[4] & 0x0f}.${data[4] >> 4}`,
    additionalDeviceSupport: DEVICE_SUPPORT.filter((_, i) => bit(data[5], i)),
    manufacturerId: (data[6] | (data[7] << 8) | (data[8] << 16)) & 0x0fffff,
    productId: data.readUInt16LE(9),
  };
  if (data.length >= 15) result.auxFirmwareRevision = [...data.subarray(11, 15)];
  return result;
}

// ---------------------------------------------------------------------------------------------

export type PowerRestorePolicy = 'always-off' | 'previous' | 'always-on' | 'unknown';
export type PowerEventCause = 'ac-failed' | 'overload' | 'interlock' | 'power-fault' | 'ipmi-command';
export type IdentifyState = 'off' | 'temporary' | 'indefinite' | 'reserved';

export interface ChassisStatus {
  power: 'on' | 'off';
  powerOverload: boolean;
  powerInterlock: boolean;
  mainPowerFault: boolean;
  powerControlFault: boolean;
  powerRestorePolicy: PowerRestorePolicy;
  /** Causes recorded for the last power event; empty when the BMC records none. */
  lastPowerEvent: PowerEventCause[];
  chassisIntrusion: boolean;
  frontPanelLockout: boolean;
  driveFault: boolean;
  coolingFault: boolean;
  /** Only when the BMC reports identify state. */
  identify?: IdentifyState;
  /** Front panel button capabilities byte, when present. */
  frontPanelButtons?: number;
}

export function parseChassisStatus(data: Buffer): ChassisStatus {
  need(data, 3, 'Get Chassis Status');
  const [power, last, misc] = data;
  const policies: PowerRestorePolicy[] = ['always-off', 'previous', 'always-on', 'unknown'];
  const causes: Array<[number, PowerEventCause]> = [
    [0, 'ac-failed'],
    [1, 'overload'],
    [2, 'interlock'],
    [3, 'power-fault'],
    [4, 'ipmi-command'],
  ];
  const status: ChassisStatus = {
    power: bit(power, 0) ? 'on' : 'off',
    powerOverload: bit(power, 1),
    powerInterlock: bit(power, 2),
    mainPowerFault: bit(power, 3),
    powerControlFault: bit(power, 4),
    powerRestorePolicy: policies[(power >> 5) & 0x03],
    lastPowerEvent: causes.filter(([n]) => bit(last, n)).map(([, c]) => c),
    chassisIntrusion: bit(misc, 0),
    frontPanelLockout: bit(misc, 1),
    driveFault: bit(misc, 2),
    coolingFault: bit(misc, 3),
  };
  if (bit(misc, 6)) {
    const states: IdentifyState[] = ['off', 'temporary', 'indefinite', 'reserved'];
    status.identify = states[(misc >> 4) & 0x03];
  }
  if (data.length >= 4) status.frontPanelButtons = data[3];
  return status;
}

// ---------------------------------------------------------------------------------------------

export type SelfTestVerdict = 'passed' | 'not-implemented' | 'corrupted-or-inaccessible' | 'fatal-hardware-error' | 'device-specific';

export interface SelfTestResults {
  verdict: SelfTestVerdict;
  /** Raw result byte (0x55 passed, 0x56 not implemented, 0x57 corrupted, 0x58 fatal, else device specific). */
  code: number;
  detail: number;
  /** For 0x57: the failing parts named. */
  failures: string[];
}

const SELF_TEST_FAILURES = [
  'controller operational firmware corrupted',
  'controller update boot block firmware corrupted',
  'internal use area of BMC FRU corrupted',
  'SDR repository empty',
  'IPMB signal lines do not respond',
  'cannot access BMC FRU device',
  'cannot access SDR repository',
  'cannot access SEL device',
];

export function parseSelfTestResults(data: Buffer): SelfTestResults {
  need(data, 2, 'Get Self Test Results');
  const [code, detail] = data;
  const verdicts: Record<number, SelfTestVerdict> = {
    0x55: 'passed',
    0x56: 'not-implemented',
    0x57: 'corrupted-or-inaccessible',
    0x58: 'fatal-hardware-error',
  };
  return {
    verdict: verdicts[code] ?? 'device-specific',
    code,
    detail,
    failures: code === 0x57 ? SELF_TEST_FAILURES.filter((_, i) => bit(detail, i)) : [],
  };
}

// ---------------------------------------------------------------------------------------------

export interface SelInfo {
  /** e.g. "1.5" */
  version: string;
  entries: number;
  freeSpaceBytes: number;
  /** Unix seconds; absent when the BMC reports "unspecified". */
  lastAddTime?: number;
  lastEraseTime?: number;
  overflow: boolean;
  supportsDelete: boolean;
  supportsPartialAdd: boolean;
  supportsReserve: boolean;
  supportsAllocationInfo: boolean;
}

export function parseSelInfo(data: Buffer): SelInfo {
  need(data, 14, 'Get SEL Info');
  const time = (v: number): number | undefined => (v === 0xffffffff || v === 0 ? undefined : v);
  const info: SelInfo = {
    version: `${data[0] & 0x0f}.${data[0] >> 4}`,
    entries: data.readUInt16LE(1),
    freeSpaceBytes: data.readUInt16LE(3),
    overflow: bit(data[13], 7),
    supportsDelete: bit(data[13], 3),
    supportsPartialAdd: bit(data[13], 2),
    supportsReserve: bit(data[13], 1),
    supportsAllocationInfo: bit(data[13], 0),
  };
  const added = time(data.readUInt32LE(5));
  const erased = time(data.readUInt32LE(9));
  if (added !== undefined) info.lastAddTime = added;
  if (erased !== undefined) info.lastEraseTime = erased;
  return info;
}
