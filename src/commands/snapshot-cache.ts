/**
 * The last snapshot pcmk-top saw of a cluster, kept between runs so the next start has something
 * to paint before any host answers. One file per target (hosts and SSH config) under the user's
 * cache directory ($PCMK_CACHE_DIR, else $XDG_CACHE_HOME/pcmk-console/snapshots, else
 * ~/.cache/pcmk-console/snapshots), directory 0700 and files 0600: the snapshot carries no
 * credential (the agent redacts them), but it is the cluster's layout. A directory that is not
 * private is not used.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClusterSnapshot } from '../model/snapshot.js';
import { privateDirProblem } from '../transport/ssh/reuse-dir.js';

export interface CachedSnapshot {
  /** Epoch ms when the snapshot was saved (its age on screen counts from here). */
  savedAt: number;
  snapshot: ClusterSnapshot;
}

/** The cache directory for this user. Pure. */
export function snapshotCacheDir(env: Record<string, string | undefined>, home: string): string {
  if (env.PCMK_CACHE_DIR && path.isAbsolute(env.PCMK_CACHE_DIR)) return env.PCMK_CACHE_DIR;
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, '.cache');
  return path.join(base, 'pcmk-console', 'snapshots');
}

/** The file for one target: the same hosts through the same SSH config share it. Pure. */
export function snapshotCacheFile(dir: string, target: { hosts: readonly string[]; sshConfig: string | null }): string {
  const key = createHash('sha256')
    .update(JSON.stringify([[...target.hosts].sort(), target.sshConfig ?? '']))
    .digest('hex')
    .slice(0, 24);
  return path.join(dir, `${key}.json`);
}

export function defaultSnapshotCacheFile(target: { hosts: readonly string[]; sshConfig: string | null }): string {
  return snapshotCacheFile(snapshotCacheDir(process.env, os.homedir()), target);
}

/** The saved snapshot, or null (none, unreadable, not ours, or not a snapshot). */
export function readCachedSnapshot(file: string, uid: number = process.getuid?.() ?? 0): CachedSnapshot | null {
  try {
    if (privateDirProblem(path.dirname(file), lstatSync(path.dirname(file)), uid)) return null;
    const st = lstatSync(file);
    if (!st.isFile() || st.uid !== uid) return null;
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<CachedSnapshot>;
    const s = data.snapshot;
    if (typeof data.savedAt !== 'number' || !s || typeof s !== 'object' || !Array.isArray(s.nodes) || !Array.isArray(s.instances)) return null;
    return { savedAt: data.savedAt, snapshot: s };
  } catch {
    return null;
  }
}

/** Saves a snapshot (write to a private temporary file, then rename). Errors are returned, not thrown. */
export function writeCachedSnapshot(file: string, snapshot: ClusterSnapshot, savedAt: number, uid: number = process.getuid?.() ?? 0): string | null {
  const dir = path.dirname(file);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const problem = privateDirProblem(dir, lstatSync(dir), uid);
    if (problem) return problem;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ savedAt, snapshot }), { mode: 0o600 });
    renameSync(tmp, file);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Keeps the cache file following a live view: the first live snapshot is saved `firstDelayMs`
 * after it arrives (not while the first screen is being drawn), later ones at most every
 * `intervalMs`, and close() saves the last one not saved yet.
 */
export function keepSnapshotCached(
  file: string,
  live: { getSnapshot(): ClusterSnapshot | null; subscribe(listener: () => void): () => void },
  opts: { firstDelayMs?: number; intervalMs?: number; now?: () => number; write?: typeof writeCachedSnapshot } = {},
): { close(): void } {
  const now = opts.now ?? Date.now;
  const write = opts.write ?? writeCachedSnapshot;
  let saved: ClusterSnapshot | null = null;
  let savedOnce = false;
  let timer: NodeJS.Timeout | null = null;
  const save = (): void => {
    timer = null;
    const s = live.getSnapshot();
    if (!s || s === saved) return;
    saved = s;
    savedOnce = true;
    write(file, s, now());
  };
  const unsubscribe = live.subscribe(() => {
    if (timer || !live.getSnapshot() || live.getSnapshot() === saved) return;
    timer = setTimeout(save, savedOnce ? (opts.intervalMs ?? 30_000) : (opts.firstDelayMs ?? 500));
    timer.unref?.();
  });
  return {
    close() {
      unsubscribe();
      if (timer) clearTimeout(timer);
      save();
    },
  };
}
