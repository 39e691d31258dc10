/**
 * The built screen chunk loads Yoga's WebAssembly from its base64 without fetch(): importing it
 * does not start undici, Node's HTTP client (60-80 ms of pcmk-top's start).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const chunks = path.join(root, 'dist/chunks');

describe('the pcmk-top bundle', () => {
  it("loads Yoga (Ink's layout engine) without fetch: no undici in the process", () => {
    const withYoga = readdirSync(chunks).filter((f) => readFileSync(path.join(chunks, f), 'utf8').includes('yoga-wasm-base64-esm'));
    expect(withYoga, 'one chunk holds Yoga (npm run build first)').toHaveLength(1);
    const script = `await import(${JSON.stringify(path.join(chunks, withYoga[0]!))}); console.log(JSON.stringify(process.moduleLoadList.filter((m) => /undici/.test(m))));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual([]);
  });
});
