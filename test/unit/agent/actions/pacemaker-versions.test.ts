/**
 * The actions' tool options on each Pacemaker our users run (2.0.5, 2.1.5 installed, 3.0; the
 * version roots of scripts/version-roots.sh through the agent's tool prefix `chroot ROOT`), on a
 * real regression CIB: the snapshot comes from that version's crm_mon, the plan picks its options
 * from it, and that version's crm_resource runs them on a copy of the CIB.
 *  - a ban of a promoted role: `--master` on 2.0 (no `--promoted` there), `--promoted` from 2.1;
 *    the constraint lands in the CIB (upgraded to that version's newest schema) with the role name
 *    of that schema: Master on 2.0, Promoted from 2.1;
 *  - the preview's locate: `--output-as=xml` from 2.1, the text of 2.0's crm_resource;
 *  - the preview's allocation scores: every score line of that version's crm_simulate is read
 *    (3.0 prints them as list items, "  * pcmk__primitive_assign: ...").
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { CRM_MON_ARGS } from '../../../../src/agent/parse/crm-mon.js';
import { buildSnapshot, captured } from '../../../../src/agent/snapshot.js';
import { planBan, promotedOption, type ActionPlan } from '../../../../src/agent/actions/plan.js';
import { Workspace } from '../../../../src/agent/actions/preview.js';
import { parseAllocationScores } from '../../../../src/agent/parse/scores.js';
import { LocalToolRunner } from '../../../../src/agent/run-tool.js';
import { crmMon, ctsDir, itOn, PACEMAKERS } from '../../cts-harness.js';

const FILE = 'scheduler/bug-lf-2493.xml';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

for (const pcmk of PACEMAKERS) {
  describe(`actions use options Pacemaker ${pcmk.series}'s crm_resource knows`, () => {
    itOn(pcmk, "a ban of the promoted role and the preview locate, on that version's tools", 60_000, async () => {
      const mon = await crmMon(pcmk, FILE, CRM_MON_ARGS);
      expect(mon.code, mon.stderr).toBe(0);
      const snap = buildSnapshot(
        { crmMon: captured('crm_mon', mon.stdout), cib: captured('cibadmin', readFileSync(path.join(ctsDir, FILE), 'utf8')) },
        { now: new Date('2026-01-01T00:00:00Z') },
      );
      expect(promotedOption(snap)).toBe(pcmk.series === '2.0' ? '--master' : '--promoted');

      const plan = planBan(snap, { name: 'ban', resource: 'ms_stateful1', promoted: true }) as ActionPlan;
      expect(plan.steps?.length, JSON.stringify(plan)).toBe(1);
      const step = plan.steps[0]!;
      expect(step.args).toEqual(['--ban', '--resource', 'ms_stateful1', '--node', 'hpn07', promotedOption(snap)]);

      // A copy of the CIB at a path that is the same inside the version root and outside it.
      const dir = mkdtempSync(path.join(pcmk.root ? path.join(pcmk.root, 'tmp') : os.tmpdir(), 'pcmk-versions-'));
      dirs.push(dir);
      const cib = path.join(dir, 'cib.xml');
      copyFileSync(path.join(ctsDir, FILE), cib);
      const runner = new LocalToolRunner(pcmk.root ? ['chroot', pcmk.root] : []);
      // The copy on that version's newest schema, as on a cluster whose CIB was upgraded: 2.1.5's
      // crm_resource writes role="Promoted" even into an older schema and then fails to validate.
      await runner.run('cibadmin', ['--upgrade', '--force'], { env: { CIB_file: cib } });
      await runner.run(step.tool, step.args, { env: { CIB_file: cib } });
      const written = readFileSync(cib, 'utf8');
      const ban = /<rsc_location [^>]*id="cli-ban-ms_stateful1-on-hpn07"[^>]*>/.exec(written)?.[0] ?? 'no cli-ban constraint';
      expect(ban).toContain(`role="${pcmk.series === '2.0' ? 'Master' : 'Promoted'}"`);

      const ran: string[] = [];
      const ws = await Workspace.create(runner, ran);
      try {
        expect(await ws.locate(cib, 'p_dummy1')).toEqual(['hpn07']);
      } finally {
        await ws.dispose();
      }
      expect(ran.at(-1)).toMatch(pcmk.series === '2.0' ? /--locate --resource p_dummy1$/ : /--output-as=xml$/);
    });
  });

  describe(`the preview reads the allocation scores of Pacemaker ${pcmk.series}'s crm_simulate`, () => {
    itOn(pcmk, 'every score line of a regression CIB, with its value', 60_000, async () => {
      const dir = mkdtempSync(path.join(pcmk.root ? path.join(pcmk.root, 'tmp') : os.tmpdir(), 'pcmk-versions-'));
      dirs.push(dir);
      const cib = path.join(dir, 'cib.xml');
      copyFileSync(path.join(ctsDir, FILE), cib);
      const runner = new LocalToolRunner(pcmk.root ? ['chroot', pcmk.root] : []);
      const ws = await Workspace.create(runner, []);
      let scores;
      try {
        scores = await ws.scores(cib);
      } finally {
        await ws.dispose();
      }
      // The same crm_simulate's text, read here line by line: "... RESOURCE allocation score on NODE: VALUE".
      const text = (await runner.run('crm_simulate', ['--show-scores', '--run', '--xml-file', cib])).stdout;
      const expected: Record<string, Record<string, number>> = {};
      for (const m of text.matchAll(/ (\S+) allocation score on (\S+): (\S+)$/gm)) {
        (expected[m[1]!] ??= {})[m[2]!] = m[3] === '-INFINITY' ? Number.NEGATIVE_INFINITY : m[3] === 'INFINITY' ? Number.POSITIVE_INFINITY : Number(m[3]);
      }
      expect(Object.keys(expected).length).toBeGreaterThan(3);
      expect(scores).toEqual(expected);
      expect(parseAllocationScores(text)).toEqual(expected);
    });
  });
}
