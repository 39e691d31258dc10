/**
 * Which tools a read runs. The tools run through a prefix (test/fixtures/bin/echo-args) that prints
 * its argv, so each output names the tool that really ran and with which arguments.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectRaw, NOT_COLLECTED_FOR_STATUS } from '../../../src/agent/collect.js';
import { LocalToolRunner, type ToolRunner } from '../../../src/agent/run-tool.js';
import { buildSnapshot, type RawOutputs, type ToolResult } from '../../../src/agent/snapshot.js';
import { itOn, PACEMAKERS } from '../cts-harness.js';

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

  it('a status read leaves out only the CIB version probe, and says so in its place', async () => {
    const raw = await collectRaw({ runner: new LocalToolRunner([echoArgs]), timeoutMs: 10_000, read: 'status' });
    expect(ran(raw)).not.toContain('cibadmin --query --xpath /cib --no-children');
    expect(ran(raw)).toHaveLength(6);
    expect(raw.cibVersion).toMatchObject({ ok: false, tool: 'cibadmin', skipped: NOT_COLLECTED_FOR_STATUS });
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
    const read = async () => buildSnapshot(await collectRaw({ runner: node, parts: ['status'], read: 'status', timeoutMs: 30_000 }), { source: 'n' }).toolsVersion;
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
