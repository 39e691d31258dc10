/**
 * The agent's `why` request (read-only): a fresh snapshot on this host, the scheduler's allocation
 * scores from crm_simulate on a copy of the live CIB, the pure explanation of src/model/why.ts,
 * and for "why not on NODE" the crm_simulate preview of moving it there (the same plan and preview
 * as `pcmk move --dry-run`).
 */
import type { ClusterSnapshot } from '../../model/snapshot.js';
import type { ToolRunner } from '../run-tool.js';
import { collectSnapshot } from '../collect.js';
import { pcmkCommand } from '../../model/actions.js';
import { explainWhy, type WhyAnswer } from '../../model/why.js';
import type { Action } from '../../model/actions.js';
import type { RuleMatches } from '../../model/placement.js';
import { evaluateLocationRules } from '../parse/rules.js';
import { ActionError } from './errors.js';
import { isSafeId } from './ids.js';
import { planAction, validateWhy } from './plan.js';
import { finalizePlan, previewPlan, queryCib, Workspace } from './preview.js';

export interface WhyRequest {
  resource: string;
  node?: string;
}

export interface WhyResponse extends WhyAnswer {
  /** For "not on NODE": what moving it there would do (crm_simulate), or why the move is refused. */
  movePreview?: { ok: boolean; lines: string[] };
  /** The command lines run to compute the scores (all on a copy, except the cibadmin --query). */
  ran: string[];
  /** Set when the scheduler's scores could not be computed (causes still come from the snapshot). */
  scoresError?: string;
}

export interface WhyOptions {
  runner: ToolRunner;
  cibFile?: string;
  snapshot?: () => Promise<ClusterSnapshot>;
  now?: () => Date;
  timeoutMs?: number;
}

/** Checks the request's shape (the protocol's and the CLI's words). */
export function parseWhyRequest(v: { resource?: unknown; node?: unknown }): WhyRequest {
  if (typeof v.resource !== 'string' || !isSafeId(v.resource)) throw new ActionError('invalid-id', 'why needs a resource id (letters, digits and ._:-)');
  if (v.node !== undefined && (typeof v.node !== 'string' || !isSafeId(v.node))) throw new ActionError('invalid-id', 'the node must be a node name (letters, digits and ._:-)');
  return { resource: v.resource, ...(typeof v.node === 'string' ? { node: v.node } : {}) };
}

export async function handleWhy(req: WhyRequest, opts: WhyOptions): Promise<WhyResponse> {
  const now = opts.now ?? (() => new Date());
  const snapshot = await (opts.snapshot ?? (() => collectSnapshot({ runner: opts.runner, cibFile: opts.cibFile, now })))();
  const invalid = validateWhy(snapshot, req.resource, req.node);
  if (invalid) throw invalid;

  const ran: string[] = [];
  let scores = null;
  let rules: RuleMatches | undefined;
  let scoresError: string | undefined;
  let ws: Workspace | null = null;
  try {
    ws = await Workspace.create(opts.runner, ran, opts.timeoutMs);
    ran.push(opts.cibFile ? `env CIB_file=${opts.cibFile} cibadmin --query` : 'cibadmin --query');
    const cib = await queryCib(opts.runner, opts.cibFile, opts.timeoutMs);
    rules = evaluateLocationRules(
      cib,
      snapshot.nodes.map((n) => ({ name: n.name, id: n.id, type: n.type, attributes: snapshot.nodeAttributes[n.name] ?? {} })),
    );
    const live = await ws.write('live.xml', cib);
    scores = await ws.scores(live);
  } catch (e) {
    scoresError = `the scheduler's scores could not be computed: ${(e as Error).message}`;
  } finally {
    await ws?.dispose();
  }

  const answer = explainWhy(snapshot, scores, req.resource, { node: req.node, now: now(), ...(rules ? { rules } : {}) });
  const out: WhyResponse = { ...answer, ran, ...(scoresError ? { scoresError } : {}) };
  if (req.node && !answer.running.includes(req.node)) {
    out.movePreview = await movePreview(snapshot, req.resource, req.node, opts);
    // Nothing to remove first, and the simulation reaches the node: the next step is the move itself.
    if (!out.next && out.movePreview.ok && !answer.causes.length && !answer.nodes.find((n) => n.node === req.node)?.causes.some((c) => c.kind !== 'colocation')) {
      const action: Action = { name: 'move', resource: req.resource, node: req.node };
      out.next = { action, command: pcmkCommand(action), reason: `the simulation places ${req.resource} on ${req.node} when it is moved there` };
    }
  }
  return out;
}

/** What `pcmk move RSC NODE --dry-run` would say: the plan's summary and its crm_simulate preview, or the refusal. */
async function movePreview(snapshot: ClusterSnapshot, resource: string, node: string, opts: WhyOptions): Promise<{ ok: boolean; lines: string[] }> {
  try {
    const planned = planAction(snapshot, { name: 'move', resource, node });
    if (planned instanceof ActionError) return { ok: false, lines: [refusal(planned)] };
    const preview = await previewPlan(planned, snapshot, opts.runner, { cibFile: opts.cibFile, timeoutMs: opts.timeoutMs });
    const plan = finalizePlan(planned, preview);
    if (plan instanceof ActionError) return { ok: false, lines: [refusal(plan)] };
    return { ok: true, lines: [plan.summary, ...(preview?.lines ?? [])] };
  } catch (e) {
    return { ok: false, lines: [e instanceof ActionError ? refusal(e) : `the move preview failed: ${(e as Error).message}`] };
  }
}

function refusal(e: ActionError): string {
  return `pcmk move would refuse: ${e.message}`;
}
