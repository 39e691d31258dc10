/** `pcmk history` and `pcmk history show` offline (--from), on inputs made with the real tools. */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/commands/main.js';
import { parseRequest } from '../../../src/agent/serve.js';
import { makePengineDir } from '../agent/history/inputs.js';

let dir = '';
beforeAll(() => {
  dir = makePengineDir();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pcmk(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
  return { code, out: out.join('\n').split('\n'), err };
}

describe('pcmk history --from DIR', () => {
  it('lists the transitions oldest first, one line each, filtered by resource and time', async () => {
    const all = await pcmk(['history', '--from', dir]);
    expect(all.code).toBe(0);
    expect(all.out.map((l) => l.replace(/^(\S+ )?\d\d:\d\d:\d\d /, ''))).toEqual([
      '#1 DC 18node3: B migrated 18node2 -> 18node1',
      '#2 DC 18node3: B migrated 18node2 -> 18node3; config changed via cibadmin on 18node1 (+cli-prefer-B)',
      '#3 DC 18node3: no actions; now: B Started 18node2 -> Started 18node3',
      expect.stringMatching(/^#4 DC 18node3: no actions; new failures: B monitor on 18node3/),
    ]);
    const onlyA = await pcmk(['history', '--from', dir, '--resource', 'A']);
    expect(onlyA.out.filter(Boolean)).toEqual([]);
    const late = await pcmk(['history', '--from', dir, '--since', '2026-12-06T14:02:30Z', '--json']);
    const body = JSON.parse(late.out.join('\n')) as { entries: Array<{ facts: { seq: number } }> };
    expect(body.entries.map((e) => e.facts.seq)).toEqual([3, 4]);
  }, 60_000);

  it('history show N prints the cluster as it was (the status view) and what the scheduler did next', async () => {
    const r = await pcmk(['history', 'show', '2', '--from', dir]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^Scheduler input #2 on pcmk-history-test-\w+ \(pe-input-2\.bz2\), 2026-12-06T14:02:00\.000Z \(mtime\), DC 18node3$/);
    expect(r.out.find((l) => /^\s+B\s/.test(l))).toMatch(/Started\s+18node2$/);
    expect(r.out).toContain('Constraints left by move/ban, or expired');
    expect(r.out.slice(r.out.indexOf('What the scheduler did next'))).toEqual(['What the scheduler did next', '  B migrated 18node2 -> 18node3']);
  }, 60_000);

  it('an input that is not there, or a spec that is a path, is an error', async () => {
    expect((await pcmk(['history', 'show', '99', '--from', dir])).code).toBe(1);
    expect((await pcmk(['history', 'show', '../etc/passwd', '--from', dir])).code).toBe(64);
  }, 60_000);
});

describe('the agent requests', () => {
  it('accepts a window and an input name, never a path', () => {
    expect(parseRequest('{"id":1,"type":"history","since":5,"limit":10}')).toEqual({ id: '1', type: 'history', since: 5, until: undefined, limit: 10 });
    expect(parseRequest('{"id":2,"type":"history-show","input":"pe-input-3.bz2"}')).toEqual({ id: '2', type: 'history-show', input: 'pe-input-3.bz2' });
    expect(() => parseRequest('{"id":3,"type":"history-show","input":"/etc/shadow"}')).toThrow(/must name a scheduler input/);
    expect(() => parseRequest('{"id":4,"type":"history","limit":0}')).toThrow(/limit/);
  });
});
