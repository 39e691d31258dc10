/** The shells the completion tests run (Debian packages bash, zsh, fish; scripts/install-deps.sh). */
import { findOnPath } from '../fencing/ipmi/sim-harness.js';

/** The shell's path; a missing shell fails the test with what to install (it never skips). */
export function requireShell(name: 'bash' | 'zsh' | 'fish'): string {
  const found = findOnPath(name);
  if (!found) throw new Error(`${name} not found in PATH: the completion tests run the real shell; install it (apt-get install -y --no-install-recommends ${name}, or bash scripts/install-deps.sh)`);
  return found;
}
