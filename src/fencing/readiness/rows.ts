/**
 * View-models of a fencing readiness report: rows for the CLI tables and the TUI's fencing test
 * view. Pure: report in, strings out.
 */
import type { FenceDeviceReport, FenceFinding, FenceNodeReport, FenceReport } from './types.js';

export interface FenceNodeRow {
  node: string;
  type: string;
  /** "fence-cluster-1", "level 1: a+b | level 2: c", "container vm on host cluster-2", "-" */
  fencedBy: string;
  /** Short check results of the devices involved: "fence-cluster-1: BMC on", "fence-x: FAILED". */
  checks: string;
  problems: string;
  fencable: boolean;
}

export interface FenceDeviceRow {
  id: string;
  agent: string;
  targets: string;
  runningOn: string;
  registered: string;
  status: string;
  bmc: string;
  password: string;
  warnings: string;
  ok: boolean;
}

function deviceCheckText(d: FenceDeviceReport | undefined, id: string): string {
  if (!d) return `${id}: not configured`;
  const parts: string[] = [];
  if (d.statusCheck.ok === true) parts.push('status ok');
  else if (d.statusCheck.ok === false) parts.push('status FAILED');
  if (d.ipmi && d.ipmi.ok === true) parts.push(`BMC power ${d.ipmi.power ?? '?'}`);
  else if (d.ipmi && d.ipmi.ok === false) parts.push(`BMC ${d.ipmi.code ?? 'error'}`);
  return `${id}: ${parts.length ? parts.join(', ') : 'not checked'}`;
}

function problemText(ps: FenceFinding[]): string {
  const shown = ps.filter((p) => p.severity !== 'info');
  return shown.length ? shown.map((p) => `${p.severity === 'failure' ? '✗' : '!'} ${p.message}`).join('; ') : '-';
}

export function toFenceNodeRows(r: FenceReport): FenceNodeRow[] {
  const byId = new Map(r.devices.map((d) => [d.id, d]));
  return r.nodes.map((n: FenceNodeReport) => {
    let fencedBy: string;
    let checks: string;
    if (n.type === 'guest') {
      fencedBy = n.via ?? '-';
      checks = '-';
    } else if (n.levels.length) {
      fencedBy = n.levels.map((l) => `level ${l.index ?? '?'}: ${l.devices.join('+')}${l.usable ? '' : ' (unusable)'}`).join(' | ');
      checks = [...new Set(n.levels.flatMap((l) => l.devices))].map((id) => deviceCheckText(byId.get(id), id)).join('; ') || '-';
    } else {
      fencedBy = n.devices.length ? n.devices.map((d) => d.id).join(', ') : '-';
      checks = n.devices.map((d) => deviceCheckText(byId.get(d.id), d.id)).join('; ') || '-';
    }
    return { node: n.node, type: n.type, fencedBy, checks, problems: problemText(n.problems), fencable: n.fencable };
  });
}

export function toFenceDeviceRows(r: FenceReport): FenceDeviceRow[] {
  return r.devices.map((d) => {
    const bmc = !d.ipmi ? '-' : d.ipmi.ok === null ? `skipped (${d.ipmi.skipped})` : d.ipmi.ok ? `power ${d.ipmi.power} (${d.ipmi.durationMs} ms)` : `${d.ipmi.code ?? 'error'} (see warnings)`;
    const status = d.statusCheck.ok === null ? `skipped${d.statusCheck.detail ? ` (${d.statusCheck.detail})` : ''}` : d.statusCheck.ok ? `ok (${d.statusCheck.method})` : 'FAILED (see warnings)';
    return {
      id: d.id,
      agent: d.agent,
      targets: d.targets ? d.targets.join(',') || '(none)' : `(${d.hostCheck})`,
      runningOn: d.runningOn.join(',') || '-',
      registered: d.registered === null ? '?' : d.registered ? 'yes' : 'no',
      status,
      bmc,
      password: d.password,
      warnings: problemText(d.warnings),
      ok: !d.warnings.some((w) => w.severity === 'failure'),
    };
  });
}
