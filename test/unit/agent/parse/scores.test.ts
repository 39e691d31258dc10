import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllocationScores } from '../../../../src/agent/parse/scores.js';
import { CORPUS_SCHEDULER } from '../actions/helpers.js';

/** The real crm_simulate's scores for a CTS CIB (read in place; crm_simulate only reads it). */
function showScores(file: string): string {
  return execFileSync('crm_simulate', ['--show-scores', '--xml-file', path.join(CORPUS_SCHEDULER, file)], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' } });
}

describe('parseAllocationScores on real crm_simulate output', () => {
  it('reads primitive scores, -INFINITY included', () => {
    const s = parseAllocationScores(showScores('bug-5014-A-stopped-B-stopped.xml'));
    expect(s).toEqual({ ClusterIP: { 'fc16-builder': Number.NEGATIVE_INFINITY }, ClusterIP2: { 'fc16-builder': 0 } });
  });

  it('reads clone, instance and primitive stages; the primitive assignment is the last word', () => {
    const text = showScores('10-a-then-bm-b-move-a-clone.xml');
    const s = parseAllocationScores(text);
    expect(s['myclone-clone']).toEqual({ f20node1: 0, f20node2: 0 });
    // "pcmk__clone_allocate: myclone:0 ... f20node1: 0" then "pcmk__primitive_assign: myclone:0 ... f20node1: -INFINITY"
    expect(s['myclone:0']).toEqual({ f20node1: Number.NEGATIVE_INFINITY, f20node2: 1 });
    expect(s.vm).toEqual({ f20node1: Number.NEGATIVE_INFINITY, f20node2: 0 });
  });

  it('every allocation score line of a bigger CIB is read, and nothing else', () => {
    const text = showScores('1494.xml');
    const lines = text.split('\n').filter((l) => / allocation score on /.test(l));
    expect(lines.length).toBeGreaterThan(5);
    const s = parseAllocationScores(text);
    const last = new Map<string, string>();
    for (const l of lines) {
      const m = /: (\S+) allocation score on (\S+): (\S+)$/.exec(l)!;
      last.set(`${m[1]} ${m[2]}`, m[3]!);
    }
    const got = Object.entries(s).flatMap(([r, byNode]) => Object.entries(byNode).map(([n, v]) => `${r} ${n}`));
    expect(new Set(got)).toEqual(new Set(last.keys()));
    for (const [k, v] of last) {
      const [r, n] = k.split(' ');
      expect(s[r!]![n!]).toBe(v === '-INFINITY' ? Number.NEGATIVE_INFINITY : v === 'INFINITY' ? Number.POSITIVE_INFINITY : Number(v));
    }
    expect(parseAllocationScores('Current cluster status:\n  * Node List:\n')).toEqual({});
  });
});
