/**
 * What a change did to the CIB, read with the cluster's own tool (cibadmin --query) before and
 * after: the CIB flattened into entries, one per element and one per attribute, each named by the
 * path of its ancestors (by id where they have one), e.g.
 *   configuration/nodes/node#2/instance_attributes#nodes-2/nvpair#nodes-2-standby @value=on
 * so a set growing a child, or a self-closing element gaining one, changes only the entries of
 * what was added. The tests then check that every changed entry lies within what the preview
 * named.
 */
import { expect } from 'vitest';
import { onMember } from './sandbox-env.js';

const TAG = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g;
const ATTR = /([\w:.-]+)\s*=\s*"([^"]*)"/g;

/** The entries of an XML document (see above), in document order. */
export function cibEntries(xml: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const m of xml.matchAll(TAG)) {
    if (m[2] === undefined) continue;
    if (m[1]) {
      stack.pop();
      continue;
    }
    const attrs = [...(m[3] ?? '').matchAll(ATTR)].map((a) => [a[1]!, a[2]!] as const);
    const id = attrs.find(([k]) => k === 'id')?.[1];
    const path = [...stack, id === undefined ? m[2] : `${m[2]}#${id}`].join('/');
    out.push(path);
    for (const [k, v] of attrs) if (k !== 'id') out.push(`${path} @${k}=${v}`);
    if (!m[4]) stack.push(path.slice(path.lastIndexOf('/') + 1));
  }
  return out;
}

/** A section of the live CIB as entries (its paths start with the section), from the first member that answers. */
export function cibSection(scope: 'configuration' | 'status'): string[] {
  return cibEntries(onMember(['cibadmin', '--query', '--scope', scope], 30_000));
}

/** The configuration section as entries. */
export function configEntries(): string[] {
  return cibSection('configuration');
}

/** The reading has an element with this id (whatever its attributes and children). */
export function hasElement(entries: string[], id: string): boolean {
  return entries.some((e) => !e.includes(' @') && e.endsWith(`#${id}`));
}

/** Entries added ("+ ...") and removed ("- ...") between two readings (as multisets). */
export function changedEntries(before: string[], after: string[]): string[] {
  const count = new Map<string, number>();
  for (const l of before) count.set(l, (count.get(l) ?? 0) + 1);
  for (const l of after) count.set(l, (count.get(l) ?? 0) - 1);
  return [...count].filter(([, n]) => n !== 0).map(([l, n]) => `${n > 0 ? '-' : '+'} ${l}`);
}

/** The element path of a changed entry ("+ a/b#x @v=1" -> "a/b#x"). */
export function entryPath(change: string): string {
  const s = change.slice(2);
  const at = s.indexOf(' @');
  return at < 0 ? s : s.slice(0, at);
}

/** The id of the element an entry is about (its last path segment's id), or null. */
export function entryId(change: string): string | null {
  const last = entryPath(change).split('/').at(-1) ?? '';
  const at = last.indexOf('#');
  return at < 0 ? null : last.slice(at + 1);
}

/**
 * Something changed, and every change lies within what `within` accepts: by default an element
 * whose path names `marker` (the element with that id, or one inside it). `containers` are ids of
 * attribute sets the change may create or remove around it (the set itself, not its other children).
 */
export function expectOnly(changed: string[], marker: string | ((change: string) => boolean), what: string, containers: string[] = []): void {
  expect(changed.length, `${what}: nothing changed`).toBeGreaterThan(0);
  const within = typeof marker === 'string' ? (c: string) => entryPath(c).split('/').some((seg) => seg.includes('#') && seg.slice(seg.indexOf('#') + 1).includes(marker)) : marker;
  const others = changed.filter((c) => !within(c) && !containers.includes(entryId(c) ?? ''));
  expect(others, `${what}: changed beyond ${typeof marker === 'string' ? marker : 'what the preview named'}`).toEqual([]);
}

/**
 * Deletes an attribute set (meta_attributes or instance_attributes) if it is empty: crm_resource
 * and crm_attribute leave the set behind when they delete its last attribute.
 */
export function dropEmptySet(id: string): void {
  const xml = onMember(['cibadmin', '--query', '--scope', 'configuration'], 30_000);
  const empty = new RegExp(`<(meta_attributes|instance_attributes) id="${id}"/>`).exec(xml);
  if (empty) onMember(['cibadmin', '--delete', '--xml-text', empty[0]]);
}

/** The id of a node in the CIB's nodes section. */
export function nodeId(name: string): string {
  const xml = onMember(['cibadmin', '--query', '--scope', 'nodes'], 30_000);
  const m = new RegExp(`<node\\b[^>]*\\bid="([^"]+)"[^>]*\\buname="${name}"`).exec(xml) ?? new RegExp(`<node\\b[^>]*\\buname="${name}"[^>]*\\bid="([^"]+)"`).exec(xml);
  if (!m) throw new Error(`no node ${name} in the CIB nodes section`);
  return m[1]!;
}
