import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultReuseDir, ensurePrivateDir, privateDirProblem, ReuseDirError, type DirStat } from '../../../../src/transport/ssh/reuse-dir.js';

const base = mkdtempSync(path.join(tmpdir(), 'pcmk-reuse-dir-'));
const uid = process.getuid!();
afterAll(() => rmSync(base, { recursive: true, force: true }));

const st = (over: Partial<{ dir: boolean; link: boolean; uid: number; mode: number }>): DirStat => ({
  isDirectory: () => over.dir ?? true,
  isSymbolicLink: () => over.link ?? false,
  uid: over.uid ?? 1000,
  mode: 0o40000 | (over.mode ?? 0o700),
});

describe('the holder directory', () => {
  it('is $XDG_RUNTIME_DIR/pcmk-console, else ${TMPDIR:-/tmp}/pcmk-console-<uid>', () => {
    expect(defaultReuseDir({ XDG_RUNTIME_DIR: '/run/user/1000' }, 1000)).toBe('/run/user/1000/pcmk-console');
    expect(defaultReuseDir({}, 1000)).toBe('/tmp/pcmk-console-1000');
    expect(defaultReuseDir({ TMPDIR: '/var/tmp', XDG_RUNTIME_DIR: 'relative' }, 7)).toBe('/var/tmp/pcmk-console-7');
  });

  it('must be a real directory of the user with mode 0700', () => {
    expect(privateDirProblem('/d', st({}), 1000)).toBeNull();
    expect(privateDirProblem('/d', st({ mode: 0o755 }), 1000)).toBe('/d has mode 0755, it must be 0700 (only you); fix it with: chmod 700 /d');
    expect(privateDirProblem('/d', st({ mode: 0o710 }), 1000)).toContain('mode 0710');
    expect(privateDirProblem('/d', st({ uid: 0 }), 1000)).toBe('/d belongs to uid 0, not to you (uid 1000); remove it or pass --no-reuse');
    expect(privateDirProblem('/d', st({ link: true }), 1000)).toBe('/d is a symbolic link; it must be a directory of your own');
    expect(privateDirProblem('/d', st({ dir: false }), 1000)).toBe('/d is not a directory');
  });

  it('is created 0700 when missing, and refused (not repaired) when its mode is wrong', () => {
    const fresh = path.join(base, 'fresh');
    expect(ensurePrivateDir(fresh, uid)).toBe(fresh);
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
    const open = path.join(base, 'open');
    mkdirSync(open);
    chmodSync(open, 0o755);
    expect(() => ensurePrivateDir(open, uid)).toThrow(ReuseDirError);
    expect(() => ensurePrivateDir(open, uid)).toThrow(`not keeping SSH connections between runs: ${open} has mode 0755`);
    expect(statSync(open).mode & 0o777).toBe(0o755);
  });

  it('refuses a symbolic link and a file in its place', () => {
    const link = path.join(base, 'link');
    symlinkSync(path.join(base, 'fresh'), link);
    expect(() => ensurePrivateDir(link, uid)).toThrow('is a symbolic link');
    const file = path.join(base, 'file');
    writeFileSync(file, '');
    expect(() => ensurePrivateDir(file, uid)).toThrow('is not a directory');
  });
});
