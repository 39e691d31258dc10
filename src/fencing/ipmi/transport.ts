/**
 * One connected UDP socket per BMC and a request/answer exchange with per-attempt timeout and
 * retries. Datagrams that do not belong to the pending exchange are counted and dropped; the
 * exchange ends with the first accepted answer, a definite failure, or after the last attempt.
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { MalformedPacketError } from './codec.js';
import { IpmiError, type IpmiStage, target } from './errors.js';

export type MatchResult<T> =
  /** The answer we waited for. */
  | { kind: 'accept'; value: T }
  /** A well-formed packet that is not ours to handle (late duplicate, other request). */
  | { kind: 'ignore' }
  /** A packet we refuse: truncated, bad checksum or integrity code, another session's ID. */
  | { kind: 'reject'; reason: string }
  /** A valid answer that means the exchange failed (status or completion code). */
  | { kind: 'fail'; error: IpmiError };

export interface Exchange<T> {
  /** What is being asked, for messages ("Get Chassis Status", "RAKP message 1"). */
  what: string;
  stage: IpmiStage;
  /** Datagram for the given attempt (0-based); called again for every retransmission. */
  build(attempt: number): Buffer;
  /** Classifies a received datagram; anything it throws counts as a rejected packet. */
  match(packet: Buffer): MatchResult<T>;
  timeoutMs: number;
  retries: number;
}

interface Pending {
  onPacket(packet: Buffer): void;
  onSocketError(err: NodeJS.ErrnoException): void;
  onClosed(): void;
}

const UNREACHABLE_REASONS: Record<string, string> = {
  ECONNREFUSED: 'port unreachable: nothing listens on that UDP port',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EADDRNOTAVAIL: 'address not available',
};

export function unreachableError(host: string, port: number, err: NodeJS.ErrnoException, stage: IpmiStage): IpmiError {
  const reason = (err.code && UNREACHABLE_REASONS[err.code]) ?? err.code ?? 'socket error';
  return new IpmiError('unreachable', `cannot reach the IPMI service at ${target(host, port)}: ${reason}`, {
    host,
    port,
    stage,
  });
}

export class UdpChannel {
  readonly host: string;
  readonly port: number;
  readonly #socket: dgram.Socket;
  #pending: Pending | undefined;
  #closed = false;

  private constructor(host: string, port: number, socket: dgram.Socket) {
    this.host = host;
    this.port = port;
    this.#socket = socket;
    socket.on('message', (msg) => this.#pending?.onPacket(msg));
    socket.on('error', (err: NodeJS.ErrnoException) => this.#pending?.onSocketError(err));
  }

  static async connect(host: string, port: number): Promise<UdpChannel> {
    const socket = dgram.createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        socket.close();
        reject(unreachableError(host, port, err, 'connect'));
      };
      socket.once('error', onError);
      socket.connect(port, host, () => {
        socket.off('error', onError);
        resolve(new UdpChannel(host, port, socket));
      });
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends without waiting for an answer (best effort). */
  sendOnly(packet: Buffer): void {
    if (this.#closed) return;
    this.#socket.send(packet, () => undefined);
  }

  exchange<T>(ex: Exchange<T>): Promise<T> {
    if (this.#closed) {
      return Promise.reject(
        new IpmiError('closed', `IPMI session to ${target(this.host, this.port)} is closed`, {
          host: this.host,
          port: this.port,
          stage: ex.stage,
        }),
      );
    }
    if (this.#pending) return Promise.reject(new Error('UdpChannel.exchange: another exchange is pending'));
    const { host, port } = this;
    return new Promise<T>((resolve, reject) => {
      let attempt = 0;
      let rejected = 0;
      let lastReason = '';
      let timer: NodeJS.Timeout | undefined;
      let done = false;

      const finish = (err: IpmiError | undefined, value?: T): void => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        this.#pending = undefined;
        if (err) reject(err);
        else resolve(value as T);
      };

      const send = (): void => {
        let packet: Buffer;
        try {
          packet = ex.build(attempt);
        } catch (err) {
          finish(new IpmiError('invalid-argument', `cannot build ${ex.what}: ${(err as Error).message}`, { host, port, stage: ex.stage }));
          return;
        }
        this.#socket.send(packet, (err) => {
          if (err) finish(unreachableError(host, port, err as NodeJS.ErrnoException, ex.stage));
        });
        timer = setTimeout(onTimeout, ex.timeoutMs);
      };

      const onTimeout = (): void => {
        attempt += 1;
        if (attempt <= ex.retries) {
          send();
          return;
        }
        const attempts = `${attempt} attempt${attempt === 1 ? '' : 's'} of ${ex.timeoutMs} ms`;
        if (rejected > 0) {
          finish(
            new IpmiError(
              'malformed',
              `no valid answer from ${target(host, port)} to ${ex.what} after ${attempts}: ` +
                `rejected ${rejected} packet${rejected === 1 ? '' : 's'}, last: ${lastReason}`,
              { host, port, stage: ex.stage, rejectedPackets: rejected },
            ),
          );
        } else {
          finish(new IpmiError('timeout', `no answer from ${target(host, port)} to ${ex.what} after ${attempts}`, { host, port, stage: ex.stage }));
        }
      };

      this.#pending = {
        onPacket: (packet) => {
          let result: MatchResult<T>;
          try {
            result = ex.match(packet);
          } catch (err) {
            // Whatever a hostile or broken peer sends must not escape the socket handler.
            const reason = err instanceof MalformedPacketError ? err.message : `undecodable packet (${(err as Error).message})`;
            result = { kind: 'reject', reason };
          }
          switch (result.kind) {
            case 'accept':
              finish(undefined, result.value);
              break;
            case 'fail':
              finish(result.error);
              break;
            case 'reject':
              rejected += 1;
              lastReason = result.reason;
              break;
            case 'ignore':
              break;
          }
        },
        onSocketError: (err) => finish(unreachableError(host, port, err, ex.stage)),
        onClosed: () =>
          finish(new IpmiError('closed', `IPMI session to ${target(host, port)} was closed during ${ex.what}`, { host, port, stage: ex.stage })),
      };
      send();
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending?.onClosed();
    this.#socket.close();
  }
}
