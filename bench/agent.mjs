// Agent benchmark: `pcmk-agent snapshot` against the tools it replaces, on the live sandbox cluster
// and on a generated big CIB; parse+build share; peak RSS; CPU of `watch` on an idle cluster.
// Prints figures; asserts nothing.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundle, ensureSandbox, fmt, median, onNode, peakRss, printTable, root, timeCommand } from './lib.mjs';

const N = Number(process.env.BENCH_N ?? 7);
const results = {};

// 1. Live sandbox cluster, every command run inside cluster-1 the same way.
ensureSandbox();
const node = onNode('cluster-1');
const live = [
  ['pcmk-agent snapshot --json', [...node, 'node', bundle, 'snapshot', '--json']],
  ['crm_mon --one-shot --output-as=xml', [...node, 'crm_mon', '--one-shot', '--output-as=xml']],
  ['crm status', [...node, 'crm', 'status']],
  ['pcs status', [...node, 'pcs', 'status']],
];
const liveMs = {};
for (const [name, argv] of live) liveMs[name] = median(timeCommand(argv, { n: N }));
const nsenterOnly = median(timeCommand([...node, 'true'], { n: N }));

// The console keeps one agent per host running (pcmk-agent serve): time its snapshot requests.
async function warmSnapshots(n) {
  const child = spawn(node[0], [...node.slice(1), 'node', bundle, 'serve'], { stdio: ['pipe', 'pipe', 'ignore'] });
  let buf = '';
  const waiters = [];
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      waiters.shift()?.(line);
    }
  });
  const nextLine = () => new Promise((r) => waiters.push(r));
  await nextLine(); // hello
  const times = [];
  for (let k = 0; k <= n; k++) {
    const t = performance.now();
    child.stdin.write(`{"id":"${k}","type":"snapshot"}\n`);
    await nextLine();
    if (k > 0) times.push(performance.now() - t);
  }
  child.kill('SIGTERM');
  return times;
}
liveMs['pcmk-agent serve: snapshot request'] = median(await warmSnapshots(N));
const base = liveMs['crm_mon --one-shot --output-as=xml'];
printTable(`Sandbox cluster (median of ${N}, each run inside cluster-1 through nsenter, which alone takes ${fmt(nsenterOnly)})`, [
  ['command', 'wall', 'vs crm_mon XML'],
  ...Object.entries(liveMs).map(([k, v]) => [k, fmt(v), `${(v / base).toFixed(2)}x`]),
]);
results.sandbox = { ...liveMs, nsenterOnly };

// 2. A generated big CIB: crm_mon's own time vs the whole snapshot; parse+build share; peak RSS.
const dir = mkdtempSync(path.join(os.tmpdir(), 'pcmk-bench-'));
const cib = path.join(dir, 'big.xml');
execFileSync('node', [path.join(root, 'test/gen/gen-cib.mjs'), '--preset', 'big', '--out', cib], { stdio: 'inherit' });
const monArgs = ['crm_mon', '--one-shot', '--output-as=xml', '--inactive', '--include=all'];
const env = { CIB_file: cib, TZ: 'UTC' };
const monXml = execFileSync(monArgs[0], monArgs.slice(1), { env: { ...process.env, ...env }, maxBuffer: 1 << 30, encoding: 'utf8' });
writeFileSync(path.join(dir, 'mon.xml'), monXml);
const bigN = Math.max(3, Math.min(N, 5));
const monMs = median(timeCommand(monArgs, { n: bigN, env }));
const agentMs = median(timeCommand(['node', bundle, 'snapshot', '--json', '--cib', cib], { n: bigN, okCodes: [0] }));
const rss = { kib: JSON.parse(execFileSync('node', [path.join(root, 'bench/agent-rss.mjs'), cib], { encoding: 'utf8' })).maxRssKiB };
const monRss = peakRss(monArgs, env);

// parse + build alone, in this process, on the captured outputs (warm, median).
const { buildSnapshot, captured } = await import(path.join(root, 'dist/agent/index.js'));
const cfg = execFileSync('cibadmin', ['--query', '--scope', 'configuration'], { env: { ...process.env, ...env }, maxBuffer: 1 << 30, encoding: 'utf8' });
const raw = { crmMon: captured('crm_mon', monXml), cib: captured('cibadmin', cfg) };
const pb = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  const s = buildSnapshot(raw);
  pb.push(performance.now() - t);
  if (i === 0) results.bigCounts = { instances: s.instances.length, nodes: s.nodes.length, warnings: s.warnings.length };
}
const pbMs = median(pb);
printTable(`Generated CIB (${(statSync(cib).size / 1e6).toFixed(1)} MB CIB, ${(monXml.length / 1e6).toFixed(1)} MB of crm_mon XML, ${results.bigCounts.instances} instances, ${results.bigCounts.nodes} nodes; median of ${bigN})`, [
  ['what', 'value', 'ratio'],
  ['crm_mon --output-as=xml', fmt(monMs), '1.00x'],
  ['pcmk-agent snapshot --json (whole)', fmt(agentMs), `${(agentMs / monMs).toFixed(2)}x crm_mon`],
  ['parse + build (in process, warm)', fmt(pbMs), `${((pbMs / monMs) * 100).toFixed(1)}% of crm_mon`],
  ['agent peak RSS (its own process)', `${(rss.kib / 1024).toFixed(0)} MiB`, ''],
  ['crm_mon peak RSS (for scale)', `${(monRss.kib / 1024).toFixed(0)} MiB`, ''],
]);
results.big = { monMs, agentMs, parseBuildMs: pbMs, peakRssMiB: rss.kib / 1024, crmMonPeakRssMiB: monRss.kib / 1024 };

// 3. watch on an idle cluster: CPU of the agent and its crm_mon over 30 s.
const cpuOf = (pids) => {
  const tick = 100;
  let sum = 0;
  for (const p of pids) {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      sum += Number(f[11]) + Number(f[12]);
    } catch {
      /* gone */
    }
  }
  return (sum / tick) * 1000;
};
const childrenOf = (pid) => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
const watcher = spawn(node[0], [...node.slice(1), 'node', bundle, 'serve'], { stdio: ['pipe', 'pipe', 'ignore'] });
watcher.stdin.write('{"id":"w","type":"watch"}\n');
let pushes = 0;
watcher.stdout.on('data', (d) => (pushes += String(d).split('\n').filter((l) => l.includes('"snapshot"')).length));
await new Promise((r) => setTimeout(r, 5000));
const tree = () => {
  const all = [];
  const walk = (p) => {
    all.push(p);
    for (const c of childrenOf(p)) walk(c);
  };
  walk(watcher.pid);
  return all;
};
const pushesBefore = pushes;
const pidsA = tree();
const cpuA = cpuOf(pidsA);
const WATCH_S = Number(process.env.BENCH_WATCH_S ?? 30);
await new Promise((r) => setTimeout(r, WATCH_S * 1000));
const cpuB = cpuOf(tree());
watcher.kill('SIGTERM');
const share = ((cpuB - cpuA) / (WATCH_S * 1000)) * 100;
printTable(`watch on the idle sandbox cluster (${WATCH_S} s)`, [
  ['what', 'value'],
  ['CPU of agent + crm_mon', `${share.toFixed(2)}% of one core`],
  ['snapshots pushed while idle', String(pushes - pushesBefore)],
]);
results.watch = { cpuPercent: share, pushes: pushes - pushesBefore };

writeFileSync(path.join(root, 'bench/last-agent.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nsaved bench/last-agent.json`);
process.exit(0);
