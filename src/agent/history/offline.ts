/**
 * Offline history: a directory of scheduler inputs, a directory holding `<node>/pengine/`
 * directories, or a `crm_report` / `pcs cluster report` archive (`<report>/<node>/pengine/pe-*`),
 * unpacked with tar into a private temporary directory that `close()` removes.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseInputName } from '../../model/history.js';
import type { ToolRunner } from '../run-tool.js';

export interface OfflineDir {
  /** The node the inputs belong to: the directory above `pengine/`, else the directory's own name. */
  host: string;
  dir: string;
}

export interface OfflineSource {
  dirs: OfflineDir[];
  close(): Promise<void>;
}

async function hasInputs(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((f) => parseInputName(f) !== null);
  } catch {
    return false;
  }
}

function hostOf(dir: string): string {
  const base = path.basename(dir);
  return base === 'pengine' ? path.basename(path.dirname(dir)) : base;
}

/** Directories holding scheduler inputs, at most `depth` levels below `root`, in name order. */
export async function findInputDirs(root: string, depth = 4): Promise<OfflineDir[]> {
  if (await hasInputs(root)) return [{ host: hostOf(root), dir: root }];
  if (depth <= 0) return [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: OfflineDir[] = [];
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    out.push(...(await findInputDirs(path.join(root, e.name), depth - 1)));
  }
  return out;
}

/** Opens a directory or an archive (tar, tar.bz2, tar.gz, tar.xz: tar recognises the compression). */
export async function openOffline(runner: ToolRunner, from: string, timeoutMs = 120_000): Promise<OfflineSource> {
  const st = await stat(from);
  if (st.isDirectory()) return { dirs: await findInputDirs(path.resolve(from)), close: async () => {} };
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'pcmk-history-'));
  const close = () => rm(tmp, { recursive: true, force: true });
  try {
    // Only the scheduler inputs: a report also holds logs and configuration we do not need here.
    await runner.run('tar', ['-xf', path.resolve(from), '-C', tmp, '--no-same-owner', '--wildcards', '*pe-*'], { timeoutMs });
    return { dirs: await findInputDirs(tmp, 5), close };
  } catch (e) {
    await close();
    throw e;
  }
}
