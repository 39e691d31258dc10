/** A command's whole output reaches a slow pipe before the process exits (runMain). */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const runMain = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../dist/bin/run-main.js');

describe('runMain', () => {
  it('exits only after 8 MB written to a pipe that is read slowly', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pcmk-run-main-'));
    try {
      const script = path.join(dir, 'big.mjs');
      writeFileSync(script, `import { runMain } from ${JSON.stringify(runMain)};\nrunMain('big', async () => { process.stdout.write('x'.repeat(8 * 1024 * 1024) + '\\n'); return 0; });\n`);
      const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let got = 0;
      child.stdout.pause();
      // Read nothing for a while: the writer's pipe fills and its write stays pending.
      await new Promise((r) => setTimeout(r, 300));
      child.stdout.on('data', (b: Buffer) => (got += b.length));
      child.stdout.resume();
      const code = await new Promise<number | null>((r) => child.on('close', r));
      expect(code).toBe(0);
      expect(got).toBe(8 * 1024 * 1024 + 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
