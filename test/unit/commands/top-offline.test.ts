/**
 * pcmk-top --from DIR|ARCHIVE without a terminal: the offline console over a pengine directory
 * made with the real tools from a CTS scheduler input (../agent/history/inputs.ts) and over a
 * crm_report-style archive of it. The views show the newest input under an OFFLINE banner, the
 * History view lists what `pcmk history --from` lists, time travel reads one input in full, every
 * action is refused, and the unpacked archive is gone after close().
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cibHistoryMessage, openOfflineConsole } from '../../../src/commands/history.js';
import { defaultOptions } from '../../../src/commands/args.js';
import { main as topMain } from '../../../src/commands/top.js';
import { historyLine, buildTimeline } from '../../../src/model/history.js';
import { collectHistory } from '../../../src/agent/history/index.js';
import { LocalToolRunner } from '../../../src/agent/run-tool.js';
import { toHeader } from '../../../src/tui/view-models/header.js';
import { footerHints, helpLines } from '../../../src/tui/keymap.js';
import { OFFLINE_REFUSAL } from '../../../src/tui/state/interpret-key.js';
import { toViewRows } from '../../../src/tui/state/derive.js';
import { pengineDirForTests } from '../agent/history/inputs.js';
import { harness } from '../tui/key-harness.js';

const TODAY = '2026-12-06';
const inputs = pengineDirForTests();
let dir = '';
beforeAll(() => {
  dir = inputs.dir;
});

describe('the offline console over a directory of inputs', () => {
  it('shows the newest input, named as offline; the History view lists the lines of pcmk history --from', async () => {
    const c = await openOfflineConsole(defaultOptions(), dir);
    try {
      const v = c.source.getView();
      const host = path.basename(dir);
      expect(v.hosts).toEqual([{ name: host, state: 'offline', snapshotAt: null, lastError: null, mode: 'scheduler-inputs' }]);
      expect(v.offline?.newest?.seq).toBe(4);
      // #4: after the move, B runs on 18node3 (and its monitor failed there).
      expect(toViewRows(v.snapshot, 'resources', '', false).rows.find((r) => r.cells[0] === 'B')?.cells[3]).toBe('18node3');
      const header = toHeader(v, 0);
      expect(header.hosts.map((h) => `${h.name} ${h.state}`)).toEqual([`${host} offline`]);
      expect(header.warnings.map((w) => w.text)).toEqual([`OFFLINE INPUT #4 ${TODAY} 14:04:00 UTC, DC 18node3, the newest in ${dir}: read-only, nothing to change`]);

      const pages = await c.actions.history({ limit: 20 });
      const cli = buildTimeline([await collectHistory({ runner: new LocalToolRunner(), host, dir })]).map((e) => historyLine(e, TODAY));
      expect(buildTimeline(pages.map((p) => p.inputs)).map((e) => historyLine(e, TODAY))).toEqual(cli);
      const before = await c.actions.historyShow({ host, label: '2' });
      expect(before.snapshot?.instances.find((i) => i.id === 'B')?.nodes).toEqual(['18node2']);

      expect(await c.actions.preview({ name: 'cleanup', resource: 'B' })).toEqual({ ok: false, lines: [], error: OFFLINE_REFUSAL });
      expect(await c.actions.run({ name: 'cleanup', resource: 'B' })).toEqual({ ok: false, summary: OFFLINE_REFUSAL });
      await expect(c.actions.why('B')).rejects.toThrow(OFFLINE_REFUSAL);
      await expect(c.actions.fenceCheck()).rejects.toThrow(OFFLINE_REFUSAL);
    } finally {
      await c.close();
    }
  }, 120_000);

  it('a path with no inputs, or none at all, is an error naming it', async () => {
    const empty = inputs.temp();
    await expect(openOfflineConsole(defaultOptions(), empty)).rejects.toThrow(`${empty}: no scheduler inputs (pe-input-N.bz2) found there`);
    await expect(openOfflineConsole(defaultOptions(), path.join(empty, 'nope'))).rejects.toThrow(`${path.join(empty, 'nope')}: no such file or directory`);
  });
});

describe('the offline console over a crm_report-style archive', () => {
  it('reads both nodes, and close() removes what was unpacked', async () => {
    const work = inputs.temp();
    for (const [node, seqs] of [['node-a', [1, 2]], ['node-b', [3, 4]]] as const) {
      const pe = path.join(work, 'report', node, 'pengine');
      mkdirSync(pe, { recursive: true });
      for (const n of seqs) execFileSync('cp', ['-p', path.join(dir, `pe-input-${n}.bz2`), pe]);
    }
    const archive = path.join(work, 'report.tar.bz2');
    execFileSync('tar', ['-C', work, '-cjf', archive, 'report'], { timeout: 30_000 });
    // The archive is unpacked under the temporary directory: a private one, to see it go.
    const tmp = mkdtempSync(path.join(work, 'tmp-'));
    const was = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const c = await openOfflineConsole(defaultOptions(), archive);
      expect(readdirSync(tmp)).toHaveLength(1);
      const v = c.source.getView();
      expect(v.hosts.map((h) => h.name)).toEqual(['node-a', 'node-b']);
      expect(v.offline?.newest).toMatchObject({ host: 'node-b', seq: 4 });
      const pages = await c.actions.history({ limit: 20 });
      expect(pages.map((p) => [p.host, p.inputs.map((f) => f.seq)])).toEqual([['node-a', [2, 1]], ['node-b', [4, 3]]]);
      await c.close();
      await c.close();
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      if (was === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = was;
    }
  }, 120_000);
});

describe('offline keys', () => {
  it('every action key, why and the fencing test are refused with the reason', () => {
    const h = harness({ view: 'resources', offline: { newest: '4' } });
    for (const k of ['m', 'c', 'd', 'w']) {
      h.press(k);
      expect(h.state.overlay.kind).toBe('none');
      expect(h.state.status?.text).toBe(OFFLINE_REFUSAL);
    }
    h.press('1', 'X');
    expect(h.state.status?.text).toBe(OFFLINE_REFUSAL);
    h.press('t');
    expect(h.state.overlay.kind).toBe('none');
    expect(h.effects.filter((e) => e.type !== 'history')).toEqual([]);
    const hints = footerHints({ screen: 'resources', readOnly: false, target: 'resource', offline: true });
    expect(hints).not.toContain('m move');
    expect(hints).not.toContain('w why');
    const help = helpLines(false, undefined, true).map((l) => l.text).join('\n');
    expect(help).not.toMatch(/Fence the node|Why: where/);
    expect(help).toContain('Offline (saved scheduler inputs): there is no cluster to change or ask.');
  });

  it('--cib: the History view says to use --from instead of reading', () => {
    const h = harness({ hasActions: false, historyUnavailable: cibHistoryMessage('pcmk-top') });
    h.press('6');
    expect(h.effects).toEqual([]);
    expect(h.state.status?.text).toBe('history reads scheduler inputs, not one CIB file: pcmk-top --from DIR|ARCHIVE opens a directory of pe-input files or a crm_report archive');
  });
});

/** pcmk-top's exit code and what it wrote to stderr (the test's stdout is no terminal). */
async function topRun(argv: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    return { code: await topMain(argv), err: err.join('') };
  } finally {
    process.stderr.write = write;
  }
}

describe('pcmk-top --from, checked before anything is shown', () => {
  it('with a connection option, is a usage error', async () => {
    const r = await topRun(['--from', dir, '--host', 'a']);
    expect(r.code).toBe(64);
    expect(r.err).toContain('--from opens saved scheduler inputs, with no connection: it takes no --cib, --local, --host or --cluster');
  });

  it('a path that is not there is named as such, terminal or not; inputs without a terminal: needs a terminal', async () => {
    const missing = path.join(dir, 'no-such-report');
    const r = await topRun(['--from', missing]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`pcmk-top: ${missing}: no such file or directory\n`);
    const ok = await topRun(['--from', dir]);
    expect(ok).toEqual({ code: 64, err: 'pcmk-top: needs a terminal; for scripts use `pcmk status --json`\n' });
  }, 60_000);
});
