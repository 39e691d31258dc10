/**
 * Reads the scheduler inputs of a host (or of an offline directory) with the real tools: `find`
 * lists them, and each one is read as the snapshot collection reads any CIB file (crm_mon with
 * CIB_file, the file itself through bzcat) plus `crm_simulate --xml-file F --simulate` for the
 * transition the scheduler computed from it. Newest first, a bounded window, a few at a time.
 */
import { collectRaw, readCibText } from '../collect.js';
import { ToolError, type ToolRunner } from '../run-tool.js';
import { buildSnapshot, hasClusterState } from '../snapshot.js';
import { parseInputSpec, type InputFacts, type SchedulerInputRef } from '../../model/history.js';
import type { ClusterSnapshot } from '../../model/snapshot.js';
import type { AgentMessage, ClientRequest } from '../../model/protocol.js';
import { cibHeader, inputFacts, newestFirst, parseListing, unreadableInput } from './facts.js';

/** Where the DC saves its scheduler inputs (Pacemaker's default PE_STATE_DIR). */
export const PENGINE_DIR = '/var/lib/pacemaker/pengine';
/** Inputs read when no window is asked for. */
export const DEFAULT_HISTORY_LIMIT = 50;

export interface HistoryReadOptions {
  runner: ToolRunner;
  /** The host name recorded on each input. */
  host: string;
  dir?: string;
  /** Only inputs written at or after / before these times (ms since the epoch), judged by file time. */
  since?: number | null;
  until?: number | null;
  /** At most this many inputs (the newest), plus the one before them to compare the oldest with. */
  limit?: number;
  timeoutMs?: number;
  /** Inputs read at once (each runs three tools). */
  concurrency?: number;
}

export async function listInputs(runner: ToolRunner, dir: string, host: string, timeoutMs = 15_000): Promise<SchedulerInputRef[]> {
  try {
    const out = await runner.run('find', [dir, '-maxdepth', '1', '-type', 'f', '-name', 'pe-*', '-printf', '%f\\t%s\\t%T@\\n'], { timeoutMs });
    return parseListing(out.stdout, host, dir);
  } catch (e) {
    // find still lists what it could read when a file vanished meanwhile (exit 1).
    if (e instanceof ToolError && e.failure === 'exit' && e.stdout) return parseListing(e.stdout, host, dir);
    throw e;
  }
}

export interface ReadInput {
  facts: InputFacts;
  snapshot: ClusterSnapshot | null;
  /** crm_simulate's output: the cluster as it was, the transition summary and what it executes. */
  simulation: string;
}

/** Reads one input: its snapshot (the same collection as `--cib FILE`) and the transition it led to. */
export async function readInput(runner: ToolRunner, ref: SchedulerInputRef, timeoutMs = 30_000): Promise<ReadInput> {
  if (ref.size === 0) return { facts: unreadableInput(ref, 'empty file (the scheduler may still be writing it)'), snapshot: null, simulation: '' };
  const [raw, sim] = await Promise.all([
    collectRaw({ runner, cibFile: ref.path, timeoutMs }),
    runner.run('crm_simulate', ['--xml-file', ref.path, '--simulate'], { timeoutMs }).then(
      (o) => ({ ok: true as const, text: o.stdout }),
      (e: unknown) => {
        if (e instanceof ToolError) return { ok: false as const, text: e.message };
        throw e;
      },
    ),
  ]);
  const cibText = raw.cib?.ok ? raw.cib.stdout : null;
  if (cibText === null) {
    const why = raw.cib && !raw.cib.ok ? (raw.cib.error?.message ?? raw.cib.skipped) : 'not read';
    return { facts: unreadableInput(ref, why ?? 'not read'), snapshot: null, simulation: '' };
  }
  const head = cibHeader(cibText);
  const snapshot = buildSnapshot(raw, { now: new Date(head.time ?? ref.mtime ?? Date.now()), source: `${ref.host}:${ref.path}` });
  if (!hasClusterState(snapshot)) {
    const why = snapshot.warnings.find((w) => w.section === 'crm_mon')?.message ?? 'crm_mon could not read it';
    return { facts: unreadableInput(ref, why), snapshot: null, simulation: '' };
  }
  if (!sim.ok) return { facts: unreadableInput(ref, sim.text), snapshot, simulation: '' };
  return { facts: inputFacts(ref, cibText, snapshot, sim.text), snapshot, simulation: sim.text };
}

/** The inputs a window selects, newest first: `limit` of them plus the one just before (for its diff). */
export function selectWindow(refs: SchedulerInputRef[], o: Pick<HistoryReadOptions, 'since' | 'until' | 'limit'>): SchedulerInputRef[] {
  const limit = o.limit ?? DEFAULT_HISTORY_LIMIT;
  const sorted = newestFirst(refs);
  const t = (r: SchedulerInputRef): number => Date.parse(r.mtime ?? '') || 0;
  const inside = sorted.filter((r) => (o.until == null || t(r) <= o.until) && (o.since == null || t(r) >= o.since));
  const chosen = inside.slice(0, limit);
  const oldest = chosen[chosen.length - 1];
  const before = oldest ? sorted[sorted.indexOf(oldest) + 1] : undefined;
  return before ? [...chosen, before] : chosen;
}

/** Runs `fn` over `items` with at most `n` at once, keeping the order of the results. */
async function mapLimited<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  return out;
}

/** The facts of the window's inputs on one host, newest first. Only the facts are kept, never the snapshots. */
export async function collectHistory(o: HistoryReadOptions): Promise<InputFacts[]> {
  const dir = o.dir ?? PENGINE_DIR;
  const refs = selectWindow(await listInputs(o.runner, dir, o.host, o.timeoutMs), o);
  return mapLimited(refs, o.concurrency ?? 2, async (r) => (await readInput(o.runner, r, o.timeoutMs)).facts);
}

/**
 * The newest input of these directories, read in full: what an offline console shows before any
 * time travel. Each host's newest goes by newestFirst; between hosts (the DC moves) the inputs'
 * own times decide (the scheduler's execution-date, read from each candidate's header), since file
 * times copied from several hosts need not agree. Null when there is none.
 */
export async function readNewestInput(runner: ToolRunner, dirs: ReadonlyArray<{ host: string; dir?: string }>, timeoutMs = 30_000): Promise<ReadInput | null> {
  const lists = await Promise.all(dirs.map((d) => listInputs(runner, d.dir ?? PENGINE_DIR, d.host, timeoutMs)));
  const candidates = lists.map((l) => newestFirst(l)[0]).filter((r): r is SchedulerInputRef => r !== undefined);
  if (candidates.length <= 1) return candidates[0] ? readInput(runner, candidates[0], timeoutMs) : null;
  const timed = await Promise.all(
    candidates.map(async (ref) => {
      const head = ref.size > 0 ? cibHeader(await readCibText(runner, ref.path, timeoutMs).catch(() => '')) : null;
      // As inputFacts dates an input: its execution-date, else its file time.
      return { ref, time: Date.parse((head?.timeFrom === 'execution-date' ? head.time : null) ?? ref.mtime ?? '') || 0 };
    }),
  );
  timed.sort((a, b) => b.time - a.time);
  return readInput(runner, timed[0]!.ref, timeoutMs);
}

/** One input in full (for `history show`): "412", "warn-3" or its file name, in the directory. */
export async function showInput(runner: ToolRunner, host: string, spec: string, dir = PENGINE_DIR, timeoutMs?: number): Promise<ReadInput | null> {
  const id = parseInputSpec(spec);
  if (!id) return null;
  const ref = newestFirst(await listInputs(runner, dir, host, timeoutMs)).find((r) => r.kind === id.kind && r.seq === id.seq);
  return ref ? readInput(runner, ref, timeoutMs) : null;
}

/** The agent's answer to the read-only `history` and `history-show` requests (docs/protocol.md). */
export function historyHandler(ctx: { runner: ToolRunner; host: string; dir?: string; timeoutMs?: number }) {
  return async (req: Extract<ClientRequest, { type: 'history' | 'history-show' }>): Promise<AgentMessage> => {
    if (req.type === 'history') {
      const inputs = await collectHistory({ runner: ctx.runner, host: ctx.host, dir: ctx.dir, since: req.since, until: req.until, limit: req.limit, timeoutMs: ctx.timeoutMs });
      return { id: req.id, type: 'history', host: ctx.host, inputs };
    }
    const r = await showInput(ctx.runner, ctx.host, req.input, ctx.dir, ctx.timeoutMs);
    if (!r) throw Object.assign(new Error(`no scheduler input ${req.input} on ${ctx.host}`), { code: 'unknown-input', exitCode: 1 });
    return { id: req.id, type: 'history-show', host: ctx.host, facts: r.facts, snapshot: r.snapshot, simulation: r.simulation };
  };
}
