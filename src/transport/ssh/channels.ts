/**
 * The session channels of one connection: how many may be open at once, and who waits for one.
 *
 * sshd caps sessions per connection (MaxSessions, 10 by default) and frees a session only after it
 * has handled our close of its channel, one turn of its event loop later; a session opened right
 * behind that close can be refused although we hold fewer than the cap. A refusal while other
 * channels of ours are open therefore means "full for now": the caller waits for the next channel
 * to close and tries again, and the connection holds no more channels than it held when refused.
 */

interface Waiter {
  grant: () => void;
  fail: (e: Error) => void;
  urgent: boolean;
}

export class ChannelSlots {
  private used = 0;
  private limit: number;
  private readonly waiting: Waiter[] = [];
  private closedWith: Error | null = null;

  constructor(max: number) {
    this.limit = Math.max(1, Math.floor(max));
  }

  /** Channels open or being opened. */
  get inUse(): number {
    return this.used;
  }

  /** How many may be open at once (lowered when the host refuses one). */
  get allowed(): number {
    return this.limit;
  }

  /**
   * A slot, now or when one frees up. `urgent` requests (killing a command) go before the others.
   * `cancel()` withdraws a request still waiting (its caller gave up); a granted slot is released
   * with release().
   */
  request(urgent = false): { granted: Promise<void>; cancel: () => void } {
    if (this.closedWith) return { granted: Promise.reject(this.closedWith), cancel: () => {} };
    if (this.used < this.limit && !this.waiting.length) {
      this.used++;
      return { granted: Promise.resolve(), cancel: () => {} };
    }
    let waiter!: Waiter;
    const granted = new Promise<void>((grant, fail) => {
      waiter = { grant, fail, urgent };
    });
    const at = urgent ? this.waiting.findIndex((w) => !w.urgent) : -1;
    this.waiting.splice(at < 0 ? this.waiting.length : at, 0, waiter);
    const cancel = (): void => {
      const i = this.waiting.indexOf(waiter);
      if (i >= 0) this.waiting.splice(i, 1);
    };
    return { granted, cancel };
  }

  /** A granted slot is free again (its channel closed, or it never opened). */
  release(): void {
    this.used = Math.max(0, this.used - 1);
    this.pump();
  }

  /**
   * The host refused the session this slot was granted for. Returns true when other channels of
   * ours are open: the host is full for now, the limit drops to what it accepted, and the caller
   * asks again. False when none is open: the host refuses sessions outright.
   */
  refused(): boolean {
    this.used = Math.max(0, this.used - 1);
    if (this.used === 0) {
      this.pump();
      return false;
    }
    this.limit = Math.min(this.limit, this.used);
    return true;
  }

  /** The connection is gone: every waiting request fails with `err`, and later ones too. */
  close(err: Error): void {
    this.closedWith = err;
    for (const w of this.waiting.splice(0)) w.fail(err);
  }

  private pump(): void {
    while (this.used < this.limit && this.waiting.length) {
      this.used++;
      this.waiting.shift()!.grant();
    }
  }
}
