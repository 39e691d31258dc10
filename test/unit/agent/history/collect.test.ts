/**
 * Reading scheduler inputs with the real tools (crm_mon, crm_simulate, bzcat, find, tar) from a
 * pengine directory made out of a CTS scheduler input (./inputs.ts), from a crm_report-style
 * archive, and a CTS input read in place.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync, copyFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectHistory, listInputs, newestFirst, openOffline, readInput, readNewestInput, selectWindow, showInput } from '../../../../src/agent/history/index.js';
import { LocalToolRunner } from '../../../../src/agent/run-tool.js';
import { buildTimeline, historyLine } from '../../../../src/model/history.js';
import { CORPUS_SCHEDULER } from '../actions/helpers.js';
import { CTS_MOVE, pengineDirForTests, T0 } from './inputs.js';

const runner = new LocalToolRunner();
const inputs = pengineDirForTests();

describe('listing', () => {
  it('lists pe-input files with size and file time, and nothing else', async () => {
    writeFileSync(path.join(inputs.dir, 'pe-input.last'), '4');
    const refs = await listInputs(runner, inputs.dir, 'node-a');
    expect(refs.map((r) => r.name).sort()).toEqual(['pe-input-1.bz2', 'pe-input-2.bz2', 'pe-input-3.bz2', 'pe-input-4.bz2']);
    const r1 = refs.find((r) => r.seq === 1)!;
    expect(r1).toMatchObject({ host: 'node-a', kind: 'input', path: path.join(inputs.dir, 'pe-input-1.bz2'), mtime: new Date((T0 + 60) * 1000).toISOString() });
    expect(r1.size).toBeGreaterThan(0);
  });

  it('a window is the newest inputs plus the one before them', async () => {
    const refs = await listInputs(runner, inputs.dir, 'node-a');
    expect(selectWindow(refs, { limit: 2 }).map((r) => r.seq)).toEqual([4, 3, 2]);
    expect(selectWindow(refs, { since: (T0 + 150) * 1000 }).map((r) => r.seq)).toEqual([4, 3, 2]);
    expect(selectWindow(refs, { until: (T0 + 150) * 1000 }).map((r) => r.seq)).toEqual([2, 1]);
  });
});

describe('which input is newest', () => {
  /** Copies inputs `seqs` of the test directory into a new one, with these file times (s). */
  const copyWithTimes = (seqs: number[], times: number[]): string => {
    const d = inputs.temp();
    seqs.forEach((n, i) => {
      copyFileSync(path.join(inputs.dir, `pe-input-${n}.bz2`), path.join(d, `pe-input-${n}.bz2`));
      utimesSync(path.join(d, `pe-input-${n}.bz2`), times[i]!, times[i]!);
    });
    return d;
  };

  it('a copy that did not keep the file times (cp without -p) goes by number', async () => {
    // Copied in the order 4, 2, 1, 3: the file times say nothing about when the scheduler wrote them.
    const d = copyWithTimes([1, 2, 3, 4], [T0 + 3, T0 + 2, T0 + 4, T0 + 1]);
    expect(newestFirst(await listInputs(runner, d, 'x')).map((r) => r.seq)).toEqual([4, 3, 2, 1]);
    expect((await collectHistory({ runner, host: 'x', dir: d })).map((f) => f.seq)).toEqual([4, 3, 2, 1]);
  }, 60_000);

  it('a numbering that wrapped (pe-input-series-max) goes by file time', async () => {
    // Written 2, 3, 4, then 1 after the wrap: times agree with the numbering but for one wrap.
    const d = copyWithTimes([1, 2, 3, 4], [T0 + 400, T0 + 100, T0 + 200, T0 + 300]);
    expect(newestFirst(await listInputs(runner, d, 'x')).map((r) => r.seq)).toEqual([1, 4, 3, 2]);
  });

  it("between hosts, the inputs' own execution dates decide, not the file times of the copies", async () => {
    // The DC moved: node-a saved #1-#3, then node-b saved #4. node-a's directory was copied last.
    const a = copyWithTimes([1, 2, 3], [T0 + 1001, T0 + 1002, T0 + 1003]);
    const b = copyWithTimes([4], [T0 + 500]);
    const stamp = (file: string, secs: number): void => {
      execFileSync('bzip2', ['-d', file]);
      execFileSync('cibadmin', ['--modify', '--xml-text', `<cib execution-date="${secs}"/>`], { env: { ...process.env, CIB_file: file.replace(/\.bz2$/, '') } });
      execFileSync('bzip2', [file.replace(/\.bz2$/, '')]);
    };
    for (const n of [1, 2, 3]) stamp(path.join(a, `pe-input-${n}.bz2`), T0 + 60 * n);
    stamp(path.join(b, 'pe-input-4.bz2'), T0 + 240);
    utimesSync(path.join(b, 'pe-input-4.bz2'), T0 + 500, T0 + 500);
    const newest = await readNewestInput(runner, [
      { host: 'node-a', dir: a },
      { host: 'node-b', dir: b },
    ]);
    expect(newest?.facts).toMatchObject({ host: 'node-b', seq: 4, timeFrom: 'execution-date', time: new Date((T0 + 240) * 1000).toISOString() });
  }, 60_000);
});

describe('the timeline of the four inputs', () => {
  it('says what the scheduler did and what changed, input by input', async () => {
    const facts = await collectHistory({ runner, host: 'node-a', dir: inputs.dir });
    expect(facts.map((f) => f.seq)).toEqual([4, 3, 2, 1]);
    const t = buildTimeline([facts]);
    expect(t.map((e) => historyLine(e, '2026-12-06'))).toEqual([
      '14:01:00 #1 DC 18node3: B migrated 18node2 -> 18node1',
      '14:02:00 #2 DC 18node3: B migrated 18node2 -> 18node3; config changed via cibadmin on 18node1 (+cli-prefer-B)',
      '14:03:00 #3 DC 18node3: no actions; now: B Started 18node2 -> Started 18node3',
      expect.stringMatching(/^14:04:00 #4 DC 18node3: no actions; new failures: B monitor on 18node3: not running at /),
    ]);
    expect(t[0]!.changes.compared).toBe(false);
    expect(t[1]!.changes.config).toEqual({ added: ['cli-prefer-B'], removed: [], changed: [] });
    expect(t.every((e) => e.facts.timeFrom === 'mtime')).toBe(true);
  }, 60_000);

  it('an empty input (still being written) is listed as unreadable, and the others still compare', async () => {
    const d = inputs.temp();
    for (const f of readdirSync(inputs.dir)) if (/^pe-input-[12]\.bz2$/.test(f)) copyFileSync(path.join(inputs.dir, f), path.join(d, f));
    writeFileSync(path.join(d, 'pe-input-3.bz2'), '');
    const t = buildTimeline([await collectHistory({ runner, host: 'x', dir: d })]);
    const empty = t.find((e) => e.facts.seq === 3)!;
    expect(empty.facts.error).toMatch(/empty file/);
    expect(historyLine(empty)).toContain('unreadable: empty file');
    expect(t.find((e) => e.facts.seq === 2)!.changes.compared).toBe(true);
  }, 60_000);
});

describe('one input in full', () => {
  it('history show of the input before the move has B on its old node, and the move it led to', async () => {
    const before = await showInput(runner, 'node-a', '2', inputs.dir);
    expect(before?.snapshot?.instances.find((i) => i.id === 'B')?.nodes).toEqual(['18node2']);
    expect(before?.facts.actions.map((a) => a.line)).toEqual(['Migrate    B       ( 18node2 -> 18node3 )']);
    const after = await showInput(runner, 'node-a', 'pe-input-3.bz2', inputs.dir);
    expect(after?.snapshot?.instances.find((i) => i.id === 'B')?.nodes).toEqual(['18node3']);
    expect(await showInput(runner, 'node-a', '99', inputs.dir)).toBeNull();
  }, 60_000);

  it('reads a CTS input in place (uncompressed), with the fencing it leads to', async () => {
    const file = path.join(CORPUS_SCHEDULER, 'stonith-0.xml');
    const r = await readInput(runner, { host: 'cts', path: file, name: 'stonith-0.xml', kind: 'input', seq: 0, mtime: null, size: 1 });
    expect(r.facts.error).toBeNull();
    expect(r.facts.actions.filter((a) => a.verb === 'Fence').map((a) => a.toNode)).toEqual(['c001n05', 'c001n03']);
    expect(r.facts.timeFrom).toBe('cib-last-written');
    expect(r.facts.time).toBe('2012-07-13T13:51:14.000Z');
    expect(r.snapshot?.nodes.length).toBeGreaterThan(0);
  }, 60_000);

  it('takes the time from execution-date when the input carries it', async () => {
    const file = path.join(CORPUS_SCHEDULER, 'allow-unhealthy-nodes.xml');
    const r = await readInput(runner, { host: 'cts', path: file, name: 'x', kind: 'input', seq: 0, mtime: '2030-01-01T00:00:00.000Z', size: 1 });
    expect(r.facts).toMatchObject({ time: '2022-04-01T17:57:38.000Z', timeFrom: 'execution-date', changedBy: { user: 'root', client: 'crm_attribute', origin: 'rhel8-5' } });
  }, 60_000);
});

describe('offline', () => {
  it('a crm_report archive (<report>/<node>/pengine/pe-input-N.bz2) gives one directory per node', async () => {
    const work = inputs.temp();
    for (const node of ['node-a', 'node-b']) {
      mkdirSync(path.join(work, 'report-1', node, 'pengine'), { recursive: true });
      writeFileSync(path.join(work, 'report-1', node, 'analysis.txt'), 'not an input');
    }
    for (const n of [1, 2]) copyFileSync(path.join(inputs.dir, `pe-input-${n}.bz2`), path.join(work, 'report-1', 'node-a', 'pengine', `pe-input-${n}.bz2`));
    for (const n of [3, 4]) copyFileSync(path.join(inputs.dir, `pe-input-${n}.bz2`), path.join(work, 'report-1', 'node-b', 'pengine', `pe-input-${n}.bz2`));
    const archive = path.join(work, 'report-1.tar.bz2');
    execFileSync('tar', ['-cjf', archive, '-C', work, 'report-1']);
    const src = await openOffline(runner, archive);
    try {
      expect(src.dirs.map((d) => d.host)).toEqual(['node-a', 'node-b']);
      const perHost = await Promise.all(src.dirs.map((d) => collectHistory({ runner, host: d.host, dir: d.dir })));
      const t = buildTimeline(perHost);
      expect(t.map((e) => `${e.facts.host}#${e.facts.seq}`)).toEqual(['node-a#1', 'node-a#2', 'node-b#3', 'node-b#4']);
      // Across hosts, the first input of node-b is compared with node-a's last.
      expect(t[2]!.changes.resources).toEqual(['B Started 18node2 -> Started 18node3']);
    } finally {
      await src.close();
    }
  }, 60_000);

  it('a directory of inputs is one source, named after the directory', async () => {
    const src = await openOffline(runner, inputs.dir);
    expect(src.dirs).toEqual([{ host: path.basename(inputs.dir), dir: inputs.dir }]);
    expect(path.basename(CTS_MOVE)).toBe('1-a-then-bm-move-b.xml');
  });
});

describe('a compressed CIB file', () => {
  it('reads like the plain file (pcmk --cib pe-input-N.bz2 status)', async () => {
    const { collectSnapshot } = await import('../../../../src/agent/collect.js');
    const plain = await collectSnapshot({ runner, cibFile: CTS_MOVE });
    const bz2 = await collectSnapshot({ runner, cibFile: path.join(inputs.dir, 'pe-input-1.bz2') });
    expect(bz2.sources.every((s) => s.ok)).toBe(true);
    expect(bz2.resources).toEqual(plain.resources);
    expect(bz2.constraints).toEqual(plain.constraints);
    expect(bz2.cluster.cibVersion).toBe(plain.cluster.cibVersion);
  }, 60_000);
});
