/**
 * Times as Pacemaker prints and stores them, read with one time-zone rule.
 *
 * THE RULE: a time written without a zone is UTC.
 *
 * Why: Pacemaker's tools print and read zone-less times in the local time zone of the process
 * (crm_mon's "Tue May  5 12:04:36 2020", a rule's end="2026-12-05 10:00:00"). The agent runs every
 * tool with TZ=UTC (run-tool.ts, and the remote `env TZ=UTC` of the SSH tool runner), so what
 * crm_mon prints is UTC, and lifetimes written by `pcmk move`/`pcmk ban` carry an explicit zone.
 * Reading zone-less times as UTC therefore agrees with the tools we run, on any host and in any
 * zone the console itself runs in. The one case it cannot settle is a zone-less date typed into
 * the CIB by hand: the cluster reads it in its own local zone, which the CIB does not say; the
 * result says `zoned: false` so a reader can warn about it.
 *
 * Everything we produce is ISO 8601 in UTC ("2026-12-05T10:00:00.000Z").
 */

export interface PacemakerTime {
  /** ISO 8601 in UTC. */
  iso: string;
  /** Milliseconds since the epoch. */
  ms: number;
  /** Whether the text said its zone (an offset, "Z", or epoch seconds); false means read as UTC by the rule. */
  zoned: boolean;
}

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

// "Tue May  5 12:04:36 2020" (ctime, as crm_mon prints), optionally without weekday or year.
const CTIME_RE =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+)?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\s+(\d{4}))?$/i;
// ISO 8601 as Pacemaker writes it: "2022-12-08 10:11:12Z", "2019-09-20 15:10:52 +00:00",
// "2022-12-08T10:11:12.123456Z", "2019-09-23T12:30:00+0530", "2019-09-20", "2005-001" (ordinal).
const ISO_RE =
  /^(\d{4})-(?:(\d{2})-(\d{2})|(\d{3}))(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
// Largest epoch second with a four-digit year (9999-12-31T23:59:59Z).
const MAX_EPOCH_SECONDS = 253402300799;

/**
 * Reads a time crm_mon prints or the CIB stores: ctime ("Tue May  5 12:04:36 2020"; without a year,
 * the latest such date not more than a day after `now`), epoch seconds ("1588951263"), ISO 8601
 * with or without a time, fraction or zone, and ordinal dates ("2005-001"). Zone-less times are
 * UTC (see THE RULE above). Null when the text is none of these or names a date that does not
 * exist ("Feb 30").
 */
export function parsePacemakerTime(raw: string, opts: { now?: Date } = {}): PacemakerTime | null {
  const t = raw.trim();
  let m = CTIME_RE.exec(t);
  if (m) {
    const month = MONTHS[m[1]!.toLowerCase()]!;
    const day = Number(m[2]);
    const [hh, mi, ss] = [Number(m[3]), Number(m[4]), Number(m[5])];
    if (m[6] !== undefined) return utc(Number(m[6]), month, day, hh, mi, ss, 0, 0, false);
    const now = opts.now ?? new Date();
    const year = now.getUTCFullYear();
    const thisYear = utc(year, month, day, hh, mi, ss, 0, 0, false);
    if (thisYear && thisYear.ms <= now.getTime() + 86_400_000) return thisYear;
    return utc(year - 1, month, day, hh, mi, ss, 0, 0, false);
  }
  if (/^\d+$/.test(t)) {
    const secs = Number(t);
    if (!Number.isSafeInteger(secs) || secs > MAX_EPOCH_SECONDS) return null;
    return { iso: new Date(secs * 1000).toISOString(), ms: secs * 1000, zoned: true };
  }
  m = ISO_RE.exec(t);
  if (!m) return null;
  const year = Number(m[1]);
  let month: number;
  let day: number;
  if (m[4] !== undefined) {
    const ordinal = Number(m[4]);
    const d = new Date(Date.UTC(year, 0, ordinal));
    if (ordinal < 1 || d.getUTCFullYear() !== year) return null;
    month = d.getUTCMonth();
    day = d.getUTCDate();
  } else {
    month = Number(m[2]) - 1;
    day = Number(m[3]);
  }
  const frac = m[8] !== undefined ? Math.floor(Number(`0.${m[8]}`) * 1000) : 0;
  let offsetMs = 0;
  const zone = m[9];
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    const mins = Number(z[2]) * 60 + Number(z[3] ?? 0);
    if (Number(z[2]) > 23 || Number(z[3] ?? 0) > 59) return null;
    offsetMs = (z[1] === '+' ? 1 : -1) * mins * 60_000;
  }
  return utc(year, month, day, Number(m[5] ?? 0), Number(m[6] ?? 0), Number(m[7] ?? 0), frac, offsetMs, zone !== undefined);
}

function utc(year: number, month: number, day: number, hh: number, mi: number, ss: number, frac: number, offsetMs: number, zoned: boolean): PacemakerTime | null {
  // 24:00:00 is the end of the day in ISO 8601; a leap second (:60) is read as the next second.
  if (hh > 24 || (hh === 24 && (mi > 0 || ss > 0 || frac > 0)) || mi > 59 || ss > 60) return null;
  const check = new Date(Date.UTC(year, month, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month || check.getUTCDate() !== day) return null;
  const ms = Date.UTC(year, month, day, hh, mi, ss, frac) - offsetMs;
  if (!Number.isFinite(ms)) return null;
  return { iso: new Date(ms).toISOString(), ms, zoned };
}

/** An ISO time as "YYYY-MM-DD HH:MM:SS" in UTC, for tables; the input unchanged when it is not a time; "" for none. */
export function formatTimeUtc(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t).toISOString().slice(0, 19).replace('T', ' ');
}
