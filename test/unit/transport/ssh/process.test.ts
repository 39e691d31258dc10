import { EventEmitter } from 'node:events';
import type { ClientChannel } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { channelExit } from '../../../../src/transport/ssh/process.js';

/** ssh2's order for a quick command: 'exit' while parsing the read that opened the channel, 'close' once the output is read. */
function closedChannel(exitArgs: unknown[], closeArgs: unknown[]): { ch: ClientChannel; close: () => void } {
  const ch = new EventEmitter();
  ch.emit('exit', ...exitArgs);
  return { ch: ch as unknown as ClientChannel, close: () => ch.emit('close', ...closeArgs) };
}

describe('channelExit', () => {
  it('keeps an exit status that ssh2 announced before anyone listened', async () => {
    const { ch, close } = closedChannel([0], [0]);
    const exit = channelExit(ch);
    close();
    expect(await exit).toEqual({ code: 0, signal: null, noStatus: false });
  });

  it('reports a signal, and a channel closed without a status', async () => {
    const killed = closedChannel([null, 'SIGKILL'], [null, 'SIGKILL']);
    const k = channelExit(killed.ch);
    killed.close();
    expect(await k).toEqual({ code: null, signal: 'SIGKILL', noStatus: false });
    const lost = closedChannel([], []);
    const l = channelExit(lost.ch);
    lost.close();
    expect(await l).toEqual({ code: null, signal: null, noStatus: true });
  });
});
