// pcmk-top benchmark: time to first full screen on the sandbox cluster (vs crm_mon's interactive
// mode in the same terminal), change-to-screen latency of a node attribute change (vs crm_mon -A),
// and, on a generated CIB of 32 members, 100 remote/guest nodes, 600 bundle replicas and ~5,000
// instances, the time per frame while scrolling (in process, and key to screen in tmux) and the
// RSS of the console. Prints figures, writes bench/last-tui.json; asserts nothing.
//
//   node bench/tui.mjs            (needs: npm run build, tmux, root for the sandbox cluster)
//   BENCH_N=5 BENCH_CHANGES=10    runs per first-screen figure, attribute changes
//   BENCH_TUI_ONLY=first-screen   only the first-screen rows; =generated only the generated CIBs'
import { execFileSync, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureSandbox, fmt, knownHosts, median, onNode, percentile, printTable, root, sshConfig, timeCommand } from './lib.mjs';

const topBin = path.join(root, 'bin/pcmk-top.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// In-process frame timing (run as a child: node bench/tui.mjs --frames SNAPSHOT.json), so its
// RSS is the console's own: React + Ink + the view models over one big snapshot.
if (process.argv[2] === '--frames') {
  process.stdout.write(`${JSON.stringify(await frames(process.argv[3]))}\n`);
  process.exit(0);
}

async function frames(snapshotFile) {
  delete process.env.CI; // Ink writes no frames when CI is set
  process.env.NODE_ENV = 'production';
  const React = (await import('react')).default;
  const { render } = await import('ink');
  const { App } = await import(path.join(root, 'dist/tui/app.js'));
  const { createViewStore, singleSnapshotView } = await import(path.join(root, 'dist/tui/view-source.js'));

  const snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8'));
  const now = Date.now();
  const source = createViewStore(singleSnapshotView(snapshot, 'cib-file', now, 'bench'));

  // A terminal: 120x40 stdout that records when frames are written, a raw-mode stdin.
  let writes = 0;
  let waiter = null;
  const stdout = Object.assign(new EventEmitter(), {
    columns: 120,
    rows: 40,
    isTTY: true,
    write(chunk) {
      writes++;
      if (waiter && String(chunk).length) {
        const w = waiter;
        waiter = null;
        w(performance.now());
      }
      return true;
    },
  });
  let pending = null;
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    setEncoding() {},
    setRawMode() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read() {
      const d = pending;
      pending = null;
      return d;
    },
  });
  const nextWrite = (timeoutMs = 5000) =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        waiter = null;
        resolve(null);
      }, timeoutMs);
      waiter = (at) => {
        clearTimeout(t);
        resolve(at);
      };
    });

  // Ink reports how long building each frame's text took (its output stage, after React and
  // the layout): the share of a frame that is Ink's and not the console's.
  let inkMs = [];
  const t0 = performance.now();
  const first = nextWrite();
  const instance = render(React.createElement(App, { source, actions: null, readOnly: true, size: { columns: 120, rows: 40 }, color: true, tickMs: 0 }), {
    stdout,
    stderr: stdout,
    stdin,
    exitOnCtrlC: false,
    patchConsole: false,
    incrementalRendering: false,
    onRender: ({ renderTime }) => inkMs.push(renderTime),
  });
  const firstAt = await first;
  const mountMs = firstAt === null ? null : firstAt - t0;
  await sleep(100);

  /** Key to written frame, one key at a time, spaced past Ink's 30 fps throttle window. */
  async function keyFrames(seq, n) {
    const times = [];
    let missed = 0;
    inkMs = [];
    for (let i = 0; i < n; i++) {
      const key = seq[i % seq.length];
      const done = nextWrite();
      const t = performance.now();
      pending = key;
      stdin.emit('readable');
      const at = await done;
      if (at === null) missed++;
      else times.push(at - t);
      await sleep(40);
    }
    return { n: times.length, missed, p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times), inkOutputP50: percentile(inkMs, 50) };
  }

  /** New snapshot objects (a few nodes or instances changed) to written frame. */
  async function snapshotFrames(change, n) {
    const times = [];
    inkMs = [];
    for (let i = 0; i < n; i++) {
      const next = change(i % 2 === 0);
      const done = nextWrite();
      const t = performance.now();
      source.setView(singleSnapshotView(next, 'cib-file', now, 'bench'));
      const at = await done;
      if (at !== null) times.push(at - t);
      await sleep(60);
    }
    return { n: times.length, missed: n - times.length, p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times), inkOutputP50: percentile(inkMs, 50) };
  }

  const out = { mountMs, instances: snapshot.instances.length, nodes: snapshot.nodes.length };
  // Resources view (the default): every instance, groups and bundles with their replicas.
  out.resourcesDown = await keyFrames(['j'], 200);
  out.resourcesPageDown = await keyFrames(['\u001b[6~'], 100);
  out.resourcesTopBottom = await keyFrames(['G', 'g'], 20);
  out.resourcesByNode = await keyFrames(['n', 'n'], 10);
  // A filter typed character by character, then cleared.
  await keyFrames(['/'], 1);
  out.filterTyping = await keyFrames(['n', 'o', 'd', 'e', '-', '1'], 6);
  await keyFrames(['\u001b'], 1);
  await keyFrames(['1'], 1);
  out.nodesDown = await keyFrames(['j'], 100);
  out.switchView = await keyFrames(['2', '1'], 20);
  // New snapshots: five nodes in and out of standby (Nodes view), then the first visible
  // instances stopped and started (Resources view, ~5,000 rows rebuilt and diffed).
  await keyFrames(['g'], 1);
  out.snapshotNodes = await snapshotFrames((on) => ({ ...snapshot, nodes: snapshot.nodes.map((x, i) => (i < 5 ? { ...x, standby: on } : x)) }), 20);
  await keyFrames(['2'], 1);
  await keyFrames(['g'], 1);
  out.snapshotResources = await snapshotFrames(
    (on) => ({ ...snapshot, instances: snapshot.instances.map((x, i) => (i < 5 ? { ...x, role: on ? 'Stopped' : x.role, nodes: on ? [] : x.nodes, active: !on } : x)) }),
    20,
  );
  out.writes = writes;
  instance.unmount();
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  out.rssMiB = kib('VmRSS') / 1024;
  out.peakRssMiB = kib('VmHWM') / 1024;
  out.heapUsedMiB = process.memoryUsage().heapUsed / 1048576;
  return out;
}

// ---------------------------------------------------------------------------------------------
// tmux: one private server for the whole run, killed at the end.
const SOCKET = `pcmk-bench-tui-${process.pid}`;
function tmux(args, timeout = 10_000) {
  return execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
}
const at = (s) => `=${s}:`;
let sessions = 0;
function startSession(argv, cols = 120, rows = 40) {
  // A session that lives for the whole run: the server never exits between measurements (a new
  // session on a server that is shutting down after its last session would die with it).
  if (sessions === 0) tmux(['new-session', '-d', '-s', 'keeper', 'sleep', '86400']);
  const name = `s${++sessions}`;
  tmux(['new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows), 'env', '-u', 'CI', ...argv]);
  return name;
}
function capture(name) {
  return tmux(['capture-pane', '-p', '-t', at(name)]);
}
function killSession(name) {
  try {
    tmux(['kill-session', '-t', at(name)]);
  } catch {
    // already gone
  }
}
function killServer() {
  try {
    const socket = tmux(['display-message', '-p', '#{socket_path}']).trim();
    tmux(['kill-server']);
    if (socket) rmSync(socket, { force: true });
  } catch {
    // no server
  }
}
process.on('exit', killServer);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

/** Polls the screen every ~10 ms until pred(text) holds; returns ms since t0, or null. */
async function until(name, pred, t0, timeoutMs = 60_000) {
  const deadline = t0 + timeoutMs;
  while (performance.now() < deadline) {
    const text = capture(name);
    if (pred(text)) return performance.now() - t0;
    await sleep(10);
  }
  return null;
}

/**
 * Time from starting argv in a fresh terminal until each stage's predicate first holds on
 * screen (stages in order, the last one ends the run), n times. Returns ms per stage.
 */
async function firstScreen(argv, stages, n, opts = {}) {
  const names = Object.keys(stages);
  const times = Object.fromEntries(names.map((k) => [k, []]));
  const timeoutMs = opts.timeoutMs ?? 60_000;
  for (let i = 0; i < n; i++) {
    opts.before?.();
    const t0 = performance.now();
    const s = startSession(argv, opts.cols, opts.rows);
    const seen = {};
    while (performance.now() - t0 < timeoutMs && seen[names.at(-1)] === undefined) {
      const text = capture(s);
      const t = performance.now() - t0;
      for (const k of names) if (seen[k] === undefined && stages[k](text)) seen[k] = t;
      await sleep(10);
    }
    killSession(s);
    if (seen[names.at(-1)] === undefined) throw new Error(`${argv.join(' ')}: no full screen within ${timeoutMs} ms`);
    for (const k of names) times[k].push(seen[k] ?? seen[names.at(-1)]);
    await sleep(opts.gapMs ?? 1000);
  }
  return times;
}

const stats = (xs) => ({ n: xs.length, p50: median(xs), p95: percentile(xs, 95), min: Math.min(...xs), max: Math.max(...xs) });

const N = Number(process.env.BENCH_N ?? 5);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 10);
const results = { when: new Date().toISOString(), cpus: os.cpus().length };

try {
  execFileSync(process.execPath, [topBin, 'help'], { stdio: 'ignore', timeout: 30_000 });
} catch {
  console.error('pcmk-top does not run: build first (npm run build)');
  process.exit(1);
}

// 1. Time to first full screen on the sandbox cluster.
const only = process.env.BENCH_TUI_ONLY ?? '';
if (only !== 'generated') ensureSandbox();
const hosts = ['cluster-1', 'cluster-2', 'cluster-3'];
const topArgs = (h) => [process.execPath, topBin, '--host', h.join(','), '-F', sshConfig, '--known-hosts', knownHosts];
// Full: cluster facts in the header, the resource list drawn, every host live.
const topFull = (h) => (text) => {
  const lines = text.split('\n');
  return /cluster sandbox/.test(lines[0]) && /DC cluster-\d/.test(lines[0]) && /^\s*dregistry\s/m.test(text) && h.every((x) => lines[1].includes(`${x} live`));
};
const monFull = (text) => /Node List/.test(text) && /dregistry/.test(text) && /Active Resources/.test(text);
const sshMon = (args) => ['ssh', '-F', sshConfig, '-o', `UserKnownHostsFile=${knownHosts}`, '-tt', 'cluster-1', 'crm_mon', ...args];

const drawn = (text) => text.split('\n').some((l) => l.trim());
const topStages = (h) => ({
  'first frame': drawn,
  'first data': (text) => /cluster sandbox/.test(text.split('\n')[0]) && /^\s*dregistry\s/m.test(text),
  'every host live': topFull(h),
});
const monStages = { 'first frame': drawn, 'full screen': monFull };
// pcmk-top's snapshot cache (the last snapshot a run saw, painted marked CACHED until a host
// answers) in a directory of this run: emptied before each "no cache" start, kept between the
// "cache of the previous run" starts (a run before them fills it).
const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'pcmk-bench-cache-'));
process.on('exit', () => rmSync(cacheHome, { recursive: true, force: true }));
const emptyCache = () => rmSync(path.join(cacheHome, 'pcmk-console'), { recursive: true, force: true });
const withCache = (argv) => ['env', `XDG_CACHE_HOME=${cacheHome}`, ...argv];
const cachedStages = (h) => ({
  'first frame': drawn,
  'cached data': (text) => /CACHED \d+[sm] ago/.test(text) && /^\s*dregistry\s/m.test(text),
  'every host live': topFull(h),
});
/** One start that waits (bounded) until pcmk-top has saved its first live snapshot. */
async function fillCache() {
  emptyCache();
  const s = startSession(withCache(topArgs(hosts)));
  const dir = path.join(cacheHome, 'pcmk-console', 'snapshots');
  const t0 = performance.now();
  while (performance.now() - t0 < 60_000 && !(existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json')))) await sleep(50);
  killSession(s);
  if (!readdirSync(dir).some((f) => f.endsWith('.json'))) throw new Error(`pcmk-top saved no snapshot in ${dir} within 60 s`);
}
if (only !== 'generated') {
  emptyCache();
  const runs = {
    'pcmk-top --host cluster-1,2,3 (SSH, 3 hosts, no cache)': await firstScreen(withCache(topArgs(hosts)), topStages(hosts), N, { before: emptyCache }),
    'pcmk-top --host cluster-1,2,3 (SSH, 3 hosts, cache of the previous run)': await fillCache().then(() => firstScreen(withCache(topArgs(hosts)), cachedStages(hosts), N)),
    'pcmk-top --host cluster-1 (SSH, 1 host)': await firstScreen(topArgs(['cluster-1']), topStages(['cluster-1']), N),
    'crm_mon interactive over ssh -t cluster-1': await firstScreen(sshMon([]), monStages, N),
    'crm_mon interactive in cluster-1 (nsenter)': await firstScreen([...onNode('cluster-1'), 'crm_mon'], monStages, N),
  };
  results.firstScreenMs = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([st, xs]) => [st, stats(xs)]))]));
  const full = (v) => v['every host live'] ?? v['full screen'];
  const monSsh = median(full(runs['crm_mon interactive over ssh -t cluster-1']));
  printTable(`Time to first full screen on the sandbox cluster (120x40 tmux, median of ${N}; full = header and resources drawn, every host live)`, [
    ['what', 'first frame', 'first data', 'full', 'full min..max', 'full vs crm_mon over ssh'],
    ...Object.entries(runs).map(([k, v]) => [
      k,
      fmt(median(v['first frame'])),
      v['first data'] ? fmt(median(v['first data'])) : v['cached data'] ? `${fmt(median(v['cached data']))} (CACHED)` : '',
      fmt(median(full(v))),
      `${fmt(Math.min(...full(v)))}..${fmt(Math.max(...full(v)))}`,
      `${(median(full(v)) / monSsh).toFixed(2)}x`,
    ]),
  ]);

  {
    const cold = median(full(runs['pcmk-top --host cluster-1,2,3 (SSH, 3 hosts, no cache)']));
    const warm = runs['pcmk-top --host cluster-1,2,3 (SSH, 3 hosts, cache of the previous run)'];
    results.firstScreenTarget = { completeMs: cold, crmMonSshMs: monSsh, ratio: cold / monSsh, met: cold / monSsh <= 1.5, cachedDataMs: median(warm['cached data']) };
    printTable('Target: complete screen (every host live), 3 hosts, <= 1.5x `ssh -t cluster-1 crm_mon` measured above', [
      ['what', 'value', 'vs crm_mon over ssh', 'target'],
      ['complete screen, no cache', fmt(cold), `${(cold / monSsh).toFixed(2)}x`, cold / monSsh <= 1.5 ? 'met' : 'MISSED'],
      ['cached snapshot on screen (CACHED, no actions)', fmt(median(warm['cached data'])), `${(median(warm['cached data']) / monSsh).toFixed(2)}x`, ''],
      [`load average now (${os.cpus().length} CPUs)`, os.loadavg()[0].toFixed(2), '', ''],
    ]);
  }
}

// BENCH_TUI_ONLY=first-screen: only the first-screen rows (they change nothing on the cluster).
if (only === 'first-screen') {
  writeFileSync(path.join(root, 'bench/last-tui.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.exit(0);
}

if (only !== 'generated') {
  // 2. Change-to-screen latency: a transient node attribute set on cluster-1, until the screen
  // shows the new value (pcmk-top's Nodes view; crm_mon -A's node attributes). Transient
  // attributes live in the status section: the configuration other tests compare stays untouched.
  async function changeLatency(name, lineFor, n) {
    const fromCommit = [];
    const fromStart = [];
    for (let i = 0; i < n; i++) {
      const value = `${process.pid}-${i}-${Date.now() % 100000}`;
      const t0 = performance.now();
      const r = spawnSync(onNode('cluster-1')[0], [...onNode('cluster-1').slice(1), 'crm_attribute', '--node', 'cluster-2', '--name', 'bench-tui', '--update', value, '--lifetime', 'reboot'], {
        timeout: 30_000,
      });
      if (r.status !== 0) throw new Error(`crm_attribute failed: ${r.stderr}`);
      const t1 = performance.now();
      const ms = await until(name, (text) => lineFor(text, value), t1, 20_000);
      if (ms === null) throw new Error(`${name}: bench-tui=${value} never showed`);
      fromCommit.push(ms);
      fromStart.push(ms + (t1 - t0));
      await sleep(700 + Math.random() * 600);
    }
    return { fromCommit: stats(fromCommit), fromStart: stats(fromStart) };
  }
  function clearAttr() {
    spawnSync(onNode('cluster-1')[0], [...onNode('cluster-1').slice(1), 'crm_attribute', '--node', 'cluster-2', '--name', 'bench-tui', '--delete', '--lifetime', 'reboot'], { timeout: 30_000 });
  }

  const latency = {};
  {
    const s = startSession(withCache(topArgs(hosts)), 200, 50);
    if ((await until(s, topFull(hosts), performance.now(), 60_000)) === null) throw new Error('pcmk-top did not come up');
    tmux(['send-keys', '-t', at(s), '1']);
    await sleep(500);
    latency['pcmk-top (SSH, 3 hosts), Nodes view'] = await changeLatency(s, (text, v) => text.split('\n').some((l) => /^\s*\*?cluster-2\b/.test(l) && l.includes(`bench-tui=${v}`)), CHANGES);
    killSession(s);
  }
  {
    const s = startSession(sshMon(['-A']), 200, 60);
    if ((await until(s, monFull, performance.now(), 60_000)) === null) throw new Error('crm_mon did not come up');
    await sleep(500);
    // crm_mon -A lists "* Node: cluster-2:" and below it "* bench-tui : VALUE".
    latency['crm_mon -A interactive over ssh -t cluster-1'] = await changeLatency(s, (text, v) => text.includes(`bench-tui                         : ${v}`) || new RegExp(`bench-tui\\s*:\\s*${v}\\b`).test(text), CHANGES);
    killSession(s);
  }
  clearAttr();
  results.changeToScreenMs = latency;
  printTable(`Change-to-screen latency (crm_attribute --lifetime reboot on cluster-1, ${CHANGES} changes; screen polled every ~10 ms)`, [
    ['what', 'p50 from commit', 'p95 from commit', 'p50 from command start', 'p95 from command start'],
    ...Object.entries(latency).map(([k, v]) => [k, fmt(v.fromCommit.p50), fmt(v.fromCommit.p95), fmt(v.fromStart.p50), fmt(v.fromStart.p95)]),
  ]);
}

// 3. Generated CIBs: the `tui` preset (~5,000 instances, the frame and RSS targets) and the
// `big` preset (~8,000 instances): frames and RSS.
const dir = mkdtempSync(path.join(os.tmpdir(), 'pcmk-bench-tui-'));
results.generated = {};
async function generated(preset) {
  const cib = path.join(dir, `${preset}.xml`);
  execFileSync(process.execPath, [path.join(root, 'test/gen/gen-cib.mjs'), '--preset', preset, '--out', cib], { stdio: 'ignore', timeout: 300_000 });
  const snapFile = path.join(dir, `${preset}.json`);
  writeFileSync(snapFile, execFileSync(process.execPath, [path.join(root, 'dist/pcmk-agent.cjs'), 'snapshot', '--json', '--cib', cib], { maxBuffer: 1 << 30, timeout: 300_000 }));
  // What this preset measured (saved under results.generated[preset]).
  const results = {};

  // 3a. In process: key to written frame.
  const child = spawnSync(process.execPath, [path.join(root, 'bench/tui.mjs'), '--frames', snapFile], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 300_000, cwd: root });
  if (child.status !== 0) throw new Error(`frame bench failed: ${child.stderr}`);
  // The JSON line (Ink may print a cursor escape on exit).
  const fr = JSON.parse(child.stdout.split('\n').find((l) => l.startsWith('{')));
  results.framesInProcess = fr;
  const row = (label, x) => [label, fmt(x.p50), fmt(x.p95), fmt(x.max), fmt(x.inkOutputP50), String(x.n)];
  printTable(`Frames in process on the generated CIB, preset ${preset} (${fr.instances} instances, ${fr.nodes} nodes; input -> frame written, 120x40; target p95 <= 16 ms: ${fr.resourcesDown.p95 <= 16 ? 'met' : 'MISSED'} for j)`, [
    ['what', 'p50', 'p95', 'max', "Ink's output stage p50", 'frames'],
    ['mount -> first frame', fmt(fr.mountMs), '', '', '', '1'],
    row('resources: j (next row)', fr.resourcesDown),
    row('resources: PgDn', fr.resourcesPageDown),
    row('resources: G / g', fr.resourcesTopBottom),
    row('resources: n (group by node)', fr.resourcesByNode),
    row('filter: one typed character', fr.filterTyping),
    row('nodes: j', fr.nodesDown),
    row('switch view 1 <-> 2', fr.switchView),
    row('new snapshot, Nodes view', fr.snapshotNodes),
    row('new snapshot, Resources view', fr.snapshotResources),
    ['RSS of that process (now / peak), heap used', `${fr.rssMiB.toFixed(0)} MiB`, `${fr.peakRssMiB.toFixed(0)} MiB`, `${fr.heapUsedMiB.toFixed(0)} MiB heap`, '', ''],
  ]);

  // 3b. The real console on the file in tmux: first screen, key -> screen change, RSS (crm_mon on
  // the big file takes seconds, minutes on a loaded machine: a generous timeout).
  // Run as a user runs it (its shebang carries Node's flags), with this Node first on PATH.
  const s = startSession([`PATH=${path.dirname(process.execPath)}:${process.env.PATH}`, topBin, '--cib', cib, '--timeout', '300']);
  const t0 = performance.now();
  const firstMs = await until(s, (t) => /cluster bench-cluster/.test(t) && /\b1\/\d{4,}\b/.test(t.split('\n')[2] ?? ''), t0, 120_000);
  if (firstMs === null) throw new Error('pcmk-top --cib did not come up');
  const pid = tmux(['display-message', '-p', '-t', at(s), '#{pane_pid}']).trim();
  const procRss = () => {
    const st = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rss: Number(/VmRSS:\s+(\d+)/.exec(st)[1]) / 1024, peak: Number(/VmHWM:\s+(\d+)/.exec(st)[1]) / 1024 };
  };
  await sleep(1000);
  const rssIdle = procRss();
  const position = (t) => /\b(\d+)\/\d+\b/.exec(t.split('\n')[2] ?? '')?.[1];
  const scroll = async (key, n) => {
    const times = [];
    for (let i = 0; i < n; i++) {
      const before = position(capture(s));
      const t = performance.now();
      tmux(['send-keys', '-t', at(s), key]);
      const ms = await until(s, (x) => position(x) !== before, t, 5000);
      if (ms !== null) times.push(ms);
      await sleep(40);
    }
    return stats(times);
  };
  const tmuxDown = await scroll('j', 50);
  const tmuxPage = await scroll('PageDown', 30);
  const rssAfter = procRss();
  // The agent the console watches through (its child process), on its own.
  const agentPid = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
  const agentSt = agentPid ? readFileSync(`/proc/${agentPid}/status`, 'utf8') : '';
  const agentRss = agentPid ? { rss: Number(/VmRSS:\s+(\d+)/.exec(agentSt)[1]) / 1024, peak: Number(/VmHWM:\s+(\d+)/.exec(agentSt)[1]) / 1024 } : null;
  killSession(s);
  // For scale: an empty tmux round trip (send a key nobody reads, capture).
  const idle = startSession(['sleep', '60']);
  const rt = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    tmux(['send-keys', '-t', at(idle), '']);
    capture(idle);
    rt.push(performance.now() - t);
  }
  killSession(idle);
  // crm_mon on the same file: with CIB_file it has no interactive mode and prints its one-shot
  // text output, so its run time is the like-for-like figure.
  const monFirst = timeCommand(['crm_mon', '--one-shot'], { n: Math.min(N, 3), env: { CIB_file: cib } });
  results.generatedInTmux = {
    firstScreenMs: firstMs,
    crmMonFirstScreenMs: stats(monFirst),
    keyToScreenDown: tmuxDown,
    keyToScreenPageDown: tmuxPage,
    tmuxRoundTripMs: median(rt),
    rssIdleMiB: rssIdle.rss,
    rssAfterScrollMiB: rssAfter.rss,
    peakRssMiB: rssAfter.peak,
    agentRssMiB: agentRss?.rss ?? null,
    agentPeakRssMiB: agentRss?.peak ?? null,
  };
  printTable(`pcmk-top --cib on the generated CIB, preset ${preset}, in tmux (120x40)`, [
    ['what', 'value', 'target / for scale'],
    ['first full screen (builds the snapshot: crm_mon + parse)', fmt(firstMs), `crm_mon --one-shot on the same file: ${fmt(median(monFirst))}`],
    ['key j -> screen changed (p50 / p95)', `${fmt(tmuxDown.p50)} / ${fmt(tmuxDown.p95)}`, `incl. tmux send + ~10 ms polling; tmux round trip ${fmt(median(rt))}`],
    ['key PgDn -> screen changed (p50 / p95)', `${fmt(tmuxPage.p50)} / ${fmt(tmuxPage.p95)}`, ''],
    ['RSS after load / after scrolling / peak', `${rssIdle.rss.toFixed(0)} / ${rssAfter.rss.toFixed(0)} / ${rssAfter.peak.toFixed(0)} MiB`, `target <= 150 MiB: ${rssAfter.peak <= 150 ? 'met' : 'MISSED'}`],
    ['its agent (child process) RSS now / peak', agentRss ? `${agentRss.rss.toFixed(0)} / ${agentRss.peak.toFixed(0)} MiB` : '(none)', 'not the console: reported apart'],
  ]);
  return results;
}
try {
  results.generated.tui = await generated('tui');
  results.generated.big = await generated('big');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Live console RSS on the sandbox, for scale.
if (only !== 'generated') {
  const s = startSession(withCache(topArgs(hosts)));
  await until(s, topFull(hosts), performance.now(), 60_000);
  await sleep(3000);
  const pid = tmux(['display-message', '-p', '-t', at(s), '#{pane_pid}']).trim();
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  results.sandboxRssMiB = Number(/VmRSS:\s+(\d+)/.exec(st)[1]) / 1024;
  killSession(s);
  console.log(`\npcmk-top RSS on the sandbox cluster (3 hosts over SSH): ${results.sandboxRssMiB.toFixed(0)} MiB`);
}

writeFileSync(path.join(root, 'bench/last-tui.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('\nsaved bench/last-tui.json');
process.exit(0);
