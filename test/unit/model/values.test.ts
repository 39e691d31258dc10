/**
 * Pacemaker's value conventions (src/model/values.ts), on the values Pacemaker's own test CIBs
 * use (../shared/corpus/pacemaker-cts) and on the edge cases around them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  baseResourceId,
  formatDurationMs,
  formatScore,
  pacemakerOlderThan,
  pacemakerRelease,
  isFalse,
  isMinusInfinity,
  isPlusInfinity,
  isTrue,
  parseBoolean,
  parseDurationMs,
  scoreValue,
  snapshotScore,
} from '../../../src/model/values.js';

const corpus = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/pacemaker-cts');
const cibs = ['scheduler', 'cli'].flatMap((d) => readdirSync(path.join(corpus, d), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.xml')).map((f) => path.join(corpus, d, f)));
/** Every distinct value of an attribute (or of an nvpair with one of `names`) across the CTS CIBs. */
function corpusValues(re: RegExp): Set<string> {
  const out = new Set<string>();
  for (const f of cibs) for (const m of readFileSync(f, 'utf8').matchAll(re)) out.add(m[1]!);
  return out;
}

describe('booleans', () => {
  it('reads every boolean meta attribute and option of the CTS CIBs', () => {
    const values = corpusValues(/name="(?:is-managed|maintenance|globally-unique|promotable|notify|interleave|ordered|collocated|stonith-enabled|maintenance-mode|symmetric-cluster|critical|allow-migrate)" value="([^"]*)"/g);
    expect(values.size).toBeGreaterThanOrEqual(6);
    for (const v of values) expect(parseBoolean(v), v).not.toBeNull();
    expect([...values].filter(isTrue).sort()).toEqual(['1', 'on', 'true', 'yes']);
    expect([...values].filter(isFalse).sort()).toEqual(['0', 'False', 'false', 'off']);
  });

  it.each([
    ['true', true], ['TRUE', true], [' yes ', true], ['Y', true], ['on', true], ['1', true],
    ['false', false], ['No', false], ['n', false], ['OFF', false], ['0', false],
  ])('%j -> %s', (v, b) => expect(parseBoolean(v)).toBe(b));

  it.each([undefined, null, '', 'maybe', '2', 'enabled'])('%j is neither true nor false', (v) => {
    expect(parseBoolean(v)).toBeNull();
    expect(isTrue(v)).toBe(false);
    expect(isFalse(v)).toBe(false);
  });
});

describe('scores', () => {
  it('reads every score of the CTS CIBs', () => {
    const scores = corpusValues(/\bscore="([^"]*)"/g);
    expect(scores.size).toBeGreaterThan(20);
    for (const s of scores) expect(Number.isNaN(scoreValue(s)), s).toBe(false);
    expect(scores).toContain('-INFINITY');
    expect(scoreValue('-INFINITY')).toBe(Number.NEGATIVE_INFINITY);
  });

  it.each([
    ['INFINITY', Number.POSITIVE_INFINITY],
    ['+INFINITY', Number.POSITIVE_INFINITY],
    ['infinity', Number.POSITIVE_INFINITY],
    ['-INFINITY', Number.NEGATIVE_INFINITY],
    ['1000000', Number.POSITIVE_INFINITY],
    ['-2000000', Number.NEGATIVE_INFINITY],
    ['999999', 999999],
    [' -50 ', -50],
    ['+10', 10],
    ['0', 0],
  ])('%j -> %s', (s, v) => expect(scoreValue(s)).toBe(v));

  it.each(['', 'red', '1.5', '1e6', '0x10', 'INF'])('%j is not a score', (s) => expect(scoreValue(s)).toBeNaN());

  it('tells INFINITY apart and prints it back', () => {
    expect(isMinusInfinity('-INFINITY')).toBe(true);
    expect(isMinusInfinity('-1000000')).toBe(true);
    expect(isMinusInfinity('-999999')).toBe(false);
    expect(isMinusInfinity(null)).toBe(false);
    expect(isPlusInfinity('INFINITY')).toBe(true);
    expect(isPlusInfinity('-INFINITY')).toBe(false);
    expect([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -20].map(formatScore)).toEqual(['INFINITY', '-INFINITY', '-20']);
  });

  it('carries INFINITY in the snapshot as ±MAX_SAFE_INTEGER (JSON has no Infinity)', () => {
    expect(snapshotScore('INFINITY')).toBe(Number.MAX_SAFE_INTEGER);
    expect(snapshotScore('-INFINITY')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(snapshotScore('3')).toBe(3);
    expect(snapshotScore('lots')).toBeNull();
  });
});

describe('baseResourceId', () => {
  it.each([
    ['dlm:0', 'dlm'],
    ['ping:12', 'ping'],
    ['dlm', 'dlm'],
    ['dummy-bundle-podman-1', 'dummy-bundle-podman-1'],
    ['odd:name', 'odd:name'],
    ['ipv6:2001', 'ipv6'],
    [':0', ':0'],
    ['trailing:', 'trailing:'],
  ])('%j -> %j', (id, base) => expect(baseResourceId(id)).toBe(base));
});

describe('durations', () => {
  it('reads every operation interval and timeout of the CTS CIBs', () => {
    const values = corpusValues(/<op\b[^>]*?\b(?:interval|timeout)="([^"]*)"/g);
    expect(values.size).toBeGreaterThan(10);
    for (const v of values) expect(parseDurationMs(v), v).not.toBeNull();
  });

  it.each([
    ['60', 60_000],
    ['60s', 60_000],
    ['10sec', 10_000],
    ['1500ms', 1500],
    ['1500msec', 1500],
    ['2min', 120_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1hr', 3_600_000],
    ['2500us', 3],
    ['PT1M30S', 90_000],
    ['PT10S', 10_000],
    ['P1DT1H', 90_000_000],
    ['P2W', 1_209_600_000],
    ['P10S', 10_000],
    ['PT0.5S', 500],
    ['0', 0],
  ])('%j -> %i ms', (t, ms) => expect(parseDurationMs(t)).toBe(ms));

  it.each(['soon', '', 'PT', 'P', 'P1M', 'P1Y', 'PT1D', '5 parsecs', '-5s', '10d'])('%j is not a duration', (t) => expect(parseDurationMs(t)).toBeNull());

  it('prints a duration back in a form Pacemaker accepts', () => {
    expect([120_000, 30_000, 1500, 90_000].map(formatDurationMs)).toEqual(['2min', '30s', '1500ms', '90s']);
  });
});

describe('pacemakerRelease and pacemakerOlderThan: the version strings crm_mon and --version print', () => {
  it('reads a DC version, a --version line and a bare version', () => {
    expect(pacemakerRelease('2.0.5-ba59be7122')).toEqual([2, 0, 5]);
    expect(pacemakerRelease('Pacemaker 3.0.0')).toEqual([3, 0, 0]);
    expect(pacemakerRelease('1.1.23-1.el7_9.1-9acf116022')).toEqual([1, 1, 23]);
    expect(pacemakerRelease('2.1')).toEqual([2, 1, 0]);
    expect(pacemakerRelease('')).toBeNull();
    expect(pacemakerRelease(null)).toBeNull();
  });
  it('is older only when known and older', () => {
    expect(pacemakerOlderThan('2.0.5-ba59be7122', 2, 1)).toBe(true);
    expect(pacemakerOlderThan('1.1.23', 2, 1)).toBe(true);
    expect(pacemakerOlderThan('2.1.5-a3f44794f94', 2, 1)).toBe(false);
    expect(pacemakerOlderThan('3.0.0', 2, 1)).toBe(false);
    expect(pacemakerOlderThan(null, 2, 1)).toBe(false);
  });
});
