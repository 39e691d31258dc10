/**
 * The completion scripts in their real shells, asking a real pcmk (bundled from src/ for the test
 * with esbuild, as the agent is) about a real CIB read with the real tools:
 * - bash: _pcmk_complete run with COMP_WORDS/COMP_CWORD set, COMPREPLY read back;
 * - fish: `complete -C 'pcmk ...'`, fish's own completion machinery;
 * - zsh: _pcmk_complete run with words/CURRENT set; zsh's completion builtins (compadd, _files)
 *   only exist inside a completion widget, so they are replaced by functions that print their
 *   arguments: this checks the words the script passes and how it reads the answer, not zsh's menu.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionScript } from '../../../src/commands/completion.js';
import { requireShell } from './shells.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cib = path.join(root, 'test/fixtures/cib/sandbox-2.1.5.xml');
// Under the project so the bundle finds node_modules (its packages stay external).
const cacheDir = path.join(root, 'node_modules/.cache');
let dir: string;
let pcmk: string;
let binDir: string;

function sh(shell: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(shell, args, { cwd: opts.cwd ?? dir, env: { ...process.env, NO_COLOR: '1', ...opts.env }, timeout: 60_000, encoding: 'utf8' }, (e, out, err) =>
      e ? reject(new Error(`${shell} ${args.join(' ')}: ${e.message}\n${err}`)) : resolve(out),
    );
  });
}

beforeAll(async () => {
  mkdirSync(cacheDir, { recursive: true });
  dir = mkdtempSync(path.join(cacheDir, 'pcmk-completion-'));
  binDir = path.join(dir, 'bin');
  mkdirSync(binDir);
  pcmk = path.join(binDir, 'pcmk.mjs');
  await build({ entryPoints: [path.join(root, 'src/bin/pcmk.ts')], outfile: pcmk, bundle: true, platform: 'node', format: 'esm', packages: 'external', banner: { js: '#!/usr/bin/env node' }, logLevel: 'warning' });
  chmodSync(pcmk, 0o755);
  symlinkSync(pcmk, path.join(binDir, 'pcmk'));
  for (const shell of ['bash', 'zsh', 'fish'] as const) writeFileSync(path.join(dir, `pcmk.${shell}`), completionScript(shell));
  // Files for file-name completion.
  mkdirSync(path.join(dir, 'work'));
  writeFileSync(path.join(dir, 'work', 'cib-a.xml'), '');
  writeFileSync(path.join(dir, 'work', 'cib-b.xml'), '');
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bash', () => {
  /** COMPREPLY of _pcmk_complete for a line whose last word is the one being completed. */
  async function compreply(words: string[], cwd?: string): Promise<string[]> {
    const script = [
      `source ${JSON.stringify(path.join(dir, 'pcmk.bash'))}`,
      'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))',
      '_pcmk_complete',
      // One NUL after each element: an answer left as one element with newlines in it shows.
      'printf "%s\\0" "${COMPREPLY[@]}"',
    ].join('\n');
    const out = await sh(requireShell('bash'), ['-c', script, 'bash', ...words], { cwd });
    return out.split('\0').slice(0, -1);
  }

  it('registers pcmk and pcmk-top', async () => {
    const out = await sh(requireShell('bash'), ['-c', `source ${path.join(dir, 'pcmk.bash')}; complete -p pcmk pcmk-top`]);
    expect(out.trim().split('\n')).toEqual(['complete -F _pcmk_complete pcmk', 'complete -F _pcmk_complete pcmk-top']);
  });

  it('completes commands, sub-commands and options from the table', async () => {
    expect(await compreply([pcmk, 'st'])).toEqual(['standby', 'status']);
    expect(await compreply([pcmk, 'failcount', ''])).toEqual(['reset', 'show']);
    expect(await compreply([pcmk, 'move', '--ke'])).toEqual(['--keep-constraint']);
    expect(await compreply([pcmk, 'maintenance', ''])).toEqual(['off', 'on']);
  });

  it('completes resources and nodes where the table puts them, from the cluster (a CIB here)', async () => {
    expect(await compreply([pcmk, '--cib', cib, '--timeout', '60', 'move', 'dr'])).toEqual(['dregistry']);
    expect(await compreply([pcmk, '--cib', cib, '--timeout', '60', 'move', 'dregistry', 'clu'])).toEqual(['cluster-1', 'cluster-2', 'cluster-3']);
    expect(await compreply([pcmk, '--cib', cib, '--timeout', '60', 'standby', ''])).toEqual(expect.arrayContaining(['cluster-1', 'remote-1', 'guest-1']));
    expect(await compreply([pcmk, '--cib', cib, '--timeout', '60', 'standby', ''])).not.toContain('dregistry');
  });

  it('completes file names for a file option', async () => {
    expect(await compreply([pcmk, '--cib', 'work/cib-'])).toEqual(['work/cib-a.xml', 'work/cib-b.xml']);
  });

  it('an option value typed as --wait=S is not taken for an argument', async () => {
    // bash splits `--wait=30` into `--wait`, `=`, `30`.
    expect(await compreply([pcmk, '--cib', cib, '--timeout', '60', 'move', '--wait', '=', '30', 'dr'])).toEqual(['dregistry']);
  });
});

describe('fish', () => {
  async function fishComplete(line: string): Promise<string[]> {
    const out = await sh(requireShell('fish'), ['-c', `source ${path.join(dir, 'pcmk.fish')}; complete -C${JSON.stringify(line).replace(/^"|"$/g, "'")}`], {
      env: { PATH: `${binDir}:${process.env.PATH}` },
    });
    return out.split('\n').filter(Boolean);
  }

  it('completes commands, options, resources, nodes and files', async () => {
    expect(await fishComplete('pcmk st')).toEqual(['standby', 'status']);
    expect(await fishComplete('pcmk move --keep')).toEqual(['--keep-constraint']);
    expect(await fishComplete(`pcmk --cib ${cib} --timeout 60 move dr`)).toEqual(['dregistry']);
    expect(await fishComplete(`pcmk --cib ${cib} --timeout 60 move dregistry clu`)).toEqual(['cluster-1', 'cluster-2', 'cluster-3']);
    expect(await fishComplete('pcmk --cib work/cib-')).toEqual(['work/cib-a.xml', 'work/cib-b.xml']);
  });
});

describe('zsh', () => {
  async function zshComplete(words: string[]): Promise<string[]> {
    const script = [
      // Outside a completion widget: stand-ins that print what the script hands to zsh.
      'compdef() { :; }',
      'compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }',
      '_files() { print -- "<files>"; }',
      `source ${path.join(dir, 'pcmk.zsh')}`,
      'words=("$@"); CURRENT=$#',
      '_pcmk_complete',
    ].join('\n');
    const out = await sh(requireShell('zsh'), ['-f', '-c', script, 'zsh', ...words]);
    return out.split('\n').filter(Boolean);
  }

  it('passes the words before the cursor and the current one, and adds the answer', async () => {
    expect(await zshComplete([pcmk, 'st'])).toEqual(['standby', 'status']);
    expect(await zshComplete([pcmk, '--cib', cib, '--timeout', '60', 'move', 'dr'])).toEqual(['dregistry']);
    expect(await zshComplete([pcmk, '--cib', cib, '--timeout', '60', 'move', 'dregistry', 'clu'])).toEqual(['cluster-1', 'cluster-2', 'cluster-3']);
    expect(await zshComplete([pcmk, '-F', ''])).toEqual(['<files>']);
  });
});
