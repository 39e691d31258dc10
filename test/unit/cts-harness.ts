/**
 * Running the real crm_mon on Pacemaker's regression CIBs (../shared/corpus/pacemaker-cts, read in
 * place), for the conformance tests, with each Pacemaker our users run: the installed 2.1.5
 * (Debian 12) and, from the version roots scripts/version-roots.sh builds outside the repository,
 * 2.0.5 (Debian 11) and 3.0 (Debian 13), run through the agent's tool prefix `chroot ROOT`. Each
 * run uses a temporary copy of the CIB as CIB_file (inside the root for a rooted version: the root
 * links its own path to "/", so the copy has the same path inside and outside), TZ=UTC and
 * LC_ALL=C, under nice, with a timeout, and bounded parallelism (the machine has 2 cores).
 *
 * Outputs are cached on disk under the temporary directory, keyed by that crm_mon's version line,
 * the arguments and the CIB's content: crm_mon's output is a function of those (only its "Last
 * updated" clock line differs, which no test reads), so the two conformance tests share one
 * crm_mon run per version, file and argument list. PCMK_CTS_NO_CACHE=1 runs crm_mon every time.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { LocalToolRunner, ToolError } from '../../src/agent/run-tool.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ctsDir = path.resolve(here, '../../../shared/corpus/pacemaker-cts');
const CRM_MON_TIMEOUT_MS = 120_000;

/** Where scripts/version-roots.sh keeps the roots (outside the repository). */
export const rootsDir = process.env.PCMK_VERSION_ROOTS ?? '/var/cache/pcmk-console/roots';

/** One Pacemaker the conformance tests run: the installed one, or a version root. */
export interface PacemakerUnderTest {
  /** Short name in test titles and totals files: "2.0", "2.1", "3.0". */
  series: string;
  /** Debian release that ships it. */
  debian: string;
  /** The version root, or null for the installed tools. */
  root: string | null;
  /** The totals file suffix: "" for the installed 2.1 (the historical name), "-pacemaker-X.Y" otherwise. */
  totalsSuffix: string;
}

export const PACEMAKERS: readonly PacemakerUnderTest[] = [
  { series: '2.1', debian: 'bookworm', root: null, totalsSuffix: '' },
  { series: '2.0', debian: 'bullseye', root: path.join(rootsDir, 'bullseye'), totalsSuffix: '-pacemaker-2.0' },
  { series: '3.0', debian: 'trixie', root: path.join(rootsDir, 'trixie'), totalsSuffix: '-pacemaker-3.0' },
];

/**
 * Why a Pacemaker cannot run here (no root privileges for chroot, root not built), or null.
 * A version that cannot run is reported as skipped with this reason; with
 * PCMK_REQUIRE_VERSION_ROOTS=1 (the whole suite, scripts/test-all.sh) it fails instead.
 */
export function unavailable(p: PacemakerUnderTest): string | null {
  if (p.root === null) return null;
  if (!existsSync(path.join(p.root, '.pcmk-version-root'))) {
    return `the Pacemaker ${p.series} root ${p.root} is not built (run: sudo bash scripts/version-roots.sh)`;
  }
  if (process.getuid?.() !== 0) return `running Pacemaker ${p.series} from ${p.root} needs root (chroot)`;
  return null;
}

/**
 * `it(name, fn)` for Pacemaker `p`: skipped with the reason when `p` cannot run here (it shows as
 * skipped, never as passed), and failing with that reason under PCMK_REQUIRE_VERSION_ROOTS=1.
 */
export function itOn(p: PacemakerUnderTest, name: string, timeout: number, fn: () => Promise<void>): void {
  const why = unavailable(p);
  if (why && process.env.PCMK_REQUIRE_VERSION_ROOTS === '1') it(name, () => expect.fail(why));
  else if (why) it.skip(`${name} (${why})`, fn);
  else it(name, { timeout }, fn);
}

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

/**
 * The corpus manifest; throws (never skips) when the corpus is missing. PCMK_CTS_SAMPLE=N keeps
 * every Nth file, for trying a change on a few files (the tests then fail on their 809-file totals).
 */
export function readManifest(): ManifestRow[] {
  const every = Number(process.env.PCMK_CTS_SAMPLE ?? '1') || 1;
  return readWholeManifest().filter((_, i) => i % every === 0);
}

function readWholeManifest(): ManifestRow[] {
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

/** The agent's own tool runner: `nice crm_mon`, or `nice chroot ROOT crm_mon` for a version root. */
const runners = new Map<PacemakerUnderTest, LocalToolRunner>();
function runnerFor(p: PacemakerUnderTest): LocalToolRunner {
  let r = runners.get(p);
  if (!r) {
    r = new LocalToolRunner(['nice', '-n', '10', ...(p.root ? ['chroot', p.root] : [])]);
    runners.set(p, r);
  }
  return r;
}

async function exec(p: PacemakerUnderTest, args: string[], cibFile: string): Promise<Run> {
  try {
    const out = await runnerFor(p).run('crm_mon', args, { env: { CIB_file: cibFile }, timeoutMs: CRM_MON_TIMEOUT_MS });
    return { stdout: out.stdout, stderr: out.stderr, code: 0, signal: null };
  } catch (e) {
    if (!(e instanceof ToolError)) throw e;
    if (e.failure === 'exit') return { stdout: e.stdout, stderr: e.stderr, code: e.exitCode, signal: null };
    return { stdout: e.stdout, stderr: e.message, code: null, signal: e.signal };
  }
}

const versionLines = new Map<PacemakerUnderTest, Promise<string>>();

/** That crm_mon's `--version` first line; throws when crm_mon does not run. */
export function crmMonVersion(p: PacemakerUnderTest): Promise<string> {
  let v = versionLines.get(p);
  if (!v) {
    v = exec(p, ['--version'], '/dev/null').then((r) => {
      if (r.code !== 0) throw new Error(`crm_mon --version (${runnerFor(p).where}) failed (${r.code}): ${r.stderr}`);
      return r.stdout.split('\n')[0]!.trim();
    });
    versionLines.set(p, v);
  }
  return v;
}

const tmpDirs = new Map<string, string>();
process.on('exit', () => {
  for (const d of tmpDirs.values()) rmSync(d, { recursive: true, force: true });
});
/** A scratch directory the crm_mon of `p` sees at the same path: under its root's /tmp. */
function scratch(p: PacemakerUnderTest): string {
  const base = p.root ? path.join(p.root, 'tmp') : os.tmpdir();
  let d = tmpDirs.get(base);
  if (!d) {
    d = mkdtempSync(path.join(base, 'pcmk-cts-'));
    tmpDirs.set(base, d);
  }
  return d;
}
let seq = 0;

/** crm_mon `args` of Pacemaker `p` on the corpus file `file` (relative to the corpus), from the cache when it has it. */
export async function crmMon(p: PacemakerUnderTest, file: string, args: string[]): Promise<Run> {
  const cib = readFileSync(path.join(ctsDir, file));
  const version = await crmMonVersion(p);
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
  const dir = path.join(scratch(p), String(seq++));
  mkdirSync(dir);
  const copy = path.join(dir, 'cib.xml');
  writeFileSync(copy, cib);
  const run = await exec(p, args, copy);
  rmSync(dir, { recursive: true, force: true });
  if (useCache && run.code !== null && run.signal === null) {
    mkdirSync(cacheDir, { recursive: true });
    const part = `${cached}.${process.pid}.tmp`;
    writeFileSync(part, JSON.stringify(run));
    // rename is atomic: a reader sees the whole entry or none.
    renameSync(part, cached);
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
 * "Node NAME (ID): STATE", "RemoteNode NAME (ID): STATE", "GuestNode NAME@HOST: STATE", and
 * Pacemaker 2.0's lists of online and offline nodes, which it prints even with --show-detail:
 * "Online: [ NAME (ID) ... ]", "OFFLINE: [ ... ]", "RemoteOnline: [ ... ]", "RemoteOFFLINE: [ ... ]",
 * "GuestOnline: [ NAME@HOST ... ]", "GuestOFFLINE: [ ... ]".
 */
export interface TextNode {
  name: string;
  type: 'member' | 'remote' | 'guest';
  host: string | null;
  /** The state words as printed, without ", feature set ..." */
  state: string;
  /**
   * True for Pacemaker 2.0's lists: there a guest's "@HOST" is the node of its connection
   * resource, not of its container, so it is no statement of the container's host.
   */
  fromList: boolean;
}

function guestName(who: string): { name: string; host: string | null } {
  if (!who.includes('@')) return { name: who, host: null };
  const [name, host] = who.split('@') as [string, string];
  return { name, host: host === '' ? null : host };
}

export function parseNodeList(text: string): TextNode[] {
  const out: TextNode[] = [];
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^Node List:/.test(l));
  if (start < 0) return out;
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  * ')) break;
    const list = /^ {2}\* (Guest|Remote)?(Online|OFFLINE): \[ (.*) \]$/.exec(line);
    if (list) {
      const [, kind, state, names] = list as unknown as [string, string | undefined, string, string];
      const type = kind === 'Guest' ? 'guest' : kind === 'Remote' ? 'remote' : 'member';
      // "name (id)" or "name"; a guest is "name@host".
      for (const who of names.split(' ').filter((w) => w && !/^\(.*\)$/.test(w))) {
        const g = type === 'guest' ? guestName(who) : { name: who, host: null };
        out.push({ ...g, type, state: state === 'Online' ? 'online' : 'OFFLINE', fromList: true });
      }
      continue;
    }
    const m = /^ {2}\* (Node|RemoteNode|GuestNode) (.+?): (.*)$/.exec(line);
    if (!m) continue;
    const [, kind, who, rest] = m as unknown as [string, string, string, string];
    const g = kind === 'GuestNode' ? guestName(who) : { name: who.replace(/ \([^)]*\)$/, ''), host: null };
    out.push({ ...g, type: kind === 'Node' ? 'member' : kind === 'RemoteNode' ? 'remote' : 'guest', state: rest.replace(/, feature set .*$/, '').trim(), fromList: false });
  }
  return out;
}

/** crm_mon's text arguments the node statements are read from. */
export const TEXT_NODE_ARGS = ['--one-shot', '--show-detail', '--include=nodes'];
