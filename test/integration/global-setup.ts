/**
 * Integration tests run against the real sandbox cluster. Bring it up once per run if it is not
 * already up, and take it down at the end if this run started it (or always with PCMK_SANDBOX_DOWN=1),
 * even when tests fail.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sandbox = path.join(root, 'test/sandbox/sandbox.sh');

function isUp(): boolean {
  try {
    execFileSync('bash', [sandbox, 'status'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

export default function setup(): () => void {
  let started = false;
  if (!isUp()) {
    execFileSync('bash', [sandbox, 'up'], { stdio: 'inherit', timeout: 15 * 60_000 });
    started = true;
  }
  return () => {
    if (process.env.PCMK_SANDBOX_KEEP === '1') return;
    if (started || process.env.PCMK_SANDBOX_DOWN === '1') {
      execFileSync('bash', [sandbox, 'down'], { stdio: 'inherit', timeout: 5 * 60_000 });
    }
  };
}
