/**
 * Node rows as the operator reads them, for `pcmk status`/`pcmk nodes` and pcmk-top alike:
 * the node's type (member, remote, guest), one state word (crm_mon's, most severe first) and,
 * for a guest node, the host its container runs on. Cluster strings go through visible().
 */
import type { ClusterNode, ClusterSnapshot } from '../snapshot.js';
import type { Severity } from './resources.js';
import { visible } from './text.js';

export interface NodeState {
  /**
   * crm_mon's state word: UNCLEAN, OFFLINE, pending, standby, standby:fail, maintenance or online.
   * A requested shutdown is not a state of its own (crm_mon still says online); see `shutdown`.
   */
  text: string;
  severity: Severity | 'ok';
}

/** One word for a node's state, most severe first. */
export function nodeState(node: ClusterNode): NodeState {
  if (node.unclean) return { text: 'UNCLEAN', severity: 'error' };
  if (!node.online) {
    if (node.pending) return { text: 'pending', severity: 'warn' };
    return { text: 'OFFLINE', severity: node.type === 'member' ? 'error' : 'warn' };
  }
  if (node.pending) return { text: 'pending', severity: 'warn' };
  if (node.standby) return { text: node.standbyOnFail ? 'standby:fail' : 'standby', severity: 'warn' };
  if (node.maintenance) return { text: 'maintenance', severity: 'warn' };
  return { text: 'online', severity: 'ok' };
}

export interface NodeRow {
  name: string;
  /** "guest-1@cluster-2" for a guest on its host (crm_mon's own notation); the name otherwise. */
  label: string;
  type: ClusterNode['type'];
  state: NodeState;
  isDc: boolean;
  /** For a guest node: the node its container runs on (null when not running). */
  host: string | null;
  /** For a guest node: its container resource. */
  container: string | null;
  resourcesRunning: number;
  health: string | null;
  /** "name=value" pairs of the node's attributes. */
  attributes: string;
  node: ClusterNode;
}

/** "guest-1@cluster-2" for a guest running on a host; the plain name otherwise. */
export function nodeLabel(node: ClusterNode): string {
  return visible(node.type === 'guest' && node.host ? `${node.name}@${node.host}` : node.name);
}

export function nodeAttributesText(snapshot: ClusterSnapshot, name: string): string {
  const attrs = snapshot.nodeAttributes[name];
  if (!attrs) return '';
  return visible(
    Object.entries(attrs)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
  );
}

export function toNodeRow(snapshot: ClusterSnapshot, node: ClusterNode): NodeRow {
  return {
    name: visible(node.name),
    label: nodeLabel(node),
    type: node.type,
    state: nodeState(node),
    isDc: node.isDc,
    host: node.type === 'guest' && node.host ? visible(node.host) : null,
    container: node.type === 'guest' && node.container ? visible(node.container) : null,
    resourcesRunning: node.resourcesRunning,
    health: node.health === null ? null : visible(node.health),
    attributes: nodeAttributesText(snapshot, node.name),
    node,
  };
}

export function toNodeViewRows(snapshot: ClusterSnapshot): NodeRow[] {
  return snapshot.nodes.map((n) => toNodeRow(snapshot, n));
}

/**
 * The rolling-upgrade warning, when crm_mon says the cluster is mixed (`mixed_version`, as its
 * "MIXED-VERSION partition"): each member's CRM feature set, grouped, with the Pacemaker release
 * of the nodes the console read on, e.g. "MIXED VERSIONS: feature set 3.16.1 on cluster-1,
 * cluster-3 (Pacemaker 2.1.5); 3.20.0 on cluster-2 (Pacemaker 3.0.0)". Null otherwise.
 */
export function mixedVersionWarning(s: ClusterSnapshot): string | null {
  if (s.cluster.mixedVersion !== true) return null;
  const bySet = new Map<string, ClusterSnapshot['nodes']>();
  for (const n of s.nodes) if (n.featureSet) bySet.set(n.featureSet, [...(bySet.get(n.featureSet) ?? []), n]);
  const sets = [...bySet]
    .map(([set, nodes]) => {
      const releases = [...new Set(nodes.flatMap((n) => (n.pacemakerVersion ? [n.pacemakerVersion] : [])))].sort();
      return `${set} on ${nodes.map((n) => n.name).join(', ')}${releases.length ? ` (Pacemaker ${releases.join(', ')})` : ''}`;
    })
    .join('; ');
  return visible(`MIXED VERSIONS${sets ? `: feature set ${sets}` : ''}`);
}
