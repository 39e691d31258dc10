/** Pure checks of a plan's wait condition against a snapshot. */
import type { ClusterSnapshot } from '../../model/snapshot.js';
import { indexResources, instancesOf, promotedNodes, runningNodes } from '../../model/resource-index.js';
import { baseResourceId } from '../../model/values.js';
import type { WaitCondition } from './plan.js';

function nothingPending(snapshot: ClusterSnapshot, ids?: Set<string>): boolean {
  return !snapshot.instances.some((i) => i.pending && (!ids || ids.has(i.id) || ids.has(baseResourceId(i.id))));
}

/** True when the snapshot shows the condition reached (and nothing pending for the resource). */
export function conditionHolds(snapshot: ClusterSnapshot, cond: WaitCondition): boolean {
  const index = indexResources(snapshot);
  switch (cond.kind) {
    case 'resource-on-node':
    case 'resource-off-node': {
      const e = index.byId.get(cond.resource);
      const prims = new Set(e?.primitives.length ? e.primitives : [cond.resource]);
      if (!nothingPending(snapshot, prims)) return false;
      if (cond.kind === 'resource-off-node') {
        const where = cond.promoted ? promotedNodes(snapshot, index, cond.resource) : instancesOf(snapshot, index, cond.resource).filter((i) => i.active).flatMap((i) => i.nodes);
        return !where.includes(cond.node);
      }
      if (cond.promoted) return promotedNodes(snapshot, index, cond.resource).includes(cond.node);
      if (e && (e.kind === 'clone' || e.kind === 'bundle')) return runningNodes(snapshot, index, cond.resource).includes(cond.node);
      // A primitive or a group: every member runs on the node.
      const insts = instancesOf(snapshot, index, cond.resource);
      return [...prims].every((p) => insts.some((i) => (i.id === p || baseResourceId(i.id) === p) && i.active && i.nodes.includes(cond.node)));
    }
    case 'resource-stopped': {
      const e = index.byId.get(cond.resource);
      const prims = new Set(e?.primitives.length ? e.primitives : [cond.resource]);
      return nothingPending(snapshot, prims) && instancesOf(snapshot, index, cond.resource).every((i) => !i.active);
    }
    case 'resource-started': {
      const e = index.byId.get(cond.resource);
      const prims = new Set(e?.primitives.length ? e.primitives : [cond.resource]);
      if (!nothingPending(snapshot, prims)) return false;
      const insts = instancesOf(snapshot, index, cond.resource);
      if (e && (e.kind === 'clone' || e.kind === 'bundle')) return insts.some((i) => i.active);
      return [...prims].every((p) => insts.some((i) => (i.id === p || baseResourceId(i.id) === p) && i.active));
    }
    case 'node-attribute': {
      const n = snapshot.nodes.find((x) => x.name === cond.node);
      if (!n) return false;
      return (cond.attribute === 'standby' ? n.standby : n.maintenance) === cond.value && nothingPending(snapshot);
    }
    case 'settled':
      return nothingPending(snapshot) && !snapshot.nodes.some((n) => n.pending);
  }
}

export function describeCondition(cond: WaitCondition): string {
  switch (cond.kind) {
    case 'resource-on-node':
      return `${cond.promoted ? 'the promoted role of ' : ''}${cond.resource} runs on ${cond.node}`;
    case 'resource-off-node':
      return `${cond.promoted ? 'the promoted role of ' : ''}${cond.resource} no longer runs on ${cond.node}`;
    case 'resource-stopped':
      return `${cond.resource} is stopped`;
    case 'resource-started':
      return `${cond.resource} is started`;
    case 'node-attribute':
      return `${cond.node} has ${cond.attribute}=${cond.value ? 'on' : 'off'}`;
    case 'settled':
      return 'the cluster has settled';
  }
}
