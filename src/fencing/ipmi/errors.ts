import { completionCodeName, hex2, rakpStatusName } from './constants.js';

/**
 * Failure classes of the IPMI client:
 * - timeout: no answer within timeoutMs on any of the 1 + retries attempts
 * - unreachable: the address cannot be resolved or the host reported the port closed (ICMP)
 * - malformed: the peer answered, but only with packets we had to reject (truncated, bad
 *   checksum, bad integrity code, another session's ID, ...)
 * - auth: wrong user name or password (RAKP status named), or a key check failed
 * - privilege: the requested privilege level is not granted, or a command needs more
 * - unsupported-cipher: the BMC rejects the cipher suite's algorithms
 * - unsupported: the BMC does not speak IPMI v2.0 / RMCP+
 * - session: the BMC refused or lost the session (resources, invalid or inactive session ID)
 * - completion-code: a command answered with a non-zero completion code (named)
 * - closed: the session was already closed
 * - invalid-argument: the caller passed an option the protocol cannot carry
 */
export type IpmiErrorCode =
  | 'timeout'
  | 'unreachable'
  | 'malformed'
  | 'auth'
  | 'privilege'
  | 'unsupported-cipher'
  | 'unsupported'
  | 'session'
  | 'completion-code'
  | 'closed'
  | 'invalid-argument';

/** Protocol step in which an error happened. */
export type IpmiStage =
  | 'connect'
  | 'get-channel-auth-capabilities'
  | 'open-session'
  | 'rakp-1-2'
  | 'rakp-3-4'
  | 'set-session-privilege'
  | 'command'
  | 'close-session';

export interface IpmiErrorDetails {
  host?: string;
  port?: number;
  stage?: IpmiStage;
  /** Command name for stage 'command' (e.g. "Get Chassis Status"). */
  command?: string;
  /** RMCP+/RAKP status code returned by the BMC (or the one we reported to it). */
  rakpStatus?: number;
  /** IPMI completion code returned by the BMC. */
  completionCode?: number;
  /** Number of packets received that were rejected (malformed, foreign session, bad integrity). */
  rejectedPackets?: number;
}

/**
 * The one error type of the IPMI client. Messages name the target, the step and any status or
 * completion code, and never contain passwords or key material.
 */
export class IpmiError extends Error {
  readonly code: IpmiErrorCode;
  readonly host?: string;
  readonly port?: number;
  readonly stage?: IpmiStage;
  readonly command?: string;
  readonly rakpStatus?: number;
  readonly completionCode?: number;
  readonly rejectedPackets?: number;

  constructor(code: IpmiErrorCode, message: string, details: IpmiErrorDetails = {}) {
    super(message);
    this.name = 'IpmiError';
    this.code = code;
    if (details.host !== undefined) this.host = details.host;
    if (details.port !== undefined) this.port = details.port;
    if (details.stage !== undefined) this.stage = details.stage;
    if (details.command !== undefined) this.command = details.command;
    if (details.rakpStatus !== undefined) this.rakpStatus = details.rakpStatus;
    if (details.completionCode !== undefined) this.completionCode = details.completionCode;
    if (details.rejectedPackets !== undefined) this.rejectedPackets = details.rejectedPackets;
  }
}

export function target(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Maps an RMCP+ Open Session / RAKP status code to an error class. */
export function classifyRakpStatus(status: number, stage: IpmiStage): IpmiErrorCode {
  switch (status) {
    case 0x04:
    case 0x05:
    case 0x06:
    case 0x07:
    case 0x10:
    case 0x11:
      return 'unsupported-cipher';
    case 0x09:
    case 0x0a:
    case 0x0b:
      return 'privilege';
    case 0x0c:
    case 0x0d:
    case 0x0e:
    case 0x0f:
      return 'auth';
    case 0x12:
      // In RAKP 1/2 the only parameter the BMC checks against its tables is the user name
      // (some BMCs, ipmi_sim among them, answer an unknown user with this status).
      return stage === 'rakp-1-2' ? 'auth' : 'session';
    default:
      return 'session';
  }
}

export function rakpStatusText(status: number): string {
  return `${rakpStatusName(status)} (0x${hex2(status)})`;
}

export function completionCodeText(code: number, netFn?: number, cmd?: number): string {
  return `${completionCodeName(code, netFn, cmd)} (0x${hex2(code)})`;
}
