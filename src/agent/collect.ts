/**
 * Collectors: run the host's tools (through a ToolRunner) and hand their raw output to the pure
 * builder. A tool that fails makes its part of the snapshot absent with a reason; only crm_mon is
 * essential, and even its failure is reported by `collectSnapshot` as a typed error, never a crash.
 */
import { readFile } from 'node:fs/promises';
import { LocalToolRunner, ToolError, type ToolOutput, type ToolRunner } from './run-tool.js';
import { buildSnapshot, type RawOutputs, type ToolResult } from './snapshot.js';
import { NOT_READ_ON_PEER, type ClusterSnapshot } from '../model/snapshot.js';

import { CRM_MON_ARGS, LEGACY_CRM_MON_ARGS } from './parse/crm-mon.js';
import { ALL_PARTS, type WatchPart } from './watch.js';

export { CRM_MON_ARGS, LEGACY_CRM_MON_ARGS };

const CONFIG_ARGS = ['--query', '--scope', 'configuration'];
const QUORUM_ARGS = ['-s'];
const RINGS_ARGS = ['-s'];

/**
 * The commands a status read of the live cluster starts at once, on a host whose crm_mon speaks
 * XML (`crm_mon --version` follows only if crm_mon says the nodes run mixed versions). The
 * launcher of `pcmk status` starts these before the program is loaded (started-early.ts).
 */
export const STATUS_READ_CALLS: ReadonlyArray<readonly [tool: string, args: readonly string[]]> = [
  ['crm_mon', CRM_MON_ARGS],
  ['cibadmin', CONFIG_ARGS],
  ['corosync-cmapctl', []],
  ['corosync-quorumtool', QUORUM_ARGS],
  ['corosync-cfgtool', RINGS_ARGS],
];

/**
 * What a read is for. `full` (the default) runs every tool. `status` runs what `pcmk status` prints:
 * everything but the CIB version probe (`cibadmin --xpath /cib --no-children`), so
 * `cluster.cibVersion` is null and `sources` lists that probe as not collected. `peer` is a status
 * read of a second host of a cluster already read whole: crm_mon alone (the host's DC, membership,
 * quorum and resources, which is what hosts are compared on); the configuration and corosync are
 * listed in `sources` as not read (NOT_READ_ON_PEER).
 */
export type ReadScope = 'full' | 'status' | 'peer';

/** The `sources[]` error of the version probe a status read leaves out (docs/snapshot.md). */
export const NOT_COLLECTED_FOR_STATUS = 'not collected for a status read (cluster.cibVersion is null)';

export interface CollectOptions {
  runner: ToolRunner;
  read?: ReadScope;
  /**
   * Only these parts (the watch refreshes what its events touched; docs/snapshot.md): `status` runs
   * crm_mon and the version probe, `config` cibadmin's configuration and the version probe,
   * `corosync` the three corosync tools. The result holds only their outputs. Default: all.
   */
  parts?: Iterable<WatchPart>;
  /** Run against a CIB file instead of the live cluster (sets CIB_file for the Pacemaker tools). */
  cibFile?: string;
  timeoutMs?: number;
  now?: () => Date;
  /** Name of this host, recorded as the snapshot's source. */
  source?: string;
}

/** Remembers per runner which crm_mon dialect the host speaks, so detection happens once. */
const dialects = new WeakMap<ToolRunner, 'xml' | 'legacy'>();

async function attempt(runner: ToolRunner, tool: string, args: string[], opts: { timeoutMs: number; env?: Record<string, string>; okExitCodes?: number[] }): Promise<ToolResult> {
  try {
    const out: ToolOutput = await runner.run(tool, args, opts);
    return { ok: true, tool, stdout: out.stdout, stderr: out.stderr, exitCode: out.exitCode, durationMs: out.durationMs };
  } catch (e) {
    if (e instanceof ToolError) {
      return { ok: false, tool, error: e, stdout: e.stdout, durationMs: e.durationMs };
    }
    throw e;
  }
}

/** The crm_mon XML API version of a crm_mon result (each Pacemaker release has its own), or null. */
function apiOf(r: ToolResult | undefined): string | null {
  return r?.ok ? (/<pacemaker-result[^>]*\bapi-version="([^"]+)"/.exec(r.stdout.slice(0, 300))?.[1] ?? null) : null;
}

/** Per runner: its `crm_mon --version`, and the XML API version its crm_mon spoke at that time. */
const versions = new WeakMap<ToolRunner, { result: ToolResult; api: string | null }>();

/**
 * The host's `crm_mon --version`: run beside the first crm_mon read of a runner, then again only
 * when the XML API version of its crm_mon changes (the node was upgraded under a running watch).
 */
async function collectVersion(runner: ToolRunner, mon: Promise<ToolResult | undefined>, timeoutMs: number): Promise<ToolResult> {
  const known = versions.get(runner);
  if (known) {
    const api = apiOf(await mon);
    if (api === null || api === known.api) return known.result;
    versions.delete(runner);
  }
  const [r, m] = await Promise.all([attempt(runner, 'crm_mon', ['--version'], { timeoutMs }), mon]);
  if (r.ok) versions.set(runner, { result: r, api: apiOf(m) });
  return r;
}

/** crm_mon's `mixed_version="true"` (2.1+): the cluster's nodes speak different feature sets. */
export function saysMixed(r: ToolResult | undefined): boolean {
  return !!r?.ok && /<current_dc [^>]*\bmixed_version="true"/.test(r.stdout.slice(0, 4000));
}

/** The host's `crm_mon --version`, only when its crm_mon says the cluster is mixed. */
async function versionIfMixed(runner: ToolRunner, mon: Promise<ToolResult | undefined>, timeoutMs: number): Promise<ToolResult | undefined> {
  const m = await mon;
  return saysMixed(m) ? collectVersion(runner, Promise.resolve(m), timeoutMs) : undefined;
}

/** Legacy Pacemaker 1.1 crm_mon rejects --output-as; detect that from its usage error. */
function looksLikeUnknownOption(r: ToolResult): boolean {
  if (r.ok || !r.error || r.error.failure !== 'exit') return false;
  return /unrecognized option|unknown option|invalid option/i.test(r.error.stderr);
}

export async function collectCrmMon(runner: ToolRunner, env: Record<string, string>, timeoutMs: number): Promise<ToolResult> {
  // crm_mon exits 102 (not connected) with a <crm-mon-disconnected> document on 2.1+: keep the
  // output so the parser can explain it.
  const okExitCodes = [102];
  if (dialects.get(runner) === 'legacy') {
    return attempt(runner, 'crm_mon', LEGACY_CRM_MON_ARGS, { timeoutMs, env, okExitCodes });
  }
  const r = await attempt(runner, 'crm_mon', CRM_MON_ARGS, { timeoutMs, env, okExitCodes });
  if (looksLikeUnknownOption(r)) {
    dialects.set(runner, 'legacy');
    return attempt(runner, 'crm_mon', LEGACY_CRM_MON_ARGS, { timeoutMs, env, okExitCodes });
  }
  if (r.ok) dialects.set(runner, 'xml');
  return r;
}

/** A CIB file without its status section (crm_mon reads the status; we need the configuration). */
export function stripStatus(xml: string): string {
  const start = xml.search(/<status[\s>/]/);
  if (start < 0) return xml;
  const end = xml.lastIndexOf('</status>');
  if (end < start) return xml.slice(0, start) + xml.slice(xml.indexOf('>', start) + 1);
  return xml.slice(0, start) + xml.slice(end + '</status>'.length);
}

/**
 * The text of a CIB file. A compressed one (the scheduler's `pe-input-N.bz2`, which the Pacemaker
 * tools read as they are) is read through `bzcat` on the runner.
 */
export async function readCibText(runner: ToolRunner, file: string, timeoutMs: number): Promise<string> {
  if (/\.bz2$/.test(file)) return (await runner.run('bzcat', ['--', file], { timeoutMs })).stdout;
  return readFile(file, 'utf8');
}

async function readCibFile(runner: ToolRunner, file: string, timeoutMs: number): Promise<{ cib: ToolResult; version: ToolResult }> {
  const t = performance.now();
  try {
    const text = stripStatus(await readCibText(runner, file, timeoutMs));
    const durationMs = performance.now() - t;
    const r: ToolResult = { ok: true, tool: 'cib-file', stdout: text, stderr: '', exitCode: 0, durationMs };
    return { cib: r, version: r };
  } catch (e) {
    const err = e instanceof ToolError ? e : new ToolError({ tool: 'cib-file', args: [file], failure: 'missing', exitCode: null, signal: null, stderr: (e as Error).message, stdout: '', timeoutMs: null, durationMs: performance.now() - t, where: 'local' });
    const r: ToolResult = { ok: false, tool: 'cib-file', error: err, durationMs: 0 };
    return { cib: r, version: { ...r } };
  }
}

export async function collectRaw(opts: CollectOptions): Promise<RawOutputs> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const env: Record<string, string> = opts.cibFile ? { CIB_file: opts.cibFile } : {};
  const { runner } = opts;
  const skipped = (tool: string, why = 'not collected in CIB file mode'): ToolResult => ({ ok: false, tool, skipped: why, durationMs: 0 });
  if (opts.cibFile && runner instanceof LocalToolRunner && runner.where === 'local') {
    // The file is the CIB: read its configuration directly instead of having cibadmin re-read,
    // validate and print it (seconds on a big cluster, competing with crm_mon for the CPU).
    const [crmMon, file] = await Promise.all([collectCrmMon(runner, env, timeoutMs), readCibFile(runner, opts.cibFile, timeoutMs)]);
    return { crmMon, cib: file.cib, cibVersion: file.version };
  }
  const peer = opts.read === 'peer';
  // A peer read is a status read of crm_mon alone.
  const statusRead = opts.read === 'status' || peer;
  const parts = new Set(peer ? ['status' as const] : (opts.parts ?? ALL_PARTS));
  const corosync = parts.has('corosync') && !opts.cibFile;
  const none = Promise.resolve(undefined);
  const mon = parts.has('status') ? collectCrmMon(runner, env, timeoutMs) : none;
  const [crmMon, cib, cibVersion, cmapctl, quorumtool, cfgtool, version] = await Promise.all([
    mon,
    parts.has('config') ? attempt(runner, 'cibadmin', CONFIG_ARGS, { timeoutMs, env }) : none,
    // The <cib> element alone: epoch, num_updates, admin_epoch, dc-uuid, without the status section.
    !parts.has('status') && !parts.has('config')
      ? none
      : statusRead
        ? Promise.resolve(skipped('cibadmin', NOT_COLLECTED_FOR_STATUS))
        : attempt(runner, 'cibadmin', ['--query', '--xpath', '/cib', '--no-children'], { timeoutMs, env }),
    corosync ? attempt(runner, 'corosync-cmapctl', [], { timeoutMs }) : none,
    // corosync-quorumtool -s exits 2 when the partition has no quorum; that output is still valid.
    corosync ? attempt(runner, 'corosync-quorumtool', QUORUM_ARGS, { timeoutMs, okExitCodes: [2] }) : none,
    corosync ? attempt(runner, 'corosync-cfgtool', RINGS_ARGS, { timeoutMs }) : none,
    // The release of the host's tools (a CIB file is read with whatever tools: no version). A
    // status read (`pcmk status`) asks only when crm_mon says the nodes run mixed versions: that
    // is where each node's release is printed.
    !parts.has('status') || opts.cibFile ? none : statusRead ? versionIfMixed(runner, mon, timeoutMs) : collectVersion(runner, mon, timeoutMs),
  ]);
  const raw: RawOutputs = { crmMon, cib, cibVersion, cmapctl, quorumtool, cfgtool, version };
  if (opts.cibFile && parts.has('corosync')) {
    raw.cmapctl = skipped('corosync-cmapctl');
    raw.quorumtool = skipped('corosync-quorumtool');
    raw.cfgtool = skipped('corosync-cfgtool');
  }
  if (peer) {
    raw.cib = skipped('cibadmin', NOT_READ_ON_PEER);
    raw.cmapctl = skipped('corosync-cmapctl', NOT_READ_ON_PEER);
    raw.quorumtool = skipped('corosync-quorumtool', NOT_READ_ON_PEER);
    raw.cfgtool = skipped('corosync-cfgtool', NOT_READ_ON_PEER);
  }
  for (const k of Object.keys(raw) as Array<keyof RawOutputs>) if (raw[k] === undefined) delete raw[k];
  return raw;
}

/** Collect everything and build one snapshot. Never throws for a tool failure: see sources/warnings. */
export async function collectSnapshot(opts: CollectOptions): Promise<ClusterSnapshot> {
  const raw = await collectRaw(opts);
  const now = opts.now ? opts.now() : new Date();
  return buildSnapshot(raw, { now, source: opts.source ?? (opts.cibFile ? `file:${opts.cibFile}` : opts.runner.where) });
}
