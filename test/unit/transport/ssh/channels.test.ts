import { describe, expect, it } from 'vitest';
import { ChannelSlots } from '../../../../src/transport/ssh/channels.js';

/** Which of the requests have been granted so far (after pending promise callbacks ran). */
async function grantedOf(reqs: Array<{ granted: Promise<void> }>): Promise<number[]> {
  const got: number[] = [];
  reqs.forEach((r, i) => void r.granted.then(() => got.push(i), () => undefined));
  await new Promise((r) => setImmediate(r));
  return got.sort((a, b) => a - b);
}

describe('ChannelSlots: session channels of one connection', () => {
  it('grants up to the limit at once and the rest in order as channels close', async () => {
    const s = new ChannelSlots(2);
    const reqs = [s.request(), s.request(), s.request(), s.request()];
    expect(await grantedOf(reqs)).toEqual([0, 1]);
    s.release();
    expect(await grantedOf(reqs)).toEqual([0, 1, 2]);
    expect(s.inUse).toBe(2);
  });

  it('puts an urgent request (a kill) before the commands already waiting', async () => {
    const s = new ChannelSlots(1);
    const order: string[] = [];
    s.request();
    void s.request().granted.then(() => order.push('command'));
    void s.request(true).granted.then(() => order.push('kill'));
    s.release();
    await new Promise((r) => setImmediate(r));
    s.release();
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['kill', 'command']);
  });

  it('never grants a withdrawn request', async () => {
    const s = new ChannelSlots(1);
    s.request();
    const gaveUp = s.request();
    const next = s.request();
    gaveUp.cancel();
    s.release();
    expect(await grantedOf([gaveUp, next])).toEqual([1]);
  });

  it('lowers the limit to what the host accepted when it refuses a session while others are open', () => {
    const s = new ChannelSlots(8);
    for (let i = 0; i < 4; i++) s.request();
    expect(s.refused()).toBe(true);
    expect(s.allowed).toBe(3);
    expect(s.inUse).toBe(3);
  });

  it('reports a refusal with no other channel open as a real failure', () => {
    const s = new ChannelSlots(8);
    s.request();
    expect(s.refused()).toBe(false);
    expect(s.allowed).toBe(8);
    expect(s.inUse).toBe(0);
  });

  it('fails waiting and later requests once the connection is gone', async () => {
    const s = new ChannelSlots(1);
    s.request();
    const waiting = s.request();
    const gone = new Error('connection closed');
    s.close(gone);
    await expect(waiting.granted).rejects.toBe(gone);
    await expect(s.request().granted).rejects.toBe(gone);
  });
});
