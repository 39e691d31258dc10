/**
 * A rolling upgrade half done: the sandbox rebuilt with `up --mixed` (cluster-3 on Debian 13's
 * Pacemaker 3.0 and Corosync 3.1.9, the other nodes on this machine's 2.1, test/sandbox) for this
 * project's run and taken down at its end, even when tests fail. Whatever sandbox was up before is
 * replaced: run this project after the others. PCMK_SANDBOX_KEEP=1 leaves it up.
 */
import { execFileSync } from 'node:child_process';
import { sandboxScript } from '../integration/sandbox-env.js';

export default function setup(): () => void {
  execFileSync('bash', [sandboxScript, 'up', '--mixed'], { stdio: 'inherit', timeout: 15 * 60_000 });
  return () => {
    if (process.env.PCMK_SANDBOX_KEEP === '1') return;
    execFileSync('bash', [sandboxScript, 'down'], { stdio: 'inherit', timeout: 5 * 60_000 });
  };
}
