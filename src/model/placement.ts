/**
 * Why a resource can or cannot be placed on a node: the shared placement facts behind a move's
 * blockers (src/agent/actions/blockers.ts) and the `why` explanation (src/model/why.ts). Pure:
 * snapshot constraints plus (optionally) the allocation scores of a crm_simulate run, which also
 * catch rule-based constraints.
 */
import type { ClusterSnapshot, ColocationConstraint } from './snapshot.js';
import { constraintSubjects, locationsFor, runningNodes, type ResourceIndex } from './resource-index.js';
import { formatScore, isMinusInfinity, isPlusInfinity, scoreValue } from './values.js';

/** Allocation scores by resource then node, as crm_simulate --show-scores prints them (last line wins). */
export type AllocationScores = Record<string, Record<string, number>>;

/** Location constraints with rules: constraint id -> node -> whether its rule matches there (null: not decidable). */
export type RuleMatches = Record<string, Record<string, boolean | null>>;

/** One reason a resource cannot run on a node: a constraint (or the scheduler's bare score) and what it does. */
export interface PlacementCause {
  /** Constraint id, or null when the reason is not a constraint (node state, allocation score). */
  constraint: string | null;
  kind: 'location' | 'ban' | 'rule' | 'colocation' | 'anti-colocation' | 'node' | 'score';
  /** The resource the constraint applies to (the resource, its group/clone, or a resource it depends on). */
  resource: string;
  /** One sentence for people. */
  detail: string;
}

/** The placement unit: the outermost group, clone or bundle around the resource (or itself). */
export function placementUnit(index: ResourceIndex, id: string): string {
  const e = index.byId.get(id);
  return e ? e.top : id;
}

/**
 * The unit's own allocation score on the node (its group/clone/primitive line). Scores of group
 * members and colocated primitives already include the outcome of the placement (-INFINITY
 * everywhere but where the group went), so they do not say why.
 */
export function ownScore(scores: AllocationScores | undefined | null, unit: string, node: string): number | null {
  const v = scores?.[unit]?.[node];
  return v === undefined ? null : v;
}

/** The other resources a colocation ties the subjects to; `dependent` when the subjects follow them. */
export function colocationPartners(snapshot: ClusterSnapshot, c: ColocationConstraint, subjects: Set<string>): { partner: string; dependent: boolean }[] {
  if (c.rsc && c.withRsc) {
    if (subjects.has(c.rsc) && !subjects.has(c.withRsc)) return [{ partner: c.withRsc, dependent: true }];
    if (subjects.has(c.withRsc) && !subjects.has(c.rsc)) return [{ partner: c.rsc, dependent: false }];
    return [];
  }
  const members = snapshot.constraints.sets[c.id] ?? [];
  if (!members.some((m) => subjects.has(m))) return [];
  return members.filter((m) => !subjects.has(m)).map((m) => ({ partner: m, dependent: true }));
}

/** Mandatory (INFINITY) colocations the resource's unit follows: the resources it must run with. */
export function mandatoryPartners(snapshot: ClusterSnapshot, index: ResourceIndex, resource: string): { constraint: string; partner: string }[] {
  const unit = placementUnit(index, resource);
  const subjects = new Set(constraintSubjects(index, unit));
  const out: { constraint: string; partner: string }[] = [];
  for (const c of snapshot.constraints.colocation) {
    if (!isPlusInfinity(c.score)) continue;
    for (const { partner, dependent } of colocationPartners(snapshot, c, subjects)) if (dependent) out.push({ constraint: c.id, partner });
  }
  return out;
}

/**
 * Constraints that keep `resource` off `node`, in dependency order (the resource's own, then each
 * colocation and what blocks the resource it is colocated with). Empty when nothing is found.
 * Without scores only unconditional -INFINITY constraints are reported; with scores, rule-based
 * location constraints whose resource scores -INFINITY on the node are reported too.
 */
export function placementCauses(snapshot: ClusterSnapshot, index: ResourceIndex, resource: string, node: string, scores?: AllocationScores | null): PlacementCause[] {
  const visited = new Set<string>();
  const walk = (id: string): PlacementCause[] => {
    const unit = placementUnit(index, id);
    if (visited.has(unit)) return [];
    visited.add(unit);
    const subjectList = constraintSubjects(index, unit);
    const subjects = new Set(subjectList);
    const out: PlacementCause[] = [];
    const unitScore = ownScore(scores, unit, node);
    for (const c of locationsFor(snapshot, subjectList)) {
      if (c.expired || c.isCliPrefer) continue;
      const on = c.resource ?? c.resourcePattern ?? unit;
      if (c.node === node && isMinusInfinity(c.score)) {
        out.push({
          constraint: c.id,
          kind: c.isCliBan ? 'ban' : 'location',
          resource: on,
          detail: c.isCliBan ? `${on} is banned from ${node} by ${c.id} (remove it with: pcmk clear ${on} ${node})` : `location constraint ${c.id} keeps ${on} off ${node} (score -INFINITY)`,
        });
      } else if (c.hasRules && unitScore === Number.NEGATIVE_INFINITY && (c.score === null || scoreValue(c.score) < 0 || Number.isNaN(scoreValue(c.score)))) {
        out.push({ constraint: c.id, kind: 'rule', resource: on, detail: `location constraint ${c.id} (a rule) gives ${on} a score of -INFINITY on ${node}` });
      }
    }
    for (const c of snapshot.constraints.colocation) {
      for (const { partner, dependent } of colocationPartners(snapshot, c, subjects)) {
        if (isPlusInfinity(c.score) && dependent) {
          const nested = walk(partner);
          if (nested.length) {
            out.push({
              constraint: c.id,
              kind: 'colocation',
              resource: unit,
              detail: `${unit} must run with ${partner} (colocation ${c.id}), and ${partner} cannot run on ${node}`,
            });
            out.push(...nested);
          }
        } else if (isMinusInfinity(c.score)) {
          const where = runningNodes(snapshot, index, partner);
          if (where.includes(node)) {
            out.push({
              constraint: c.id,
              kind: 'anti-colocation',
              resource: unit,
              detail: `${unit} must not run with ${partner} (colocation ${c.id}, score -INFINITY), and ${partner} runs on ${node}`,
            });
          }
        }
      }
    }
    return out;
  };
  const found = walk(resource);
  if (!found.length && scores) {
    // Nothing forbids it outright: name the colocations that tie it to resources the scheduler
    // keeps elsewhere, with the scores it computed, before falling back to the bare score.
    const unit = placementUnit(index, resource);
    for (const { constraint, partner } of mandatoryPartners(snapshot, index, resource)) {
      const partnerUnit = placementUnit(index, partner);
      const s = ownScore(scores, partnerUnit, node);
      found.push({
        constraint,
        kind: 'colocation',
        resource: unit,
        detail: `${unit} must run with ${partner} (colocation ${constraint}), and the scheduler does not place ${partnerUnit} on ${node}${s !== null ? ` (its score there: ${formatScore(s)})` : ''}`,
      });
    }
    if (!found.length && ownScore(scores, unit, node) === Number.NEGATIVE_INFINITY) {
      found.push({ constraint: null, kind: 'score', resource: unit, detail: `the scheduler gives ${unit} a score of -INFINITY on ${node}, but no constraint in the configuration explains it (see: crm_simulate --live-check --show-scores)` });
    }
  }
  return found;
}
