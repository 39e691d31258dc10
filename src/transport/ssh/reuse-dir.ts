/**
 * Where the connection holder keeps its socket and log: a directory only this user can enter,
 * $XDG_RUNTIME_DIR/pcmk-console or ${TMPDIR:-/tmp}/pcmk-console-<uid>. A directory that is not a
 * real directory owned by the user with mode 0700 is refused (never repaired): another user could
 * otherwise reach, or stand in for, the connections kept there.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const SOCKET_NAME = 'holder.sock';
export const LOG_NAME = 'holder.log';

/** The holder's socket in `dir`. */
export function socketPath(dir: string): string {
  return path.join(dir, SOCKET_NAME);
}

/** The directory for this user. Pure. */
export function defaultReuseDir(env: Record<string, string | undefined>, uid: number): string {
  if (env.XDG_RUNTIME_DIR && path.isAbsolute(env.XDG_RUNTIME_DIR)) return path.join(env.XDG_RUNTIME_DIR, 'pcmk-console');
  return path.join(env.TMPDIR && path.isAbsolute(env.TMPDIR) ? env.TMPDIR : '/tmp', `pcmk-console-${uid}`);
}

export interface DirStat {
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  uid: number;
  mode: number;
}

/** Why `dir` must not be used, or null when it is private to `uid`. Pure. */
export function privateDirProblem(dir: string, st: DirStat, uid: number): string | null {
  if (st.isSymbolicLink()) return `${dir} is a symbolic link; it must be a directory of your own`;
  if (!st.isDirectory()) return `${dir} is not a directory`;
  if (st.uid !== uid) return `${dir} belongs to uid ${st.uid}, not to you (uid ${uid}); remove it or pass --no-reuse`;
  const mode = st.mode & 0o777;
  if (mode !== 0o700) return `${dir} has mode ${mode.toString(8).padStart(4, '0')}, it must be 0700 (only you); fix it with: chmod 700 ${dir}`;
  return null;
}

export class ReuseDirError extends Error {
  constructor(readonly dir: string, problem: string) {
    super(`not keeping SSH connections between runs: ${problem}`);
    this.name = 'ReuseDirError';
  }
}

/** Creates `dir` (0700) when missing and checks it; throws ReuseDirError when it is not private. */
export function ensurePrivateDir(dir: string, uid: number = process.getuid?.() ?? 0): string {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new ReuseDirError(dir, `cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const problem = privateDirProblem(dir, lstatSync(dir), uid);
  if (problem) throw new ReuseDirError(dir, problem);
  return dir;
}

/** A connection to the holder's socket, or null when none answers there (no file, or a stale one). */
export function openSocket(sock: string): Promise<net.Socket | null> {
  return new Promise((resolve) => {
    const s = net.connect(sock);
    s.once('connect', () => {
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', () => resolve(null));
  });
}
