/**
 * Why a move cannot reach its target: the placement causes of src/model/placement.ts (shared with
 * `pcmk why`), as the blockers an action error or a preview names.
 */
import type { ClusterSnapshot } from '../../model/snapshot.js';
import type { Blocker } from './errors.js';
import type { ResourceIndex } from '../../model/resource-index.js';
import { placementCauses, type AllocationScores } from '../../model/placement.js';

export { placementUnit } from '../../model/placement.js';

/** Constraints that keep `resource` off `node` (see placementCauses). */
export function explainBlockers(snapshot: ClusterSnapshot, index: ResourceIndex, resource: string, node: string, scores?: AllocationScores): Blocker[] {
  return placementCauses(snapshot, index, resource, node, scores);
}

/** One line per blocker for messages. */
export function formatBlockers(blockers: Blocker[]): string {
  return blockers.map((b) => b.detail).join('; ');
}
