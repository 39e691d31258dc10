/**
 * Which tools a read runs. The tools run through a prefix (test/fixtures/bin/echo-args) that prints
 * its argv, so each output names the tool that really ran and with which arguments.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectRaw, NOT_COLLECTED_FOR_STATUS } from '../../../src/agent/collect.js';
import { LocalToolRunner } from '../../../src/agent/run-tool.js';
import type { RawOutputs, ToolResult } from '../../../src/agent/snapshot.js';

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
    ]);
  });

  it('a status read leaves out only the CIB version probe, and says so in its place', async () => {
    const raw = await collectRaw({ runner: new LocalToolRunner([echoArgs]), timeoutMs: 10_000, read: 'status' });
    expect(ran(raw)).not.toContain('cibadmin --query --xpath /cib --no-children');
    expect(ran(raw)).toHaveLength(5);
    expect(raw.cibVersion).toMatchObject({ ok: false, tool: 'cibadmin', skipped: NOT_COLLECTED_FOR_STATUS });
  });
});
