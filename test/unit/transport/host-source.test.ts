import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../../src/aggregate/aggregator.js';
import { LocalAgentSource } from '../../../src/transport/host-source.js';

const FAKE = path.resolve(__dirname, '../../fixtures/transport-fake-agent.cjs');
const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('LocalAgentSource in the Aggregator', () => {
  it('watches a local agent, records its errors, and reconnects after it dies, keeping the snapshot', async () => {
    const src = new LocalAgentSource('local-1', [process.execPath, FAKE, 'serve', '--watch-ms', '30', '--die-after-ms', '400'], {
      heartbeatMs: 50,
    });
    const agg = new Aggregator([src], { backoff: { initialMs: 100, jitter: 0 } });
    agg.start();
    await until(() => agg.host('local-1')!.state === 'live');
    const first = agg.host('local-1')!;
    expect(first.mode).toBe('local');
    expect(first.snapshot!.source).toBe('fake-1');
    // The fake reports "not connected" (102) every third tick: recorded, still live.
    await until(() => agg.host('local-1')!.lastError?.exitCode === 102);
    expect(agg.host('local-1')!.state).toBe('live');
    // It dies after 400 ms: down with the reason, snapshot kept, then back.
    await until(() => agg.host('local-1')!.state === 'down');
    const down = agg.host('local-1')!;
    expect(down.lastError!.message).toBe('local-1: agent ended (exit code 3): fake agent: dying on purpose');
    expect(down.snapshot).not.toBeNull();
    await until(() => agg.host('local-1')!.state === 'live' && agg.host('local-1')!.failures === 0);
    await agg.stop();
  });
});
