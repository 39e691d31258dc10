// Live updates: cluster change -> on screen, pcmk-top (SSH, 3 hosts) against crm_mon's interactive
// mode, both open side by side in tmux and watching the same changes; and the CPU an idle watch
// costs on a host.
//
// The changes: target-role toggles of three Dummy resources (dregistry on a member, the remote
// node's and the guest node's dummies), in rounds: one toggle after 10+ s of quiet, then the
// others 0.3 s apart (a burst). "The change" is the moment the operation's result reached the
// CIB's clients: an independent observer on cluster-3 (its own crm_mon with an external agent,
// nothing of ours) timestamps every operation result. "On screen" is the first capture of the
// tmux pane (polled every ~10-20 ms) that shows the resource in its new role. Both clocks are the
// same kernel's (the sandbox nodes are containers on this machine).
//
//   node bench/live.mjs       (needs: npm run build, tmux, the sandbox cluster; changes the
//                              cluster: run under flock /tmp/pcmk-sandbox.lock)
//   BENCH_ROUNDS=7 BENCH_QUIET_S=11 BENCH_IDLE_S=45
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { bundle, ensureSandbox, fmt, knownHosts, median, onNode, percentile, printTable, root, sshConfig } from './lib.mjs';

const topBin = path.join(root, 'bin/pcmk-top.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const QUIET_S = Number(process.env.BENCH_QUIET_S ?? 11);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 45);
const TARGET = { p95: 500, worst: 800, idleCpu: 1 };
const RESOURCES = ['dregistry', 'remote-1-dummy', 'guest-1-dummy'];
const hosts = ['cluster-1', 'cluster-2', 'cluster-3'];
const traceFile = path.join(tmpdir(), `pcmk-bench-live-${process.pid}.jsonl`);

ensureSandbox();
try {
  execFileSync(process.execPath, [topBin, '--version'], { stdio: 'ignore', timeout: 30_000 });
} catch {
  console.error('pcmk-top does not run: build first (npm run build)');
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// tmux: one private server, killed at the end.
const SOCKET = `pcmk-bench-live-${process.pid}`;
const tmux = (args) => execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
const at = (s) => `=${s}:`;
function killServer() {
  try {
    tmux(['kill-server']);
  } catch {
    // no server
  }
}
tmux(['new-session', '-d', '-s', 'keeper', 'sleep', '86400']);
const capture = (s) => tmux(['capture-pane', '-p', '-t', at(s)]);

// ---------------------------------------------------------------------------------------------
// The cluster: remember each resource's target-role (meta attribute) to put it back at the end.
const onDc = (args) => spawnSync(onNode('cluster-1')[0], [...onNode('cluster-1').slice(1), ...args], { encoding: 'utf8', timeout: 30_000 });
function targetRole(rsc) {
  const r = onDc(['crm_resource', '--resource', rsc, '--meta', '--get-parameter', 'target-role', '--quiet']);
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}
function setRole(rsc, role) {
  const args = role === null ? ['--delete-parameter', 'target-role'] : ['--set-parameter', 'target-role', '--parameter-value', role];
  const r = onDc(['crm_resource', '--resource', rsc, '--meta', ...args]);
  if (r.status !== 0) throw new Error(`crm_resource ${rsc} ${role}: ${r.stderr}`);
}
const before = Object.fromEntries(RESOURCES.map((r) => [r, targetRole(r)]));
const waitIdle = () => onDc(['crm_resource', '--wait', '--timeout=120']);
let restored = false;
function restore() {
  if (restored) return;
  restored = true;
  for (const r of RESOURCES) setRole(r, before[r]);
  waitIdle();
}
process.on('exit', () => {
  restore();
  killServer();
  rmSync(traceFile, { force: true });
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => {
  restore();
  process.exit(130);
});

// ---------------------------------------------------------------------------------------------
// The observer on cluster-3: crm_mon --external-agent writes every operation result with the
// time the agent ran; we read them over SSH.
const observerScript = `
const fs = require('fs'), os = require('os'), path = require('path'), { spawn } = require('child_process');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-live-'));
const events = path.join(dir, 'events'), script = path.join(dir, 'notify');
fs.writeFileSync(events, '');
fs.writeFileSync(script, '#!/bin/sh\\nprintf "%s\\\\t%s\\\\t%s\\\\t%s\\\\t%s\\\\n" "$(date +%s%3N)" "$CRM_notify_task" "$CRM_notify_rsc" "$CRM_notify_rc" "$CRM_notify_desc" >> ' + events + '\\n', { mode: 0o700 });
const mon = spawn('crm_mon', ['--external-agent=' + script, '--output-as=text', '--output-to=/dev/null'], { stdio: 'ignore' });
let off = 0;
fs.watch(events, () => { const b = fs.readFileSync(events); process.stdout.write(b.subarray(off)); off = b.length; });
console.log('ready');
process.stdin.resume();
process.stdin.on('end', () => { mon.kill(); fs.rmSync(dir, { recursive: true, force: true }); process.exit(0); });
`;
const observer = spawn('ssh', ['-F', sshConfig, '-o', `UserKnownHostsFile=${knownHosts}`, 'cluster-3', 'node', '-e', `"eval(Buffer.from('${Buffer.from(observerScript).toString('base64')}','base64').toString())"`], { stdio: ['pipe', 'pipe', 'inherit'] });
/** Operation results seen: { at, task, rsc, rc }. */
const results = [];
let observerReady;
const ready = new Promise((r) => (observerReady = r));
createInterface({ input: observer.stdout }).on('line', (l) => {
  if (l === 'ready') return observerReady();
  const [atMs, task, rsc, rc] = l.split('\t');
  if (rsc) results.push({ at: Number(atMs), task, rsc, rc });
});
await ready;

// ---------------------------------------------------------------------------------------------
// The two screens.
const top = 'top';
tmux(['new-session', '-d', '-s', top, '-x', '200', '-y', '60', 'env', '-u', 'CI', `PCMK_TRACE_LIVE=${traceFile}`, process.execPath, topBin, '--host', hosts.join(','), '-F', sshConfig, '--known-hosts', knownHosts]);
const mon = 'mon';
tmux(['new-session', '-d', '-s', mon, '-x', '200', '-y', '60', 'ssh', '-F', sshConfig, '-o', `UserKnownHostsFile=${knownHosts}`, '-tt', 'cluster-1', 'crm_mon', '--inactive']);

// pcmk-top's resources view: "  dregistry   primitive   Started   cluster-1"; crm_mon -r:
// "  * dregistry	(ocf:pacemaker:Dummy):	 Stopped (disabled)".
const topRole = (text, rsc) => new RegExp(`^[ *]?\\s*${rsc}\\s+\\S+\\s+(\\S+)`, 'm').exec(text)?.[1] ?? null;
const monRole = (text, rsc) => new RegExp(`\\* ${rsc}\\s+\\([^)]*\\):\\s+(\\S+)`).exec(text)?.[1] ?? null;
const screens = { 'pcmk-top (SSH, 3 hosts)': { session: top, role: topRole }, 'crm_mon interactive (ssh -t cluster-1)': { session: mon, role: monRole } };

async function until(pred, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (pred()) return;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; pcmk-top shows:\n${capture(top)}\ncrm_mon shows:\n${capture(mon)}`);
}
const allLive = (text) => hosts.every((h) => (text.split('\n')[1] ?? '').includes(`${h} live`));
await until(() => allLive(capture(top)) && RESOURCES.every((r) => topRole(capture(top), r)) && RESOURCES.every((r) => monRole(capture(mon), r)), 90_000, 'both screens');

// ---------------------------------------------------------------------------------------------
// The changes. Each toggle waits for its own result on both screens while the next ones go on.
const cur = Object.fromEntries(RESOURCES.map((r) => [r, topRole(capture(top), r)]));
/** One per change: { rsc, role, spacing, sentAt, cmdDoneAt, changeAt, seen: {screen: ms} }. */
const changes = [];
const open = new Set();

// The screens are not polled (a tmux process every 10 ms would take a good part of a core from
// what is measured): a tmux control client per session reports every write to the terminal
// (%output) as it happens; the pane is captured after each, and a change counts as on screen at
// the time of the write that the capture shows it after.
function follow(name, sc) {
  const ctl = spawn('tmux', ['-L', SOCKET, '-f', '/dev/null', '-C', 'attach-session', '-r', '-t', at(sc.session)], { stdio: ['pipe', 'pipe', 'ignore'] });
  let busy = false;
  let again = null;
  const check = (t) => {
    if (busy) {
      again ??= t;
      return;
    }
    busy = true;
    const text = capture(sc.session);
    for (const c of open) if (c.seen[name] === undefined && sc.role(text, c.rsc) === c.role) c.seen[name] = t;
    for (const c of [...open]) if (Object.keys(c.seen).length === Object.keys(screens).length) open.delete(c);
    busy = false;
    if (again !== null) {
      const t2 = again;
      again = null;
      setImmediate(() => check(t2));
    }
  };
  createInterface({ input: ctl.stdout }).on('line', (l) => {
    if (l.startsWith('%output ')) check(Date.now());
  });
  return () => ctl.stdin.end();
}
const stopFollowing = Object.entries(screens).map(([name, sc]) => follow(name, sc));

for (let round = 0; round < ROUNDS; round++) {
  await sleep(QUIET_S * 1000);
  for (const [i, rsc] of RESOURCES.entries()) {
    if (i > 0) await sleep(300);
    const role = cur[rsc] === 'Started' ? 'Stopped' : 'Started';
    const c = { rsc, role, spacing: i === 0 ? `after ${QUIET_S} s quiet` : 'burst, 0.3 s', sentAt: Date.now(), seen: {} };
    changes.push(c);
    open.add(c);
    setRole(rsc, role);
    c.cmdDoneAt = Date.now();
    cur[rsc] = role;
  }
}
await until(() => open.size === 0, 60_000, `the last changes on screen: ${[...open].map((c) => `${c.rsc} ${c.role}`).join(', ')}`);
for (const stop of stopFollowing) stop();

// The change's moment: the first result of the operation that makes the new role, after the command.
for (const c of changes) {
  const task = c.role === 'Stopped' ? 'stop' : 'start';
  c.changeAt = results.find((r) => r.rsc === c.rsc && r.task === task && r.rc === '0' && r.at >= c.sentAt)?.at ?? null;
}
const measured = changes.filter((c) => c.changeAt !== null);
const rows = [];
const out = { when: new Date().toISOString(), changes: changes.length, measured: measured.length, screens: {} };
for (const name of Object.keys(screens)) {
  const lat = measured.map((c) => c.seen[name] - c.changeAt);
  const fromCmd = changes.map((c) => c.seen[name] - c.cmdDoneAt);
  const quiet = measured.filter((c) => c.spacing.startsWith('after')).map((c) => c.seen[name] - c.changeAt);
  const burst = measured.filter((c) => c.spacing.startsWith('burst')).map((c) => c.seen[name] - c.changeAt);
  const s = { p50: median(lat), p95: percentile(lat, 95), worst: Math.max(...lat), best: Math.min(...lat), quietP50: median(quiet), burstP50: median(burst), fromCommandP50: median(fromCmd), fromCommandP95: percentile(fromCmd, 95) };
  out.screens[name] = s;
  rows.push([name, fmt(s.p50), fmt(s.p95), fmt(s.worst), `${fmt(s.quietP50)} / ${fmt(s.burstP50)}`, `${fmt(s.fromCommandP50)} / ${fmt(s.fromCommandP95)}`]);
}

// Where pcmk-top's time goes (PCMK_TRACE_LIVE): per change, the DC agent's snapshot that carried
// it, and the first frame after that snapshot arrived.
// The DC's host (whichever member won the election; the agents of the others read 2 s later).
const dcHost = /<current_dc [^>]*\bname="([^"]+)"/.exec(onDc(['crm_mon', '-1', '--output-as=xml']).stdout)?.[1] ?? 'cluster-1';
const trace = readFileSync(traceFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const snaps = trace.filter((t) => t.eventAt);
const frames = trace.filter((t) => t.frame);
const stages = { 'change -> agent event': [], 'event -> collection start': [], collection: [], 'agent -> console': [], 'console -> frame written': [] };
for (const c of measured) {
  // The console shows the DC's own view: the last of the DC agent's snapshots received before the
  // change was on screen is the one that carried it.
  const seen = c.seen['pcmk-top (SSH, 3 hosts)'];
  const s = snaps.filter((x) => x.node === dcHost && x.at <= seen).at(-1);
  const f = s && frames.find((x) => x.at >= s.at);
  if (!s || !f) continue;
  stages['change -> agent event'].push(s.eventAt - c.changeAt);
  stages['event -> collection start'].push(s.collectedFrom - s.eventAt);
  stages.collection.push(s.collectedAt - s.collectedFrom);
  stages['agent -> console'].push(s.at - s.sentAt);
  stages['console -> frame written'].push(f.at - s.at);
}
out.stages = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, v.length ? { p50: median(v), p95: percentile(v, 95) } : null]));

// ---------------------------------------------------------------------------------------------
// Idle: the watch's CPU on cluster-2 (the agent pcmk-top pushed there, with its crm_mon and the
// tools it ran and reaped), over IDLE_S seconds with nothing changing.
restore();
await sleep(5000);
const sha = createHash('sha256').update(readFileSync(bundle)).digest('hex').slice(0, 16);
const inNode = (args) => execFileSync(onNode('cluster-2')[0], [...onNode('cluster-2').slice(1), ...args], { encoding: 'utf8', timeout: 30_000 });
const agentPid = inNode(['pgrep', '-n', '-f', `pcmk-agent-${sha}.cjs serve`]).trim();
const cpuMs = () => {
  // The agent (utime, stime, and its reaped children's cutime, cstime) and its live children.
  const stat = (pid) => inNode(['cat', `/proc/${pid}/stat`]).split(') ')[1].split(' ').map(Number);
  const kids = inNode(['sh', '-c', `pgrep -P ${agentPid} || true`]).split('\n').filter(Boolean);
  const a = stat(agentPid);
  let ticks = a[11] + a[12] + a[13] + a[14];
  for (const k of kids) {
    const s = stat(k);
    ticks += s[11] + s[12] + s[13] + s[14];
  }
  return ticks * 10;
};
const cpu0 = cpuMs();
const t0 = Date.now();
await sleep(IDLE_S * 1000);
const idleCpu = ((cpuMs() - cpu0) / (Date.now() - t0)) * 100;
out.idleCpuPercent = idleCpu;
observer.stdin.end();
killServer();

const met = (ok) => (ok ? 'met' : 'missed');
printTable(`Cluster change -> on screen (${changes.length} target-role toggles of ${RESOURCES.join(', ')}; ${ROUNDS} rounds: one after ${QUIET_S} s quiet, two in a 0.3 s burst; ${measured.length} with an operation result to time from)`, [
  ['what', 'p50', 'p95', 'worst', 'p50 quiet / burst', 'from command return p50 / p95'],
  ...rows,
]);
const topS = out.screens['pcmk-top (SSH, 3 hosts)'];
const monS = out.screens['crm_mon interactive (ssh -t cluster-1)'];
printTable('Targets', [
  ['target', 'value', ''],
  [`pcmk-top p95 <= ${TARGET.p95} ms`, fmt(topS.p95), met(topS.p95 <= TARGET.p95)],
  [`pcmk-top worst <= ${TARGET.worst} ms`, fmt(topS.worst), met(topS.worst <= TARGET.worst)],
  ['pcmk-top p95 vs crm_mon p95', `${(topS.p95 / monS.p95).toFixed(2)}x`, met(topS.p95 < monS.p95)],
  [`idle watch on cluster-2, ${IDLE_S} s: CPU <= ${TARGET.idleCpu}% of a core`, `${idleCpu.toFixed(2)}%`, met(idleCpu <= TARGET.idleCpu)],
]);
printTable('Where pcmk-top spends it (PCMK_TRACE_LIVE, the snapshot that carried each change; p50 / p95)', [
  ['stage', 'p50', 'p95'],
  ...Object.entries(out.stages).map(([k, v]) => [k, v ? fmt(v.p50) : '-', v ? fmt(v.p95) : '-']),
]);
console.log('\nper change (ms from the change):');
for (const c of changes) console.log(`  ${c.rsc.padEnd(15)} ${c.role.padEnd(8)} ${c.spacing.padEnd(18)} ${Object.entries(screens).map(([n]) => `${n.split(' ')[0]} ${c.changeAt === null ? 'n/a' : c.seen[n] - c.changeAt}`).join('  ')}`);
writeFileSync(path.join(root, 'bench/last-live.json'), `${JSON.stringify({ ...out, perChange: changes }, null, 2)}\n`);
console.log('\nsaved bench/last-live.json');
process.exit(0);
