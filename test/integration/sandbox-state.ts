/**
 * The state of the sandbox that a test file must leave as it found it: the CIB configuration, the
 * state of every node, the fail counts and the failed operations. Read with the tools themselves
 * (cibadmin, crm_mon), not with the console's parsers under test.
 */
import { attrsOf, crmMonNodes, onMemberAsync } from './sandbox-env.js';

export interface SandboxState {
  /** The configuration section, one element per line, normalized (see normalizeConfiguration). */
  configuration: string[];
  /** "cluster-1: online standby=false maintenance=false ..." per node. */
  nodes: string[];
  /** "cluster-1 fail-count-dregistry#monitor_10000=1" per fail count. */
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
  return { configuration, nodes: nodes.sort(), failcounts: failcounts.sort(), failures: failures.sort() };
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
