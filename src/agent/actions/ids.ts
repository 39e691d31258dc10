/**
 * Id hygiene and name suggestions. Ids reach the tools only as separate argv entries, never through
 * a shell, but anything outside Pacemaker's usual id alphabet is still refused: it is either a typo
 * or an attempt at shell or XML injection, and a leading '-' would be read as an option.
 */

const SAFE_ID = /^[A-Za-z0-9_.:@-]+$/;
export const MAX_ID_LENGTH = 256;

/** True for ids made only of [A-Za-z0-9_.:@-], not starting with '-', at most 256 characters. */
export function isSafeId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_ID_LENGTH && !id.startsWith('-') && SAFE_ID.test(id);
}

/** Why an id is refused, or null when it is fine. */
export function unsafeIdReason(id: string): string | null {
  if (id.length === 0) return 'is empty';
  if (id.length > MAX_ID_LENGTH) return `is longer than ${MAX_ID_LENGTH} characters`;
  if (id.startsWith('-')) return "starts with '-' (it would be read as an option)";
  const bad = [...new Set([...id].filter((c) => !/[A-Za-z0-9_.:@-]/.test(c)))];
  if (bad.length) return `contains ${bad.map((c) => JSON.stringify(c)).join(', ')} (only letters, digits and _ . : @ - are allowed)`;
  return null;
}

/** Levenshtein distance (insert, delete, substitute; each costs 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The nearest candidates to `name`: case-insensitive edit distance within max(2, a third of the
 * name's length) (candidates that contain the name count as that far), keeping only those at the
 * best distance, at most `limit`.
 */
export function suggestNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const lower = name.toLowerCase();
  const maxDistance = Math.max(2, Math.floor(name.length / 3));
  const scored: { c: string; d: number }[] = [];
  for (const c of new Set(candidates)) {
    const cl = c.toLowerCase();
    let d = editDistance(lower, cl);
    if (d > maxDistance && lower.length >= 3 && (cl.startsWith(lower) || cl.includes(lower))) d = maxDistance;
    if (d <= maxDistance) scored.push({ c, d });
  }
  scored.sort((x, y) => x.d - y.d || x.c.localeCompare(y.c));
  // Only the closest ones: "clustr-2" suggests cluster-2, not every cluster-N.
  const best = scored[0]?.d;
  return scored
    .filter((s) => s.d === best)
    .slice(0, limit)
    .map((s) => s.c);
}

/** " (did you mean a, b or c?)" or "" */
export function didYouMean(suggestions: string[]): string {
  if (!suggestions.length) return '';
  if (suggestions.length === 1) return ` (did you mean ${suggestions[0]}?)`;
  return ` (did you mean ${suggestions.slice(0, -1).join(', ')} or ${suggestions[suggestions.length - 1]}?)`;
}
