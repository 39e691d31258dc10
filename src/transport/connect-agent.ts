/**
 * Decides, per host, how the console talks to it, and sets that up:
 *
 *   'agent'     `pcmk-agent serve` is on the host's PATH: run it over one exec channel.
 *   'pushed'    no agent, but node >= 18: copy the single-file bundle (dist/pcmk-agent.cjs) to
 *               ${TMPDIR:-/tmp}/pcmk-console-<uid>/pcmk-agent-<sha>.cjs (a private directory; the
 *               file name carries the bundle's sha256, and the copy is checked by sha256, so it is
 *               pushed once per bundle version) and run `node <that file> serve`.
 *   'agentless' neither: run the tools over SSH (SshToolRunner) and build snapshots on the console
 *               side with the agent's own collectors.
 *
 * One probe exec answers all questions at once. The probe and push scripts are fixed text run by
 * `sh -c`; the only argument passed to them is the bundle's file name, as a positional parameter.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { AgentClient, AgentError, type AgentChannel, type AgentClientOptions } from './agent-client.js';
import { TransportError } from './errors.js';
import type { SshConnection } from './ssh/index.js';
import { SshToolRunner } from './ssh-tool-runner.js';

export type AgentMode = 'agent' | 'pushed' | 'agentless';

export const MIN_NODE_MAJOR = 18;

export const PROBE_SCRIPT = [
  'p=$(command -v pcmk-agent 2>/dev/null) && echo "agent=$p"',
  'if command -v node >/dev/null 2>&1; then echo "node=$(node --version 2>/dev/null)"; fi',
  'if command -v sha256sum >/dev/null 2>&1; then echo "sha256sum=yes"; fi',
  'd="${TMPDIR:-/tmp}/pcmk-console-$(id -u)"',
  'echo "dir=$d"',
  'if [ -n "$1" ] && [ -f "$d/$1" ] && [ ! -L "$d/$1" ] && command -v sha256sum >/dev/null 2>&1; then echo "sha=$(sha256sum < "$d/$1" | cut -d" " -f1)"; fi',
  // Scripts are one line: the transport refuses newlines in remote arguments.
].join('; ');

const HASH_WITH_NODE = `node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync(process.argv[1])).digest("hex"))'`;

export const PUSH_SCRIPT = [
  'set -e',
  'd="${TMPDIR:-/tmp}/pcmk-console-$(id -u)"',
  'umask 077',
  'mkdir -p "$d"',
  // The directory must be a real directory owned by us: never write into someone else's.
  'if [ -L "$d" ] || [ ! -d "$d" ] || [ ! -O "$d" ]; then echo "refusing to use $d: not a private directory owned by $(id -un)" >&2; exit 3; fi',
  'chmod 700 "$d"',
  't="$d/.$1.$$"',
  'cat > "$t"',
  'mv -f "$t" "$d/$1"',
  `if command -v sha256sum >/dev/null 2>&1; then sha256sum < "$d/$1" | cut -d" " -f1; else ${HASH_WITH_NODE} "$d/$1"; fi`,
].join('; ');

/**
 * One exec that starts an installed agent, or an already pushed bundle whose sha256 matches, and
 * says which on its first stderr line; "pcmk-launch=none" when neither is there (then the client
 * probes and pushes). Arguments: bundle file name, its sha256, allowed modes ("agent,pushed"),
 * then the serve arguments.
 */
export const LAUNCH_SCRIPT = [
  'f="$1"; s="$2"; m=",$3,"; shift 3',
  'case "$m" in *,agent,*) if p=$(command -v pcmk-agent 2>/dev/null); then echo "pcmk-launch=agent $p" >&2; exec pcmk-agent serve "$@"; fi;; esac',
  'd="${TMPDIR:-/tmp}/pcmk-console-$(id -u)"',
  'case "$m" in *,pushed,*) if [ -n "$f" ] && [ -f "$d/$f" ] && [ ! -L "$d/$f" ] && [ -O "$d/$f" ] && command -v node >/dev/null 2>&1 && command -v sha256sum >/dev/null 2>&1 && [ "$(sha256sum < "$d/$f" | cut -d" " -f1)" = "$s" ]; then echo "pcmk-launch=pushed $d/$f" >&2; exec node "$d/$f" serve "$@"; fi;; esac',
  'echo "pcmk-launch=none" >&2',
].join('; ');

/** Parses the launcher's first stderr line. Pure. */
export function parseLaunchLine(line: string | null): { mode: 'agent' | 'pushed' | null; path: string | null } | null {
  const m = line ? /^pcmk-launch=(agent|pushed|none)(?: (.+))?$/.exec(line.trim()) : null;
  if (!m) return null;
  return m[1] === 'none' ? { mode: null, path: null } : { mode: m[1] as 'agent' | 'pushed', path: m[2] ?? null };
}

export interface HostProbe {
  agentPath: string | null;
  /** e.g. "20.20.2", null when node is absent. */
  nodeVersion: string | null;
  hasSha256sum: boolean;
  /** The private directory for pushed bundles. */
  dir: string | null;
  /** sha256 of an already pushed bundle with the expected name, when present. */
  pushedSha: string | null;
}

/** Parses the probe's output. Pure. */
export function parseProbe(text: string): HostProbe {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const node = kv.get('node');
  const m = node ? /^v?(\d+\.\d+\.\d+)/.exec(node) : null;
  const sha = kv.get('sha');
  return {
    agentPath: kv.get('agent') || null,
    nodeVersion: m ? m[1]! : null,
    hasSha256sum: kv.get('sha256sum') === 'yes',
    dir: kv.get('dir') || null,
    pushedSha: sha && /^[0-9a-f]{64}$/.test(sha) ? sha : null,
  };
}

export function nodeMajor(version: string | null): number | null {
  if (!version) return null;
  const n = Number(version.split('.')[0]);
  return Number.isInteger(n) ? n : null;
}

/** The modes to try for a host, in order, each with the reason others were skipped. Pure. */
export function planAgentModes(
  probe: HostProbe,
  opts: { bundleAvailable: boolean; allow?: AgentMode[] },
): { modes: AgentMode[]; skipped: string[] } {
  const allow = opts.allow ?? ['agent', 'pushed', 'agentless'];
  const modes: AgentMode[] = [];
  const skipped: string[] = [];
  if (allow.includes('agent')) {
    if (probe.agentPath) modes.push('agent');
    else skipped.push('no pcmk-agent on PATH');
  }
  if (allow.includes('pushed')) {
    const major = nodeMajor(probe.nodeVersion);
    if (!opts.bundleAvailable) skipped.push('no agent bundle to push');
    else if (major === null) skipped.push('no node on the host');
    else if (major < MIN_NODE_MAJOR) skipped.push(`node ${probe.nodeVersion} is older than ${MIN_NODE_MAJOR}`);
    else if (!probe.dir) skipped.push('no temporary directory');
    else modes.push('pushed');
  }
  if (allow.includes('agentless')) modes.push('agentless');
  return { modes, skipped };
}

/** An SSH exec channel as an AgentChannel, optionally taking a `pcmk-launch=` first stderr line. */
export async function sshAgentChannel(
  conn: SshConnection,
  argv: string[],
  opts: { launchHeader?: boolean } = {},
): Promise<AgentChannel & { header: Promise<string | null> }> {
  const ch = await conn.openExec(argv);
  let info: { code: number | null; signal: string | null } = { code: null, signal: null };
  let closed = false;
  const waiters: Array<(i: typeof info) => void> = [];
  const stderr = new PassThrough();
  let resolveHeader!: (h: string | null) => void;
  const header = new Promise<string | null>((r) => (resolveHeader = r));
  let head: Buffer | null = opts.launchHeader ? Buffer.alloc(0) : null;
  if (!opts.launchHeader) resolveHeader(null);
  ch.stderr.on('data', (d: Buffer) => {
    if (head === null) {
      stderr.write(d);
      return;
    }
    head = Buffer.concat([head, d]);
    const nl = head.indexOf(10);
    if (nl < 0 && head.length < 4096) return;
    const first = nl >= 0 ? head.subarray(0, nl).toString('utf8') : '';
    if (first.startsWith('pcmk-launch=')) {
      resolveHeader(first);
      const rest = head.subarray(nl + 1);
      if (rest.length) stderr.write(rest);
    } else {
      resolveHeader(null);
      stderr.write(head);
    }
    head = null;
  });
  // The exit status comes with 'close' (ssh2's 'exit' event may fire before this listens).
  ch.on('close', (code?: number | null, signal?: string) => {
    info = { code: typeof code === 'number' ? code : null, signal: signal ? String(signal) : null };
    closed = true;
    if (head !== null) {
      resolveHeader(null);
      if (head.length) stderr.write(head);
      head = null;
    }
    stderr.end();
    for (const w of waiters.splice(0)) w(info);
  });
  return {
    output: ch,
    input: ch,
    stderr,
    header,
    where: `ssh ${conn.host}`,
    close() {
      if (closed) return;
      try {
        ch.end();
      } catch {
        // already ended
      }
      setTimeout(() => {
        if (!closed) ch.close();
      }, 1000).unref();
    },
    onExit(cb) {
      if (closed) queueMicrotask(() => cb(info));
      else waiters.push(cb);
    },
  };
}

export type AgentConnection =
  | { mode: 'agent' | 'pushed'; client: AgentClient; host: string; notes: string[]; remotePath: string }
  | { mode: 'agentless'; runner: SshToolRunner; host: string; notes: string[] };

export interface ConnectAgentOptions extends AgentClientOptions {
  /** Path of the single-file agent bundle (dist/pcmk-agent.cjs) to push when a host has none. */
  bundlePath?: string;
  /** Modes to consider, in preference order agent > pushed > agentless. */
  allow?: AgentMode[];
  /** The installed agent's command; default ["pcmk-agent", "serve"]. */
  agentCommand?: string[];
  /** Extra arguments for `serve` (e.g. ["--timeout", "20000"]). */
  serveArgs?: string[];
  probeTimeoutMs?: number;
  pushTimeoutMs?: number;
}

interface Bundle {
  data: Buffer;
  sha: string;
  fileName: string;
}

const bundleCache = new Map<string, { mtimeMs: number; size: number; bundle: Bundle }>();

/** Reads the bundle once per version (path + mtime + size). */
export function loadBundle(bundlePath: string): Bundle {
  const st = statSync(bundlePath);
  const hit = bundleCache.get(bundlePath);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.bundle;
  const data = readFileSync(bundlePath);
  const sha = createHash('sha256').update(data).digest('hex');
  const bundle = { data, sha, fileName: `pcmk-agent-${sha.slice(0, 16)}.cjs` };
  bundleCache.set(bundlePath, { mtimeMs: st.mtimeMs, size: st.size, bundle });
  return bundle;
}

export async function probeHost(conn: SshConnection, fileName: string, timeoutMs = 15_000): Promise<HostProbe> {
  const r = await conn.exec(['sh', '-c', PROBE_SCRIPT, 'pcmk-probe', fileName], { timeoutMs });
  if (r.exitCode === 127 && !r.stdout) {
    throw new TransportError({ host: conn.host, stage: 'exec', detail: `cannot run sh on the host: ${r.stderr.trim()}`, target: conn.target });
  }
  return parseProbe(r.stdout);
}

/** Copies the bundle to the host unless the same bytes are already there; returns its remote path. */
export async function pushBundle(conn: SshConnection, bundle: Bundle, probe: HostProbe, timeoutMs = 60_000): Promise<{ path: string; pushed: boolean }> {
  const remotePath = path.posix.join(probe.dir!, bundle.fileName);
  if (probe.pushedSha === bundle.sha) return { path: remotePath, pushed: false };
  const r = await conn.exec(['sh', '-c', PUSH_SCRIPT, 'pcmk-push', bundle.fileName], { timeoutMs, input: bundle.data });
  if (r.exitCode !== 0) {
    throw new TransportError({
      host: conn.host,
      stage: 'exec',
      detail: `pushing the agent to ${remotePath} failed (exit ${r.exitCode ?? r.signal}): ${r.stderr.trim()}`,
      target: conn.target,
    });
  }
  const got = r.stdout.trim();
  if (got !== bundle.sha) {
    throw new TransportError({
      host: conn.host,
      stage: 'exec',
      detail: `the pushed agent at ${remotePath} has sha256 ${got || '(none)'}, expected ${bundle.sha}`,
      target: conn.target,
    });
  }
  return { path: remotePath, pushed: true };
}

/**
 * Connects to the agent on a host in the best available mode and reports which one. Falls back
 * from 'agent' to 'pushed' to 'agentless' when a mode fails, recording why in `notes`.
 *
 * Round trips: an installed or already pushed agent starts in one exec (LAUNCH_SCRIPT); otherwise
 * one probe, one push when needed, and the start. Agentless alone needs no exec at all here.
 */
export async function connectAgent(conn: SshConnection, opts: ConnectAgentOptions = {}): Promise<AgentConnection> {
  const allow = opts.allow ?? ['agent', 'pushed', 'agentless'];
  const notes: string[] = [];
  let bundle: Bundle | null = null;
  if (opts.bundlePath && allow.includes('pushed')) {
    try {
      bundle = loadBundle(opts.bundlePath);
    } catch (e) {
      notes.push(`agent bundle ${opts.bundlePath} is not readable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const serveArgs = opts.serveArgs ?? [];
  const agentless = (): AgentConnection => ({ mode: 'agentless', runner: new SshToolRunner(conn, conn.host), host: conn.host, notes });
  const lost = (e: unknown): boolean => e instanceof TransportError && (e.stage === 'closed' || conn.closed);
  const excluded = new Set<AgentMode>();

  // Fast path: start whatever is already on the host in one exec.
  const launchModes = allow.filter((m) => m === 'agent' || (m === 'pushed' && bundle));
  if (launchModes.length && !opts.agentCommand) {
    const ch = await sshAgentChannel(
      conn,
      ['sh', '-c', LAUNCH_SCRIPT, 'pcmk-launch', bundle?.fileName ?? '', bundle?.sha ?? '', launchModes.join(','), ...serveArgs],
      { launchHeader: true },
    );
    try {
      const client = await AgentClient.open(ch, opts);
      const l = parseLaunchLine(await ch.header);
      const mode = l?.mode ?? 'agent';
      const remotePath = l?.path ?? 'pcmk-agent';
      if (mode === 'pushed') notes.push(`reused the agent at ${remotePath}`);
      return { mode, client, host: conn.host, notes, remotePath };
    } catch (e) {
      if (lost(e)) throw e;
      const l = parseLaunchLine(await ch.header);
      if (l?.mode) {
        excluded.add(l.mode);
        notes.push(`${l.mode} mode failed: ${e instanceof Error ? e.message : String(e)}`);
      } else if (l) {
        // Nothing installed, nothing pushed (or an outdated copy): pushing may still work.
        if (launchModes.includes('agent')) {
          excluded.add('agent');
          notes.push('no pcmk-agent on PATH');
        }
      } else {
        notes.push(`starting the agent failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  const remaining = allow.filter((m) => !excluded.has(m) && !(m === 'pushed' && !bundle));
  if (allow.includes('pushed') && !bundle && !notes.some((n) => n.startsWith('agent bundle'))) notes.push('no agent bundle to push');
  if (!remaining.some((m) => m !== 'agentless')) {
    if (remaining.includes('agentless')) return agentless();
    throw new TransportError({ host: conn.host, stage: 'exec', detail: `no usable agent mode (${notes.join('; ')})`, target: conn.target });
  }

  const probe = await probeHost(conn, bundle?.fileName ?? '', opts.probeTimeoutMs);
  const plan = planAgentModes(probe, { bundleAvailable: bundle !== null, allow: remaining });
  for (const n of plan.skipped) if (!notes.includes(n)) notes.push(n);
  let lastError: unknown = null;
  for (const mode of plan.modes) {
    try {
      if (mode === 'agent') {
        const argv = [...(opts.agentCommand ?? ['pcmk-agent', 'serve']), ...serveArgs];
        const client = await AgentClient.open(await sshAgentChannel(conn, argv), opts);
        return { mode, client, host: conn.host, notes, remotePath: probe.agentPath ?? argv[0]! };
      }
      if (mode === 'pushed') {
        const { path: remotePath, pushed } = await pushBundle(conn, bundle!, probe, opts.pushTimeoutMs);
        notes.push(pushed ? `pushed the agent to ${remotePath}` : `reused the agent at ${remotePath}`);
        const client = await AgentClient.open(await sshAgentChannel(conn, ['node', remotePath, 'serve', ...serveArgs]), opts);
        return { mode, client, host: conn.host, notes, remotePath };
      }
      return agentless();
    } catch (e) {
      // A lost connection is not a reason to try another mode.
      if (lost(e)) throw e;
      lastError = e;
      notes.push(`${mode} mode failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (lastError) throw lastError;
  throw new TransportError({ host: conn.host, stage: 'exec', detail: `no usable agent mode (${notes.join('; ')})`, target: conn.target });
}
