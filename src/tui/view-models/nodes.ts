/** Nodes view: members, remote and guest nodes with state, resources, attributes and links. */
import type { ClusterNode, ClusterSnapshot } from '../../model/snapshot.js';
import type { Column, Row, Table, Tone } from './rows.js';
import { uniqueKeys } from './rows.js';
import type { CompiledFilter } from './filter.js';

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

/** One word for a node's state, most severe first. */
export function nodeState(node: ClusterNode): NodeState {
  if (node.unclean) return { text: 'UNCLEAN', tone: 'error' };
  if (!node.online) {
    if (node.pending) return { text: 'pending', tone: 'warn' };
    return { text: 'OFFLINE', tone: node.type === 'member' ? 'error' : 'warn' };
  }
  if (node.pending) return { text: 'pending', tone: 'warn' };
  if (node.shutdown) return { text: 'shutdown', tone: 'warn' };
  if (node.standby) return { text: node.standbyOnFail ? 'standby:fail' : 'standby', tone: 'warn' };
  if (node.maintenance) return { text: 'maintenance', tone: 'warn' };
  return { text: 'online', tone: 'ok' };
}

/** "guest-1@cluster-2" for a guest running on a host; the plain name otherwise. */
export function nodeLabel(node: ClusterNode): string {
  return node.type === 'guest' && node.host ? `${node.name}@${node.host}` : node.name;
}

/** Corosync link status of a member node, e.g. "0:up 1:DOWN"; "" when unknown. */
export function nodeLinks(snapshot: ClusterSnapshot, node: ClusterNode): string {
  const coro = snapshot.corosync;
  if (!coro || node.type !== 'member') return '';
  const member = coro.members.find((m) => m.name === node.name) ?? coro.members.find((m) => m.nodeId === node.id);
  const nodeId = member?.nodeId ?? node.id;
  const links = coro.links.filter((l) => l.nodeId === nodeId);
  const own = links.length ? links : member?.local ? coro.links.filter((l) => l.nodeId === null) : [];
  return own.map((l) => `${l.linkId}:${l.connected ? 'up' : 'DOWN'}`).join(' ');
}

export function nodeAttributesText(snapshot: ClusterSnapshot, name: string): string {
  const attrs = snapshot.nodeAttributes[name];
  if (!attrs) return '';
  return Object.entries(attrs)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

export function toNodeRows(snapshot: ClusterSnapshot | null, filter?: CompiledFilter): Table {
  if (!snapshot) return { columns: NODE_COLUMNS, rows: [] };
  const rows: Row[] = [];
  for (const node of snapshot.nodes) {
    const state = nodeState(node);
    const label = node.isDc ? `${nodeLabel(node)} (DC)` : nodeLabel(node);
    const links = nodeLinks(snapshot, node);
    const attrs = nodeAttributesText(snapshot, node.name);
    const linkDown = /DOWN/.test(links);
    const row: Row = {
      key: `node:${node.name}`,
      cells: [label, node.type, state.text, String(node.resourcesRunning), node.health ?? '', links, attrs],
      tone: state.tone === 'ok' && (linkDown || node.health === 'red') ? 'warn' : state.tone,
      target: { kind: 'node', name: node.name },
      search: [node.name, nodeLabel(node), node.type, state.text, node.host ?? '', attrs].join(' '),
    };
    if (!filter || filter.test(row.search)) rows.push(row);
  }
  return { columns: NODE_COLUMNS, rows: uniqueKeys(rows) };
}
