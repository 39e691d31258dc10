/**
 * `pcmk fence-test` (the fencing readiness check: fires no shot), the devices shown with a fence
 * action's preview, and the TUI's fencing view. (`pcmk fence NODE` itself is an action of the
 * table, planned, run and audited on the host like every other change.) The check itself runs on a cluster host: in-process in local and CIB-file mode, or by
 * the host's agent over SSH, so BMC credentials never reach the console.
 */
import { runFenceCheck, toFenceDeviceRows, toFenceNodeRows, type FenceReport } from '../fencing/readiness/index.js';
import { UsageError, type ParsedArgs } from './args.js';
import { table } from './render.js';
import type { Output, Style } from './output.js';
import { SessionError, type Session } from './session.js';
import type { FenceCheckTable } from '../tui/types.js';

export const FENCE_EXIT = { ok: 0, notFencable: 3 } as const;

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

export async function fenceTestCommand(p: ParsedArgs, w: Output, openSession: () => Session): Promise<number> {
  if (p.positional.length > 1) throw new UsageError(`fence-test takes no arguments (got ${p.positional.slice(1).join(' ')})`);
  const session = openSession();
  try {
    const r = await fenceReport(session);
    if (p.options.json) w.json(r);
    else for (const l of renderFenceReport(r, w.style)) w.out(l);
    return r.nodes.some((n) => !n.fencable) ? FENCE_EXIT.notFencable : FENCE_EXIT.ok;
  } finally {
    await session.close();
  }
}

// ---------------------------------------------------------------------------------------------
// What a fence of NODE will use (shown with the fence action's preview)

/**
 * The devices (or topology levels) the fencer will use for `node`, with their readiness check
 * results; empty when the node is unknown to the report (the host's plan refuses it then).
 */
export async function fenceDeviceLines(session: Session, node: string, off: boolean): Promise<string[]> {
  const report = await fenceReport(session, [node]);
  const n = report.nodes.find((x) => x.node === node);
  if (!n) return [];
  const verb = off ? 'off' : 'reboot';
  const byId = new Map(report.devices.map((d) => [d.id, d]));
  const describe = (id: string): string => {
    const d = byId.get(id);
    if (!d) return `${id} (not configured)`;
    const bmc = d.ipmi && d.ipmi.ok !== null ? `, BMC ${d.ipmi.host}: ${d.ipmi.ok ? `power ${d.ipmi.power}` : d.ipmi.code}` : '';
    const status = d.statusCheck.ok === null ? '' : d.statusCheck.ok ? ', status ok' : ', status FAILED';
    return `${id} (${d.agent}${bmc}${status})`;
  };
  const lines: string[] = [];
  if (n.levels.length) {
    lines.push(`${verb} ${node} through its fencing levels, in order:`);
    for (const l of n.levels) lines.push(`  level ${l.index ?? '?'}: ${l.devices.map(describe).join(' + ')}${l.usable ? '' : '  (expected to fail)'}`);
  } else {
    const devices = n.devices.map((d) => d.id);
    lines.push(devices.length ? `${verb} ${node} with ${devices.map(describe).join(', or ')}` : `${verb} ${node}: no device can fence it (the request will fail)`);
  }
  for (const pr of n.problems) if (pr.severity !== 'info') lines.push(`  ${pr.severity === 'failure' ? '✗' : '!'} ${pr.message}`);
  return lines;
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
