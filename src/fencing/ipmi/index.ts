/** IPMI v2.0 RMCP+ (lanplus) client on node:dgram and node:crypto. */
export {
  IpmiSession,
  withIpmi,
  getChannelAuthCapabilities,
  type IpmiSessionOptions,
  type IpmiTargetOptions,
  type SessionPrivilege,
} from './session.js';
export { IpmiError, type IpmiErrorCode, type IpmiErrorDetails, type IpmiStage } from './errors.js';
export type {
  ChannelAuthCapabilities,
  ChassisStatus,
  DeviceId,
  DeviceSupport,
  IdentifyState,
  PowerEventCause,
  PowerRestorePolicy,
  SelfTestResults,
  SelfTestVerdict,
  SelInfo,
} from './responses.js';
export type { IpmiResponse } from './codec.js';
export {
  CIPHER_SUITES,
  NetFn,
  Cmd,
  completionCodeName,
  rakpStatusName,
  type ChassisControlAction,
  type CipherSuiteId,
} from './constants.js';
