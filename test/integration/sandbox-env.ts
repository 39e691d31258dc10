/** Paths and helpers for tests on the sandbox cluster (test/sandbox). */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalToolRunner } from '../../src/agent/run-tool.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sandboxScript = path.join(root, 'test/sandbox/sandbox.sh');
export const state = process.env.PCMK_SANDBOX_STATE ?? '/var/lib/pcmk-sandbox';
export const sshConfig = path.join(state, 'ssh_config');
export const knownHosts = path.join(state, 'known_hosts');
export const agentBundle = path.join(root, 'dist/pcmk-agent.cjs');

/** Runs tools inside a sandbox node (nsenter into its init), like a shell on that node. */
export function nodeRunner(node: string): LocalToolRunner {
  return new LocalToolRunner(['bash', sandboxScript, 'exec', node, '--']);
}

export function onNode(node: string, argv: string[], timeout = 60_000): string {
  return execFileSync('bash', [sandboxScript, 'exec', node, '--', ...argv], { encoding: 'utf8', timeout });
}

export function onNodeAsync(node: string, argv: string[], timeout = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [sandboxScript, 'exec', node, '--', ...argv], { encoding: 'utf8', timeout }, (e, out) => (e ? reject(e) : resolve(out)));
  });
}

/** Where a resource runs now, from crm_resource on a member. */
export function locate(resource: string, node = 'cluster-1'): string[] {
  const out = onNode(node, ['crm_resource', '--locate', '--resource', resource]);
  return [...out.matchAll(/is running on: (\S+)/g)].map((m) => m[1]!);
}

/** What a waitFor check saw when the condition does not hold yet (named in the timeout error). */
export class Pending {
  constructor(readonly seen: string) {}
}

/** "Not yet": the check saw `seen` instead of what it waits for. */
export function pending(seen: string): Pending {
  return new Pending(seen);
}

function describeSeen(v: unknown): string {
  if (v instanceof Pending) return v.seen;
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 2000 ? `${s.slice(0, 2000)}...` : s;
}

/**
 * Polls `fn` until it returns a truthy value that is not pending(...), for at most timeoutMs.
 * On timeout the error names what was awaited and what the last check saw (its pending(...)
 * text, its value, or the error it threw).
 */
export async function waitFor<T>(what: string, fn: () => T | Pending | Promise<T | Pending>, timeoutMs = 60_000, everyMs = 500): Promise<Exclude<NonNullable<T>, Pending>> {
  const deadline = Date.now() + timeoutMs;
  let seen = 'nothing (no check finished)';
  for (;;) {
    try {
      const v = await fn();
      if (v && !(v instanceof Pending)) return v as Exclude<NonNullable<T>, Pending>;
      seen = describeSeen(v);
    } catch (e) {
      seen = `error: ${(e as Error).message.split('\n').slice(0, 6).join(' | ')}`;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, Math.min(everyMs, Math.max(0, deadline - Date.now()))));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
}

export const members = ['cluster-1', 'cluster-2', 'cluster-3'];
/** The sandbox's own nodes (a podman bundle adds guest nodes dummy-bundle-N when it runs). */
export const sandboxNodes = [...members, 'remote-1', 'guest-1'];

/** Lines containing `text` in the pacemaker logs of every member, e.g. "Result of start operation for db on". */
export function countInPacemakerLogs(text: string): number {
  let n = 0;
  for (const m of members) n += Number(onNode(m, ['sh', '-c', 'grep -c -- "$1" /var/log/pacemaker/pacemaker.log || true', 'sh', text]).trim() || '0');
  return n;
}

/** A command on the first member that answers (a member may be rebooting after a fence). */
export function onMember(argv: string[], timeout = 60_000): string {
  const errors: string[] = [];
  for (const m of members) {
    try {
      return onNode(m, argv, timeout);
    } catch (e) {
      errors.push(`${m}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`no member ran ${argv.join(' ')}: ${errors.join('; ')}`);
}

/** A command on the first member that answers (a member may be rebooting after a fence). */
export async function onMemberAsync(argv: string[], timeout = 60_000): Promise<string> {
  const errors: string[] = [];
  for (const m of members) {
    try {
      return await onNodeAsync(m, argv, timeout);
    } catch (e) {
      errors.push(`${m}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`no member ran ${argv.join(' ')}: ${errors.join('; ')}`);
}

export function attrsOf(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

/** The <node> elements of crm_mon's XML, by name. */
export function crmMonNodes(xml: string): Map<string, Record<string, string>> {
  const nodes = new Map<string, Record<string, string>>();
  const section = /<nodes>([\s\S]*?)<\/nodes>/.exec(xml)?.[1] ?? '';
  for (const m of section.matchAll(/<node\b[^>]*>/g)) {
    const a = attrsOf(m[0]);
    if (a.name) nodes.set(a.name, a);
  }
  return nodes;
}

/**
 * Null when the cluster has settled, else what is still moving: the sandbox's five nodes online,
 * no node pending or unclean, a DC in S_IDLE, and no action the scheduler would still run
 * (crm_resource --wait, which ignores blocked actions, answers at once).
 */
export async function whyUnsettled(): Promise<string | null> {
  const xml = await onMemberAsync(['crm_mon', '--one-shot', '--output-as=xml'], 20_000);
  const nodes = crmMonNodes(xml);
  const bad: string[] = [];
  for (const n of sandboxNodes) if (nodes.get(n)?.online !== 'true') bad.push(`${n} not online`);
  for (const [n, a] of nodes) {
    if (a.pending === 'true') bad.push(`${n} pending`);
    if (a.unclean === 'true') bad.push(`${n} unclean`);
  }
  if (bad.length) return bad.join(', ');
  const dc = attrsOf(/<current_dc\b[^>]*>/.exec(xml)?.[0] ?? '');
  if (dc.present !== 'true' || !dc.name) return 'no DC';
  const fsa = await onMemberAsync(['crmadmin', '-S', dc.name], 20_000);
  if (!/S_IDLE/.test(fsa)) return `DC ${dc.name} not idle: ${fsa.trim()}`;
  const wait = await onMemberAsync(['sh', '-c', 'crm_resource --wait --timeout 2s 2>&1; echo "exit $?"'], 30_000);
  if (!/exit 0\s*$/.test(wait)) return `actions pending: ${wait.replace(/\s+/g, ' ').trim()}`;
  return null;
}

/** Waits (bounded) until the cluster has settled; the error says what was still moving. */
export async function settled(timeoutMs = 240_000): Promise<void> {
  await waitFor(
    'the cluster to settle',
    async () => {
      const why = await whyUnsettled();
      return why === null ? true : pending(why);
    },
    timeoutMs,
    1000,
  );
}
