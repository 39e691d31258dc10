/**
 * pcmk-top in a real terminal: a private tmux server per test file, the console started in its
 * sessions over SSH to the sandbox cluster, keys sent as an operator types them and the screen
 * read back. Every frame captured once the console has drawn is checked: the header stays on the
 * first line (nothing scrolled it away), the footer on the second to last and the last row free,
 * and no line ever scrolled into tmux's history (the output never grows past the terminal height).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { knownHosts, members, root, sshConfig } from './sandbox-env.js';

export const topBin = path.join(root, 'bin/pcmk-top.js');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Frame {
  lines: string[];
  text: string;
  rows: number;
  /** Lines scrolled off the top into tmux's history. */
  history: number;
}

/** The header's first line: the context, or the cluster's facts before a context is known. */
const HEADER = /^(ctx|cluster) \S/;
/** Its second line: one badge per host. */
const HOSTS = /^hosts: /;

export const LIST_HEADER = /^\s*(RESOURCE|NODE|TARGET|TYPE)\s{2,}/;
export const hasFilter = (f: Frame) => / \/.+\/$/.test((f.lines[2] ?? '').trimEnd());

export const VIEW_HEADERS = {
  nodes: /^\s*NODE\s+TYPE\s+STATE/,
  resources: /^\s*RESOURCE\s+KIND\s+ROLE\s+NODES/,
  failures: /^\s*RESOURCE\s+NODE\s+OPERATION\s+STATUS/,
  fencing: /^\s*TARGET\s+ACTION\s+STATUS/,
  constraints: /^\s*TYPE\s+ID\s+RESOURCE\s+NODE\/WITH/,
};

/**
 * Layout invariants of every frame of a console that has drawn: the header on the first line
 * (nothing scrolled it away), the footer on the second to last line, the last row left free, and
 * nothing ever scrolled into the pane's history.
 */
function checkFrame(f: Frame, violations: string[]): void {
  if (f.history > 0) violations.push(`${f.history} line(s) scrolled off the top of ${f.rows} rows:\n${f.text}`);
  const header = f.lines.findIndex((l) => HOSTS.test(l)) - 1;
  if (header !== 0 || !HEADER.test(f.lines[0] ?? '')) violations.push(`header ${header < 0 ? 'not on screen' : `on line ${header + 1}`}:\n${f.text}`);
  const footer = f.lines[f.rows - 2] ?? '';
  // A console that offers no action (--read-only, or a cached snapshot) says so first.
  if (!/^(\[read-only\] )?\? help/.test(footer)) violations.push(`footer not on row ${f.rows - 1}:\n${f.text}`);
  if ((f.lines[f.rows - 1] ?? '').trim() !== '') violations.push(`last row not free:\n${f.text}`);
}

/** Host badge of one host in the header's hosts line, e.g. "cluster-3 DOWN 4s (ssh ...". */
export function hostBadge(f: Frame, host: string): string {
  const line = f.lines[1] ?? '';
  const at = line.indexOf(`${host} `);
  if (at < 0) return '';
  const rest = line.slice(at);
  const next = rest.slice(host.length).search(/ {2}cluster-\d /);
  return next < 0 ? rest : rest.slice(0, host.length + next);
}

/** Row of the resources view for an id: its role and node(s). */
export function resourceRow(f: Frame, id: string): { role: string; nodes: string } | null {
  const re = new RegExp(`^[ *]?\\s*${id}\\s+\\S+\\s+(\\S+)(?:\\s+(\\S.*?))?\\s*$`);
  for (const l of f.lines) {
    const m = re.exec(l);
    if (m) return { role: m[1]!, nodes: m[2] ?? '' };
  }
  return null;
}

/** One entry of pcmk-top's local audit log. */
export interface AuditEntry {
  client?: string;
  requestId?: string;
  ranOn?: string;
  action: { name: string; [k: string]: unknown };
  result: { ok?: boolean | null; outcome: string };
}

/** Fails early with what to do when pcmk-top or the agent bundle is not built. */
export function requireBuilt(): void {
  let usage = '';
  try {
    usage = execFileSync(process.execPath, [topBin, 'help'], { encoding: 'utf8', timeout: 30_000 });
  } catch (e) {
    throw new Error(`pcmk-top does not run (build first: npx tsc -p . && node scripts/bundle.mjs): ${(e as Error).message}`);
  }
  if (!/usage: pcmk-top/.test(usage) || !existsSync(path.join(root, 'dist/pcmk-agent.cjs'))) {
    throw new Error('build first: npx tsc -p . && node scripts/bundle.mjs');
  }
}

/**
 * A private tmux server (socket named after `name` and this process) running pcmk-top sessions,
 * each with its own size, and one state directory for their local audit log.
 */
export function topConsole(name: string, size: { cols: number; rows: number } = { cols: 120, rows: 40 }) {
  const socket = `${name}-${process.pid}`;
  /** pcmk-top's own state directory: its local audit log, away from the operator's. */
  const stateHome = mkdtempSync(path.join(tmpdir(), `${name}-state-`));
  const auditLog = path.join(stateHome, 'pcmk-console/audit.log');
  /** Its cache directory (the snapshots it keeps between runs), inside the state directory. */
  const cacheHome = path.join(stateHome, 'cache');
  /** Frames that broke the layout invariants, reported by the test that captured them. */
  const violations: string[] = [];
  /** Sessions whose console has drawn (its header or footer showed once): from then on every frame is checked. */
  const drawn = new Set<string>();
  /** Sessions whose console was told to quit (its frames are no longer checked). */
  const quitting = new Set<string>();

  function tmux(args: string[], timeout = 10_000): string {
    return execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', timeout });
  }

  /** Exact target of a session's (only) pane: tmux would otherwise match names by prefix. */
  const at = (session: string) => `=${session}:`;

  /**
   * Starts pcmk-top in a new detached tmux session (CI unset: Ink prints nothing when CI is set).
   * A shell around it prints its exit status and keeps the pane open, so a crash stays readable.
   */
  function startTop(session: string, cols = size.cols, rows = size.rows, args = ['--host', members.join(','), '-F', sshConfig, '--known-hosts', knownHosts]): void {
    tmux([
      'new-session', '-d', '-s', session, '-x', String(cols), '-y', String(rows),
      'sh', '-c', '"$@"; echo "[pcmk-top exited with status $?]"; exec sleep 3600', 'sh',
      'env', '-u', 'CI', '-u', 'PCMK_CACHE_DIR', 'TZ=UTC', `XDG_STATE_HOME=${stateHome}`, `XDG_CACHE_HOME=${cacheHome}`, process.execPath, topBin,
      ...args,
    ]);
  }

  /** Pid of the pcmk-top process of a session (the child of the pane's shell). */
  function topPid(session: string): string {
    const shell = tmux(['display-message', '-p', '-t', at(session), '#{pane_pid}']).trim();
    const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', shell], { encoding: 'utf8', timeout: 10_000 });
    const line = children.split('\n').find((l) => l.includes(topBin));
    if (!line) throw new Error(`no pcmk-top process under pane ${shell}:\n${children}`);
    return line.trim().split(/\s+/)[0]!;
  }

  function grab(session: string): Frame {
    const [rows, history] = tmux(['display-message', '-p', '-t', at(session), '#{pane_height} #{history_size}']).trim().split(' ').map(Number);
    const raw = tmux(['capture-pane', '-p', '-t', at(session)]);
    const lines = raw.replace(/\n$/, '').split('\n');
    return { lines, text: lines.join('\n'), rows: rows!, history: history! };
  }

  function capture(session: string): Frame {
    const frame = grab(session);
    if (!drawn.has(session) && frame.lines.some((l) => HOSTS.test(l) || l.startsWith('? help'))) drawn.add(session);
    if (!drawn.has(session) || quitting.has(session)) return frame;
    const found: string[] = [];
    checkFrame(frame, found);
    if (found.length) {
      // A capture can land in the middle of a redraw; a layout fault must still be there a moment later.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
      const again: string[] = [];
      checkFrame(grab(session), again);
      violations.push(...again.map((v) => `${session}: ${v}`));
    }
    return frame;
  }

  /** Polls the screen until pred holds; on timeout the error carries the last screen. */
  async function waitScreen(session: string, what: string, pred: (f: Frame) => boolean, timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    let last: Frame | null = null;
    while (Date.now() < deadline) {
      last = capture(session);
      if (pred(last)) return last;
      await sleep(200);
    }
    const faults = violations.length ? `\nlayout faults so far (${violations.length}), the first: ${violations[0]}` : '';
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${last?.text ?? '(none)'}${faults}`);
  }

  /** One key per send-keys call, with a pause between keys (Escape must never precede a key). */
  async function keys(session: string, ...names: string[]): Promise<void> {
    for (const k of names) {
      tmux(['send-keys', '-t', at(session), k]);
      await sleep(250);
    }
  }

  /** Literal text, e.g. a filter. */
  async function type(session: string, text: string): Promise<void> {
    tmux(['send-keys', '-t', at(session), '-l', text]);
    await sleep(300);
  }

  /**
   * Back to a plain list view (no overlay, detail or filter), whatever an earlier step left open:
   * Escape, one per send-keys call, until the table header shows and no filter is set.
   */
  async function reset(session: string): Promise<void> {
    for (let i = 0; i < 4; i++) {
      const f = capture(session);
      if (LIST_HEADER.test(f.lines[3] ?? '') && !hasFilter(f)) return;
      await keys(session, 'Escape');
      await sleep(300);
    }
    await waitScreen(session, 'a plain list view', (f) => LIST_HEADER.test(f.lines[3] ?? '') && !hasFilter(f), 5_000);
  }

  /** Switches to a plain view (number key, no filter); resolves once its table header shows. */
  async function showView(session: string, viewKey: string, header: RegExp): Promise<Frame> {
    await reset(session);
    await keys(session, viewKey);
    return waitScreen(session, `view ${viewKey}`, (f) => header.test(f.lines[3] ?? ''), 10_000);
  }

  /** Switches to a view (number key) and filters it; resolves once the filter shows. */
  async function filterTo(session: string, viewKey: string, header: RegExp, text: string): Promise<Frame> {
    await showView(session, viewKey, header);
    await keys(session, '/');
    await type(session, text);
    await keys(session, 'Enter');
    return waitScreen(session, `the filter /${text}/`, (f) => (f.lines[2] ?? '').includes(`/${text}/`) && !/Enter keep\s+Esc clear/.test(f.text), 10_000);
  }

  /** The console's local audit log (empty before its first change). */
  function auditEntries(): AuditEntry[] {
    if (!existsSync(auditLog)) return [];
    return readFileSync(auditLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEntry);
  }

  /** Stops the tmux server and removes the state directory. */
  function close(): void {
    rmSync(stateHome, { recursive: true, force: true });
    try {
      const sock = tmux(['display-message', '-p', '#{socket_path}']).trim();
      tmux(['kill-server']);
      if (sock) rmSync(sock, { force: true });
    } catch {
      // no server left
    }
  }

  return { tmux, at, startTop, topPid, capture, waitScreen, keys, type, reset, showView, filterTo, auditEntries, close, auditLog, cacheHome, violations, quitting };
}
