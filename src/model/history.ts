/**
 * Transition history: what the scheduler saw and did, input by input. Each scheduler input the DC
 * saved (`pe-input-N.bz2`, `pe-warn-N.bz2`, `pe-error-N.bz2`) is a whole CIB; the agent reads it
 * with the real tools into `InputFacts`, and the pure functions here merge the inputs of every host
 * by time, tell what changed from one input to the next, and say it in one line.
 */

/** The three series the scheduler writes (pe-input: ran normally; pe-warn / pe-error: with warnings or errors). */
export type InputKind = 'input' | 'warn' | 'error';

/** One scheduler input file on one host (or in an offline directory / archive). */
export interface SchedulerInputRef {
  /** The host whose pengine directory holds it (for an archive: the node directory's name). */
  host: string;
  /** Absolute path on that host. */
  path: string;
  /** File name: "pe-input-412.bz2". */
  name: string;
  kind: InputKind;
  /** N of pe-input-N (the scheduler's sequence; it wraps at pe-input-series-max). */
  seq: number;
  /** File modification time (ISO, UTC) or null. */
  mtime: string | null;
  size: number;
}

/** A transition action as crm_simulate's "Transition Summary" prints it (parsed by the agent). */
export interface TransitionStep {
  /** Start, Stop, Move, Migrate, Restart, Recover, Reload, Promote, Demote, Re-promote, Fence. */
  verb: string;
  /** Resource id as crm_simulate prints it (clone instances as "dlm:0"); for Fence the guest's container or null. */
  resource: string | null;
  /** Node the resource leaves or runs on before the action (null when it was stopped). */
  fromNode: string | null;
  /** Node the resource runs on after the action (null when it stops). For Fence: the target. */
  toNode: string | null;
  fromRole: string | null;
  toRole: string | null;
  /** Fence only: reboot, off, on. */
  fenceAction: string | null;
  /** What follows the parenthesis: "due to node availability", a fencing reason... */
  reason: string | null;
  /** The scheduler wants this action but cannot run it ("blocked"). */
  blocked: boolean;
  /** The line as printed, trimmed. */
  line: string;
}

/** Who made the CIB's last configuration change (the cib element's update-* attributes). */
export interface ChangedBy {
  user: string | null;
  client: string | null;
  origin: string | null;
}

/** What one input says: read on its host with crm_mon, crm_simulate and the CIB itself. */
export interface InputFacts extends SchedulerInputRef {
  /** When the scheduler ran on it (ISO, UTC), and where that came from. */
  time: string | null;
  timeFrom: 'execution-date' | 'cib-last-written' | 'mtime' | null;
  dc: string | null;
  cibVersion: string | null;
  changedBy: ChangedBy;
  /** Every configuration element with an id: id -> "tag:hash" of its own content (not its id'd children). */
  config: Record<string, string>;
  /** node -> state words ("online", "offline", "online standby", "UNCLEAN offline"...). */
  nodes: Record<string, string>;
  /** resource id (as crm_mon names instances) -> sorted "Role node" placements ("Stopped" when none). */
  resources: Record<string, string[]>;
  /** Failed operations: "dregistry monitor on cluster-1: not running" (one per failure record). */
  failures: string[];
  /** What the scheduler decided from this input. */
  actions: TransitionStep[];
  /** Why this input could not be read (the other fields are then empty). */
  error: string | null;
}

export interface ConfigChange {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface HistoryChanges {
  /** Null for the first input read: nothing to compare with. */
  config: ConfigChange | null;
  /** "cluster-3 online -> offline". */
  nodes: string[];
  /** "dregistry Started cluster-1 -> Started cluster-2". */
  resources: string[];
  newFailures: string[];
  /** False when there was no earlier input to compare with. */
  compared: boolean;
}

export interface HistoryEntry {
  facts: InputFacts;
  changes: HistoryChanges;
}

const NAME_RE = /^pe-(input|warn|error)-(\d+)(\.bz2)?$/;

/** "pe-input-412.bz2" -> { kind: 'input', seq: 412 }; null for anything else (pe-input.last...). */
export function parseInputName(name: string): { kind: InputKind; seq: number } | null {
  const m = NAME_RE.exec(name);
  return m ? { kind: m[1] as InputKind, seq: Number(m[2]) } : null;
}

/** The label an input goes by in lists and in `history show`: "412", "warn-3", "error-7". */
export function inputLabel(r: Pick<SchedulerInputRef, 'kind' | 'seq'>): string {
  return r.kind === 'input' ? String(r.seq) : `${r.kind}-${r.seq}`;
}

function timeOf(f: Pick<InputFacts, 'time' | 'mtime'>): number {
  const t = Date.parse(f.time ?? f.mtime ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/** Oldest first: by time, then (same second, same host) by sequence number. */
export function compareInputs(a: InputFacts, b: InputFacts): number {
  return timeOf(a) - timeOf(b) || (a.host === b.host ? a.seq - b.seq : a.host.localeCompare(b.host));
}

/** Same input read from two places (a host and its copy in a report): same CIB version and time. */
function sameInput(a: InputFacts, b: InputFacts): boolean {
  return a.cibVersion !== null && a.cibVersion === b.cibVersion && a.time === b.time && a.seq === b.seq;
}

/** Diff of two configuration indexes (id -> signature). */
export function diffConfig(before: Record<string, string>, after: Record<string, string>): ConfigChange {
  const out: ConfigChange = { added: [], removed: [], changed: [] };
  for (const [id, sig] of Object.entries(after)) {
    const old = before[id];
    if (old === undefined) out.added.push(id);
    else if (old !== sig) out.changed.push(id);
  }
  for (const id of Object.keys(before)) if (!(id in after)) out.removed.push(id);
  return out;
}

function placement(p: string[] | undefined): string {
  return p && p.length ? p.join(', ') : 'Stopped';
}

/** What changed from one input to the next (pure). */
export function diffInputs(prev: InputFacts | null, cur: InputFacts): HistoryChanges {
  if (!prev || prev.error || cur.error) return { config: null, nodes: [], resources: [], newFailures: [], compared: false };
  const nodes: string[] = [];
  for (const n of new Set([...Object.keys(prev.nodes), ...Object.keys(cur.nodes)])) {
    const a = prev.nodes[n] ?? 'absent';
    const b = cur.nodes[n] ?? 'absent';
    if (a !== b) nodes.push(`${n} ${a} -> ${b}`);
  }
  const resources: string[] = [];
  for (const r of new Set([...Object.keys(prev.resources), ...Object.keys(cur.resources)])) {
    const a = placement(prev.resources[r]);
    const b = placement(cur.resources[r]);
    if (a !== b) resources.push(`${r} ${a} -> ${b}`);
  }
  const before = new Set(prev.failures);
  return { config: diffConfig(prev.config, cur.config), nodes, resources, newFailures: cur.failures.filter((f) => !before.has(f)), compared: true };
}

/**
 * The inputs of every host as one timeline, oldest first, each with what changed since the one
 * before it (whichever host saved that one: the DC moves). An input seen twice is kept once.
 */
export function buildTimeline(perHost: readonly (readonly InputFacts[])[]): HistoryEntry[] {
  const all = perHost.flat().sort(compareInputs);
  const out: HistoryEntry[] = [];
  let prev: InputFacts | null = null;
  for (const f of all) {
    if (prev && sameInput(prev, f)) continue;
    out.push({ facts: f, changes: diffInputs(prev, f) });
    if (!f.error) prev = f;
  }
  return out;
}

export interface HistoryFilter {
  since?: number | null;
  until?: number | null;
  resource?: string | null;
  node?: string | null;
}

/** The base id of a clone instance ("dlm:1" -> "dlm"): filters match either. */
function baseId(id: string): string {
  const i = id.indexOf(':');
  return i > 0 ? id.slice(0, i) : id;
}

function mentionsResource(e: HistoryEntry, r: string): boolean {
  const hit = (id: string | null): boolean => id !== null && (id === r || baseId(id) === r);
  if (e.facts.actions.some((a) => hit(a.resource))) return true;
  if (e.changes.resources.some((l) => hit(l.split(' ')[0]!))) return true;
  if (e.changes.newFailures.some((l) => hit(l.split(' ')[0]!))) return true;
  const c = e.changes.config;
  return !!c && [...c.added, ...c.removed, ...c.changed].some((id) => id === r || id.startsWith(`${r}-`) || id.endsWith(`-${r}`));
}

function mentionsNode(e: HistoryEntry, n: string): boolean {
  if (e.facts.actions.some((a) => a.fromNode === n || a.toNode === n)) return true;
  if (e.changes.nodes.some((l) => l.split(' ')[0] === n)) return true;
  return [...e.changes.resources, ...e.changes.newFailures].some((l) => l.split(/[\s,]+/).includes(n));
}

export function filterTimeline(entries: readonly HistoryEntry[], f: HistoryFilter): HistoryEntry[] {
  return entries.filter((e) => {
    const t = timeOf(e.facts);
    if (f.since != null && t < f.since) return false;
    if (f.until != null && t > f.until) return false;
    if (f.resource && !mentionsResource(e, f.resource)) return false;
    if (f.node && !mentionsNode(e, f.node)) return false;
    return true;
  });
}

/** One action in words: "dregistry moved cluster-1 -> cluster-2", "fence cluster-3 (reboot)". */
export function describeAction(a: TransitionStep): string {
  const r = a.resource ?? '?';
  const blocked = a.blocked ? ' (blocked)' : '';
  switch (a.verb) {
    case 'Fence':
      return `fence ${a.toNode} (${a.fenceAction})${blocked}`;
    case 'Move':
    case 'Migrate':
      return `${r} ${a.verb === 'Migrate' ? 'migrated' : 'moved'} ${a.fromNode ?? '?'} -> ${a.toNode ?? '?'}${blocked}`;
    case 'Start':
      return `${r} started on ${a.toNode ?? '?'}${blocked}`;
    case 'Stop':
      return `${r} stopped on ${a.fromNode ?? '?'}${blocked}`;
    case 'Promote':
    case 'Re-promote':
      return `${r} promoted on ${a.toNode ?? '?'}${blocked}`;
    case 'Demote':
      return `${r} demoted on ${a.fromNode ?? '?'}${blocked}`;
    case 'Recover':
      return `${r} recovered on ${a.toNode ?? a.fromNode ?? '?'}${blocked}`;
    case 'Restart':
      return `${r} restarted on ${a.toNode ?? '?'}${blocked}`;
    case 'Reload':
      return `${r} reloaded on ${a.toNode ?? '?'}${blocked}`;
    default:
      return a.line;
  }
}

function listSome(items: string[], max: number): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} +${items.length - max} more`;
}

/** "config changed by root via crm_resource on cluster-1 (+cli-prefer-dregistry)", or null. */
export function describeConfigChange(e: HistoryEntry): string | null {
  const c = e.changes.config;
  if (!c || !(c.added.length || c.removed.length || c.changed.length)) return null;
  const by = e.facts.changedBy;
  const who = [by.user ? `by ${by.user}` : null, by.client ? `via ${by.client}` : null, by.origin ? `on ${by.origin}` : null].filter(Boolean).join(' ');
  const ids = [...c.added.map((i) => `+${i}`), ...c.removed.map((i) => `-${i}`), ...c.changed.map((i) => `~${i}`)];
  return `config changed${who ? ` ${who}` : ''} (${listSome(ids, 3)})`;
}

/** The parts of one line of `pcmk history` after the time, number and DC. */
export function describeEntry(e: HistoryEntry): string {
  if (e.facts.error) return `unreadable: ${e.facts.error}`;
  const parts: string[] = [];
  const acts = e.facts.actions;
  parts.push(acts.length ? listSome(acts.map(describeAction), 4) : 'no actions');
  const cfg = describeConfigChange(e);
  if (cfg) parts.push(cfg);
  if (e.changes.nodes.length) parts.push(`nodes: ${listSome(e.changes.nodes, 3)}`);
  if (e.changes.resources.length) parts.push(`now: ${listSome(e.changes.resources, 3)}`);
  if (e.changes.newFailures.length) parts.push(`new failures: ${listSome(e.changes.newFailures, 2)}`);
  return parts.join('; ');
}

/**
 * What `history show SPEC` names: "412", "warn-3", "pe-input-412.bz2", optionally "HOST:" first.
 * Null for anything else (a path is never a spec).
 */
export function parseInputSpec(spec: string): { host: string | null; kind: InputKind; seq: number } | null {
  const colon = spec.lastIndexOf(':');
  const host = colon > 0 ? spec.slice(0, colon) : null;
  const m = /^(?:pe-)?(?:(input|warn|error)-)?(\d+)(?:\.bz2)?$/.exec(colon > 0 ? spec.slice(colon + 1) : spec);
  return m ? { host, kind: (m[1] ?? 'input') as InputKind, seq: Number(m[2]) } : null;
}

/** "HH:MM:SS" (UTC) of an ISO time, with the date when it is not `today` (YYYY-MM-DD). */
export function clockOf(iso: string | null, today?: string): string {
  if (!iso) return '--:--:--';
  const day = iso.slice(0, 10);
  const clock = iso.slice(11, 19);
  return today === undefined || day === today ? clock : `${day} ${clock}`;
}

/** The parts of one history line: time, "#412", the DC, and what happened (one builder for CLI and console). */
export interface HistoryLineParts {
  time: string;
  label: string;
  dc: string;
  what: string;
}

export function historyLineParts(e: HistoryEntry, today?: string): HistoryLineParts {
  const f = e.facts;
  return { time: clockOf(f.time ?? f.mtime, today), label: `#${inputLabel(f)}`, dc: f.dc ?? f.host, what: describeEntry(e) };
}

/** "14:02:11 #412 DC cluster-2: dregistry moved cluster-1 -> cluster-2; config changed by root via crm_resource (+cli-prefer-dregistry)" */
export function historyLine(e: HistoryEntry, today?: string): string {
  const p = historyLineParts(e, today);
  return `${p.time} ${p.label} DC ${p.dc}: ${p.what}`;
}

/** Identity of one input across reads: its host, series, number and file time (numbers wrap). */
export function inputKey(f: Pick<SchedulerInputRef, 'host' | 'kind' | 'seq' | 'mtime'>): string {
  return `${f.host}:${inputLabel(f)}@${f.mtime ?? ''}`;
}

/**
 * Which entry `history show N` means: "412", "warn-3", "HOST:412" or a file name. Null when none;
 * an array of candidates when the number names inputs on more than one host.
 */
export function findEntry<T extends { facts: SchedulerInputRef }>(entries: readonly T[], spec: string): T | T[] | null {
  const id = parseInputSpec(spec);
  if (!id) return null;
  const hits = entries.filter((e) => e.facts.kind === id.kind && e.facts.seq === id.seq && (id.host === null || e.facts.host === id.host));
  if (!hits.length) return null;
  return hits.length === 1 ? hits[0]! : hits;
}

/** Parses --since/--until: ISO date-time, "HH:MM[:SS]" today (UTC), or an age ("30m", "2h", "1d"). */
export function parseHistoryTime(text: string, now: Date): number | null {
  const age = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (age) return now.getTime() - Number(age[1]) * { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[age[2] as 's' | 'm' | 'h' | 'd'];
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (clock) {
    const d = new Date(now);
    d.setUTCHours(Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0), 0);
    return d.getTime();
  }
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) || !/\d{2}:\d{2}/.test(text) ? text : `${text}Z`);
  return Number.isNaN(t) ? null : t;
}
