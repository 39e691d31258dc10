/** Shared helpers of the actions unit tests: snapshots built from real crm_mon/cibadmin captures. */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSnapshot, captured } from '../../../../src/agent/snapshot.js';
import type { ClusterSnapshot } from '../../../../src/model/snapshot.js';
import type { AllocationScores } from '../../../../src/model/placement.js';
import { collectSnapshot } from '../../../../src/agent/collect.js';
import { LocalToolRunner } from '../../../../src/agent/run-tool.js';
import { parseAllocationScores } from '../../../../src/agent/parse/scores.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SIM_DIR = path.resolve(here, '../../../fixtures/crm_simulate');
export const CORPUS_SCHEDULER = path.resolve(here, '../../../../../shared/corpus/pacemaker-cts/scheduler');

export function fixture(name: string): string {
  return readFileSync(path.join(SIM_DIR, name), 'utf8');
}

/** A snapshot of the sandbox-shaped cluster in one of the captured states (state-NAME.*). */
export function stateSnapshot(name: string): ClusterSnapshot {
  return buildSnapshot(
    { crmMon: captured('crm_mon', fixture(`state-${name}.crm_mon.xml`)), cib: captured('cibadmin', fixture(`state-${name}.cib.xml`)) },
    { now: new Date('2026-11-23T21:00:00Z'), source: 'cluster-1' },
  );
}

/**
 * A CTS CIB as the agent sees it in CIB-file mode: the snapshot from the real crm_mon and cibadmin,
 * and the real crm_simulate's allocation scores (on a temporary copy; the corpus is only read).
 */
export async function ctsState(file: string): Promise<{ snapshot: ClusterSnapshot; scores: AllocationScores }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cts-state-'));
  try {
    const copy = path.join(dir, path.basename(file));
    copyFileSync(path.join(CORPUS_SCHEDULER, file), copy);
    const runner = new LocalToolRunner();
    const snapshot = await collectSnapshot({ runner, cibFile: copy, now: () => new Date('2026-12-01T00:00:00Z') });
    const out = await runner.run('crm_simulate', ['--show-scores', '--xml-file', copy], { timeoutMs: 60_000 });
    return { snapshot, scores: parseAllocationScores(out.stdout) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
