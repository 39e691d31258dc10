/** Shared helpers of the actions unit tests: snapshots built from real crm_mon/cibadmin captures. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSnapshot, captured } from '../../../../src/agent/snapshot.js';
import type { ClusterSnapshot } from '../../../../src/model/snapshot.js';

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
