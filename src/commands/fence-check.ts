/**
 * `pcmk fence-test` (the fencing readiness check: fires no shot) and `pcmk fence NODE` (real
 * fencing through the cluster's fencer), plus the same for the TUI's fencing view and confirm
 * dialog. The check itself runs on a cluster host: in-process in local and CIB-file mode, or by
 * the host's agent over SSH, so BMC credentials never reach the console.
 */
import { suggestNames, didYouMean } from '../agent/actions/ids.js';
import { ToolError, type ToolRunner } from '../agent/run-tool.js';
import {
  parseDurationMs,
  parseStonithAdmin,
  runFenceCheck,
  statusText,
  toFenceDeviceRows,
  toFenceNodeRows,
  type FenceReport,
} from '../fencing/readiness/index.js';
import type { FenceEvent } from '../model/snapshot.js';
import { SshPool } from '../transport/ssh-connection.js';
import { SshToolRunner } from '../transport/ssh-tool-runner.js';
import { UsageError, type ParsedArgs } from './args.js';
import { table, type Style } from './render.js';
import { SessionError, type Session } from './session.js';
import type { FenceCheckTable, PlanText, ResultText } from '../tui/types.js';

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY: boolean;
  style: Style;
}

export const FENCE_EXIT = { ok: 0, failed: 1, notFencable: 3, usage: 64, needsConfirmation: 66, readOnly: 67, unknownNode: 80 } as const;

/** Time the agent may take for the whole check (it bounds every step itself). */
const CHECK_TIMEOUT_MS = 60_000;

/** The readiness report: in this process (local, CIB file) or from a host's agent (SSH). */
export async function fenceReport(session: Session, only?: string[]): Promise<FenceReport> {
  if (session.runner) return runFenceCheck({ runner: session.runner, cibFile: session.cibFile, only });
  const answer = await session.agentRequest({ type: 'fence-check' }, CHECK_TIMEOUT_MS);
  if (answer.type === 'fence-check') {
    const r = answer.result as FenceReport;
    if (!only) return r;
    return { ...r, nodes: r.nodes.filter((n) => only.includes(n.node)) };
  }
  if (answer.type === 'error') throw new SessionError(answer.message, answer.exitCode ?? 1);
  throw new SessionError(`unexpected answer ${answer.type} from the agent`, 1);
}

/** Every node name the report knows (for validation and suggestions). */
function knownNodes(r: FenceReport): string[] {
  return r.cluster.nodeNames ?? r.nodes.map((n) => n.node);
}

export function renderFenceReport(r: FenceReport, st: Style): string[] {
  const lines: string[] = [];
  const nodeRows = toFenceNodeRows(r);
  lines.push(st.bold(`Fencing readiness${r.checkedFrom ? ` (checked from ${r.checkedFrom}` : ' ('}${r.mode === 'cib-file' ? ', configuration only' : ''}, ${r.durationMs} ms)`));
  lines.push(
    ...table([
      ['NODE', 'TYPE', 'CAN BE FENCED BY', 'CHECKS', 'PROBLEMS'].map(st.bold),
      ...nodeRows.map((n) => [n.fencable ? st.green(n.node) : st.red(n.node), n.type, n.fencedBy, n.checks, n.fencable ? n.problems : st.red(n.problems)]),
    ]),
  );
  lines.push('');
  lines.push(st.bold('Devices'));
  const devRows = toFenceDeviceRows(r);
  if (!devRows.length) lines.push('  (none configured)');
  else {
    lines.push(
      ...table([
        ['DEVICE', 'AGENT', 'TARGETS', 'RUNNING ON', 'REGISTERED', 'STATUS', 'BMC', 'PASSWORD', 'WARNINGS'].map(st.bold),
        ...devRows.map((d) => [d.ok ? d.id : st.red(d.id), d.agent, d.targets, d.runningOn, d.registered, d.status, d.bmc, d.password, d.warnings]),
      ]),
    );
  }
  const findings = r.cluster.findings;
  if (findings.length) {
    lines.push('');
    lines.push(st.bold('Cluster'));
    for (const f of findings) {
      const mark = f.severity === 'failure' ? st.red('✗') : f.severity === 'warning' ? st.yellow('!') : st.dim('i');
      lines.push(`  ${mark} ${f.message}`);
    }
  }
  lines.push('');
  const bad = r.nodes.filter((n) => !n.fencable).map((n) => n.node);
  lines.push(bad.length ? st.red(`NOT READY: ${bad.join(', ')} cannot be fenced`) : r.ok ? st.green('ready: every node can be fenced') : st.yellow('every node can be fenced, with problems (see above)'));
  return lines;
}

export async function fenceTestCommand(p: ParsedArgs, w: Io, openSession: () => Session): Promise<number> {
  if (p.positional.length > 1) throw new UsageError(`fence-test takes no arguments (got ${p.positional.slice(1).join(' ')})`);
  const session = openSession();
  try {
    const r = await fenceReport(session);
    if (p.options.json) w.out(JSON.stringify(r, null, 2));
    else for (const l of renderFenceReport(r, w.style)) w.out(l);
    return r.nodes.some((n) => !n.fencable) ? FENCE_EXIT.notFencable : FENCE_EXIT.ok;
  } finally {
    await session.close();
  }
}

// ---------------------------------------------------------------------------------------------
// pcmk fence NODE

export interface FencePlan {
  node: string;
  action: 'reboot' | 'off';
  /** Devices (or topology levels) the fencer will use, with their check results. */
  lines: string[];
  devices: string[];
  argv: string[];
  report: FenceReport;
}

export class FenceRefused extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly suggestions: string[] = [],
  ) {
    super(message);
  }
}

function stonithTimeoutSec(r: FenceReport): number {
  const ms = parseDurationMs(r.cluster.options['stonith-timeout']) ?? 60_000;
  return Math.max(30, Math.ceil(ms / 1000));
}

/** Validates NODE against the cluster and describes what `fence` will do. */
export async function planFence(session: Session, node: string, action: 'reboot' | 'off'): Promise<FencePlan> {
  const report = await fenceReport(session, [node]);
  const names = knownNodes(report);
  if (!names.includes(node)) {
    const s = suggestNames(node, names);
    throw new FenceRefused(`no node named ${node}${didYouMean(s)}`, FENCE_EXIT.unknownNode, s);
  }
  const n = report.nodes.find((x) => x.node === node);
  if (!n) throw new FenceRefused(`no node named ${node}`, FENCE_EXIT.unknownNode);
  if (n.type === 'guest') {
    throw new FenceRefused(`${node} is a guest node: the cluster fences it by recovering its ${n.via ?? 'container'}; restart that resource instead`, FENCE_EXIT.failed);
  }
  const byId = new Map(report.devices.map((d) => [d.id, d]));
  const describe = (id: string): string => {
    const d = byId.get(id);
    if (!d) return `${id} (not configured)`;
    const bmc = d.ipmi && d.ipmi.ok !== null ? `, BMC ${d.ipmi.host}: ${d.ipmi.ok ? `power ${d.ipmi.power}` : d.ipmi.code}` : '';
    const status = d.statusCheck.ok === null ? '' : d.statusCheck.ok ? ', status ok' : ', status FAILED';
    return `${id} (${d.agent}${bmc}${status})`;
  };
  const lines: string[] = [];
  let devices: string[];
  if (n.levels.length) {
    devices = [...new Set(n.levels.flatMap((l) => l.devices))];
    lines.push(`${action} ${node} through its fencing levels, in order:`);
    for (const l of n.levels) lines.push(`  level ${l.index ?? '?'}: ${l.devices.map(describe).join(' + ')}${l.usable ? '' : '  (expected to fail)'}`);
  } else {
    devices = n.devices.map((d) => d.id);
    lines.push(devices.length ? `${action} ${node} with ${devices.map(describe).join(', or ')}` : `${action} ${node}: no device can fence it (the request will fail)`);
  }
  for (const pr of n.problems) if (pr.severity !== 'info') lines.push(`  ${pr.severity === 'failure' ? '✗' : '!'} ${pr.message}`);
  const argv = ['stonith_admin', action === 'off' ? '--fence' : '--reboot', node, '--timeout', String(stonithTimeoutSec(report) * 2)];
  lines.push(`runs: ${argv.join(' ')}`);
  return { node, action, lines, devices, argv, report };
}

export interface FenceOutcome {
  ok: boolean;
  node: string;
  action: 'reboot' | 'off';
  ranOn: string;
  durationMs: number;
  error: string | null;
  history: FenceEvent | null;
}

/** A runner on a cluster host other than `avoid` when possible (the node being fenced). */
async function hostRunner(session: Session, avoid: string): Promise<{ runner: ToolRunner; close: () => Promise<void> }> {
  if (session.runner) return { runner: session.runner, close: async () => {} };
  const t = session.target;
  const pool = new SshPool({ configFile: t.sshConfig ?? undefined, knownHostsFiles: t.knownHosts, connectTimeoutMs: 10_000 });
  const hosts = [...t.hosts.filter((h) => h !== avoid), ...t.hosts.filter((h) => h === avoid)];
  let last: unknown = null;
  for (const h of hosts) {
    try {
      const conn = await pool.get(h);
      return { runner: new SshToolRunner(conn, h), close: () => pool.closeAll() };
    } catch (e) {
      last = e;
    }
  }
  await pool.closeAll();
  throw last ?? new SessionError('no host answered', 69);
}

/** The newest fencing history entry for `node` (stonith_admin --history NODE --verbose). */
export async function fenceHistory(runner: ToolRunner, node: string): Promise<FenceEvent | null> {
  try {
    const out = await runner.run('stonith_admin', ['--output-as=xml', '--history', node, '--verbose', '--timeout', '10'], { timeoutMs: 15_000 });
    const events = parseStonithAdmin(out.stdout).events.filter((e) => e.target === node);
    if (!events.length) return null;
    // Newest first when completion times are known; pending entries (no time) are the newest.
    return [...events].sort((a, b) => (b.completed ?? '\uffff').localeCompare(a.completed ?? '\uffff'))[0]!;
  } catch {
    return null;
  }
}

/** Runs the plan's stonith_admin on a cluster host and reads the fencing history afterwards. */
export async function executeFence(session: Session, plan: FencePlan): Promise<FenceOutcome> {
  const { runner, close } = await hostRunner(session, plan.node);
  const t = performance.now();
  const base = { node: plan.node, action: plan.action, ranOn: runner.where };
  try {
    const timeoutMs = (Number(plan.argv[plan.argv.length - 1]) + 15) * 1000;
    let error: string | null = null;
    try {
      await runner.run(plan.argv[0]!, plan.argv.slice(1), { timeoutMs });
    } catch (e) {
      if (e instanceof ToolError && e.stdout.trim().startsWith('<')) error = statusText(parseStonithAdmin(e.stdout).status);
      else error = (e as Error).message;
    }
    const durationMs = Math.round(performance.now() - t);
    const history = await fenceHistory(runner, plan.node);
    return { ...base, ok: error === null, durationMs, error, history };
  } finally {
    await close();
  }
}

function historyLine(h: FenceEvent | null): string {
  if (!h) return 'fencing history: no entry found';
  return `fencing history: ${h.action} of ${h.target}: ${h.status}${h.delegate ? `, executed by ${h.delegate}` : ''}${h.origin ? `, requested by ${h.origin}` : ''}${h.completed ? `, completed ${h.completed}` : ''}${h.exitReason ? ` (${h.exitReason})` : ''}`;
}

export async function fenceCommand(p: ParsedArgs, w: Io, openSession: () => Session): Promise<number> {
  const node = p.positional[1] ?? (typeof p.flags.node === 'string' ? p.flags.node : undefined);
  if (!node) throw new UsageError('fence NODE [--off] --yes');
  if (p.positional.length > 2) throw new UsageError(`fence takes one node (got ${p.positional.slice(1).join(' ')})`);
  const action: 'reboot' | 'off' = p.flags.off === true ? 'off' : 'reboot';
  if (p.options.readOnly) {
    w.err(`pcmk: refusing to fence ${node}: --read-only`);
    return FENCE_EXIT.readOnly;
  }
  const session = openSession();
  try {
    if (session.cibFile) throw new UsageError('fence needs a live cluster, not a CIB file');
    let plan: FencePlan;
    try {
      plan = await planFence(session, node, action);
    } catch (e) {
      if (!(e instanceof FenceRefused)) throw e;
      if (p.options.json) w.out(JSON.stringify({ node, action, error: { message: e.message, exitCode: e.exitCode, suggestions: e.suggestions } }, null, 2));
      else w.err(`pcmk: ${e.message}`);
      return e.exitCode;
    }
    if (p.options.dryRun || !p.options.yes) {
      if (p.options.json) w.out(JSON.stringify({ node, action, plan: { devices: plan.devices, argv: plan.argv, lines: plan.lines }, done: false }, null, 2));
      else for (const l of plan.lines) (p.options.dryRun ? w.out : w.err)(l);
      if (p.options.dryRun) return FENCE_EXIT.ok;
      w.err(`pcmk: ${node} not fenced: fencing cuts its power; add --yes to confirm`);
      return FENCE_EXIT.needsConfirmation;
    }
    if (!p.options.json) for (const l of plan.lines) w.err(l);
    const outcome = await executeFence(session, plan);
    if (p.options.json) w.out(JSON.stringify({ plan: { devices: plan.devices, argv: plan.argv }, done: true, ...outcome }, null, 2));
    else {
      w.out(outcome.ok ? `${node}: ${action} done in ${(outcome.durationMs / 1000).toFixed(1)} s (requested on ${outcome.ranOn})` : `${node}: ${action} FAILED: ${outcome.error}`);
      w.out(historyLine(outcome.history));
    }
    return outcome.ok ? FENCE_EXIT.ok : FENCE_EXIT.failed;
  } finally {
    await session.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The TUI's fencing view and confirm dialog

export async function fenceCheckTable(session: Session): Promise<FenceCheckTable> {
  const r = await fenceReport(session);
  const rows = toFenceNodeRows(r).map((n) => [n.node, n.type, n.fencedBy, n.checks, n.problems, n.fencable ? 'yes' : 'NO']);
  for (const d of toFenceDeviceRows(r)) rows.push([`device ${d.id}`, d.agent, d.targets, `status ${d.status}; BMC ${d.bmc}; password ${d.password}`, d.warnings, d.ok ? 'ok' : 'FAILED']);
  for (const f of r.cluster.findings) if (f.severity !== 'info') rows.push(['cluster', f.severity, '-', '-', f.message, f.severity === 'failure' ? 'FAILED' : 'warning']);
  const bad = r.nodes.filter((n) => !n.fencable).map((n) => n.node);
  return {
    ok: !bad.length,
    columns: ['NODE', 'TYPE', 'CAN BE FENCED BY', 'CHECKS', 'PROBLEMS', 'FENCABLE'],
    rows,
    summary: bad.length ? `NOT READY: ${bad.join(', ')} cannot be fenced (${r.durationMs} ms)` : `ready: every node can be fenced (${r.durationMs} ms)`,
  };
}

export async function fencePreview(session: Session, node: string): Promise<PlanText> {
  try {
    const plan = await planFence(session, node, 'reboot');
    return { ok: true, lines: plan.lines };
  } catch (e) {
    return { ok: false, lines: [], error: (e as Error).message };
  }
}

export async function fenceRun(session: Session, node: string): Promise<ResultText> {
  const plan = await planFence(session, node, 'reboot');
  const o = await executeFence(session, plan);
  return {
    ok: o.ok,
    summary: o.ok ? `fenced ${node} (${(o.durationMs / 1000).toFixed(1)} s); ${historyLine(o.history)}` : `fencing ${node} failed`,
    error: o.ok ? undefined : o.error ?? undefined,
  };
}
