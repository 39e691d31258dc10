/**
 * Pure parsers for crm_simulate and crm_resource output used by the action previews.
 *
 * crm_simulate (text) prints a "Transition Summary:" section, one line per resource action:
 *   * Start      dlm:0              ( cluster-2 )
 *   * Move       dregistry          ( cluster-1 -> cluster-2 )
 *   * Stop       pgsql:0            ( Unpromoted srv02 )  due to node availability (blocked)
 *   * Promote    rsc2:4             ( Stopped -> Promoted node2 )  due to colocation with rsc1 (blocked)
 *   * Move       dummystateful      ( Promoted 18node2 -> Started 18node3 )
 *   * Fence (reboot) hadev3 'peer is no longer part of the cluster'
 */
import type { TransitionStep } from '../../model/history.js';
import { childNamed, childrenNamed, parseXml, XmlSyntaxError, type XmlElement } from '../parse/xml.js';

export type TransitionVerb =
  | 'Start'
  | 'Stop'
  | 'Move'
  | 'Migrate'
  | 'Restart'
  | 'Recover'
  | 'Reload'
  | 'Promote'
  | 'Demote'
  | 'Re-promote'
  | 'Fence';

/** One action line of the summary (fields documented on TransitionStep, src/model/history.ts). */
export interface TransitionAction extends TransitionStep {
  verb: TransitionVerb;
}

export interface TransitionSummary {
  actions: TransitionAction[];
  /** Move and Migrate (a live migration is a move). */
  moves: TransitionAction[];
  starts: TransitionAction[];
  stops: TransitionAction[];
  restarts: TransitionAction[];
  recovers: TransitionAction[];
  promotes: TransitionAction[];
  demotes: TransitionAction[];
  reloads: TransitionAction[];
  fences: TransitionAction[];
  /** Summary lines this parser did not understand (kept, never dropped silently). */
  unparsed: string[];
}

const VERBS: ReadonlySet<string> = new Set(['Start', 'Stop', 'Move', 'Migrate', 'Restart', 'Recover', 'Reload', 'Promote', 'Demote', 'Re-promote', 'Fence']);
const ROLES: ReadonlySet<string> = new Set(['Stopped', 'Started', 'Promoted', 'Unpromoted', 'Master', 'Slave', 'Unknown']);
const ROLE_ALIASES: Record<string, string> = { Master: 'Promoted', Slave: 'Unpromoted' };

function role(r: string | null): string | null {
  return r === null ? null : (ROLE_ALIASES[r] ?? r);
}

/** "[role] [node]" → {role, node}; a single token that is a role name is a role. */
function side(tokens: string[]): { role: string | null; node: string | null } {
  if (tokens.length === 0) return { role: null, node: null };
  if (tokens.length === 1) return ROLES.has(tokens[0]!) ? { role: tokens[0]!, node: null } : { role: null, node: tokens[0]! };
  // Usually "role node"; some releases print "node role" ("( sles-3 -> sles-2 Unpromoted )").
  if (!ROLES.has(tokens[0]!) && ROLES.has(tokens[tokens.length - 1]!)) return { role: tokens[tokens.length - 1]!, node: tokens.slice(0, -1).join(' ') };
  return { role: tokens[0]!, node: tokens.slice(1).join(' ') };
}

function emptySummary(): TransitionSummary {
  return { actions: [], moves: [], starts: [], stops: [], restarts: [], recovers: [], promotes: [], demotes: [], reloads: [], fences: [], unparsed: [] };
}

/** Parses one summary line (with or without the leading "* "); null when it is not an action line. */
export function parseTransitionLine(raw: string): TransitionAction | null {
  const line = raw.trim().replace(/^\*\s+/, '');
  const fence = /^Fence \((\w+)\)\s+(\S+)(?:\s+\(resource:\s*([^)\s]+)\))?\s*(.*)$/.exec(line);
  if (fence) {
    const reason = fence[4]!.trim().replace(/^'(.*)'$/, '$1');
    return {
      verb: 'Fence',
      // A guest node is fenced by recovering its container resource: "(resource: container1)".
      resource: fence[3] ?? null,
      fromNode: null,
      toNode: fence[2]!,
      fromRole: null,
      toRole: null,
      fenceAction: fence[1]!,
      reason: reason || null,
      blocked: false,
      line,
    };
  }
  const m = /^(\S+)\s+(\S+)\s+\(\s*(.*?)\s*\)\s*(.*)$/.exec(line);
  if (!m || !VERBS.has(m[1]!)) return null;
  const verb = m[1] as TransitionVerb;
  const inner = m[3]!;
  let tail = m[4]!.trim();
  let blocked = false;
  if (/(^|\s|\()blocked\)?$/.test(tail)) {
    blocked = true;
    tail = tail.replace(/\s*\(?blocked\)?$/, '').trim();
  }
  let fromNode: string | null = null;
  let toNode: string | null = null;
  let fromRole: string | null = null;
  let toRole: string | null = null;
  const arrow = inner.split(/\s+->\s+/);
  if (arrow.length === 2) {
    const l = side(arrow[0]!.trim().split(/\s+/).filter(Boolean));
    const r = side(arrow[1]!.trim().split(/\s+/).filter(Boolean));
    fromRole = l.role;
    toRole = r.role;
    toNode = r.node;
    // "( Unpromoted -> Promoted node )": a role change in place; "( Stopped -> Promoted node )": from nowhere.
    fromNode = l.node ?? (l.role && l.role !== 'Stopped' ? r.node : null);
  } else {
    const s = side(inner.split(/\s+/).filter(Boolean));
    const node = s.node;
    fromRole = s.role;
    toRole = s.role;
    if (verb === 'Start') {
      toNode = node;
      fromRole = null;
    } else if (verb === 'Stop') {
      fromNode = node;
      toRole = null;
    } else {
      fromNode = node;
      toNode = node;
    }
  }
  return {
    verb,
    resource: m[2]!,
    fromNode,
    toNode,
    fromRole: role(fromRole),
    toRole: role(toRole),
    fenceAction: null,
    reason: tail || null,
    blocked,
    line,
  };
}

/** The lines of the "Transition Summary:" section(s) of crm_simulate's text output. */
export function transitionSummaryLines(text: string): string[] {
  const out: string[] = [];
  let inside = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (/^Transition Summary:\s*$/.test(line)) {
      inside = true;
      continue;
    }
    if (!inside) continue;
    if (line.trim() === '') continue;
    if (/^\S/.test(line)) {
      inside = false;
      continue;
    }
    out.push(line.trim());
  }
  return out;
}

/** Builds the grouped summary from action lines. */
export function summarize(actions: TransitionAction[], unparsed: string[] = []): TransitionSummary {
  const s = emptySummary();
  s.unparsed = unparsed;
  for (const a of actions) {
    s.actions.push(a);
    switch (a.verb) {
      case 'Move':
      case 'Migrate':
        s.moves.push(a);
        break;
      case 'Start':
        s.starts.push(a);
        break;
      case 'Stop':
        s.stops.push(a);
        break;
      case 'Restart':
        s.restarts.push(a);
        break;
      case 'Recover':
        s.recovers.push(a);
        break;
      case 'Promote':
      case 'Re-promote':
        s.promotes.push(a);
        break;
      case 'Demote':
        s.demotes.push(a);
        break;
      case 'Reload':
        s.reloads.push(a);
        break;
      case 'Fence':
        s.fences.push(a);
        break;
    }
  }
  return s;
}

/** Parses crm_simulate's text output (the whole output, or only the summary lines). */
export function parseTransitionSummary(text: string): TransitionSummary {
  let lines = transitionSummaryLines(text);
  // Accept the bare lines too (e.g. a summary copied out of a report).
  if (!lines.length && !/^Transition Summary:/m.test(text)) lines = text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('* '));
  const actions: TransitionAction[] = [];
  const unparsed: string[] = [];
  for (const l of lines) {
    const a = parseTransitionLine(l);
    if (a) actions.push(a);
    else unparsed.push(l);
  }
  return summarize(actions, unparsed);
}

/**
 * What makes two actions the same. A blocked action runs nowhere: its node is only where the
 * scheduler would put it, chosen by load when scores tie, so a change elsewhere (a group moving
 * off a node) moves it without causing anything (a bundle replica that cannot start).
 */
function actionKey(a: TransitionAction): string {
  const nodes = a.blocked ? [] : [a.fromNode, a.toNode];
  return [a.verb, a.resource, ...nodes, a.fromRole, a.toRole, a.fenceAction, a.blocked].join('\u0000');
}

/** Actions of `after` that are not in `before` (multiset difference): what a change causes. */
export function diffTransitions(before: TransitionSummary, after: TransitionSummary): TransitionSummary {
  const counts = new Map<string, number>();
  for (const a of before.actions) counts.set(actionKey(a), (counts.get(actionKey(a)) ?? 0) + 1);
  const caused: TransitionAction[] = [];
  for (const a of after.actions) {
    const k = actionKey(a);
    const n = counts.get(k) ?? 0;
    if (n > 0) counts.set(k, n - 1);
    else caused.push(a);
  }
  return summarize(caused, after.unparsed.filter((u) => !before.unparsed.includes(u)));
}

/** resource → node → score, the last value printed for each pair (the final assignment step). */
export type { AllocationScores } from '../../model/placement.js';
export { parseAllocationScores } from '../parse/scores.js';

/**
 * Parses Pacemaker 2.0's `crm_resource --locate --resource R` text (its crm_resource has no
 * `--output-as`): "resource R is running on: NODE" per node, optionally followed by "Master".
 */
export function parseLocateText(text: string): string[] {
  const nodes: string[] = [];
  for (const m of text.matchAll(/^resource \S+ is running on: (\S+)/gm)) if (!nodes.includes(m[1]!)) nodes.push(m[1]!);
  return nodes;
}

/**
 * Parses `crm_resource --locate --resource R --output-as=xml`: the nodes R runs on.
 * <pacemaker-result><nodes resource="R"><node>cluster-2</node></nodes>...
 * Output that is not well-formed reads as "nowhere", so a preview never confirms a move on it.
 */
export function parseLocate(xml: string): string[] {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (err) {
    if (err instanceof XmlSyntaxError) return [];
    throw err;
  }
  const nodes: string[] = [];
  for (const n of childrenNamed(childNamed(root, 'nodes'), 'node')) {
    const name = n.text.trim();
    if (name && !nodes.includes(name)) nodes.push(name);
  }
  return nodes;
}

/** One line per action, as in crm_simulate's summary, for text reports. */
export function formatTransition(s: TransitionSummary): string[] {
  return s.actions.map((a) => a.line);
}
