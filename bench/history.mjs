// Transition history: the cost of reading N scheduler inputs (default 1,000) with `pcmk history
// --from DIR`, against the scheduler alone (crm_simulate --simulate on the same files, one after
// the other) as the anchor. The inputs are CTS scheduler inputs (shared/corpus/pacemaker-cts),
// compressed into pe-input-N.bz2 in a temporary directory, as a DC's pengine directory holds them.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt, peakRss, printTable, root } from './lib.mjs';

const N = Number(process.env.BENCH_HISTORY_N ?? 1000);
const corpus = path.resolve(root, '../shared/corpus/pacemaker-cts/scheduler');
const cts = readdirSync(corpus).filter((f) => f.endsWith('.xml')).sort();
const dir = mkdtempSync(path.join(os.tmpdir(), 'pcmk-bench-history-'));
const pcmk = path.join(root, 'bin/pcmk.js');

try {
  const t0 = Math.floor(Date.now() / 1000) - N * 60;
  for (let i = 0; i < N; i++) copyFileSync(path.join(corpus, cts[i % cts.length]), path.join(dir, `pe-input-${i}`));
  // One bzip2 for all the files (it compresses each to FILE.bz2).
  execFileSync('bzip2', ['-f', ...readdirSync(dir).map((f) => path.join(dir, f))]);
  for (let i = 0; i < N; i++) utimesSync(path.join(dir, `pe-input-${i}.bz2`), t0 + 60 * i, t0 + 60 * i);
  const files = readdirSync(dir).map((f) => path.join(dir, f));

  // One run: its JSON (to count what the tools could not read) and its wall time and peak RSS.
  const run = spawnSync('/usr/bin/time', ['-f', '%M %e', 'node', pcmk, 'history', '--from', dir, '--limit', String(N), '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const [kib, secs] = String(run.stderr).trim().split('\n').pop().split(' ').map(Number);
  const all = { kib, ms: secs * 1000 };
  const body = JSON.parse(run.stdout);
  const unreadable = body.entries.filter((e) => e.facts.error).length;
  const window = peakRss(['node', pcmk, 'history', '--from', dir]);

  let t = performance.now();
  for (const f of files) spawnSync('crm_simulate', ['--xml-file', f, '--simulate'], { stdio: 'ignore' });
  const anchor = performance.now() - t;
  t = performance.now();
  for (const f of files) spawnSync('crm_mon', ['--output-as=xml'], { stdio: 'ignore', env: { ...process.env, CIB_file: f } });
  const monAlone = performance.now() - t;

  // pcmk-top's History view over the same inputs: the pages of 20 it asks for as the operator
  // scrolls to the end, each merged into the timeline (the same builder as pcmk history) and its rows
  // rebuilt, as the console does. The facts come from the run above (their configuration digests
  // are not in the JSON: empty here, so the diffs are cheaper than on a real cluster).
  const { EMPTY_HISTORY, HISTORY_PAGE, mergeHistoryPage, historyEntries } = await import(path.join(root, 'dist/tui/state/history.js'));
  const { toHistoryRows } = await import(path.join(root, 'dist/tui/view-models/history.js'));
  const facts = body.entries.map((e) => ({ ...e.facts, config: {} })).reverse();
  t = performance.now();
  let list = EMPTY_HISTORY;
  let rows = 0;
  for (let at = 0; at < facts.length; at += HISTORY_PAGE) {
    list = mergeHistoryPage(list, [{ host: 'bench', inputs: facts.slice(at, at + HISTORY_PAGE + 1), error: null }], at ? 'older' : 'newest', HISTORY_PAGE);
    rows = toHistoryRows(historyEntries(list)).rows.length;
  }
  const consoleMs = performance.now() - t;
  const pages = Math.ceil(facts.length / HISTORY_PAGE);

  printTable(`Reading ${N} scheduler inputs (CTS inputs as pe-input-N.bz2; ${unreadable} of them unreadable by the tools; ${os.cpus().length} CPUs)`, [
    ['what', 'wall', 'per input', 'peak RSS'],
    [`pcmk history --from DIR --limit ${N} (all of them)`, fmt(all.ms), fmt(all.ms / N), `${(all.kib / 1024).toFixed(0)} MiB`],
    ['pcmk history --from DIR (the newest 50, the default)', fmt(window.ms), fmt(window.ms / 51), `${(window.kib / 1024).toFixed(0)} MiB`],
    [`anchor: crm_simulate --simulate on each, one after another`, fmt(anchor), fmt(anchor / N), ''],
    [`anchor: crm_mon (CIB_file) on each, one after another`, fmt(monAlone), fmt(monAlone / N), ''],
    [`pcmk-top History view: ${pages} pages of ${HISTORY_PAGE} merged, ${rows} rows (no tools)`, fmt(consoleMs), fmt(consoleMs / pages) + '/page', ''],
  ]);
  console.log(`  ratio: pcmk history / (crm_simulate + crm_mon alone) = ${(all.ms / (anchor + monAlone)).toFixed(2)} (pcmk runs two inputs at once)`);
  writeFileSync(
    path.join(root, 'bench/last-history.json'),
    `${JSON.stringify({ inputs: N, unreadable, allMs: all.ms, allRssKiB: all.kib, window50Ms: window.ms, window50RssKiB: window.kib, crmSimulateMs: anchor, crmMonMs: monAlone, consolePagesMs: consoleMs, consolePages: pages }, null, 2)}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
