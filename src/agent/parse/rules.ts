/**
 * Evaluates the rules of location constraints per node, for the `why` answer: which rule-based
 * constraint applies on which node. Pure: the CIB's XML and the nodes. Only what can be decided
 * from the CIB alone is decided: node expressions on #uname, #id, #kind and node attributes with
 * the comparison operations, combined by and/or. Anything else (dates, resource or operation
 * expressions, attribute values taken from parameters) leaves the answer unknown (null): the
 * explanation then says the rule was not evaluated rather than guess.
 */
import { childNamed, childrenNamed, parseXml, type XmlElement } from './xml.js';
import type { RuleMatches } from '../../model/placement.js';

export interface RuleNode {
  name: string;
  id: string;
  type: 'member' | 'remote' | 'guest';
  attributes: Record<string, string>;
}


function nodeValue(n: RuleNode, attribute: string): string | undefined {
  if (attribute === '#uname') return n.name;
  if (attribute === '#id') return n.id;
  if (attribute === '#kind') return n.type === 'member' ? 'cluster' : n.type === 'remote' ? 'remote' : 'container';
  return n.attributes[attribute];
}

function compare(a: string, b: string, type: string | undefined): number {
  const numeric = type === 'number' || type === 'integer' || (type === undefined && /^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b));
  if (numeric) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function expression(e: XmlElement, n: RuleNode): boolean | null {
  const a = e.attrs;
  if (!a.attribute || !a.operation) return null;
  if (a['value-source'] && a['value-source'] !== 'literal') return null;
  const v = nodeValue(n, a.attribute);
  switch (a.operation) {
    case 'defined':
      return v !== undefined;
    case 'not_defined':
      return v === undefined;
  }
  if (a.value === undefined) return null;
  if (v === undefined) return a.operation === 'ne';
  const c = compare(v, a.value, a.type);
  switch (a.operation) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'lt':
      return c < 0;
    case 'lte':
      return c <= 0;
    case 'gt':
      return c > 0;
    case 'gte':
      return c >= 0;
    default:
      return null;
  }
}

function rule(r: XmlElement, n: RuleNode): boolean | null {
  const or = (r.attrs['boolean-op'] ?? 'and').toLowerCase() === 'or';
  const parts = r.children.map((c) => (c.name === 'expression' ? expression(c, n) : c.name === 'rule' ? rule(c, n) : null));
  if (!parts.length) return null;
  if (or) return parts.some((p) => p === true) ? true : parts.every((p) => p === false) ? false : null;
  return parts.some((p) => p === false) ? false : parts.every((p) => p === true) ? true : null;
}

/** For each rsc_location with rules: does any of its rules match on each node. */
export function evaluateLocationRules(cibXml: string, nodes: RuleNode[]): RuleMatches {
  const out: RuleMatches = {};
  const root = parseXml(cibXml);
  const constraints = childNamed(childNamed(root, 'configuration'), 'constraints');
  for (const c of childrenNamed(constraints, 'rsc_location')) {
    const rules = childrenNamed(c, 'rule');
    if (!rules.length || !c.attrs.id) continue;
    const byNode: Record<string, boolean | null> = {};
    for (const n of nodes) {
      const each = rules.map((r) => rule(r, n));
      byNode[n.name] = each.some((x) => x === true) ? true : each.every((x) => x === false) ? false : null;
    }
    out[c.attrs.id] = byNode;
  }
  return out;
}
