/**
 * Parses the allocation scores `crm_simulate --show-scores` prints, such as
 * "pcmk__primitive_assign: dregistry allocation score on remote-1: -INFINITY"
 * (older releases: "native_color: ...", "clone_color: ..."; 3.0 puts "* " before each line). Pure. Promotion and utilization lines
 * are ignored; when a resource appears in several stages (a group member in the group's stage and
 * in its own), the last line wins: that is the primitive's own assignment.
 */
import type { AllocationScores } from '../../model/placement.js';
import { scoreValue } from '../../model/values.js';

// Pacemaker 3.0 prints each line as a list item: "  * pcmk__primitive_assign: dregistry ...".
const LINE = /^\s*(?:\*\s+)?\S+:\s+(\S+)\s+allocation score on\s+(\S+?):\s+(\S+)\s*$/;

export function parseAllocationScores(text: string): AllocationScores {
  const out: AllocationScores = {};
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const v = scoreValue(m[3]!);
    if (Number.isNaN(v)) continue;
    (out[m[1]!] ??= {})[m[2]!] = v;
  }
  return out;
}
