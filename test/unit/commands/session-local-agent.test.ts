/**
 * pcmk-top's data path in `--cib` mode: its watch runs the agent bundle (dist/pcmk-agent.cjs) as a
 * child process with the real tools on a real CTS CIB (read in place), and must see exactly the
 * snapshot `pcmk` builds in process from the same file. The child ends when the console stops.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/commands/args.js';
import { AGENT_BUNDLE, localServeArgs, openTarget, Session } from '../../../src/commands/session.js';
import type { ClusterSnapshot } from '../../../src/model/snapshot.js';
import type { LocalAgentSource } from '../../../src/transport/host-source.js';
import { ctsDir } from '../cts-harness.js';

const CIB = path.join(ctsDir, 'scheduler/bundle-order-fencing.xml');

/** Waits (bounded) for a condition, polling. */
async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** What two reads of the same file may differ in: when they were taken and how long the tools ran. */
function comparable(s: ClusterSnapshot): unknown {
  return { ...s, takenAt: null, cluster: { ...s.cluster, lastUpdate: null }, sources: s.sources.map((x) => ({ ...x, durationMs: null })) };
}

const sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

describe('pcmk-top --cib: the watch through the agent as a child process', () => {
  it('needs the built agent bundle', () => {
    expect(existsSync(AGENT_BUNDLE), `${AGENT_BUNDLE} is missing: run npm run build`).toBe(true);
  });

  it('serves the same tool timeout, file and prefix the in-process agent uses', () => {
    const o = parseArgs(['--cib', CIB, '--timeout', '42', '--prefix', 'nice -n 5']).options;
    expect(localServeArgs(o)).toEqual(['serve', '--timeout', '42000', '--cib', CIB, '--prefix', 'nice -n 5']);
    expect(localServeArgs(parseArgs(['--local']).options)).toEqual(['serve', '--timeout', '10000']);
  });

  it('gets the snapshot the in-process read gets, and the child ends when the session stops', async () => {
    const before = createHash('sha256').update(readFileSync(CIB)).digest('hex');
    const o = parseArgs(['--cib', CIB]).options;
    const target = await openTarget(o, undefined, { live: true });

    const inProcess = new Session(target, o, false);
    sessions.push(inProcess);
    const once = await inProcess.collect();
    const expected = once.hosts[0]!.snapshot!;
    expect(expected.instances.length).toBeGreaterThan(10);

    const live = new Session(target, o, true);
    sessions.push(live);
    const source = live.sources[0] as LocalAgentSource;
    expect(source.name).toBe('file:bundle-order-fencing.xml');
    expect(source.name).toBe(inProcess.sources[0]!.name);
    const agg = live.aggregator();
    agg.start();
    await until('the watch to deliver a snapshot', () => agg.host(source.name)?.state === 'live');
    const pid = source.pid!;
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(process.pid);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toEqual([process.execPath, AGENT_BUNDLE, ...localServeArgs(o), '']);
    expect(comparable(agg.host(source.name)!.snapshot!)).toEqual(comparable(expected));

    await agg.stop();
    await live.close();
    sessions.pop();
    await until(`the agent (pid ${pid}) to exit`, () => !alive(pid), 10_000);
    // Read in place, never written.
    expect(createHash('sha256').update(readFileSync(CIB)).digest('hex')).toBe(before);
  });
});
