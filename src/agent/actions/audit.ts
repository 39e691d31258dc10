/**
 * The local audit log: one JSON object per line for every change made (when, who, host, plan,
 * result). Dry runs and read-only actions are not changes and are not logged.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { ActionPlan } from './plan.js';
import type { ExecutionResult } from './execute.js';
import type { Action, IpmiPowerChange } from '../../model/actions.js';

/** done: the host reported success; failed: it reported a failure; unknown: no answer came back. */
export type AuditOutcome = 'done' | 'failed' | 'unknown';

export interface AuditEntry {
  /** ISO time the change finished (or was given up on). */
  time: string;
  /** The person behind the change: SUDO_USER when run through sudo, else USER / the process owner. */
  user: string;
  /** The machine the entry was written on. */
  host: string;
  /** The change's id: the same in the host's log and in the console's. */
  requestId?: string;
  /** Which front end made the change (pcmk, pcmk-top), on the console's entries. */
  client?: string;
  /** Where it was sent: the cluster (inventory name or host list), on the console's entries. */
  via?: string;
  /** The host (or BMC) that ran it. */
  ranOn?: string;
  action: Action | IpmiPowerChange;
  summary: string;
  /** The plan the host ran; null when there was none to report (an IPMI command, an unanswered request). */
  plan: (Pick<ActionPlan, 'action' | 'summary' | 'danger' | 'expected' | 'warnings' | 'basis'> & { scope?: string; steps: { tool: string; args: string[]; description: string }[] }) | null;
  result: {
    /** null when the outcome is unknown. */
    ok: boolean | null;
    outcome: AuditOutcome;
    message: string;
    error?: ExecutionResult['error'];
    steps: { tool: string; args: string[]; status: string; exitCode: number | null; note?: string }[];
    warnings: string[];
  };
}

/** The plan part of an audit entry. */
export function auditPlan(plan: ActionPlan): NonNullable<AuditEntry['plan']> {
  return {
    action: plan.action,
    summary: plan.summary,
    scope: plan.scope,
    danger: plan.danger,
    expected: plan.expected,
    warnings: plan.warnings,
    basis: plan.basis,
    steps: plan.steps.map((s) => ({ tool: s.tool, args: s.args, description: s.description })),
  };
}

/** The result part of an audit entry, from the host's execution result. */
export function auditResult(result: ExecutionResult): AuditEntry['result'] {
  return {
    ok: result.ok,
    outcome: result.ok ? 'done' : 'failed',
    message: result.message,
    ...(result.error ? { error: result.error } : {}),
    steps: result.steps.map((s) => ({ tool: s.tool, args: s.args, status: s.status, exitCode: s.exitCode, ...(s.note ? { note: s.note } : {}) })),
    warnings: result.warnings,
  };
}

/** $XDG_STATE_HOME/pcmk-console/audit.log, default ~/.local/state/pcmk-console/audit.log. */
export function defaultAuditPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'pcmk-console', 'audit.log');
}

export function auditUser(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SUDO_USER) return env.SUDO_USER;
  if (env.USER) return env.USER;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Pure: the audit entry of one executed plan. */
export function auditEntry(
  plan: ActionPlan,
  result: ExecutionResult,
  who: { user: string; host: string; time?: string; requestId?: string; ranOn?: string },
): AuditEntry {
  return {
    time: who.time ?? result.finishedAt,
    user: who.user,
    host: who.host,
    ...(who.requestId ? { requestId: who.requestId } : {}),
    ...(who.ranOn ? { ranOn: who.ranOn } : {}),
    action: plan.request,
    summary: plan.summary,
    plan: auditPlan(plan),
    result: auditResult(result),
  };
}

/** Appends one entry (creating the directory with mode 0700 and the file with 0600). */
export function appendAuditLog(entry: AuditEntry, path: string = defaultAuditPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  appendFileSync(path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
}

/** The log's entries, oldest first; a missing file is an empty log, unreadable lines are skipped. */
export function readAuditLog(path: string = defaultAuditPath(), opts: { limit?: number } = {}): AuditEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as AuditEntry;
      if (v && typeof v === 'object' && typeof v.time === 'string') out.push(v);
    } catch {
      /* a torn or foreign line: skip it */
    }
  }
  return opts.limit !== undefined ? out.slice(-opts.limit) : out;
}

export function auditHost(): string {
  return hostname();
}
