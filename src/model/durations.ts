/** Pacemaker duration values, parsed once for every layer. */

/**
 * Pacemaker durations: "60", "60s", "1500ms", "2min", "1h", "PT1M30S". Milliseconds, or null
 * when the text is not a duration.
 */
export function parseDurationMs(text: string | undefined | null): number | null {
  if (text === undefined || text === null) return null;
  const t = text.trim();
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(t);
  if (iso && t.length > 1 && !/T$/i.test(t)) {
    const [, d, h, m, s] = iso;
    return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60_000 + Math.round(Number(s ?? 0) * 1000);
  }
  const m = /^(\d+(?:\.\d+)?)\s*(ms|msec|us|usec|s|sec|m|min|h|hr)?$/i.exec(t);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const factor: Record<string, number> = { ms: 1, msec: 1, us: 0.001, usec: 0.001, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000 };
  return Math.round(n * factor[unit]!);
}
