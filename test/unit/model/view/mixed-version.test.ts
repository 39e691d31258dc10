/**
 * A cluster in a rolling upgrade, as crm_mon reports it: Pacemaker's regression CIB
 * cli/crm_mon-feature_set.xml (read in place), and a copy in which cluster02 reports the CRM
 * feature set of Pacemaker 3.0 (3.20.0) while cluster01 stays on 3.15.1. The installed crm_mon
 * 2.1.5 reads both; on the copy it says mixed_version="true" ("MIXED-VERSION partition"). The
 * snapshot carries each node's feature set and the flag, and `pcmk status` and pcmk-top's header
 * warn with each member's feature set.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../../../src/agent/collect.js';
import { LocalToolRunner } from '../../../../src/agent/run-tool.js';
import { renderStatus } from '../../../../src/commands/render.js';
import { mixedVersionWarning } from '../../../../src/model/view/nodes.js';
import { toHeader } from '../../../../src/tui/view-models/header.js';
import { ctsDir } from '../../cts-harness.js';
import { viewOf } from '../../tui/fixtures.js';

const original = path.join(ctsDir, 'cli/crm_mon-feature_set.xml');
const dir = mkdtempSync(path.join(os.tmpdir(), 'pcmk-mixed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function mixedCopy(): string {
  const cib = readFileSync(original, 'utf8');
  const node2 = 'id="status-2-.feature-set" name="#feature-set" value="3.15.1"';
  expect(cib).toContain(node2);
  const file = path.join(dir, 'mixed.xml');
  writeFileSync(file, cib.replace(node2, node2.replace('3.15.1', '3.20.0')));
  return file;
}

const read = (cibFile: string) => collectSnapshot({ runner: new LocalToolRunner(), cibFile, now: () => new Date('2026-01-01T00:00:00Z') });

describe('a mixed-version cluster (rolling upgrade), as crm_mon 2.1.5 reports it', () => {
  it('is flagged, with each member\'s feature set, in the snapshot, pcmk status and the pcmk-top header', async () => {
    const s = await read(mixedCopy());
    expect(s.cluster.mixedVersion).toBe(true);
    expect(s.nodes.map((n) => [n.name, n.featureSet])).toEqual([
      ['cluster01', '3.15.1'], ['cluster02', '3.20.0'], ['cluster03', null], ['guest01-0', null], ['remote01', null],
    ]);
    const warning = 'MIXED VERSIONS: feature set 3.15.1 on cluster01; 3.20.0 on cluster02';
    expect(mixedVersionWarning(s)).toBe(warning);
    expect(renderStatus(s)).toContain(warning);
    const header = toHeader(viewOf(s), Date.now());
    expect(header.facts).toContainEqual({ text: warning, tone: 'warn' });
  });

  it('is not flagged when every member speaks the same feature set', async () => {
    const s = await read(original);
    expect(s.cluster.mixedVersion).toBe(false);
    expect(s.nodes.find((n) => n.name === 'cluster02')?.featureSet).toBe('3.15.1');
    expect(mixedVersionWarning(s)).toBeNull();
    expect(renderStatus(s).join('\n')).not.toContain('MIXED');
  });
});
