/**
 * The local audit log: one JSON object per line for every change made (when, who, host, plan,
 * result). Dry runs and read-only actions are not changes and are not logged.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { ActionPlan } from './plan.js';
import type { ExecutionResult } from './execute.js';
import type { Action } from './request.js';

export interface AuditEntry {
  /** ISO time the change finished. */
  time: string;
  /** The person behind the change: SUDO_USER when run through sudo, else USER / the process owner. */
  user: string;
  host: string;
  action: Action;
  summary: string;
  plan: Pick<ActionPlan, 'action' | 'summary' | 'danger' | 'expected' | 'warnings' | 'basis'> & { steps: { tool: string; args: string[]; description: string }[] };
  result: {
    ok: boolean;
    message: string;
    error?: ExecutionResult['error'];
    steps: { tool: string; args: string[]; status: string; exitCode: number | null; note?: string }[];
    warnings: string[];
  };
  [key: string]: unknown;
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
export function auditEntry(plan: ActionPlan, result: ExecutionResult, who: { user: string; host: string; time?: string }): AuditEntry {
  return {
    time: who.time ?? result.finishedAt,
    user: who.user,
    host: who.host,
    action: plan.request,
    summary: plan.summary,
    plan: {
      action: plan.action,
      summary: plan.summary,
      danger: plan.danger,
      expected: plan.expected,
      warnings: plan.warnings,
      basis: plan.basis,
      steps: plan.steps.map((s) => ({ tool: s.tool, args: s.args, description: s.description })),
    },
    result: {
      ok: result.ok,
      message: result.message,
      ...(result.error ? { error: result.error } : {}),
      steps: result.steps.map((s) => ({ tool: s.tool, args: s.args, status: s.status, exitCode: s.exitCode, ...(s.note ? { note: s.note } : {}) })),
      warnings: result.warnings,
    },
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
