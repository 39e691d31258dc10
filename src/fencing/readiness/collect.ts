/**
 * runFenceCheck(): the IO half of the fencing readiness check. Runs on a cluster host (inside the
 * agent): reads the CIB (credentials included, which never leave this function), a snapshot, the
 * fencer's view (`stonith_admin --list NODE`, `--list-registered`, `--query DEVICE`), runs the
 * agent's own monitor for devices the local fencer does not hold, and asks every IPMI BMC for its
 * chassis power state with our IPMI client. Everything runs in parallel, each with a timeout.
 * Nothing is fenced, powered or changed.
 */
import { collectCrmMon } from '../../agent/collect.js';
import { parseCib, readStonithSecret, type CibResult, type CibStonithDevice } from '../../agent/parse/cib.js';
import { ToolError, type ToolRunner } from '../../agent/run-tool.js';
import { buildSnapshot, hasClusterState, type RawOutputs, type ToolResult } from '../../agent/snapshot.js';
import type { ClusterSnapshot } from '../../model/snapshot.js';
import { IpmiError, withIpmi } from '../ipmi/index.js';
import { analyzeFencing, fenceNodes } from './analyze.js';
import { agentStdin, ipmiTarget, RUNNABLE_AGENT } from './device-params.js';
import { parseStonithAdmin, statusText } from './parse-stonith-admin.js';
import type { FenceIpmiCheck, FenceReport, FenceStatusCheck } from './types.js';

export interface FenceCheckOptions {
  runner: ToolRunner;
  /** Work on a CIB file: configuration only, no device is asked. */
  cibFile?: string;
  now?: () => Date;
  /** Time budget for one BMC (all attempts), default 2400 ms. */
  ipmiTimeoutMs?: number;
  /** Timeout of each stonith_admin / fence agent call, default 4000 ms. */
  toolTimeoutMs?: number;
  /** Timeout of the snapshot's tools (crm_mon, cibadmin, corosync), default 8000 ms. */
  snapshotTimeoutMs?: number;
  /** Report only these nodes, and check only the devices that may fence them. */
  only?: string[];
  /** Name of the host the checks run on, when the caller knows it. */
  node?: string;
}

const IPMI_RETRIES = 2;

interface Settled<T> {
  value?: T;
  error?: unknown;
}

async function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

/** One line from a failed tool, without interpreter noise and log timestamps. */
export function cleanToolText(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/DeprecationWarning|^from pipes import|^warnings\.warn/.test(l))
    .map((l) => l.replace(/^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[,.]\d+)?\s+/, ''));
  const t = lines.slice(0, 3).join(' | ');
  return t.length > 300 ? `${t.slice(0, 300)}…` : t;
}

function toolFailureText(e: unknown): string {
  if (e instanceof ToolError) {
    if (e.failure === 'timeout') return `no answer within ${e.timeoutMs} ms`;
    if (e.failure === 'missing') return `${e.tool} is not installed on this host`;
    if (e.stdout.trim().startsWith('<')) {
      try {
        return statusText(parseStonithAdmin(e.stdout).status);
      } catch {
        /* fall through */
      }
    }
    const detail = cleanToolText(e.stderr) || cleanToolText(e.stdout);
    return `${e.failure === 'exit' ? `exit code ${e.exitCode}` : e.failure}${detail ? `: ${detail}` : ''}`;
  }
  return (e as Error)?.message ?? String(e);
}

/** Replaces every secret value in every string of `value` (deep), so a report can never carry one. */
export function scrubSecrets<T>(value: T, secrets: string[]): T {
  const list = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  if (!list.length) return value;
  const fix = (s: string): string => {
    let out = s;
    for (const sec of list) if (out.includes(sec)) out = out.split(sec).join('(secret)');
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fix(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[fix(k)] = walk(x);
      return o;
    }
    return v;
  };
  return walk(value) as T;
}

async function stonithAdmin(runner: ToolRunner, args: string[], timeoutMs: number): Promise<ReturnType<typeof parseStonithAdmin>> {
  const secs = Math.max(1, Math.floor(timeoutMs / 1000) - 1);
  const out = await runner.run('stonith_admin', ['--output-as=xml', ...args, '--timeout', String(secs)], { timeoutMs });
  return parseStonithAdmin(out.stdout);
}

async function statusCheck(
  runner: ToolRunner,
  d: CibStonithDevice,
  registered: () => Promise<boolean>,
  secrets: Record<string, string>,
  timeoutMs: number,
): Promise<FenceStatusCheck> {
  const t = performance.now();
  const ms = (): number => Math.round(performance.now() - t);
  if ((d.meta['target-role'] ?? '').toLowerCase() === 'stopped') {
    return { ok: null, method: 'skipped', detail: 'device disabled', durationMs: 0 };
  }
  if (!RUNNABLE_AGENT.test(d.agent)) {
    // The fencer's --query is the fallback for agents we do not run ourselves. It checks little:
    // Pacemaker 2.1's fencer answers OK without running anything for a device that is not active
    // on this node.
    if (!(await registered())) return { ok: null, method: 'skipped', detail: `${d.agent} is not run directly and not registered with the local fencer`, durationMs: 0 };
    try {
      const a = await stonithAdmin(runner, ['--query', d.id], timeoutMs);
      const ok = a.status.code === 0;
      return { ok, method: 'stonith_admin --query', detail: ok ? 'the fencer accepted the monitor request' : statusText(a.status), durationMs: ms() };
    } catch (e) {
      return { ok: false, method: 'stonith_admin --query', detail: toolFailureText(e), durationMs: ms() };
    }
  }
  const input = agentStdin(d, secrets, 'monitor');
  if (input === null) return { ok: null, method: 'skipped', detail: 'a parameter value spans several lines', durationMs: 0 };
  try {
    // Parameters, credentials included, go on stdin (never in argv), as the fencer passes them.
    await runner.run(d.agent, [], { input, timeoutMs });
    return { ok: true, method: 'agent monitor', detail: `${d.agent} monitor succeeded`, durationMs: ms() };
  } catch (e) {
    if (e instanceof ToolError && e.failure === 'missing') {
      return { ok: null, method: 'skipped', detail: `${d.agent} is not installed on this host`, durationMs: ms() };
    }
    return { ok: false, method: 'agent monitor', detail: toolFailureText(e), durationMs: ms() };
  }
}

async function ipmiCheck(d: CibStonithDevice, secrets: Record<string, string>, budgetMs: number): Promise<FenceIpmiCheck | { ok: null; skipped: string } | null> {
  const target = ipmiTarget(d);
  if (!target) return null;
  if (target.skip) return { ok: null, skipped: target.skip };
  const password = target.passwordParam ? secrets[target.passwordParam] ?? '' : '';
  const kgHex = secrets.hexadecimal_kg;
  const kg = kgHex && /^(0x)?[0-9a-f]+$/i.test(kgHex) ? Buffer.from(kgHex.replace(/^0x/i, ''), 'hex') : undefined;
  const perAttempt = Math.max(100, Math.floor(budgetMs / (IPMI_RETRIES + 1)));
  const t = performance.now();
  let last: FenceIpmiCheck | null = null;
  for (const cipherSuite of target.cipherSuites) {
    try {
      const st = await withIpmi(
        { host: target.host, port: target.port, username: target.username, password, cipherSuite, privilege: target.privilege, kg, timeoutMs: perAttempt, retries: IPMI_RETRIES },
        (s) => s.getChassisStatus(),
      );
      return { ok: true, host: target.host, port: target.port, cipherSuite, power: st.power, code: null, error: null, durationMs: Math.round(performance.now() - t) };
    } catch (e) {
      const code = e instanceof IpmiError ? e.code : 'error';
      last = { ok: false, host: target.host, port: target.port, cipherSuite, power: null, code, error: (e as Error).message, durationMs: Math.round(performance.now() - t) };
      if (code !== 'unsupported-cipher') break;
    }
  }
  return last;
}

/** Reads every credential of every device from the CIB text, on this host only. */
function readSecrets(xml: string, cib: CibResult): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const d of cib.stonithDevices) {
    const s: Record<string, string> = {};
    for (const name of d.secretsSet) {
      const v = readStonithSecret(xml, d.id, name);
      if (v !== null) s[name] = v;
    }
    out[d.id] = s;
  }
  return out;
}

function localNodeName(snapshot: ClusterSnapshot | null): string | null {
  const m = snapshot?.corosync?.members.find((x) => x.local);
  return m?.name ?? null;
}

async function attempt(runner: ToolRunner, tool: string, args: string[], opts: { timeoutMs: number; env?: Record<string, string>; okExitCodes?: number[] }): Promise<ToolResult> {
  try {
    const o = await runner.run(tool, args, opts);
    return { ok: true, tool, stdout: o.stdout, stderr: o.stderr, exitCode: o.exitCode, durationMs: o.durationMs };
  } catch (e) {
    if (e instanceof ToolError) return { ok: false, tool, error: e, stdout: e.stdout, durationMs: e.durationMs };
    throw e;
  }
}

/**
 * The whole readiness check. Never throws for a tool failure; an unreadable CIB is thrown.
 *
 * Critical path: `cibadmin --query` (the device list and credentials), then the fencer's lists and
 * every device check start at once, while crm_mon (the rest of the snapshot) runs alongside. Only
 * the tools the report needs are run: crm_mon, cibadmin, corosync-quorumtool (quorum flags and
 * this host's name), stonith_admin, the fence agents.
 */
export async function runFenceCheck(opts: FenceCheckOptions): Promise<FenceReport> {
  const started = performance.now();
  const now = opts.now ?? (() => new Date());
  const { runner } = opts;
  const live = !opts.cibFile;
  const env: Record<string, string> = opts.cibFile ? { CIB_file: opts.cibFile } : {};
  const toolMs = opts.toolTimeoutMs ?? 4000;
  const ipmiMs = opts.ipmiTimeoutMs ?? 2400;
  const snapMs = opts.snapshotTimeoutMs ?? 8000;

  const cibP = runner.run('cibadmin', ['--query', '--scope', 'configuration'], { timeoutMs: snapMs, env });
  const crmMonP = collectCrmMon(runner, env, snapMs);
  // corosync-quorumtool -s exits 2 when the partition has no quorum; that output is still valid.
  const quorumP = live ? attempt(runner, 'corosync-quorumtool', ['-s'], { timeoutMs: snapMs, okExitCodes: [2] }) : null;
  const registeredP = live ? settle(stonithAdmin(runner, ['--list-registered'], toolMs)) : null;
  // Keep these from being reported as unhandled while the CIB is awaited.
  void crmMonP.catch(() => undefined);

  const cibOut = await cibP;
  const xml = cibOut.stdout;
  const cib = parseCib(xml, { now: now() });
  const secrets = readSecrets(xml, cib);
  const secretValues = Object.values(secrets).flatMap((s) => Object.values(s));

  const nodes = fenceNodes(cib, null).filter((n) => n.type !== 'guest' && (!opts.only || opts.only.includes(n.name)));
  const listsP = live
    ? Promise.all(
        nodes.map(async (n) => {
          const r = await settle(stonithAdmin(runner, ['--list', n.name], toolMs));
          return [n.name, r.value ? r.value.items : { error: toolFailureText(r.error) }] as const;
        }),
      )
    : Promise.resolve([] as Array<readonly [string, string[] | { error: string }]>);

  // Only the devices that may fence the nodes asked about (all of them without `only`).
  const relevant = cib.stonithDevices.filter((d) => {
    if (!opts.only) return true;
    const names = [...(d.hostList ?? []), ...Object.keys(d.hostMap ?? {})];
    return !names.length || names.some((x) => opts.only!.includes(x));
  });
  const registeredNames = async (): Promise<string[] | null> => (registeredP ? ((await registeredP).value?.items ?? null) : null);
  const checksP = live
    ? Promise.all(
        relevant.map(async (d) => {
          const [st, ipmi] = await Promise.all([
            statusCheck(runner, d, async () => (await registeredNames())?.includes(d.id) ?? false, secrets[d.id] ?? {}, toolMs),
            ipmiCheck(d, secrets[d.id] ?? {}, ipmiMs),
          ]);
          return { id: d.id, st, ipmi };
        }),
      )
    : Promise.resolve([]);

  const [lists, checks, crmMon, quorum, registeredR] = await Promise.all([listsP, checksP, crmMonP, quorumP ?? Promise.resolve(undefined), registeredP ?? Promise.resolve(null)]);
  const raw: RawOutputs = { crmMon, cib: { ok: true, tool: 'cibadmin', stdout: xml, stderr: '', exitCode: 0, durationMs: cibOut.durationMs } };
  if (quorum) raw.quorumtool = quorum;
  const snapshot = buildSnapshot(raw, { now: now(), source: opts.node ?? runner.where });
  let checkedFrom = opts.node ?? localNodeName(snapshot);
  if (!checkedFrom && live) {
    const r = await settle(runner.run('crm_node', ['--name'], { timeoutMs: toolMs }));
    checkedFrom = r.value?.stdout.trim() || null;
  }

  const report = analyzeFencing({
    cib,
    snapshot: hasClusterState(snapshot) ? snapshot : null,
    mode: live ? 'live' : 'cib-file',
    checkedFrom,
    fencerLists: Object.fromEntries(lists),
    registered: registeredR?.value ? registeredR.value.items : null,
    statusChecks: Object.fromEntries(checks.map((c) => [c.id, c.st])),
    ipmi: Object.fromEntries(checks.filter((c) => c.ipmi !== null).map((c) => [c.id, c.ipmi!])),
    takenAt: now().toISOString(),
    durationMs: 0,
    only: opts.only,
  });
  if (live && registeredR?.error) {
    report.cluster.findings.push({ severity: 'warning', code: 'fencer-unreachable', message: `stonith_admin --list-registered failed: ${toolFailureText(registeredR.error)}` });
  }
  if (!crmMon.ok) {
    report.cluster.findings.push({ severity: 'warning', code: 'status-unavailable', message: `the cluster status could not be read: ${crmMon.error ? toolFailureText(crmMon.error) : crmMon.skipped}` });
  }
  report.durationMs = Math.round(performance.now() - started);
  return scrubSecrets(report, secretValues);
}

/** The agent's `fence-check` request handler (plugged into serve()). */
export function fenceCheckHandler(ctx: { runner: ToolRunner; cibFile?: string; node?: string }): () => Promise<FenceReport> {
  return () => runFenceCheck({ runner: ctx.runner, cibFile: ctx.cibFile, node: ctx.node });
}
