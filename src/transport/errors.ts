/**
 * Typed transport errors. Every failure to reach a host names the host (as the user wrote it) and
 * the stage that failed, so `pcmk` and `pcmk-top` can say exactly which host is unreachable and why.
 */

export type TransportStage = 'connect' | 'auth' | 'hostkey' | 'exec' | 'timeout' | 'closed';

export interface TransportErrorDetails {
  /** The host as the user named it (ssh alias). */
  host: string;
  stage: TransportStage;
  /** Human detail, without the host prefix. */
  detail: string;
  /** "user@hostname:port" actually contacted, when known. */
  target?: string;
  /** System error code (ECONNREFUSED, ENOTFOUND...) when there is one. */
  code?: string;
  cause?: unknown;
}

/** Pure message builder; its exact text is asserted by tests. */
export function transportErrorMessage(d: Pick<TransportErrorDetails, 'host' | 'stage' | 'detail' | 'target'>): string {
  const via = d.target && d.target !== d.host ? ` (${d.target})` : '';
  return `ssh ${d.host}${via}: ${d.detail}`;
}

export class TransportError extends Error {
  readonly host: string;
  readonly stage: TransportStage;
  readonly detail: string;
  readonly target: string | undefined;
  readonly code: string | undefined;

  constructor(d: TransportErrorDetails) {
    super(transportErrorMessage(d), d.cause !== undefined ? { cause: d.cause } : undefined);
    this.name = 'TransportError';
    this.host = d.host;
    this.stage = d.stage;
    this.detail = d.detail;
    this.target = d.target;
    this.code = d.code;
  }
}

export type HostKeyStatus = 'unknown' | 'changed' | 'revoked';

export interface HostKeyErrorDetails {
  host: string;
  /** The name looked up in known_hosts: "hostname" or "[hostname]:port". */
  lookupName: string;
  target?: string;
  status: HostKeyStatus;
  keyType: string;
  /** "SHA256:..." of the key the server offered. */
  fingerprint: string;
  /** The known_hosts file of the conflicting / revoking entry, or the files searched for 'unknown'. */
  file: string | null;
  line: number | null;
  searched: string[];
}

/** Pure message builder for host key failures. */
export function hostKeyErrorDetail(d: HostKeyErrorDetails): string {
  switch (d.status) {
    case 'unknown': {
      const files = d.searched.length ? d.searched.join(', ') : '(no known_hosts files)';
      return (
        `host key verification failed: the ${d.keyType} key ${d.fingerprint} of ${d.lookupName} is not in ${files}; ` +
        `check the fingerprint out of band, then add it (e.g. ssh-keyscan, or connect once with ssh)`
      );
    }
    case 'changed':
      return (
        `host key verification failed: the ${d.keyType} key of ${d.lookupName} has CHANGED; the server offers ${d.fingerprint} ` +
        `but ${d.file}:${d.line} holds a different key (this could be an attack; if the change is expected, ` +
        `remove the old entry with: ssh-keygen -R '${d.lookupName}' -f ${d.file})`
      );
    case 'revoked':
      return `host key verification failed: the ${d.keyType} key ${d.fingerprint} of ${d.lookupName} is marked @revoked in ${d.file}:${d.line}`;
  }
}

export class HostKeyError extends TransportError {
  readonly status: HostKeyStatus;
  readonly fingerprint: string;
  readonly keyType: string;
  readonly lookupName: string;
  readonly file: string | null;
  readonly line: number | null;
  readonly searched: string[];

  constructor(d: HostKeyErrorDetails) {
    super({ host: d.host, stage: 'hostkey', detail: hostKeyErrorDetail(d), target: d.target });
    this.name = 'HostKeyError';
    this.status = d.status;
    this.fingerprint = d.fingerprint;
    this.keyType = d.keyType;
    this.lookupName = d.lookupName;
    this.file = d.file;
    this.line = d.line;
    this.searched = d.searched;
  }
}
