/**
 * The state of the sandbox that a test file must leave as it found it: the CIB configuration, the
 * state of every node, the fail counts and the failed operations. Read with the tools themselves
 * (cibadmin, crm_mon, attrd_updater), not with the console's parsers under test.
 *
 * Fail counts are read from the CIB and from pacemaker-attrd, which owns them: a cleanup that
 * races an operation still running can leave a count in attrd that the CIB no longer shows, and
 * attrd writes it back at its next full write-out (a node joining, a new writer), where it keeps
 * the resource off that node long after the file that caused it.
 */
import { attrsOf, crmMonNodes, onMemberAsync } from './sandbox-env.js';

export interface SandboxState {
  /** The configuration section, one element per line, normalized (see normalizeConfiguration). */
  configuration: string[];
  /** "cluster-1: online standby=false maintenance=false ..." per node. */
  nodes: string[];
  /**
   * "cluster-1 fail-count-dregistry#monitor_10000=1" per fail count in the CIB, and
   * "... (in pacemaker-attrd only, not in the CIB)" per count only the attribute manager holds.
   */
  failcounts: string[];
  /** "dregistry_monitor_10000 on cluster-1: not running" per failed operation. */
  failures: string[];
}

/**
 * What a cluster writes by itself or what means "unset": the time of the last cleanup
 * (last-lrm-refresh) and a node's standby/maintenance attribute set to off (never set reads as
 * off; `pcmk unstandby` writes off).
 */
export function normalizeConfiguration(xml: string): string[] {
  const lines = xml
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/name="last-lrm-refresh"/.test(l) && !/<nvpair\b[^>]*name="(standby|maintenance)"[^>]*value="(off|false)"/.test(l));
  // Attribute sets left empty by the lines removed above.
  const out: string[] = [];
  for (const l of lines) {
    if (/^<\/instance_attributes>$/.test(l) && /^<instance_attributes\b[^/]*>$/.test(out.at(-1) ?? '')) {
      out.pop();
      continue;
    }
    if (/^<instance_attributes\b[^>]*\/>$/.test(l)) continue;
    out.push(l);
  }
  // A node element left without attributes reads the same as one that never had any.
  const joined: string[] = [];
  for (const l of out) {
    const prev = joined.at(-1) ?? '';
    if (l === '</node>' && /^<node\b[^/]*>$/.test(prev)) {
      joined[joined.length - 1] = prev.replace(/>$/, '/>');
      continue;
    }
    joined.push(l);
  }
  return joined;
}

export async function sandboxState(): Promise<SandboxState> {
  const configuration = normalizeConfiguration(await onMemberAsync(['cibadmin', '--query', '--scope', 'configuration'], 30_000));
  const mon = await onMemberAsync(['crm_mon', '--one-shot', '--output-as=xml'], 30_000);
  const nodes = [...crmMonNodes(mon)].map(
    ([n, a]) => `${n}: online=${a.online} standby=${a.standby} standby_onfail=${a.standby_onfail} maintenance=${a.maintenance} pending=${a.pending} unclean=${a.unclean} shutdown=${a.shutdown}`,
  );
  const failures = [...mon.matchAll(/<failure\b[^>]*>/g)].map((m) => {
    const a = attrsOf(m[0]);
    return `${a.op_key} on ${a.node}: ${a.exitreason || a.exitstatus || a.status}`;
  });
  const status = await onMemberAsync(['cibadmin', '--query', '--scope', 'status'], 30_000);
  const failcounts: string[] = [];
  for (const block of status.matchAll(/<node_state\b[^>]*>[\s\S]*?<\/node_state>/g)) {
    const node = attrsOf(/<node_state\b[^>]*>/.exec(block[0])![0]).uname ?? '?';
    for (const nv of block[0].matchAll(/<nvpair\b[^>]*name="fail-count-[^"]*"[^>]*>/g)) {
      const a = attrsOf(nv[0]);
      failcounts.push(`${node} ${a.name}=${a.value}`);
    }
  }
  failcounts.push(...(await attrdOnlyFailcounts(configuration, status, failcounts)));
  return { configuration, nodes: nodes.sort(), failcounts: failcounts.sort(), failures: failures.sort() };
}

/** Interval of an op in ms ("10s", "1min", "30000" ms, ...), or null. */
function intervalMs(v: string): number | null {
  const m = /^(\d+)\s*(ms|msec|s|sec|m|min|h|hr)?$/.exec(v.trim());
  if (!m) return null;
  const unit: Record<string, number> = { ms: 1, msec: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000 };
  return Number(m[1]) * (unit[m[2] ?? 's'] ?? 1000);
}

/**
 * The fail counts pacemaker-attrd holds that the CIB does not show (attrd has no listing: every
 * resource's start, stop and monitor counts are asked for by name, in one shell on a member).
 */
async function attrdOnlyFailcounts(configuration: string[], status: string, inCib: string[]): Promise<string[]> {
  const ops = new Map<string, Set<string>>();
  const add = (rsc: string, key: string) => (ops.get(rsc) ?? ops.set(rsc, new Set(['start_0', 'stop_0'])).get(rsc)!).add(key);
  let current: string | null = null;
  for (const l of configuration) {
    const prim = /^<primitive\b[^>]*\bid="([^"]+)"/.exec(l);
    if (prim) add((current = prim[1]!), 'start_0');
    if (/^<\/primitive>$/.test(l)) current = null;
    const op = /^<op\b[^>]*>/.exec(l);
    if (op && current) {
      const a = attrsOf(op[0]);
      const ms = intervalMs(a.interval ?? '0');
      if (a.name && ms !== null) add(current, `${a.name}_${ms}`);
    }
  }
  for (const r of status.matchAll(/<lrm_resource\b[^>]*\bid="([^"]+)"[^>]*>([\s\S]*?)<\/lrm_resource>/g)) {
    add(r[1]!, 'start_0');
    for (const k of r[2]!.matchAll(/operation_key="([^"]+)"/g)) {
      const key = k[1]!.slice(r[1]!.length + 1);
      if (key) add(r[1]!, key);
    }
  }
  const names = [...ops].flatMap(([rsc, keys]) => [...keys].map((k) => `fail-count-${rsc}#${k}`));
  const out = await onMemberAsync(['sh', '-c', 'for n in "$@"; do attrd_updater --query --all --name "$n" 2>/dev/null; done; exit 0', 'sh', ...names], 60_000);
  const held: string[] = [];
  for (const line of out.split('\n')) {
    const a = attrsOf(line);
    if (!a.name || !a.host || !a.value) continue;
    const entry = `${a.host} ${a.name}=${a.value}`;
    if (!inCib.includes(entry)) held.push(`${entry} (in pacemaker-attrd only, not in the CIB)`);
  }
  return held;
}

function onlyIn(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

/** The differences between the state a file found and the state it left, one line each (empty: none). */
export function leftBehind(before: SandboxState, after: SandboxState): string[] {
  const out: string[] = [];
  const section = (name: string, a: string[], b: string[], removals = true) => {
    const added = onlyIn(b, a);
    const removed = removals ? onlyIn(a, b) : [];
    for (const x of added.slice(0, 15)) out.push(`${name} added: ${x}`);
    for (const x of removed.slice(0, 15)) out.push(`${name} removed: ${x}`);
    if (added.length > 15 || removed.length > 15) out.push(`${name}: ${added.length} line(s) added, ${removed.length} removed in all`);
  };
  section('CIB configuration', before.configuration, after.configuration);
  section('node state', before.nodes, after.nodes);
  // A failure the file found may be gone (a fenced node's history is cleared): only new ones count.
  section('fail count', before.failcounts, after.failcounts, false);
  section('failed operation', before.failures, after.failures, false);
  return out;
}
