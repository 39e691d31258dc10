/**
 * A command running on a host under PID_WRAPPER: its output, its exit, and a kill that works where
 * SSH signals do not (the wrapper's pid line is taken off stderr; the kill is a second exec).
 */
import type { ClientChannel } from 'ssh2';
import { PID_LINE } from './command.js';

/** What a process needs from its connection to be killed. */
export interface PidSignaller {
  signalPid(pid: number, signal: 'TERM' | 'KILL'): Promise<void>;
}

export interface ProcessExit {
  code: number | null;
  signal: string | null;
  /** The channel closed without an exit status (connection lost, or killed on our side). */
  noStatus: boolean;
}

/**
 * Resolves when a session channel closes, with its exit status. ssh2 hands the status to 'close'
 * (which waits until the output has been read); its 'exit' event can fire before anyone listens,
 * when a quick command's status arrives in the same read as the answer that opened the channel.
 */
export function channelExit(ch: ClientChannel): Promise<ProcessExit> {
  return new Promise((resolve) => {
    ch.once('close', (code?: number | null, signal?: string) => {
      if (typeof code === 'number') resolve({ code, signal: null, noStatus: false });
      else if (code === null && signal) resolve({ code: null, signal: String(signal), noStatus: false });
      else resolve({ code: null, signal: null, noStatus: true });
    });
  });
}

/** A command running on a host under PID_WRAPPER. */
export class RemoteProcess {
  pid: number | null = null;
  readonly exited: Promise<ProcessExit>;
  private readonly stdoutCbs: Array<(d: Buffer) => void> = [];
  private readonly stderrCbs: Array<(d: Buffer) => void> = [];
  private head: Buffer | null = Buffer.alloc(0);
  private pidWaiters: Array<(pid: number | null) => void> = [];
  private ended = false;

  constructor(
    private readonly conn: PidSignaller,
    readonly channel: ClientChannel,
    readonly argv: string[],
  ) {
    channel.on('data', (d: Buffer) => {
      for (const cb of this.stdoutCbs) cb(d);
    });
    channel.stderr.on('data', (d: Buffer) => this.takeStderr(d));
    this.exited = channelExit(channel).then((x) => {
      this.ended = true;
      this.flushHead();
      for (const w of this.pidWaiters.splice(0)) w(this.pid);
      return x;
    });
  }

  private takeStderr(d: Buffer): void {
    if (this.head === null) {
      for (const cb of this.stderrCbs) cb(d);
      return;
    }
    this.head = Buffer.concat([this.head, d]);
    const nl = this.head.indexOf(10);
    if (nl < 0 && this.head.length < 64) return;
    const first = nl >= 0 ? this.head.subarray(0, nl).toString('latin1') : '';
    const m = PID_LINE.exec(first);
    let rest = this.head;
    if (m) {
      this.pid = Number(m[1]);
      rest = this.head.subarray(nl + 1);
    }
    this.head = null;
    for (const w of this.pidWaiters.splice(0)) w(this.pid);
    if (rest.length) for (const cb of this.stderrCbs) cb(rest);
  }

  private flushHead(): void {
    if (this.head && this.head.length) {
      const rest = this.head;
      this.head = null;
      for (const cb of this.stderrCbs) cb(rest);
    }
    this.head = null;
  }

  onStdout(cb: (d: Buffer) => void): void {
    this.stdoutCbs.push(cb);
  }

  onStderr(cb: (d: Buffer) => void): void {
    this.stderrCbs.push(cb);
  }

  private waitPid(ms: number): Promise<number | null> {
    if (this.pid !== null || this.head === null || this.ended) return Promise.resolve(this.pid);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(this.pid), ms);
      this.pidWaiters.push((p) => {
        clearTimeout(t);
        resolve(p);
      });
    });
  }

  /** Signals the command (and its process group) on the host, then closes the channel. */
  async kill(signal: 'TERM' | 'KILL' = 'TERM'): Promise<void> {
    if (this.ended) return;
    const pid = await this.waitPid(2000);
    if (pid !== null && !this.ended) await this.conn.signalPid(pid, signal);
    try {
      this.channel.close();
    } catch {
      // already closed
    }
  }
}
