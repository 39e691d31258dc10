/**
 * Pure readers for scheduler inputs: the listing of a pengine directory, the `<cib>` element's
 * attributes (time, who changed it), an index of the configuration for diffs, and the facts of one
 * input from the tools' output (crm_mon's snapshot, crm_simulate's transition summary).
 * No IO: ./collect.ts runs the tools.
 */
import { parseInputName, type ChangedBy, type InputFacts, type SchedulerInputRef } from '../../model/history.js';
import type { ClusterSnapshot } from '../../model/snapshot.js';
import { isSecretParamName } from '../parse/cib.js';
import { parseXml, type XmlElement } from '../parse/xml.js';
import { parseTransitionSummary } from '../actions/transition.js';

/** `find DIR -maxdepth 1 -name 'pe-*' -printf '%f\t%s\t%T@\n'`: name, size, mtime (epoch seconds). */
export function parseListing(text: string, host: string, dir: string): SchedulerInputRef[] {
  const out: SchedulerInputRef[] = [];
  for (const line of text.split('\n')) {
    const [name, size, mtime] = line.split('\t');
    if (!name || size === undefined) continue;
    const id = parseInputName(name);
    if (!id) continue;
    const secs = Number(mtime);
    out.push({
      host,
      path: `${dir.replace(/\/+$/, '')}/${name}`,
      name,
      ...id,
      size: Number(size) || 0,
      mtime: Number.isFinite(secs) && mtime !== '' ? new Date(secs * 1000).toISOString() : null,
    });
  }
  return out;
}

const fileTime = (r: SchedulerInputRef): number => Date.parse(r.mtime ?? '') || 0;

/**
 * Whether a host's file times tell the order its scheduler wrote the inputs: in file-time order
 * each series (input, warn, error) counts up, wrapping at most once (pe-input-series-max). A copy
 * that did not keep the times (`cp` without `-p`) has them in copy order instead.
 */
export function timesFollowNumbers(refs: readonly SchedulerInputRef[]): boolean {
  if (refs.some((r) => r.mtime === null)) return false;
  const last = new Map<string, number>();
  const wraps = new Map<string, number>();
  for (const r of [...refs].sort((a, b) => fileTime(a) - fileTime(b) || a.seq - b.seq)) {
    const prev = last.get(r.kind);
    if (prev !== undefined && r.seq < prev) wraps.set(r.kind, (wraps.get(r.kind) ?? 0) + 1);
    last.set(r.kind, r.seq);
  }
  return [...wraps.values()].every((n) => n <= 1);
}

/**
 * Newest first, host by host: by file time (the numbering wraps) when the host's times follow its
 * numbering (timesFollowNumbers), by number when they do not. Across hosts the inputs' own
 * execution dates decide (./collect.ts readNewestInput), not this order.
 */
export function newestFirst(refs: SchedulerInputRef[]): SchedulerInputRef[] {
  const byHost = new Map<string, SchedulerInputRef[]>();
  for (const r of refs) {
    const list = byHost.get(r.host);
    if (list) list.push(r);
    else byHost.set(r.host, [r]);
  }
  return [...byHost.values()].flatMap((list) =>
    timesFollowNumbers(list) ? list.sort((a, b) => fileTime(b) - fileTime(a) || b.seq - a.seq) : list.sort((a, b) => b.seq - a.seq || fileTime(b) - fileTime(a)),
  );
}

export interface CibHeader {
  time: string | null;
  timeFrom: InputFacts['timeFrom'];
  dcUuid: string | null;
  changedBy: ChangedBy;
}

/** The `<cib ...>` start tag's attributes (in the first 4 KiB), without parsing the document. */
export function cibHeader(xml: string): CibHeader {
  const tag = /<cib\b[^>]*>/.exec(xml.slice(0, 4096))?.[0] ?? '';
  const attr = (name: string): string | null => {
    const v = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
    return v === undefined || v === '' ? null : v;
  };
  let time: string | null = null;
  let timeFrom: InputFacts['timeFrom'] = null;
  // The scheduler stamps the input it saves with the time it ran (epoch seconds).
  const exec = Number(attr('execution-date'));
  if (attr('execution-date') && Number.isFinite(exec)) {
    time = new Date(exec * 1000).toISOString();
    timeFrom = 'execution-date';
  } else {
    // "Sun Dec  6 01:46:54 2026": the writer's local time; hosts in UTC are the norm.
    const w = attr('cib-last-written');
    const t = w ? Date.parse(`${w} UTC`) : NaN;
    if (!Number.isNaN(t)) {
      time = new Date(t).toISOString();
      timeFrom = 'cib-last-written';
    }
  }
  return { time, timeFrom, dcUuid: attr('dc-uuid'), changedBy: { user: attr('update-user'), client: attr('update-client'), origin: attr('update-origin') } };
}

/** FNV-1a, 32 bits, hex: a short signature, not a secret-keeping hash. */
function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** An element's own content: tag, attributes, text and the children that have no id of their own. */
function ownContent(el: XmlElement): string {
  const attrs = Object.keys(el.attrs)
    .filter((k) => k !== 'id')
    .sort()
    // A secret's value never leaves the host, not even hashed: its change is not seen.
    .map((k) => (k === 'value' && isSecretParamName(el.attrs.name ?? '') ? `${k}=(secret)` : `${k}=${el.attrs[k]}`));
  const kids = el.children.filter((c) => c.attrs.id === undefined).map(ownContent);
  return `<${el.name} ${attrs.join(' ')}>${el.text}${kids.join('')}</${el.name}>`;
}

/**
 * Every element of the configuration that has an id, as id -> "tag:signature". A change inside an
 * element with its own id (an nvpair) shows on that element alone, not on its parents.
 */
export function configIndex(configuration: XmlElement | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (el: XmlElement): void => {
    const id = el.attrs.id;
    if (id !== undefined) out[id] = `${el.name}:${fnv(ownContent(el))}`;
    el.children.forEach(visit);
  };
  if (configuration) configuration.children.forEach(visit);
  return out;
}

/** The `<configuration>` element of a CIB document, or undefined. */
export function configurationOf(cibXml: string): XmlElement | undefined {
  const start = cibXml.search(/<configuration[\s>]/);
  const end = cibXml.indexOf('</configuration>');
  if (start < 0 || end < start) return undefined;
  return parseXml(cibXml.slice(start, end + '</configuration>'.length));
}

function nodeState(n: ClusterSnapshot['nodes'][number]): string {
  const words = [n.unclean ? 'UNCLEAN' : null, n.pending ? 'pending' : n.online ? 'online' : 'offline', n.standby ? 'standby' : null, n.maintenance ? 'maintenance' : null, n.shutdown ? 'shutting-down' : null];
  return words.filter(Boolean).join(' ');
}

/** The facts of one input: its CIB text (for the header and configuration), its snapshot and its transition. */
export function inputFacts(ref: SchedulerInputRef, cibXml: string, snapshot: ClusterSnapshot, simulateText: string): InputFacts {
  const head = cibHeader(cibXml);
  const nodes: Record<string, string> = {};
  for (const n of snapshot.nodes) nodes[n.name] = nodeState(n);
  const resources: Record<string, string[]> = {};
  for (const i of snapshot.instances) {
    const list = (resources[i.id] ??= []);
    if (i.role === 'Stopped' || !i.nodes.length) continue;
    for (const n of i.nodes) list.push(`${i.role}${i.failed ? ' FAILED' : ''} ${n}`);
  }
  for (const k of Object.keys(resources)) resources[k]!.sort();
  const failures = snapshot.failures.map((f) => `${f.resource} ${f.task ?? f.opKey} on ${f.node}: ${f.exitStatus}${f.lastRcChange ? ` at ${f.lastRcChange}` : ''}`);
  const dcByUuid = head.dcUuid ? (snapshot.nodes.find((n) => n.id === head.dcUuid)?.name ?? null) : null;
  // When the scheduler ran: its own stamp; else the file's time (the input is written then); else
  // the last configuration write, which may be much older.
  const exec = head.timeFrom === 'execution-date';
  return {
    ...ref,
    time: exec ? head.time : (ref.mtime ?? head.time),
    timeFrom: exec ? 'execution-date' : ref.mtime ? 'mtime' : head.timeFrom,
    dc: snapshot.cluster.dc ?? dcByUuid,
    cibVersion: snapshot.cluster.cibVersion,
    changedBy: head.changedBy,
    config: configIndex(configurationOf(cibXml)),
    nodes,
    resources,
    failures,
    actions: parseTransitionSummary(simulateText).actions,
    error: null,
  };
}

/** The facts of an input that could not be read: its file, and why. */
export function unreadableInput(ref: SchedulerInputRef, error: string): InputFacts {
  return { ...ref, time: ref.mtime, timeFrom: ref.mtime ? 'mtime' : null, dc: null, cibVersion: null, changedBy: { user: null, client: null, origin: null }, config: {}, nodes: {}, resources: {}, failures: [], actions: [], error };
}
