/**
 * The import arrows stay one-way: model <- agent <- transport, aggregate, fencing <- commands, tui
 * <- bin. A layer never imports one above it, so the agent bundle stays free of UI and SSH code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

const ALLOWED: Record<string, string[]> = {
  model: [],
  agent: ['model'],
  fencing: ['model', 'agent'],
  transport: ['model', 'agent'],
  aggregate: ['model'],
  tui: ['model', 'aggregate'],
  commands: ['model', 'agent', 'fencing', 'transport', 'aggregate', 'tui'],
  bin: ['model', 'agent', 'fencing', 'transport', 'aggregate', 'tui', 'commands'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(f) ? [p] : [];
  });
}

describe('architecture', () => {
  const all = files(src);

  it('has only the known top-level folders', () => {
    const tops = new Set(all.map((f) => path.relative(src, f).split(path.sep)[0]!));
    for (const t of tops) expect(Object.keys(ALLOWED), `src/${t}`).toContain(t);
  });

  it('imports only downwards', () => {
    const bad: string[] = [];
    for (const f of all) {
      const layer = path.relative(src, f).split(path.sep)[0]!;
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)) {
        const target = path.relative(src, path.resolve(path.dirname(f), m[1]!)).split(path.sep)[0]!;
        if (target !== layer && !ALLOWED[layer]!.includes(target)) bad.push(`${path.relative(src, f)} imports ${m[1]}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('keeps ink, react and ssh2 out of the agent', () => {
    const agentFiles = all.filter((f) => /^(agent|model)\//.test(path.relative(src, f)));
    const heavy = agentFiles.filter((f) => /from '(ink|react|ssh2|conf)'/.test(readFileSync(f, 'utf8')));
    expect(heavy).toEqual([]);
  });

  it("draws pcmk-top's text only through its safe Text component", () => {
    // src/tui/components/Text.tsx makes every string visible (terminal safety); Ink's own text
    // components would print a control character from the cluster as is.
    const safeText = path.join(src, 'tui/components/Text.tsx');
    const bypass = all.filter((f) => f !== safeText && /import\s*\{[^}]*\b(Text|Transform|Static)\b[^}]*\}\s*from\s*'ink'/.test(readFileSync(f, 'utf8')));
    expect(bypass.map((f) => path.relative(src, f))).toEqual([]);
  });

  it("writes the console's text only through src/commands/output.ts", () => {
    // output.ts makes every line safe for a terminal and every JSON document free of raw controls.
    const writer = path.join(src, 'commands/output.ts');
    const console = all.filter((f) => /^(commands|tui|bin)\//.test(path.relative(src, f)) && !/^bin\/pcmk-agent/.test(path.relative(src, f)));
    const bypass = console.filter((f) => f !== writer && /process\.(stdout|stderr)\.write\(|console\.(log|error|warn|info)\(/.test(readFileSync(f, 'utf8')));
    expect(bypass.map((f) => path.relative(src, f))).toEqual([]);
  });
});
