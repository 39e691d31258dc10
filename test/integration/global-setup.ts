/**
 * Integration tests run against the real sandbox cluster. Bring it up once per run if it does not
 * exist, and take it down at the end if this run started it (or always with PCMK_SANDBOX_DOWN=1),
 * even when tests fail. A sandbox that exists but is not healthy yet (a node rebooting after a
 * fencing test) is waited for, never rebuilt under someone's feet.
 * PCMK_SANDBOX=none skips all this, for the files that do not use the cluster (transport-sshd).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopHolder } from '../../src/transport/ssh/held-client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sandbox = path.join(root, 'test/sandbox/sandbox.sh');

function status(): 'healthy' | 'dead' | 'unhealthy' {
  try {
    execFileSync('bash', [sandbox, 'status'], { stdio: 'pipe', timeout: 60_000 });
    return 'healthy';
  } catch (e) {
    const out = String((e as { stdout?: Buffer }).stdout ?? '');
    return /no member running/.test(out) ? 'dead' : 'unhealthy';
  }
}

function exists(): boolean {
  try {
    return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 }).includes('pcmk-cluster-1');
  } catch {
    return false;
  }
}

/**
 * The tests run pcmk with PCMK_NO_REUSE=1 (vitest.config.ts); only ssh-reuse.test.ts starts
 * connection holders, in its own pcmk-reuse-test-* directory, and stops them. Any a crashed run
 * left behind are stopped here, so no holder outlives the run.
 */
async function stopTestHolders(): Promise<void> {
  for (const base of readdirSync(tmpdir()).filter((n) => n.startsWith('pcmk-reuse-test-'))) {
    const dir = path.join(tmpdir(), base);
    for (const sub of readdirSync(dir)) await stopHolder(path.join(dir, sub)).catch(() => null);
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.PCMK_SANDBOX === 'none') return stopTestHolders;
  let started = false;
  // CI starts from a clean cluster; leftovers of an earlier run (namespaces whose processes are
  // gone) are rebuilt at once.
  let st = process.env.CI ? 'dead' : exists() ? status() : 'dead';
  const deadline = Date.now() + 180_000;
  while (st === 'unhealthy' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 3000));
    st = status();
  }
  if (st !== 'healthy') {
    execFileSync('bash', [sandbox, 'up', '--bundle'], { stdio: 'inherit', timeout: 15 * 60_000 });
    started = true;
  }
  return async () => {
    await stopTestHolders();
    if (process.env.PCMK_SANDBOX_KEEP === '1') return;
    if (started || process.env.PCMK_SANDBOX_DOWN === '1') {
      execFileSync('bash', [sandbox, 'down'], { stdio: 'inherit', timeout: 5 * 60_000 });
    }
  };
}
