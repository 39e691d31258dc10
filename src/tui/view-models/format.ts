/** Small pure formatters shared by the view-models. */

/** "0s", "42s", "3m", "2h5m", "3d" for a duration in ms (negative clamps to 0). */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** Fail count as shown: "" for 0, "INF" for Pacemaker's INFINITY (decided by the shared view model). */
export { formatFailCount as formatCount } from '../../model/view/resources.js';

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
