/**
 * Which tools a read runs. The tools run through a prefix (test/fixtures/bin/echo-args) that prints
 * its argv, so each output names the tool that really ran and with which arguments.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectRaw, NOT_COLLECTED_FOR_STATUS, STATUS_READ_CALLS } from '../../../src/agent/collect.js';
import { LocalToolRunner, type ToolRunner } from '../../../src/agent/run-tool.js';
import { buildSnapshot, type RawOutputs, type ToolResult } from '../../../src/agent/snapshot.js';
import { itOn, PACEMAKERS } from '../cts-harness.js';
import { isPeerRead, NOT_READ_ON_PEER } from '../../../src/model/snapshot.js';

const echoArgs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/bin/echo-args');

/** "tool arg arg" of every tool that ran. */
function ran(raw: RawOutputs): string[] {
  const results: Array<ToolResult | undefined> = Object.values(raw);
  return results.flatMap((r) => (r?.ok ? [r.stdout.split('\n').filter((l: string) => l && !l.startsWith('TZ=')).join(' ')] : [])).sort();
}

describe('collectRaw', () => {
  it('a full read runs every tool, the CIB version probe included', async () => {
    const raw = await collectRaw({ runner: new LocalToolRunner([echoArgs]), timeoutMs: 10_000 });
    expect(ran(raw)).toEqual([
      'cibadmin --query --scope configuration',
      'cibadmin --query --xpath /cib --no-children',
      'corosync-cfgtool -s',
      'corosync-cmapctl',
      'corosync-quorumtool -s',
      'crm_mon --one-shot --output-as=xml --inactive --include=all',
      'crm_mon --version',
    ]);
  });

  it('a status read leaves out the CIB version probe (and says so in its place) and, on a cluster not mixed, the release', async () => {
    const raw = await collectRaw({ runner: new LocalToolRunner([echoArgs]), timeoutMs: 10_000, read: 'status' });
    expect(ran(raw)).toEqual([
      'cibadmin --query --scope configuration',
      'corosync-cfgtool -s',
      'corosync-cmapctl',
      'corosync-quorumtool -s',
      'crm_mon --one-shot --output-as=xml --inactive --include=all',
    ]);
    expect(raw.cibVersion).toMatchObject({ ok: false, tool: 'cibadmin', skipped: NOT_COLLECTED_FOR_STATUS });
    expect(raw.version).toBeUndefined();
    // What `pcmk status`'s launcher starts before the program is loaded is exactly this read.
    expect(STATUS_READ_CALLS.map(([tool, args]) => [tool, ...args].join(' ')).sort()).toEqual(ran(raw));
  });

  it('a peer read runs crm_mon alone and lists the configuration and corosync as not read on this host', async () => {
    const raw = await collectRaw({ runner: new LocalToolRunner([echoArgs]), timeoutMs: 10_000, read: 'peer' });
    expect(ran(raw)).toEqual(['crm_mon --one-shot --output-as=xml --inactive --include=all']);
    for (const k of ['cib', 'cmapctl', 'quorumtool', 'cfgtool'] as const) expect(raw[k]).toMatchObject({ ok: false, skipped: NOT_READ_ON_PEER });
    expect(raw.cibVersion).toMatchObject({ ok: false, skipped: NOT_COLLECTED_FOR_STATUS });
    const snap = buildSnapshot(raw, { source: 'n' });
    expect(isPeerRead(snap)).toBe(true);
    expect(isPeerRead(buildSnapshot(await collectRaw({ runner: new LocalToolRunner([echoArgs]), timeoutMs: 10_000, read: 'status' }), { source: 'n' }))).toBe(false);
  });

  it("a status read asks the host's release only when crm_mon says the nodes run mixed versions (Pacemaker 2.1.11's own captures)", async () => {
    const captures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/tool-output/pacemaker-2.1/Pacemaker-2.1.11');
    const versionRuns = (capture: string) => {
      const runs: string[] = [];
      const runner: ToolRunner = {
        where: 'local',
        async run(tool, args) {
          runs.push([tool, ...args].join(' '));
          const stdout = tool === 'crm_mon' && args[0] !== '--version' ? readFileSync(path.join(captures, capture), 'utf8') : args[0] === '--version' ? 'Pacemaker 2.1.11\n' : '';
          return { stdout, stderr: '', exitCode: 0, durationMs: 1 };
        },
      };
      return { runner, runs };
    };
    const mixed = versionRuns('feature-set--xml-output-mixed-status.xml');
    expect(buildSnapshot(await collectRaw({ runner: mixed.runner, timeoutMs: 10_000, read: 'status' }), { source: 'n' }).toolsVersion).toBe('2.1.11');
    expect(mixed.runs).toContain('crm_mon --version');
    const same = versionRuns('feature-set--xml-output-no-mixed-status.xml');
    expect(buildSnapshot(await collectRaw({ runner: same.runner, timeoutMs: 10_000, read: 'status' }), { source: 'n' }).toolsVersion).toBeNull();
    expect(same.runs).not.toContain('crm_mon --version');
    expect(same.runs).toHaveLength(5);
  });
});

describe("the release of the host's tools (crm_mon --version)", () => {
  const trixie = PACEMAKERS.find((p) => p.series === '3.0')!;
  itOn(trixie, 'runs beside the first read of a runner, not again while the node runs the same release, and again once it runs another (upgraded under a watch)', 60_000, async () => {
    // No cluster here: crm_mon answers "not connected" (exit 102) in its XML, which names its API version.
    const installed = new LocalToolRunner();
    const upgraded = new LocalToolRunner(['chroot', trixie.root!]);
    let tools = installed;
    const versionRuns: string[] = [];
    const node: ToolRunner = {
      where: 'local',
      run(tool, args, o) {
        if (args[0] === '--version') versionRuns.push(tools === installed ? 'installed' : 'trixie');
        return tools.run(tool, args, o);
      },
    };
    const read = async () => buildSnapshot(await collectRaw({ runner: node, parts: ['status'], timeoutMs: 30_000 }), { source: 'n' }).toolsVersion;
    expect(await read()).toBe('2.1.5');
    expect(await read()).toBe('2.1.5');
    expect(versionRuns).toEqual(['installed']);
    tools = upgraded;
    expect(await read()).toBe('3.0.0');
    expect(await read()).toBe('3.0.0');
    expect(versionRuns).toEqual(['installed', 'trixie']);
  });

  it('is not run for a CIB file (read with whatever tools, on no node)', async () => {
    const raw = await collectRaw({ runner: new LocalToolRunner([echoArgs], {}), cibFile: '/nonexistent.xml', parts: ['status'], timeoutMs: 10_000 });
    expect(raw.version).toBeUndefined();
  });
});
