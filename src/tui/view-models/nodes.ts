/** Nodes view: members, remote and guest nodes with state, resources, attributes and links. */
import type { ClusterNode, ClusterSnapshot } from '../../model/snapshot.js';
import type { Column, Row, Table, Tone } from './rows.js';
import { uniqueKeys } from './rows.js';
import type { CompiledFilter } from './filter.js';
import { nodeAttributesText, nodeLabel, nodeState as modelNodeState, toNodeRow, visible } from '../../model/view/index.js';

export const NODE_COLUMNS: Column[] = [
  { title: 'NODE', min: 18, weight: 2 },
  { title: 'TYPE', min: 6, priority: 2 },
  { title: 'STATE', min: 11 },
  { title: 'RES', min: 3, align: 'right' },
  { title: 'HEALTH', min: 6, priority: 1 },
  { title: 'LINKS', min: 9, weight: 1, priority: 3 },
  { title: 'ATTRIBUTES', min: 10, weight: 3, priority: 4 },
];

export interface NodeState {
  text: string;
  tone: Tone;
}

/** One word for a node's state, most severe first (the shared view model decides it). */
export function nodeState(node: ClusterNode): NodeState {
  const st = modelNodeState(node);
  return { text: st.text, tone: st.severity };
}

export { nodeAttributesText, nodeLabel };

/** Corosync link status of a member node, e.g. "0:up 1:DOWN"; "" when unknown. */
export function nodeLinks(snapshot: ClusterSnapshot, node: ClusterNode): string {
  const coro = snapshot.corosync;
  if (!coro || node.type !== 'member') return '';
  const member = coro.members.find((m) => m.name === node.name) ?? coro.members.find((m) => m.nodeId === node.id);
  const nodeId = member?.nodeId ?? node.id;
  const links = coro.links.filter((l) => l.nodeId === nodeId);
  const own = links.length ? links : member?.local ? coro.links.filter((l) => l.nodeId === null) : [];
  return visible(own.map((l) => `${l.linkId}:${l.connected ? 'up' : 'DOWN'}`).join(' '));
}

export function toNodeRows(snapshot: ClusterSnapshot | null, filter?: CompiledFilter): Table {
  if (!snapshot) return { columns: NODE_COLUMNS, rows: [] };
  const rows: Row[] = [];
  for (const node of snapshot.nodes) {
    const view = toNodeRow(snapshot, node);
    const state = nodeState(node);
    const label = view.isDc ? `${view.label} (DC)` : view.label;
    const links = nodeLinks(snapshot, node);
    const attrs = view.attributes;
    const linkDown = /DOWN/.test(links);
    const row: Row = {
      key: `node:${node.name}`,
      cells: [label, view.type, state.text, String(view.resourcesRunning), view.health ?? '', links, attrs],
      tone: state.tone === 'ok' && (linkDown || node.health === 'red') ? 'warn' : state.tone,
      target: { kind: 'node', name: node.name },
      search: [view.name, view.label, view.type, state.text, view.host ?? '', attrs].join(' '),
    };
    if (!filter || filter.test(row.search)) rows.push(row);
  }
  return { columns: NODE_COLUMNS, rows: uniqueKeys(rows) };
}
