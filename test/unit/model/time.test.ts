/**
 * Times with one time-zone rule (src/model/time.ts): a time without a zone is UTC. Checked on the
 * times crm_mon printed in Pacemaker's own captures (../shared/corpus/tool-output) and on the rule
 * dates of the CTS CIBs (../shared/corpus/pacemaker-cts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatTimeUtc, parsePacemakerTime } from '../../../src/model/time.js';

const shared = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus');
function xmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.xml')).map((f) => path.join(dir, f));
}
function values(dir: string, re: RegExp): Set<string> {
  const out = new Set<string>();
  for (const f of xmlFiles(dir)) for (const m of readFileSync(f, 'utf8').matchAll(re)) out.add(m[1]!);
  return out;
}
const now = new Date('2026-11-23T21:00:00Z');

describe('parsePacemakerTime', () => {
  it('reads every time crm_mon printed in the captured outputs, zone-less ones as UTC', () => {
    const times = values(path.join(shared, 'tool-output'), /\b(?:last_update time|last_change time|last-rc-change|last-failure)="([^"]+)"/g);
    expect(times.size).toBeGreaterThan(30);
    for (const t of times) expect(parsePacemakerTime(t, { now }), t).not.toBeNull();
    expect(parsePacemakerTime('Fri Mar  8 10:11:58 2019')).toEqual({ iso: '2019-03-08T10:11:58.000Z', ms: Date.UTC(2019, 2, 8, 10, 11, 58), zoned: false });
  });

  it('reads every date of the CTS CIBs\' date expressions', () => {
    const dates = values(path.join(shared, 'pacemaker-cts'), /<date_expression\b[^>]*?\b(?:start|end)="([^"]+)"/g);
    expect(dates.size).toBeGreaterThan(10);
    for (const d of dates) expect(parsePacemakerTime(d), d).not.toBeNull();
  });

  it.each([
    ['Tue May  5 12:04:36 2020', '2020-05-05T12:04:36.000Z', false],
    ['1588951263', '2020-05-08T15:21:03.000Z', true],
    ['2013-01-10 09:26:58Z', '2013-01-10T09:26:58.000Z', true],
    ['2026-11-23 21:29:43Z', '2026-11-23T21:29:43.000Z', true],
    ['2019-09-20 15:10:52 +00:00', '2019-09-20T15:10:52.000Z', true],
    ['2019-09-23 12:30:00 -05:00', '2019-09-23T17:30:00.000Z', true],
    ['2019-09-23T12:30:00+0530', '2019-09-23T07:00:00.000Z', true],
    ['2022-12-08 10:11:12.123456 -05:00', '2022-12-08T15:11:12.123Z', true],
    ['2022-12-08 10:11:12', '2022-12-08T10:11:12.000Z', false],
    ['2020-01-01', '2020-01-01T00:00:00.000Z', false],
    ['2005-001', '2005-01-01T00:00:00.000Z', false],
    ['2005-001 Z', '2005-01-01T00:00:00.000Z', true],
    ['2005-032Z', '2005-02-01T00:00:00.000Z', true],
    ['2020-02-29 24:00:00Z', '2020-03-01T00:00:00.000Z', true],
  ])('%j -> %j (zoned: %s)', (t, iso, zoned) => {
    expect(parsePacemakerTime(t, { now })).toMatchObject({ iso, zoned });
  });

  it('reads the same in any time zone the console runs in', () => {
    // The rule does not depend on the process's zone: no local-time call is involved.
    const before = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      expect(parsePacemakerTime('2022-12-08 10:11:12')?.iso).toBe('2022-12-08T10:11:12.000Z');
      expect(parsePacemakerTime('Tue May  5 12:04:36 2020')?.iso).toBe('2020-05-05T12:04:36.000Z');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('completes a time printed without a year with the latest year not more than a day ahead', () => {
    expect(parsePacemakerTime('Nov 24 10:00:00', { now })?.iso).toBe('2026-11-24T10:00:00.000Z');
    expect(parsePacemakerTime('Dec 24 10:00:00', { now })?.iso).toBe('2025-12-24T10:00:00.000Z');
  });

  it.each(['soon', '', 'Feb 30 10:00:00 2020', 'Tue May  5 25:04:36 2020', '2019-13-01', '2020-13-01 00:00:00Z', '2021-02-29', '2005-366', '2005-000', '2020-01-01 24:00:01Z', '99999999999999'])(
    '%j is not a time',
    (t) => expect(parsePacemakerTime(t, { now })).toBeNull(),
  );
});

describe('formatTimeUtc', () => {
  it('prints an ISO time in UTC to the second', () => {
    expect(formatTimeUtc('2019-09-23T17:30:00.000Z')).toBe('2019-09-23 17:30:00');
    expect(formatTimeUtc('2019-09-23T12:30:00-05:00')).toBe('2019-09-23 17:30:00');
    expect(formatTimeUtc(null)).toBe('');
    expect(formatTimeUtc('not a time')).toBe('not a time');
  });
});
