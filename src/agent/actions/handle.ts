/**
 * The agent's `action` request handler: parse the named request, take a fresh snapshot on this
 * host, validate and plan with the same pure planX() the console uses, preview with crm_simulate,
 * then (unless dry run) execute and write the audit log.
 */
import type { ClusterSnapshot } from '../../model/snapshot.js';
import type { ClientRequest } from '../../model/protocol.js';
import type { ToolRunner } from '../run-tool.js';
import { collectSnapshot } from '../collect.js';
import { ActionError } from './errors.js';
import type { ActionName } from '../../model/actions.js';
import { parseActionRequest } from './request.js';
import { planAction, showFailcounts, type ActionPlan, type FailcountRow } from './plan.js';
import { finalizePlan, previewPlan, type Preview } from './preview.js';
import { executePlan, type ExecutionResult } from './execute.js';
import { appendAuditLog, auditEntry, auditHost, auditUser, defaultAuditPath } from './audit.js';

export interface HandleOptions {
  runner: ToolRunner;
  /** Offline mode: work on this CIB file. */
  cibFile?: string;
  /** Audit log path (default ~/.local/state/pcmk-console/audit.log); null disables the log. */
  auditPath?: string | null;
  /** Refuse every change (dry runs and read-only actions still answer). */
  readOnly?: boolean;
  /** Snapshot source (default: collectSnapshot through the runner). */
  snapshot?: () => Promise<ClusterSnapshot>;
  now?: () => Date;
  /** Poll interval while waiting (tests). */
  pollIntervalMs?: number;
}

export interface ActionResponse {
  ok: boolean;
  dryRun: boolean;
  action: ActionName;
  plan?: ActionPlan;
  preview?: Preview | null;
  result?: ExecutionResult;
  /** failcount-show */
  rows?: FailcountRow[];
  /** The change's id, as written to the host's audit log. */
  requestId?: string;
}


/**
 * Handles one protocol action request. Validation errors are thrown as ActionError (the serve loop
 * turns them into error messages with code and exitCode); execution failures come back in
 * `result` with ok=false, because some steps may already have run.
 */
export async function handleAction(req: Extract<ClientRequest, { type: 'action' }>, opts: HandleOptions): Promise<ActionResponse> {
  const action = parseActionRequest(req.action);
  const dryRun = req.dryRun === true;
  const wait = req.wait !== undefined && Number.isFinite(req.wait) && req.wait > 0 ? Math.min(Math.round(req.wait), 3600) : undefined;
  const now = opts.now ?? (() => new Date());
  const takeSnapshot = opts.snapshot ?? (() => collectSnapshot({ runner: opts.runner, cibFile: opts.cibFile, now }));
  const snapshot = await takeSnapshot();

  if (action.name === 'failcount-show') {
    const rows = showFailcounts(snapshot, action);
    if (rows instanceof ActionError) throw rows;
    return { ok: true, dryRun, action: action.name, rows };
  }
  if (opts.readOnly && !dryRun) throw new ActionError('read-only', `refusing ${action.name}: this agent is read-only`);
  if (action.name === 'fence' && opts.cibFile) throw new ActionError('invalid-request', 'fencing needs a live cluster, not a CIB file');

  const planned = planAction(snapshot, action, { waitSeconds: wait });
  if (planned instanceof ActionError) throw planned;
  const preview = await previewPlan(planned, snapshot, opts.runner, { cibFile: opts.cibFile });
  const plan = finalizePlan(planned, preview);
  if (plan instanceof ActionError) throw plan;
  if (dryRun) return { ok: true, dryRun, action: action.name, plan, preview };

  const result = await executePlan(plan, opts.runner, { wait, cibFile: opts.cibFile, snapshot: takeSnapshot, now, pollIntervalMs: opts.pollIntervalMs });
  if (opts.auditPath !== null) {
    try {
      const who = { user: auditUser(), host: auditHost(), time: now().toISOString(), ranOn: snapshot.source, ...(req.requestId ? { requestId: req.requestId } : {}) };
      appendAuditLog(auditEntry(plan, result, who), opts.auditPath ?? defaultAuditPath());
    } catch (e) {
      result.warnings.push(`could not write the audit log: ${(e as Error).message}`);
    }
  }
  return { ok: result.ok, dryRun, action: action.name, plan, preview, result, ...(req.requestId ? { requestId: req.requestId } : {}) };
}
