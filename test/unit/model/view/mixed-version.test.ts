/**
 * A cluster in a rolling upgrade, as crm_mon reports it: Pacemaker's regression CIB
 * cli/crm_mon-feature_set.xml (read in place), and a copy in which cluster02 reports the CRM
 * feature set of Pacemaker 3.0 (3.20.0) while cluster01 stays on 3.15.1. The installed crm_mon
 * 2.1.5 reads both; on the copy it says mixed_version="true" ("MIXED-VERSION partition"). The
 * snapshot carries each node's feature set and the flag, and `pcmk status` and pcmk-top's header
 * warn with each member's feature set, and with each node's Pacemaker release where a host on that
 * node was read (its own `crm_mon --version`: the installed 2.1.5, the trixie root's 3.0.0).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeView, type HostStatus } from '../../../../src/aggregate/merge-view.js';
import { collectRaw, collectSnapshot } from '../../../../src/agent/collect.js';
import { LocalToolRunner } from '../../../../src/agent/run-tool.js';
import { buildSnapshot } from '../../../../src/agent/snapshot.js';
import { renderStatus } from '../../../../src/commands/render.js';
import { mixedVersionWarning } from '../../../../src/model/view/nodes.js';
import { toHeader } from '../../../../src/tui/view-models/header.js';
import { ctsDir, itOn, PACEMAKERS } from '../../cts-harness.js';
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
  it('is flagged, with each member\'s feature set, in the snapshot, pcmk status and a warning line of the pcmk-top header', async () => {
    const s = await read(mixedCopy());
    expect(s.cluster.mixedVersion).toBe(true);
    expect(s.nodes.map((n) => [n.name, n.featureSet])).toEqual([
      ['cluster01', '3.15.1'], ['cluster02', '3.20.0'], ['cluster03', null], ['guest01-0', null], ['remote01', null],
    ]);
    const warning = 'MIXED VERSIONS: feature set 3.15.1 on cluster01; 3.20.0 on cluster02';
    expect(mixedVersionWarning(s)).toBe(warning);
    expect(renderStatus(s)).toContain(warning);
    const header = toHeader(viewOf(s), Date.now());
    expect(header.warnings).toContainEqual({ text: warning, tone: 'warn' });
  });

  itOn(PACEMAKERS.find((p) => p.series === '3.0')!, "names each node's Pacemaker release beside its feature set, as the host on that node read it", 60_000, async () => {
    const file = mixedCopy();
    // What the agent on each node collects: the CIB as its crm_mon reads it, and its own crm_mon --version.
    const hostRead = async (node: string, tools: LocalToolRunner) => {
      const raw = await collectRaw({ runner: new LocalToolRunner(), cibFile: file });
      const v = await tools.run('crm_mon', ['--version']);
      raw.version = { ok: true, tool: 'crm_mon', stdout: v.stdout, stderr: v.stderr, exitCode: v.exitCode, durationMs: v.durationMs };
      return buildSnapshot(raw, { source: node, now: new Date('2026-01-01T00:00:00Z') });
    };
    const trixie = PACEMAKERS.find((p) => p.series === '3.0')!.root!;
    const one = await hostRead('cluster01', new LocalToolRunner());
    const two = await hostRead('cluster02', new LocalToolRunner(['chroot', trixie]));
    // Each host knows only its own node's release.
    expect(one.nodes.filter((n) => n.pacemakerVersion).map((n) => [n.name, n.pacemakerVersion])).toEqual([['cluster01', '2.1.5']]);
    expect(two.nodes.filter((n) => n.pacemakerVersion).map((n) => [n.name, n.pacemakerVersion])).toEqual([['cluster02', '3.0.0']]);

    const host = (name: string, snapshot: typeof one): HostStatus => ({ name, state: 'live', mode: 'agent', snapshot, snapshotAt: 1000, snapshotAgeMs: 0, lastSeenAgeMs: 0, lastError: null, failures: 0, retryInMs: null });
    const hosts = [host('cluster01', one), host('cluster02', two)];
    const merged = mergeView(hosts).primary!.snapshot;
    const warning = 'MIXED VERSIONS: feature set 3.15.1 on cluster01 (Pacemaker 2.1.5); 3.20.0 on cluster02 (Pacemaker 3.0.0)';
    expect(mixedVersionWarning(merged)).toBe(warning);
    expect(renderStatus(merged)).toContain(warning);
    expect(toHeader(viewOf(merged), Date.now()).warnings).toContainEqual({ text: warning, tone: 'warn' });
    // The same copy while nothing changed (the console compares snapshots by identity).
    expect(mergeView(hosts).primary!.snapshot).toBe(merged);
  });

  it('is not flagged when every member speaks the same feature set', async () => {
    const s = await read(original);
    expect(s.cluster.mixedVersion).toBe(false);
    expect(s.nodes.find((n) => n.name === 'cluster02')?.featureSet).toBe('3.15.1');
    expect(mixedVersionWarning(s)).toBeNull();
    expect(renderStatus(s).join('\n')).not.toContain('MIXED');
  });
});
