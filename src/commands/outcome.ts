/**
 * A change whose host stopped answering: the console does not resend it (it may have run), it says
 * the outcome is unknown on that host and shows what the cluster says now about the action's scope.
 */
import { actionScope, type Action } from '../model/actions.js';
import type { ClusterSnapshot } from '../model/snapshot.js';

/** Exit code of a change whose outcome is unknown (the host stopped answering after it was sent). */
export const OUTCOME_UNKNOWN_EXIT = 103;

function verbOf(a: Action): string {
  return a.name.replace(/-/g, ' ');
}

/** Instances of `id`: itself, and everything inside it (group members, clone instances, bundle parts). */
function instancesOf(s: ClusterSnapshot, id: string): ClusterSnapshot['instances'] {
  const ids = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const i of s.instances) {
      if (!ids.has(i.id) && i.parent !== null && ids.has(i.parent)) {
        ids.add(i.id);
        grew = true;
      }
    }
  }
  return s.instances.filter((i) => ids.has(i.id) && !s.instances.some((c) => c.parent === i.id));
}

function resourceState(s: ClusterSnapshot, id: string): string {
  const leaves = instancesOf(s, id);
  if (!leaves.length) return `${id} is not in the cluster's status`;
  const byRole = new Map<string, Set<string>>();
  for (const i of leaves) {
    const key = `${i.role}${i.managed ? '' : ' (unmanaged)'}${i.failed ? ' (failed)' : ''}`;
    const set = byRole.get(key) ?? new Set<string>();
    for (const n of i.nodes) set.add(n);
    byRole.set(key, set);
  }
  const parts = [...byRole].map(([role, nodes]) => (nodes.size ? `${role} on ${[...nodes].join(', ')}` : role));
  return `${id} is ${parts.join('; ')}`;
}

function nodeState(s: ClusterSnapshot, name: string): string {
  const n = s.nodes.find((x) => x.name === name);
  if (!n) return `node ${name} is not in the cluster's status`;
  const flags = [n.unclean ? 'unclean' : n.online ? 'online' : 'offline', ...(n.standby ? ['standby'] : []), ...(n.maintenance ? ['maintenance'] : [])];
  return `node ${name} is ${flags.join(', ')}`;
}

/** What the cluster now says about exactly what `a` acts on (pure; one line). */
export function describeScopeState(s: ClusterSnapshot, a: Action): string {
  switch (a.name) {
    case 'cluster-maintenance':
      return `cluster maintenance-mode is ${s.cluster.options['maintenance-mode'] ?? 'false (not set)'}`;
    case 'standby':
    case 'unstandby':
    case 'node-maintenance':
      return nodeState(s, a.node);
    case 'fence': {
      const last = s.fencing.filter((e) => e.target === a.node).sort((x, y) => (y.completed ?? '\uffff').localeCompare(x.completed ?? '\uffff'))[0];
      return `${nodeState(s, a.node)}${last ? `; last fencing: ${last.action} ${last.status}${last.completed ? ` at ${last.completed}` : ''}` : ''}`;
    }
    case 'resource-maintenance': {
      const cfg = s.resources.find((r) => r.id === a.resource);
      const meta = cfg ? cfg.meta['maintenance'] : undefined;
      return `${resourceState(s, a.resource)}; its maintenance meta attribute is ${meta ?? 'not set'}`;
    }
    default:
      if ('resource' in a && a.resource) return resourceState(s, a.resource);
      if ('node' in a && a.node) return nodeState(s, a.node);
      return `the cluster has ${s.failures.length} failed action(s) recorded`;
  }
}

/** "restart of db: outcome unknown on cluster-1 (no answer within 180 s); db is Started on cluster-1". */
export function unknownOutcomeMessage(a: Action, host: string, why: string, readBack: { host: string; state: string } | { error: string }): string {
  const head = `${verbOf(a)} of ${actionScope(a)}: outcome unknown on ${host} (${why}); it was not sent again`;
  if ('error' in readBack) return `${head}; the cluster state could not be read back: ${readBack.error}`;
  return `${head}; now, as ${readBack.host} reports it: ${readBack.state}`;
}
