/** `pcmk status` reads only what it prints (the agent runs in-process; tools through echo-args). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NOT_COLLECTED_FOR_STATUS } from '../../../src/agent/collect.js';
import { main } from '../../../src/commands/main.js';

const echoArgs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/bin/echo-args');

describe('pcmk status', () => {
  it('reads with the status scope: the snapshot names the probe it left out and has no CIB version', async () => {
    const out: string[] = [];
    await main(['status', '--local', '--prefix', echoArgs, '--json', '--timeout', '10'], { out: (s) => out.push(s), err: () => {} });
    const body = JSON.parse(out.join('\n')) as { snapshot: { cluster: { cibVersion: string | null }; sources: Array<{ tool: string; ok: boolean; error?: string }> } };
    expect(body.snapshot.cluster.cibVersion).toBeNull();
    expect(body.snapshot.sources).toContainEqual({ tool: 'cibadmin', ok: false, durationMs: 0, error: NOT_COLLECTED_FOR_STATUS });
  });
});
