/**
 * Running the real crm_mon on Pacemaker's regression CIBs (../shared/corpus/pacemaker-cts, read in
 * place), for the conformance tests. Each run uses a temporary copy of the CIB as CIB_file, TZ=UTC
 * and LC_ALL=C, with a timeout, and bounded parallelism (the machine has 2 cores).
 *
 * Outputs are cached on disk under the temporary directory, keyed by the installed crm_mon's
 * version line, the arguments and the CIB's content: crm_mon's output is a function of those
 * (only its "Last updated" clock line differs, which no test reads), so the two conformance tests
 * share one crm_mon run per file and argument list. PCMK_CTS_NO_CACHE=1 runs crm_mon every time.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ctsDir = path.resolve(here, '../../../shared/corpus/pacemaker-cts');
const CRM_MON_TIMEOUT_MS = 120_000;

export interface Run {
  stdout: string;
  stderr: string;
  /** Exit code; null when crm_mon could not be started or was killed. */
  code: number | null;
  signal: string | null;
}

export interface ManifestRow {
  file: string;
  nodes: number;
  resources: number;
  features: Set<string>;
}

/** The corpus manifest; throws (never skips) when the corpus is missing. */
export function readManifest(): ManifestRow[] {
  const manifest = path.join(ctsDir, 'MANIFEST.tsv');
  if (!existsSync(manifest)) {
    throw new Error(
      `The Pacemaker CTS corpus is missing: expected ${manifest} ` +
        '(the shared/ folder next to the project checkout). This test needs it and does not skip.',
    );
  }
  const lines = readFileSync(manifest, 'utf8').trim().split('\n');
  const head = lines[0]!.split('\t');
  const col = (name: string) => head.indexOf(name);
  return lines.slice(1).map((line) => {
    const f = line.split('\t');
    return {
      file: f[col('file')]!,
      nodes: Number(f[col('nodes')]),
      resources: Number(f[col('resources')]),
      features: new Set((f[col('features')] ?? '').split(',').filter(Boolean)),
    };
  });
}

function exec(args: string[], cibFile: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'crm_mon',
      args,
      {
        env: { ...process.env, CIB_file: cibFile, TZ: 'UTC', LC_ALL: 'C' },
        timeout: CRM_MON_TIMEOUT_MS,
        maxBuffer: 256 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
        if (e && typeof e.code === 'string') {
          resolve({ stdout: '', stderr: `${e.code}: ${e.message}`, code: null, signal: null });
          return;
        }
        resolve({ stdout, stderr, code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null });
      },
    );
  });
}

let versionLine: Promise<string> | null = null;

/** `crm_mon --version`'s first line; throws when crm_mon does not run. */
export function crmMonVersion(): Promise<string> {
  versionLine ??= exec(['--version'], '/dev/null').then((r) => {
    if (r.code !== 0) throw new Error(`crm_mon --version failed (${r.code}): ${r.stderr}`);
    return r.stdout.split('\n')[0]!.trim();
  });
  return versionLine;
}

const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'pcmk-cts-'));
process.on('exit', () => rmSync(tmpRoot, { recursive: true, force: true }));
let seq = 0;

/** crm_mon `args` on the corpus file `file` (relative to the corpus), from the cache when it has it. */
export async function crmMon(file: string, args: string[]): Promise<Run> {
  const cib = readFileSync(path.join(ctsDir, file));
  const version = await crmMonVersion();
  const key = createHash('sha256').update(version).update('\0').update(args.join('\0')).update('\0').update(cib).digest('hex');
  const cacheDir = path.join(os.tmpdir(), 'pcmk-cts-cache');
  const cached = path.join(cacheDir, `${key}.json`);
  const useCache = process.env.PCMK_CTS_NO_CACHE !== '1';
  if (useCache && existsSync(cached)) {
    try {
      return JSON.parse(readFileSync(cached, 'utf8')) as Run;
    } catch {
      // A torn write from an interrupted run: run crm_mon again.
    }
  }
  const dir = path.join(tmpRoot, String(seq++));
  mkdirSync(dir);
  const copy = path.join(dir, 'cib.xml');
  writeFileSync(copy, cib);
  const run = await exec(args, copy);
  rmSync(dir, { recursive: true, force: true });
  if (useCache && run.code !== null && run.signal === null) {
    mkdirSync(cacheDir, { recursive: true });
    const part = `${cached}.${process.pid}.tmp`;
    writeFileSync(part, JSON.stringify(run));
    // rename is atomic: a reader sees the whole entry or none.
    (await import('node:fs')).renameSync(part, cached);
  }
  return run;
}

/** Runs `fn` over `items` with at most `size` at a time, results in order. */
export async function pool<T, R>(items: readonly T[], size: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return out;
}

/** Parallel crm_mon runs: 2, or more on a bigger machine (at most 4). */
export const WORKERS = Math.max(2, Math.min(4, os.availableParallelism()));

/**
 * crm_mon's own statement about each node, from its text output with --show-detail:
 * "Node NAME (ID): STATE", "RemoteNode NAME (ID): STATE", "GuestNode NAME@HOST: STATE".
 */
export interface TextNode {
  name: string;
  type: 'member' | 'remote' | 'guest';
  host: string | null;
  /** The state words as printed, without ", feature set ..." */
  state: string;
}

export function parseNodeList(text: string): TextNode[] {
  const out: TextNode[] = [];
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^Node List:/.test(l));
  if (start < 0) return out;
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  * ')) break;
    const m = /^ {2}\* (Node|RemoteNode|GuestNode) (.+?): (.*)$/.exec(line);
    if (!m) continue;
    const [, kind, who, rest] = m as unknown as [string, string, string, string];
    let name = who;
    let host: string | null = null;
    if (kind !== 'GuestNode') name = who.replace(/ \([^)]*\)$/, '');
    if (kind === 'GuestNode' && who.includes('@')) {
      [name, host] = who.split('@') as [string, string];
      if (host === '') host = null;
    }
    out.push({ name, type: kind === 'Node' ? 'member' : kind === 'RemoteNode' ? 'remote' : 'guest', host, state: rest.replace(/, feature set .*$/, '').trim() });
  }
  return out;
}

/** crm_mon's text arguments the node statements are read from. */
export const TEXT_NODE_ARGS = ['--one-shot', '--show-detail', '--include=nodes'];
