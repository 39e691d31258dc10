/**
 * The programs keep V8's compile cache in the user's cache directory on Node >= 22.1, and do
 * nothing of the kind on Node 20 (run this file under both to see both sides).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pcmk-v8cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
const hasCache = major > 22 || (major === 22 && minor >= 1);

describe(`V8 compile cache on Node ${process.versions.node}`, () => {
  for (const bin of ['pcmk', 'pcmk-top']) {
    it(`${bin} --version ${hasCache ? 'fills' : 'leaves alone'} $XDG_CACHE_HOME/pcmk-console/v8`, () => {
      const home = path.join(tmp, bin);
      const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: home };
      delete env.NODE_DISABLE_COMPILE_CACHE;
      delete env.NODE_COMPILE_CACHE;
      const out = execFileSync(process.execPath, [path.join(root, 'bin', `${bin}.js`), '--version'], { encoding: 'utf8', env, timeout: 30_000 });
      expect(out).toMatch(new RegExp(`^${bin} \\d`));
      const dir = path.join(home, 'pcmk-console', 'v8');
      if (!hasCache) {
        expect(existsSync(dir)).toBe(false);
        return;
      }
      // One directory per Node version, holding the compiled code of what the run loaded.
      const [version] = readdirSync(dir);
      expect(readdirSync(path.join(dir, version!)).length).toBeGreaterThan(0);
    });
  }
});
