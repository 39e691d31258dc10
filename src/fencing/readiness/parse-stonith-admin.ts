/**
 * Pure parsers for `stonith_admin --output-as=xml` (Pacemaker 2.1): device lists, the status
 * element every answer ends with, and the fencing history.
 */
import { childNamed, childrenNamed, parseXml, type XmlElement } from '../../agent/parse/xml.js';
import type { FenceEvent } from '../../model/snapshot.js';

export interface StonithStatus {
  /** Pacemaker exit code (0 OK, 105 no such object, 124 timeout, ...). */
  code: number | null;
  message: string | null;
  errors: string[];
}

export interface StonithAnswer {
  status: StonithStatus;
  /** Items of the first <list> (device ids, or targets). */
  items: string[];
  /** <fence_event> elements (history). */
  events: FenceEvent[];
}

/** Parses one stonith_admin XML answer. Throws on text that is not a <pacemaker-result>. */
export function parseStonithAdmin(xml: string): StonithAnswer {
  const root = parseXml(xml.trim());
  if (root.name !== 'pacemaker-result') throw new Error(`expected <pacemaker-result>, got <${root.name}>`);
  const st = childNamed(root, 'status');
  const errors: string[] = [];
  if (st) {
    const errs = childNamed(st, 'errors');
    if (errs) for (const e of childrenNamed(errs, 'error')) if (e.text) errors.push(e.text);
  }
  const codeText = st?.attrs.code;
  const status: StonithStatus = {
    code: codeText !== undefined && /^-?\d+$/.test(codeText) ? Number(codeText) : null,
    message: st?.attrs.message ?? null,
    errors,
  };
  const list = childNamed(root, 'list');
  const items = list ? childrenNamed(list, 'item').map((i) => i.text) : [];
  const events: FenceEvent[] = [];
  const collect = (el: XmlElement): void => {
    for (const c of el.children) {
      if (c.name === 'fence_event') events.push(fenceEvent(c));
      else collect(c);
    }
  };
  collect(root);
  return { status, items, events };
}

function fenceEvent(e: XmlElement): FenceEvent {
  const a = e.attrs;
  return {
    target: a.target ?? '',
    action: a.action ?? '',
    status: a.status ?? a.state ?? 'unknown',
    delegate: a.delegate || null,
    client: a.client || null,
    origin: a.origin || null,
    completed: a.completed ?? a['last-successful'] ?? a['last-failed'] ?? null,
    exitReason: a['exit-reason'] || null,
  };
}

/** One line for people from a status element: "No such object: Couldn't list targets". */
export function statusText(s: StonithStatus): string {
  const parts = [s.message ?? (s.code !== null ? `code ${s.code}` : 'no status')];
  for (const e of s.errors) if (!parts.includes(e)) parts.push(e);
  return parts.join(': ');
}
