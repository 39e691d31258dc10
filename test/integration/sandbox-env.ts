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

export async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 60_000, everyMs = 500): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}
