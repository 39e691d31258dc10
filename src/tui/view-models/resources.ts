/**
 * Resources view: the resource tree (groups, clones, promotable clones, bundles with each
 * replica's IP, container, host and inner resource) or the same instances grouped by node.
 */
import type { ClusterSnapshot, ResourceConfig, ResourceInstance } from '../../model/snapshot.js';
import {
  flattenResourceTree,
  instanceMarkers,
  toResourceTree as toModelResourceTree,
  visible,
  type ResourceRow as ModelRow,
} from '../../model/view/index.js';
import type { Column, Table, Tone, TreeNode } from './rows.js';
import { flattenTree, uniqueKeys } from './rows.js';
import { compileFilter, type CompiledFilter } from './filter.js';
import { indexResources, locateResource } from '../../model/resource-index.js';
import { baseResourceId, isMinusInfinity, isTrue } from '../../model/values.js';
import { formatCount } from './format.js';
import { nodeLabel, nodeState } from './nodes.js';

export const RESOURCE_COLUMNS: Column[] = [
  { title: 'RESOURCE', min: 22, weight: 3 },
  { title: 'KIND', min: 12, weight: 2, priority: 2 },
  { title: 'ROLE', min: 10 },
  { title: 'NODES', min: 12, weight: 2 },
  { title: 'FLAGS', min: 9, weight: 1, priority: 3 },
  { title: 'FAIL', min: 4, align: 'right', priority: 1 },
];

export interface ResourceRowOptions {
  groupByNode?: boolean;
  /** Filter text (regex or substring) or a compiled filter. */
  filter?: string | CompiledFilter;
}

/** crm_mon's markers for one instance (the shared view model decides them). */
export function instanceFlags(inst: ResourceInstance, snapshot?: ClusterSnapshot): string[] {
  const nodes = new Map((snapshot?.nodes ?? []).map((n) => [n.name, n]));
  return instanceMarkers(inst, nodes, isTrue(snapshot?.cluster.options['maintenance-mode']));
}

/** The shared view model's row as a table row: the same words, in columns. */
function toTreeNode(r: ModelRow): TreeNode {
  const flags = r.note && r.kind !== 'replica' ? [...r.markers, r.note] : r.markers;
  return {
    row: {
      key: `res:${r.position}`,
      cells: [r.label, r.detail, r.role, r.nodes.join(' '), flags.join(' '), formatCount(r.fails)],
      tone: r.severity,
      target: { kind: 'resource', ...r.target },
      search: r.search,
    },
    children: r.children.map(toTreeNode),
  };
}

/** The resource tree as nodes (unfiltered): the shared view model, drawn as rows. */
export function toResourceTree(snapshot: ClusterSnapshot): TreeNode[] {
  return toModelResourceTree(snapshot).map(toTreeNode);
}

/** Instances grouped under the node(s) they run on, then the ones not running anywhere. */
export function toResourceByNodeTree(snapshot: ClusterSnapshot): TreeNode[] {
  // The same instance rows as the tree (same words, same identity), regrouped by node.
  const leaves = flattenResourceTree(toModelResourceTree(snapshot))
    .map((x) => x.row)
    .filter((r) => r.instance !== null && r.kind !== 'replica');
  const byNode = new Map<string, ModelRow[]>();
  const stopped: ModelRow[] = [];
  for (const r of leaves) {
    const inst = r.instance!;
    if (!inst.nodes.length) stopped.push(r);
    for (const n of inst.nodes) {
      const list = byNode.get(n);
      if (list) list.push(r);
      else byNode.set(n, [r]);
    }
  }
  const leaf = (r: ModelRow, prefix: string): TreeNode => {
    const inst = r.instance!;
    const label = inst.parent ? `${visible(inst.parent)}/${r.label}` : r.label;
    const node = toTreeNode({ ...r, label, children: [] });
    node.row.key = `bynode:${prefix}/${r.position}`;
    return node;
  };
  const out: TreeNode[] = [];
  const nodeNames = [...snapshot.nodes.map((n) => n.name), ...[...byNode.keys()].filter((n) => !snapshot.nodes.some((x) => x.name === n))];
  for (const name of nodeNames) {
    const node = snapshot.nodes.find((n) => n.name === name);
    const kids = (byNode.get(name) ?? []).map((r) => leaf(r, name));
    const state = node ? nodeState(node) : { text: 'unknown', tone: 'warn' as Tone };
    const fails = kids.reduce((sum, k) => Math.min(Number.MAX_SAFE_INTEGER, sum + (k.row.cells[5] === 'INF' ? Number.MAX_SAFE_INTEGER : Number(k.row.cells[5]) || 0)), 0);
    out.push({
      row: {
        key: `bynode:${name}`,
        cells: [node ? nodeLabel(node) : visible(name), node ? `node ${node.type}` : 'node', state.text, '', '', formatCount(fails)],
        tone: state.tone === 'ok' ? 'heading' : state.tone,
        target: { kind: 'node', name },
        search: [visible(name), 'node', state.text].join(' '),
      },
      children: kids,
    });
  }
  if (stopped.length) {
    out.push({
      row: {
        key: 'bynode:-',
        cells: ['(not running)', '', '', '', '', ''],
        tone: 'heading',
        target: null,
        search: 'not running stopped',
      },
      children: stopped.map((r) => leaf(r, '-')),
    });
  }
  return out;
}

/**
 * The trees of a snapshot, built once: a snapshot never changes, and every key typed into the
 * filter only walks the tree again (building it is most of the work on a big cluster).
 */
const trees = new WeakMap<ClusterSnapshot, { tree?: TreeNode[]; byNode?: TreeNode[] }>();

function treeOf(snapshot: ClusterSnapshot, groupByNode: boolean): TreeNode[] {
  let t = trees.get(snapshot);
  if (!t) trees.set(snapshot, (t = {}));
  return groupByNode ? (t.byNode ??= toResourceByNodeTree(snapshot)) : (t.tree ??= toResourceTree(snapshot));
}

export function toResourceRows(snapshot: ClusterSnapshot | null, options: ResourceRowOptions = {}): Table {
  if (!snapshot) return { columns: RESOURCE_COLUMNS, rows: [] };
  const tree = treeOf(snapshot, options.groupByNode === true);
  const filter = typeof options.filter === 'string' ? compileFilter(options.filter) : options.filter;
  const rows = flattenTree(tree, filter && filter.mode !== 'none' ? (row) => filter.test(row.search) : undefined);
  return { columns: RESOURCE_COLUMNS, rows: uniqueKeys(rows) };
}

/** The id actions such as move and ban should use for a selected resource (its top-level one). */
export function actionResourceId(snapshot: ClusterSnapshot, id: string): string {
  return locateResource(snapshot, indexResources(snapshot), id).top?.id ?? baseResourceId(id);
}

export interface MoveTarget {
  node: string;
  note: string;
}

/** Nodes a resource may be moved to: online, not standby/unclean, not where it runs, not banned. */
export function toMoveTargets(snapshot: ClusterSnapshot, resourceId: string): MoveTarget[] {
  const top = actionResourceId(snapshot, resourceId);
  const related = new Set<string>([top, resourceId, baseResourceId(resourceId)]);
  const running = new Set<string>();
  for (const inst of snapshot.instances) {
    if (!inst.active) continue;
    const loc = related.has(inst.id) || related.has(baseResourceId(inst.id)) || (inst.parent !== null && (related.has(inst.parent) || related.has(baseResourceId(inst.parent))));
    if (loc) for (const n of inst.nodes) running.add(n);
  }
  const banned = new Set<string>();
  for (const c of snapshot.constraints.location) {
    if (!c.node || !c.resource || !related.has(c.resource) || c.expired) continue;
    if (isMinusInfinity(c.score)) banned.add(c.node);
  }
  const out: MoveTarget[] = [];
  for (const n of snapshot.nodes) {
    if (!n.online || n.unclean || n.standby || n.pending || n.shutdown) continue;
    if (n.type === 'guest') continue;
    if (running.has(n.name) || banned.has(n.name)) continue;
    const notes: string[] = [];
    if (n.type === 'remote') notes.push('remote');
    if (n.maintenance) notes.push('maintenance');
    if (n.isDc) notes.push('DC');
    out.push({ node: n.name, note: notes.join(', ') });
  }
  return out;
}
