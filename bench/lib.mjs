// Shared helpers for the benchmark scripts: timing of real commands, medians, table printing.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const sandbox = path.join(root, 'test/sandbox/sandbox.sh');
export const state = process.env.PCMK_SANDBOX_STATE ?? '/var/lib/pcmk-sandbox';
export const sshConfig = path.join(state, 'ssh_config');
export const knownHosts = path.join(state, 'known_hosts');
export const bundle = path.join(root, 'dist/pcmk-agent.cjs');

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Runs argv n times (after one warm-up) and returns wall times in ms; throws if it fails. */
export function timeCommand(argv, { n = 7, env, okCodes = [0] } = {}) {
  const run = () => {
    const t = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    const ms = performance.now() - t;
    if (!okCodes.includes(r.status ?? -1)) throw new Error(`${argv.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 300)}`);
    return ms;
  };
  run();
  return Array.from({ length: n }, run);
}

/** Peak RSS (KiB) and wall time of one run, measured by GNU time. */
export function peakRss(argv, env) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M %e', ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  const last = String(r.stderr).trim().split('\n').pop() ?? '';
  const [kib, secs] = last.split(' ').map(Number);
  return { kib, ms: secs * 1000 };
}

export function onNode(node) {
  return ['bash', sandbox, 'exec', node, '--'];
}

export function sandboxUp() {
  try {
    execFileSync('bash', [sandbox, 'status'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

export function ensureSandbox() {
  if (sandboxUp()) return;
  console.log('bringing the sandbox cluster up (bash test/sandbox/sandbox.sh up --bundle)...');
  execFileSync('bash', [sandbox, 'up', '--bundle'], { stdio: 'inherit' });
}

export function fmt(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

export function printTable(title, rows) {
  console.log(`\n${title}`);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(`  ${r.map((c, i) => String(c).padEnd(widths[i])).join('  ')}`);
}

/**
 * A Node >= 22.1 binary for the compile-cache rows: $BENCH_NODE22, else this node when it is one;
 * null when none is at hand (the rows then say "not measured").
 */
export function node22() {
  const candidates = [process.env.BENCH_NODE22, process.execPath].filter(Boolean);
  for (const bin of candidates) {
    const r = spawnSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 30_000 });
    const [major, minor] = String(r.stdout).trim().split('.').map(Number);
    if (r.status === 0 && (major > 22 || (major === 22 && minor >= 1))) return { bin, version: String(r.stdout).trim() };
  }
  return null;
}

/** CPU time (user + system, ms) and wall time of one run, measured by GNU time. */
export function cpuAndWall(argv, env) {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30, timeout: 120_000 });
  const wall = performance.now() - t;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status ?? r.signal}: ${String(r.stderr).slice(0, 300)}`);
  const [u, sys] = String(r.stderr).trim().split('\n').pop().split(' ').map(Number);
  return { cpu: (u + sys) * 1000, wall };
}
