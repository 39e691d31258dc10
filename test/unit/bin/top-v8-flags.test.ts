/**
 * pcmk-top starts Node with a small young generation (--max-semi-space-size=2, see
 * bin/pcmk-top.js): run as an operator runs it, the executable itself, its Node has the flag.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pcmk-top-flags-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe(`pcmk-top's Node flags (Node ${process.versions.node})`, () => {
  it('bin/pcmk-top.js run directly starts Node with --max-semi-space-size=2', () => {
    // A preload that records the flags Node was started with.
    const preload = path.join(tmp, 'record-flags.cjs');
    const log = path.join(tmp, 'flags.json');
    writeFileSync(preload, `require('fs').writeFileSync(${JSON.stringify(log)}, JSON.stringify(process.execArgv));\n`);
    const env = { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`, NODE_OPTIONS: `--require ${preload}` };
    const out = execFileSync(path.join(root, 'bin/pcmk-top.js'), ['version'], { encoding: 'utf8', env, timeout: 30_000 });
    expect(out).toMatch(/^pcmk-top \d/);
    expect(JSON.parse(readFileSync(log, 'utf8'))).toContain('--max-semi-space-size=2');
  });
});
