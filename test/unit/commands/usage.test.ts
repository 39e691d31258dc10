/**
 * `pcmk help`, `pcmk help CMD`, `pcmk CMD --help`, `--version` of the three programs: all read
 * from the command table (src/commands/usage.ts) and src/model/version.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, ACTION_COMMANDS, EXIT, USAGE } from '../../../src/commands/main.js';
import { main as topMain } from '../../../src/commands/top.js';
import { main as agentMain } from '../../../src/agent/main.js';
import { parseArgs } from '../../../src/commands/args.js';
import { COMMANDS, CONNECTION_OPTIONS, TOP_OPTIONS, commandName, commandWords, globalUsage, optionText, synopsis } from '../../../src/commands/usage.js';
import { VERSION } from '../../../src/model/version.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** What a program writes to process.stdout while fn runs. */
async function stdoutOf(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  try {
    const code = await fn();
    return { code, out: chunks.join('') };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('pcmk help', () => {
  it('lists every command of the table with its synopsis and description, and every option', async () => {
    const r = await run(['help']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(globalUsage());
    expect(USAGE).toBe(globalUsage());
    for (const c of COMMANDS) {
      expect(r.out).toContain(synopsis(c));
      expect(r.out).toContain(c.summary);
    }
    for (const o of CONNECTION_OPTIONS) expect(r.out).toContain(optionText(o));
  });

  it('documents every exit code pcmk uses', () => {
    for (const code of Object.values(EXIT)) expect(globalUsage()).toMatch(new RegExp(`\\n  ${code} `));
  });

  it.each(COMMANDS.map((c) => [commandName(c), c] as const))('help %s: synopsis, description, options, exit codes', async (_name, c) => {
    const r = await run(['help', ...c.words]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    // Commands sharing their words (ipmi HOST power / identify) are shown together.
    const same = COMMANDS.filter((o) => commandName(o) === commandName(c));
    expect(lines.slice(0, same.length).map((l) => l.replace(/^(usage:| {6}) pcmk /, ''))).toEqual(same.map(synopsis));
    expect(r.out).toContain(c.summary);
    for (const o of c.options) expect(r.out).toContain(`  ${optionText(o)}`);
    if (c.changes) expect(r.out).toContain('--dry-run');
    expect(r.out).toMatch(/\nExit codes\n  0 +ok\n/);
    expect(r.out).toMatch(/\n  64 +usage/);
    expect(r.err).toBe('');
  });

  it.each(COMMANDS.map((c) => [commandName(c), c] as const))('%s --help and -h print the same as help', async (_name, c) => {
    const help = await run(['help', ...c.words]);
    expect(await run([...c.words, '--help'])).toEqual(help);
    expect(await run([...c.words, '-h'])).toEqual(help);
  });

  it('shows every command under a first word (help cluster, help failcount)', async () => {
    const r = await run(['help', 'cluster']);
    for (const sub of ['add', 'discover', 'list', 'remove', 'use']) expect(r.out).toContain(`pcmk cluster ${sub}`);
    expect((await run(['help', 'failcount'])).out).toMatch(/^usage: pcmk failcount show .*\n {7}pcmk failcount reset /);
  });

  it('an unknown command is a usage error naming the nearest one', async () => {
    const r = await run(['help', 'stauts']);
    expect(r.code).toBe(64);
    expect(r.out).toBe('');
    expect(r.err).toBe('pcmk: unknown command stauts (did you mean status?); pcmk help lists every command');
    const d = await run(['stauts']);
    expect(d.code).toBe(64);
    expect(d.err.split('\n')[0]).toBe('pcmk: unknown command stauts (did you mean status?)');
  });

  it("a usage error of a known command shows that command's usage", async () => {
    const r = await run(['move']);
    expect(r.code).toBe(64);
    expect(r.err.split('\n').slice(0, 3)).toEqual(['pcmk: move needs a resource', '', 'usage: pcmk move RSC [NODE] [--keep-constraint] [--lifetime PT1H]']);
  });

  it("an unknown option of a known command shows that command's usage, wherever the command word sits", async () => {
    for (const argv of [['move', '--bogus'], ['--host', 'h1', 'move', '--bogus']]) {
      const r = await run(argv);
      expect(r.code).toBe(64);
      expect(r.err.split('\n').slice(0, 3), argv.join(' ')).toEqual(['pcmk: unknown option --bogus', '', 'usage: pcmk move RSC [NODE] [--keep-constraint] [--lifetime PT1H]']);
    }
    expect((await run(['--bogus'])).err).toMatch(/^pcmk: unknown option --bogus\n\nusage: pcmk \[options\] <command>/);
  });

  it('a synopsis written by hand names every argument and option of its command', () => {
    for (const c of COMMANDS.filter((x) => x.synopsis)) {
      for (const a of c.args) expect(c.synopsis, commandName(c)).toContain(a.name);
      for (const o of c.options) expect(c.synopsis, commandName(c)).toContain(o.flag);
    }
  });

  it('the parser takes every option of the table', () => {
    for (const c of COMMANDS) {
      for (const o of c.options) {
        const argv = [...c.words, o.flag, ...(o.value && !o.inlineValue ? ['x'] : [])];
        expect(() => parseArgs(argv), argv.join(' ')).not.toThrow();
      }
    }
    for (const o of CONNECTION_OPTIONS) expect(() => parseArgs([o.flag, ...(o.value ? ['1'] : [])]), o.flag).not.toThrow();
  });

  it('every command the dispatcher sends to an action is in the table', () => {
    for (const w of ACTION_COMMANDS) expect(commandWords()).toContain(w);
  });
});

describe('--version', () => {
  it.each([['--version'], ['-V'], ['version'], ['status', '--version']])('pcmk %s', async (...argv) => {
    expect(await run(argv)).toEqual({ code: 0, out: `pcmk ${VERSION}`, err: '' });
  });

  it.each([['--version'], ['-V']])('pcmk-top %s', async (flag) => {
    expect(await stdoutOf(() => topMain([flag]))).toEqual({ code: 0, out: `pcmk-top ${VERSION}\n` });
  });

  it.each([['--version'], ['-V'], ['version']])('pcmk-agent %s', async (flag) => {
    expect(await stdoutOf(() => agentMain([flag]))).toEqual({ code: 0, out: `pcmk-agent ${VERSION}\n` });
  });
});

describe('pcmk-top --help', () => {
  it('lists its options from the same table', async () => {
    const r = await stdoutOf(() => topMain(['--help']));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: pcmk-top /);
    for (const o of TOP_OPTIONS) expect(r.out).toContain(`  ${optionText(o)}`);
  });
});
