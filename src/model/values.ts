/**
 * Pacemaker's value conventions, read one way everywhere: booleans, scores and INFINITY, clone
 * instance ids and durations. Pure; the agent, the fencing checks, the CLI and pcmk-top all use these.
 */

// ---------------------------------------------------------------------------------------------
// Booleans

const TRUE_WORDS = new Set(['true', 'on', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'off', 'no', 'n', '0']);

/**
 * A Pacemaker boolean as Pacemaker reads it (case-insensitive, surrounding blanks ignored):
 * true, on, yes, y, 1 / false, off, no, n, 0. Null when absent or not one of these words.
 */
export function parseBoolean(v: string | undefined | null): boolean | null {
  if (v === undefined || v === null) return null;
  const w = v.trim().toLowerCase();
  if (TRUE_WORDS.has(w)) return true;
  if (FALSE_WORDS.has(w)) return false;
  return null;
}

/** The value is set and reads as true. */
export function isTrue(v: string | undefined | null): boolean {
  return parseBoolean(v) === true;
}

/** The value is set and reads as false (an absent or odd value is neither true nor false). */
export function isFalse(v: string | undefined | null): boolean {
  return parseBoolean(v) === false;
}

// ---------------------------------------------------------------------------------------------
// Scores

/** Pacemaker's INFINITY: scores and counts are clamped at ±1,000,000. */
export const PCMK_INFINITY = 1_000_000;

/**
 * A score as Pacemaker writes it ("INFINITY", "+INFINITY", "-INFINITY", an integer) as a
 * number: ±Infinity for INFINITY and for integers at or beyond ±1,000,000; NaN when it is not a score.
 */
export function scoreValue(s: string): number {
  const t = s.trim();
  if (/^\+?INFINITY$/i.test(t)) return Number.POSITIVE_INFINITY;
  if (/^-INFINITY$/i.test(t)) return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?\d+$/.test(t)) return Number.NaN;
  const n = Number(t);
  if (n >= PCMK_INFINITY) return Number.POSITIVE_INFINITY;
  if (n <= -PCMK_INFINITY) return Number.NEGATIVE_INFINITY;
  return n;
}

export function isMinusInfinity(score: string | null | undefined): boolean {
  return score !== null && score !== undefined && scoreValue(score) === Number.NEGATIVE_INFINITY;
}

export function isPlusInfinity(score: string | null | undefined): boolean {
  return score !== null && score !== undefined && scoreValue(score) === Number.POSITIVE_INFINITY;
}

/** A score as Pacemaker prints it: "INFINITY", "-INFINITY" or the integer. */
export function formatScore(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return 'INFINITY';
  if (v === Number.NEGATIVE_INFINITY) return '-INFINITY';
  return String(v);
}

/**
 * A score or count as it travels in the snapshot (JSON has no Infinity): INFINITY is
 * ±Number.MAX_SAFE_INTEGER. Null when the text is not a score.
 */
export function snapshotScore(s: string): number | null {
  const v = scoreValue(s);
  if (Number.isNaN(v)) return null;
  if (v === Number.POSITIVE_INFINITY) return Number.MAX_SAFE_INTEGER;
  if (v === Number.NEGATIVE_INFINITY) return -Number.MAX_SAFE_INTEGER;
  return v;
}

/** Whether a snapshot count or score stands for INFINITY (±MAX_SAFE_INTEGER, or Pacemaker's 1,000,000). */
export function isInfiniteCount(n: number): boolean {
  return Math.abs(n) >= PCMK_INFINITY;
}

// ---------------------------------------------------------------------------------------------
// Clone instances

/**
 * The configured id of a clone instance: crm_mon and crm_simulate name the instances of anonymous
 * clones "id:N" ("dlm:0" -> "dlm"); any other id is returned unchanged.
 */
export function baseResourceId(id: string): string {
  const i = id.lastIndexOf(':');
  return i > 0 && i < id.length - 1 && /^\d+$/.test(id.slice(i + 1)) ? id.slice(0, i) : id;
}

// ---------------------------------------------------------------------------------------------
// Durations

const UNIT_MS: Record<string, number> = { ms: 1, msec: 1, us: 0.001, usec: 0.001, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000 };

/**
 * A Pacemaker duration in milliseconds: a number with an optional unit ("60" is seconds, "60s",
 * "1500ms", "2min", "1h", "500us") or an ISO 8601 duration of weeks, days and time ("PT1M30S",
 * "P1DT2H", "P2W"). Like Pacemaker, hours and seconds are also read before the "T" ("P10S" is
 * ten seconds, as Pacemaker's own tests write it). Years and months have no fixed length and are
 * not read. Null when the text is not a duration. Fractions of a millisecond are rounded.
 */
export function parseDurationMs(text: string | undefined | null): number | null {
  if (text === undefined || text === null) return null;
  const t = text.trim();
  if (/^P/i.test(t)) return isoDurationMs(t);
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)?$/i.exec(t);
  if (!m) return null;
  const factor = UNIT_MS[(m[2] ?? 's').toLowerCase()];
  if (factor === undefined) return null;
  return Math.round(Number(m[1]) * factor);
}

const ISO_DATE_UNIT_MS: Record<string, number> = { W: 7 * 86_400_000, D: 86_400_000, H: 3_600_000, S: 1000 };
const ISO_TIME_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000 };

function isoDurationMs(t: string): number | null {
  const parts = /^P((?:\d+(?:\.\d+)?[A-Z])*)(?:T((?:\d+(?:\.\d+)?[A-Z])+))?$/i.exec(t);
  if (!parts || (!parts[1] && !parts[2])) return null;
  let ms = 0;
  for (const [text, units] of [[parts[1] ?? '', ISO_DATE_UNIT_MS], [parts[2] ?? '', ISO_TIME_UNIT_MS]] as const) {
    for (const m of text.matchAll(/(\d+(?:\.\d+)?)([A-Z])/gi)) {
      const factor = units[m[2]!.toUpperCase()];
      if (factor === undefined) return null;
      ms += Number(m[1]) * factor;
    }
  }
  return Math.round(ms);
}

/** A duration as Pacemaker accepts it back: "2min", "30s" or "1500ms". */
export function formatDurationMs(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}min`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * A Pacemaker version as [major, minor, patch], from crm_mon's DC version ("2.0.5-ba59be7122"),
 * a `--version` line ("Pacemaker 3.0.0") or a bare "2.1.5"; null when there is none to read.
 */
export function pacemakerRelease(version: string | null | undefined): [number, number, number] | null {
  const m = /(?:^|\s)(\d+)\.(\d+)(?:\.(\d+))?/.exec(version ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/** True when `version` is known and older than major.minor (an unknown version is not older). */
export function pacemakerOlderThan(version: string | null | undefined, major: number, minor: number): boolean {
  const r = pacemakerRelease(version);
  return r !== null && (r[0] < major || (r[0] === major && r[1] < minor));
}
