/**
 * The integration tests that matter, again on Pacemaker 3.0: the sandbox is rebuilt with
 * `up --pacemaker 3.0 --bundle` (nodes on Debian 13's Pacemaker 3.0 and Corosync 3.1.9, with the
 * podman bundle, test/sandbox) for this project's run and taken down at its end, even when tests
 * fail. Whatever sandbox was up before (the 2.1 one of the integration project) is replaced: run
 * this project after that one. PCMK_SANDBOX_KEEP=1 leaves the 3.0 sandbox up.
 */
import { execFileSync } from 'node:child_process';
import { sandboxScript } from '../integration/sandbox-env.js';

export default function setup(): () => void {
  execFileSync('bash', [sandboxScript, 'up', '--pacemaker', '3.0', '--bundle'], { stdio: 'inherit', timeout: 15 * 60_000 });
  return () => {
    if (process.env.PCMK_SANDBOX_KEEP === '1') return;
    execFileSync('bash', [sandboxScript, 'down'], { stdio: 'inherit', timeout: 5 * 60_000 });
  };
}
