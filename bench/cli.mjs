// CLI benchmark: `pcmk status` on a member (--local) and over SSH to the three members, against
// `crm status`, `pcs status` and raw crm_mon on the same member, and one `ssh cluster-1 crm_mon -1`
// round trip; ratios against the targets. Prints figures; asserts nothing.
//
// The commands run interleaved (one of each per round, N rounds after one warm-up round), so a
// change of machine load during the run hits every command alike; the load average is recorded.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuAndWall, ensureSandbox, fmt, knownHosts, median, node22, onNode, printTable, root, sshConfig, timeCommand } from './lib.mjs';

const N = Number(process.env.BENCH_N ?? 7);
const pcmk = path.join(root, 'bin/pcmk.js');
const members = ['cluster-1', 'cluster-2', 'cluster-3'];

ensureSandbox();
// BENCH_CLI_ONLY=compile-cache: only the compile-cache rows.
if (process.env.BENCH_CLI_ONLY === 'compile-cache') {
  compileCacheRows();
  process.exit(0);
}
const node = onNode('cluster-1');
const runs = [
  ['pcmk status --local (in cluster-1)', [...node, 'node', pcmk, 'status', '--local', '--no-color']],
  ['crm status (in cluster-1)', [...node, 'crm', 'status']],
  ['pcs status (in cluster-1)', [...node, 'pcs', 'status']],
  ['crm_mon -1 --output-as=xml (in cluster-1)', [...node, 'crm_mon', '-1', '--output-as=xml']],
  ['pcmk status over SSH, 3 hosts', ['node', pcmk, 'status', '--no-color', '--no-reuse', '--host', members.join(','), '-F', sshConfig, '--known-hosts', knownHosts]],
  ['ssh cluster-1 crm_mon -1 (one round trip)', ['ssh', '-F', sshConfig, 'cluster-1', 'crm_mon', '-1']],
  // Where the time goes: the same command on one host, and the CLI's start-up with no cluster work.
  ['pcmk status over SSH, 1 host', ['node', pcmk, 'status', '--no-color', '--no-reuse', '--host', 'cluster-1', '-F', sshConfig, '--known-hosts', knownHosts]],
  ['pcmk help (start-up and imports only)', ['node', pcmk, 'help']],
  ['node -e 0', ['node', '-e', '0']],
  ['nsenter into cluster-1 alone (true)', [...node, 'true']],
];

function once(argv) {
  const t = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30, timeout: 120_000 });
  const took = performance.now() - t;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status ?? r.signal}: ${String(r.stderr).slice(0, 300)}`);
  return took;
}

for (const [, argv] of runs) timeCommand(argv, { n: 0 }); // warm-up round
const loadBefore = os.loadavg()[0];
const times = Object.fromEntries(runs.map(([name]) => [name, []]));
for (let i = 0; i < N; i++) for (const [name, argv] of runs) times[name].push(once(argv));
const loadAfter = os.loadavg()[0];
const ms = Object.fromEntries(runs.map(([name]) => [name, median(times[name])]));

const local = ms['pcmk status --local (in cluster-1)'];
const crm = ms['crm status (in cluster-1)'];
const pcs = ms['pcs status (in cluster-1)'];
const mon = ms['crm_mon -1 --output-as=xml (in cluster-1)'];
const ssh3 = ms['pcmk status over SSH, 3 hosts'];
const sshTrip = ms['ssh cluster-1 crm_mon -1 (one round trip)'];

printTable(`Wall time (median of ${N} interleaved rounds after a warm-up round; load average ${loadBefore.toFixed(2)} -> ${loadAfter.toFixed(2)} on ${os.cpus().length} CPUs; "in cluster-1" runs go through nsenter, ${fmt(ms['nsenter into cluster-1 alone (true)'])} by itself)`, [
  ['command', 'wall', 'vs crm_mon XML'],
  ...Object.entries(ms).map(([k, v]) => [k, fmt(v), `${(v / mon).toFixed(2)}x`]),
]);

const targets = [
  { what: 'pcs status / pcmk status --local', value: pcs / local, target: '>= 5x', ok: pcs / local >= 5 },
  { what: 'crm status / pcmk status --local', value: crm / local, target: '>= 2.5x', ok: crm / local >= 2.5 },
  { what: 'pcmk status over SSH (3 hosts) / one ssh crm_mon round trip', value: ssh3 / sshTrip, target: '<= 1.5x', ok: ssh3 / sshTrip <= 1.5 },
];
printTable('Targets', [['ratio', 'value', 'target', ''], ...targets.map((t) => [t.what, `${t.value.toFixed(2)}x`, t.target, t.ok ? 'met' : 'MISSED'])]);
const help = ms['pcmk help (start-up and imports only)'];
console.log(`\npcmk --help ${fmt(help)} vs node -e 0 ${fmt(ms['node -e 0'])} in the same rounds: ${(help / ms['node -e 0']).toFixed(2)}x, ${fmt(help - ms['node -e 0'])} of start-up and module loading`);

const reuse = sshReuseRows();
const compileCache = compileCacheRows();

const results = {
  n: N,
  sshReuse: reuse,
  compileCache,
  helpVsNode: { pcmkHelpMs: ms['pcmk help (start-up and imports only)'], nodeMs: ms['node -e 0'], ratio: ms['pcmk help (start-up and imports only)'] / ms['node -e 0'] },
  loadAverage: { before: loadBefore, after: loadAfter, cpus: os.cpus().length },
  ms,
  ratios: Object.fromEntries(targets.map((t) => [t.what, { value: t.value, target: t.target, met: t.ok }])),
};
writeFileSync(path.join(root, 'bench/last-cli.json'), `${JSON.stringify(results, null, 2)}\n`);

/**
 * SSH connections kept between runs (the connection holder): `pcmk --host h1,h2,h3 status` cold (no
 * holder: this run starts it and connects), warm (the holder already holds the three connections)
 * and direct (--no-reuse), against one `ssh cluster-1 crm_mon -1 --output-as=xml` round trip, all
 * interleaved in the same rounds. The holder lives in a private directory of this benchmark and is
 * stopped before each cold run and at the end.
 */
function sshReuseRows() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pcmk-bench-reuse-'));
  const holderDir = path.join(dir, 'holder');
  const holder = path.join(root, 'dist/bin/pcmk-ssh-holder.js');
  const stop = () => spawnSync('node', [holder, '--dir', holderDir, '--stop'], { stdio: 'ignore', timeout: 30_000 });
  const status = ['node', pcmk, 'status', '--no-color', '--host', members.join(','), '-F', sshConfig, '--known-hosts', knownHosts];
  const env = { ...process.env, NO_COLOR: '1', PCMK_REUSE_DIR: holderDir, PCMK_NO_REUSE: '' };
  const rows = [
    ['pcmk --host h1,h2,h3 status, cold (no holder running)', status, stop],
    ['pcmk --host h1,h2,h3 status, warm (holder running)', status, null],
    ['pcmk --host h1,h2,h3 status --no-reuse (direct)', [...status, '--no-reuse'], null],
    ['ssh cluster-1 crm_mon -1 --output-as=xml (one round trip)', ['ssh', '-F', sshConfig, 'cluster-1', 'crm_mon', '-1', '--output-as=xml'], null],
  ];
  const t = Object.fromEntries(rows.map(([name]) => [name, []]));
  try {
    for (let i = -1; i < N; i++) {
      for (const [name, argv, before] of rows) {
        before?.();
        const t0 = performance.now();
        const r = spawnSync(argv[0], argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30, timeout: 120_000 });
        const took = performance.now() - t0;
        if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status ?? r.signal}: ${String(r.stderr).slice(0, 300)}`);
        if (i >= 0) t[name].push(took); // round -1 warms up
      }
    }
  } finally {
    stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const m = Object.fromEntries(rows.map(([name]) => [name, median(t[name])]));
  const trip = m['ssh cluster-1 crm_mon -1 --output-as=xml (one round trip)'];
  printTable(`SSH connections kept between runs (median of ${N} interleaved rounds after a warm-up round)`, [
    ['command', 'wall', 'vs one ssh round trip', 'target <= 1.5x'],
    ...Object.entries(m).map(([k, v]) => [k, fmt(v), `${(v / trip).toFixed(2)}x`, k.startsWith('ssh ') ? '' : v / trip <= 1.5 ? 'met' : 'MISSED']),
  ]);
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { ms: v, vsSshRoundTrip: v / trip, met: v / trip <= 1.5 }]));
}
/**
 * V8's compile cache (Node >= 22.1, enabled by bin/compile-cache.js): `pcmk --help`, `pcmk --cib
 * FILE status`, `pcmk status` over SSH to one member and `pcmk-top help` (its entry and
 * start-up), each with the cache warm and with NODE_DISABLE_COMPILE_CACHE=1, interleaved; CPU
 * time (user + system) and wall time, medians. Without a Node 22 binary the rows say so.
 */
function compileCacheRows() {
  const n22 = node22();
  if (!n22) {
    printTable('V8 compile cache (Node >= 22.1)', [['what', 'result'], ['compile cache on / off', 'not measured: no Node >= 22.1 here (set BENCH_NODE22=/path/to/node)']]);
    return { measured: false };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pcmk-bench-v8cache-'));
  const top = path.join(root, 'bin/pcmk-top.js');
  const cib = path.join(root, 'test/fixtures/cib/sandbox-2.1.5.xml');
  const cases = [
    ['pcmk --help', [pcmk, '--help']],
    ['pcmk --cib FILE status', [pcmk, '--cib', cib, 'status', '--no-color']],
    ['pcmk status over SSH, 1 host', [pcmk, 'status', '--no-color', '--no-reuse', '--host', 'cluster-1', '-F', sshConfig, '--known-hosts', knownHosts]],
    ['pcmk-top help', [top, 'help']],
    ['node -e 0', ['-e', '0']],
  ];
  const modes = { on: { XDG_CACHE_HOME: dir }, off: { XDG_CACHE_HOME: dir, NODE_DISABLE_COMPILE_CACHE: '1' } };
  const t = {};
  try {
    for (let i = -1; i < N; i++) {
      for (const [name, args] of cases) {
        for (const [mode, env] of Object.entries(modes)) {
          const r = cpuAndWall([n22.bin, ...args], { ...env, NO_COLOR: '1' });
          if (i < 0) continue; // the warm-up round fills the cache
          ((t[name] ??= {})[mode] ??= { cpu: [], wall: [] }).cpu.push(r.cpu);
          t[name][mode].wall.push(r.wall);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const out = {};
  const rows = [['command (node ' + n22.version + ')', 'CPU off', 'CPU on', 'CPU saved', 'wall off', 'wall on']];
  for (const [name] of cases) {
    const m = (mode, k) => median(t[name][mode][k]);
    out[name] = { cpuOffMs: m('off', 'cpu'), cpuOnMs: m('on', 'cpu'), wallOffMs: m('off', 'wall'), wallOnMs: m('on', 'wall') };
    rows.push([name, fmt(m('off', 'cpu')), fmt(m('on', 'cpu')), `${(100 * (1 - m('on', 'cpu') / m('off', 'cpu'))).toFixed(0)}%`, fmt(m('off', 'wall')), fmt(m('on', 'wall'))]);
  }
  printTable(`V8 compile cache on / off (median of ${N} interleaved rounds after a warm-up round that fills it)`, rows);
  return { measured: true, node: n22.version, ms: out };
}

console.log('\nsaved bench/last-cli.json');
process.exit(0);
