/**
 * `pcmk history` (the transitions, one line each) and `pcmk history show N` (the cluster as it was
 * at that scheduler input, rendered like `pcmk status`, and what the scheduler did next). Sources:
 * every host's agent over SSH (each reads its own pengine directory), this host (`--local`), or
 * offline files (`--from DIR|ARCHIVE`). Inputs of all hosts are merged by time. pcmk-top's History
 * view and time travel read through the same sources (consoleHistory, openOfflineConsole).
 */
import os from 'node:os';
import { LocalToolRunner } from '../agent/run-tool.js';
import { collectHistory, openOffline, readNewestInput, showInput, type ReadInput } from '../agent/history/index.js';
import {
  buildTimeline,
  describeAction,
  filterTimeline,
  historyLine,
  inputLabel,
  parseHistoryTime,
  parseInputSpec,
  type HistoryEntry,
  type InputFacts,
} from '../model/history.js';
import { UsageError, type GlobalOptions, type ParsedArgs } from './args.js';
import { renderStatus } from './render.js';
import type { Output, Style } from './output.js';
import { openTarget, Session, SessionError } from './session.js';
import { EXIT } from './usage.js';
import { visible } from '../model/view/index.js';
import { OFFLINE_REFUSAL } from '../tui/state/interpret-key.js';
import type { ClusterView, HistoryHostPage, HistoryMoment, HistoryQuery, TuiActions, ViewSource } from '../tui/types.js';

/** Time a host may take to read its window of inputs (each one runs three tools). */
const HISTORY_TIMEOUT_MS = 300_000;

interface Window {
  since: number | null;
  until: number | null;
  limit: number;
}

function windowOf(p: ParsedArgs, now: Date): Window {
  const time = (flag: string): number | null => {
    const v = p.flags[flag];
    if (v === undefined) return null;
    const t = typeof v === 'string' ? parseHistoryTime(v, now) : null;
    if (t === null) throw new UsageError(`--${flag} needs a time: 2026-12-06T14:02, 14:02 (today, UTC) or an age such as 30m, 2h, 1d`);
    return t;
  };
  const raw = p.flags.limit;
  const limit = raw === undefined ? 50 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit needs a positive whole number');
  return { since: time('since'), until: time('until'), limit };
}

/** Per source (host or offline directory): its inputs, or why it could not give them. */
interface HostInputs {
  host: string;
  inputs: InputFacts[];
  error: string | null;
}

/** Where the inputs come from; `show` reads one input in full from the same place. `hosts`: only these. */
interface HistorySource {
  read(w: Window, hosts?: readonly string[]): Promise<HostInputs[]>;
  show(spec: string, hosts?: readonly string[]): Promise<Array<{ host: string; input: ReadInput } | { host: string; error: string }>>;
  close(): Promise<void>;
}

/** Inputs read on this machine: its own pengine directory (--local), or offline directories. */
interface LocalHistorySource extends HistorySource {
  /** The newest input of every directory, read in full (null when there is none). */
  newest(): Promise<ReadInput | null>;
}

function localSource(o: GlobalOptions, dirs: Array<{ host: string; dir?: string }>, close: () => Promise<void>): LocalHistorySource {
  const runner = new LocalToolRunner(o.prefix);
  const timeoutMs = Math.max(o.timeoutMs, 30_000);
  return {
    newest: () => readNewestInput(runner, dirs, timeoutMs),
    read: (w, hosts) =>
      Promise.all(
        dirs.filter((d) => !hosts || hosts.includes(d.host)).map(async (d) => {
          try {
            return { host: d.host, inputs: await collectHistory({ runner, host: d.host, dir: d.dir, since: w.since, until: w.until, limit: w.limit, timeoutMs }), error: null };
          } catch (e) {
            return { host: d.host, inputs: [], error: (e as Error).message };
          }
        }),
      ),
    show: async (spec, hosts) => {
      const out: Array<{ host: string; input: ReadInput } | { host: string; error: string }> = [];
      for (const d of dirs.filter((x) => !hosts || hosts.includes(x.host))) {
        try {
          const r = await showInput(runner, d.host, spec, d.dir, timeoutMs);
          if (r) out.push({ host: d.host, input: r });
        } catch (e) {
          out.push({ host: d.host, error: (e as Error).message });
        }
      }
      return out;
    },
    close,
  };
}

function sshSource(session: Session): HistorySource {
  const errorOf = (a: { error: Error } | { answer: { type: string; message?: string } }): string | null =>
    'error' in a ? a.error.message : a.answer.type === 'error' ? (a.answer.message ?? 'error') : null;
  return {
    read: async (w, hosts) => {
      const answers = await session.agentRequestEach({ type: 'history', ...(w.since !== null ? { since: w.since } : {}), ...(w.until !== null ? { until: w.until } : {}), limit: w.limit }, HISTORY_TIMEOUT_MS, hosts);
      return answers.map((a) => {
        const err = errorOf(a);
        if (err !== null || !('answer' in a) || a.answer.type !== 'history') return { host: a.host, inputs: [], error: err ?? `unexpected answer from ${a.host}` };
        return { host: a.host, inputs: a.answer.inputs, error: null };
      });
    },
    show: async (spec, hosts) => {
      const answers = await session.agentRequestEach({ type: 'history-show', input: spec }, HISTORY_TIMEOUT_MS, hosts);
      const out: Array<{ host: string; input: ReadInput } | { host: string; error: string }> = [];
      for (const a of answers) {
        if ('answer' in a && a.answer.type === 'history-show') out.push({ host: a.host, input: { facts: a.answer.facts, snapshot: a.answer.snapshot, simulation: a.answer.simulation } });
        else if ('answer' in a && a.answer.type === 'error' && a.answer.code === 'unknown-input') continue;
        else out.push({ host: a.host, error: errorOf(a) ?? `unexpected answer from ${a.host}` });
      }
      return out;
    },
    close: () => session.close(),
  };
}

/** Why `--cib FILE` has no history, and what to use instead (`pcmk history`, pcmk-top's History view). */
export function cibHistoryMessage(program: 'pcmk history' | 'pcmk-top'): string {
  return `history reads scheduler inputs, not one CIB file: ${program} --from DIR|ARCHIVE opens a directory of pe-input files or a crm_report archive`;
}

/** `--from DIR|ARCHIVE`: its scheduler inputs (an archive unpacked until close()), or an error naming it. */
async function openOfflineSource(o: GlobalOptions, from: string): Promise<LocalHistorySource & { hosts: string[] }> {
  let offline: Awaited<ReturnType<typeof openOffline>>;
  try {
    offline = await openOffline(new LocalToolRunner(), from);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new SessionError(err.code === 'ENOENT' ? `${from}: no such file or directory` : `${from}: ${err.message}`, EXIT.failed);
  }
  if (!offline.dirs.length) {
    await offline.close();
    throw new SessionError(`${from}: no scheduler inputs (pe-input-N.bz2) found there`, EXIT.failed);
  }
  return { ...localSource(o, offline.dirs, offline.close), hosts: offline.dirs.map((d) => d.host) };
}

async function openSource(o: GlobalOptions, from: string | null): Promise<HistorySource> {
  if (from) return openOfflineSource(o, from);
  if (o.cib) throw new UsageError(cibHistoryMessage('pcmk history'));
  const target = await openTarget(o);
  if (target.kind === 'ssh') return sshSource(new Session(target, o, false));
  return localSource(o, [{ host: os.hostname() }], async () => {});
}

/**
 * pcmk-top's History view and time travel: pages of inputs and one input in full, through the
 * same sources as `pcmk history` (the session's agents over SSH, or this host with --local).
 */
export function consoleHistory(session: Session, o: GlobalOptions): Pick<TuiActions, 'history' | 'historyShow'> {
  const src = session.target.kind === 'ssh' ? sshSource(session) : session.target.kind === 'local' ? localSource(o, [{ host: os.hostname() }], async () => {}) : null;
  return historyActions(() => {
    if (!src) throw new SessionError(cibHistoryMessage('pcmk-top'), EXIT.usage);
    return src;
  });
}

/** The History view's two requests over a history source. */
function historyActions(need: () => HistorySource): Pick<TuiActions, 'history' | 'historyShow'> {
  return {
    async history(q: HistoryQuery): Promise<HistoryHostPage[]> {
      const s = need();
      if (!q.until) return s.read({ since: null, until: null, limit: q.limit });
      const pages = await Promise.all(Object.entries(q.until).map(([host, until]) => s.read({ since: null, until, limit: q.limit }, [host])));
      return pages.flat();
    },
    async historyShow(input: { host: string; label: string }): Promise<HistoryMoment> {
      const found = (await need().show(input.label, [input.host])).find((x) => x.host === input.host);
      if (!found) throw new SessionError(`no scheduler input #${input.label} on ${input.host} (removed since it was listed?)`, EXIT.failed);
      if ('error' in found) throw new SessionError(`${input.host}: ${found.error}`, EXIT.failed);
      return { facts: found.input.facts, snapshot: found.input.snapshot };
    },
  };
}

/** pcmk-top on saved scheduler inputs: what it shows, what it may ask, and the clean-up on exit. */
export interface OfflineConsole {
  /** The newest input's cluster, named as offline (never changes). */
  source: ViewSource;
  /** The History view and time travel over the inputs; everything else is refused. */
  actions: TuiActions;
  /** Removes what an archive was unpacked into. */
  close(): Promise<void>;
}

/**
 * `pcmk-top --from DIR|ARCHIVE`: opens the inputs as `pcmk history --from` does (one reader, no
 * SSH, no inventory) and reads the newest one in full for the views. Nothing can be changed.
 */
export async function openOfflineConsole(o: GlobalOptions, from: string): Promise<OfflineConsole> {
  const src = await openOfflineSource(o, from);
  const newest = await src.newest().then(
    (r) => ({ input: r, error: null }),
    (e: unknown) => ({ input: null, error: (e as Error).message }),
  );
  const view: ClusterView = {
    context: null,
    hosts: src.hosts.map((name) => ({ name, state: 'offline', snapshotAt: null, lastError: null, mode: 'scheduler-inputs' })),
    snapshot: newest.input?.snapshot ?? null,
    disagreements: [],
    offline: { from, newest: newest.input?.facts ?? null, error: newest.error },
  };
  const refused = (): never => {
    throw new SessionError(OFFLINE_REFUSAL, EXIT.usage);
  };
  return {
    source: { getView: () => view, subscribe: () => () => {} },
    actions: {
      ...historyActions(() => src),
      preview: async () => ({ ok: false, lines: [], error: OFFLINE_REFUSAL }),
      run: async () => ({ ok: false, summary: OFFLINE_REFUSAL }),
      fenceCheck: async () => refused(),
      why: async () => refused(),
    },
    close: once(() => src.close()),
  };
}

/** Runs `fn` the first time only; every call gets that run's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => (done ??= fn());
}

function hostProblems(w: Output, hosts: HostInputs[]): void {
  for (const h of hosts) if (h.error) w.err(`pcmk: history of ${h.host}: ${h.error}`);
}

/** The timeline a window and filters select: the newest `limit` entries, oldest first. */
export function selectEntries(hosts: HostInputs[], p: ParsedArgs, win: Window): HistoryEntry[] {
  const all = filterTimeline(buildTimeline(hosts.map((h) => h.inputs)), {
    since: win.since,
    until: win.until,
    resource: typeof p.flags.resource === 'string' ? p.flags.resource : null,
    node: typeof p.flags.node === 'string' ? p.flags.node : null,
  });
  return all.slice(-win.limit);
}

/** `pcmk history show`: the banner, the status as it was, and the transition that followed. */
export function renderShow(host: string, r: ReadInput, st: Style): string[] {
  const f = r.facts;
  const out: string[] = [];
  out.push(st.bold(visible(`Scheduler input #${inputLabel(f)} on ${host} (${f.name}), ${f.time ?? 'time unknown'}${f.timeFrom ? ` (${f.timeFrom})` : ''}, DC ${f.dc ?? '?'}`)));
  if (f.changedBy.user || f.changedBy.client) out.push(st.dim(visible(`last configuration change by ${f.changedBy.user ?? '?'} via ${f.changedBy.client ?? '?'} on ${f.changedBy.origin ?? '?'}`)));
  if (f.error) out.push(st.red(visible(`! ${f.error}`)));
  if (r.snapshot) out.push('', ...renderStatus(r.snapshot, st));
  out.push('', st.bold('What the scheduler did next'));
  if (!f.actions.length) out.push(f.error ? '  (unknown)' : '  nothing (no actions)');
  for (const a of f.actions) out.push(`  ${visible(describeAction(a))}${a.reason ? st.dim(visible(`  ${a.reason}`)) : ''}`);
  return out;
}

export async function historyCommand(p: ParsedArgs, w: Output): Promise<number> {
  const o = p.options;
  const sub = p.positional[1];
  if (sub !== undefined && sub !== 'show') throw new UsageError(`unknown history command ${sub} (history, history show N)`);
  const from = typeof p.flags.from === 'string' ? p.flags.from : null;
  if (sub === 'show') {
    const spec = p.positional[2];
    if (!spec || !parseInputSpec(spec)) throw new UsageError('history show needs an input: 412, warn-3, pe-input-412.bz2 or HOST:412');
    const id = parseInputSpec(spec)!;
    const src = await openSource(o, from);
    try {
      const found = (await src.show(id.kind === 'input' ? String(id.seq) : `${id.kind}-${id.seq}`)).filter((x) => id.host === null || x.host === id.host);
      for (const x of found) if ('error' in x) w.err(`pcmk: ${x.host}: ${x.error}`);
      const hits = found.filter((x): x is { host: string; input: ReadInput } => 'input' in x);
      if (!hits.length) {
        w.err(`pcmk: no scheduler input ${spec}${found.some((x) => 'error' in x) ? ' on the hosts that answered' : ''}`);
        return EXIT.failed;
      }
      // The same number on two hosts (both were DC once): the newest, and say which others exist.
      hits.sort((a, b) => (Date.parse(b.input.facts.time ?? '') || 0) - (Date.parse(a.input.facts.time ?? '') || 0));
      const shown = hits[0]!;
      if (hits.length > 1) w.err(`pcmk: input ${spec} exists on ${hits.map((h) => h.host).join(', ')}; showing ${shown.host}'s (use HOST:${inputLabel(shown.input.facts)})`);
      if (o.json) w.json({ host: shown.host, facts: { ...shown.input.facts, config: undefined }, snapshot: shown.input.snapshot });
      else for (const l of renderShow(shown.host, shown.input, w.style)) w.out(l);
      return shown.input.snapshot ? EXIT.ok : EXIT.failed;
    } finally {
      await src.close();
    }
  }
  const win = windowOf(p, new Date());
  const src = await openSource(o, from);
  try {
    const hosts = await src.read(win);
    hostProblems(w, hosts);
    const entries = selectEntries(hosts, p, win);
    if (o.json) {
      // The configuration digests are for comparing inputs; the changes they gave are in `changes`.
      const shown = entries.map((e) => ({ facts: { ...e.facts, config: undefined }, changes: e.changes }));
      w.json({ hosts: hosts.map((h) => ({ host: h.host, inputs: h.inputs.length, error: h.error })), entries: shown });
    } else {
      const today = new Date().toISOString().slice(0, 10);
      if (!entries.length) w.err('pcmk: no transitions in that window');
      for (const e of entries) w.out(visible(historyLine(e, today)));
    }
    return hosts.every((h) => h.error) ? EXIT.noHost : EXIT.ok;
  } finally {
    await src.close();
  }
}
