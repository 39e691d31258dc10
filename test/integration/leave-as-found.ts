/**
 * Every integration file leaves the sandbox as it found it (vitest setupFiles of the integration
 * project, so these hooks wrap each file). Before a file: wait for a settled cluster and record
 * its state (sandbox-state.ts). After the file: wait (bounded) until the cluster has settled back
 * to that state; if it does not, the file fails, naming what was left behind.
 * PCMK_SANDBOX=none (the files that do not use the cluster, run on their own): nothing to keep.
 */
import { afterAll, beforeAll } from 'vitest';
import { pending, settled, waitFor, whyUnsettled } from './sandbox-env.js';
import { leftBehind, sandboxState, type SandboxState } from './sandbox-state.js';

let found: SandboxState | null = null;

const inUse = process.env.PCMK_SANDBOX !== 'none';

beforeAll(async () => {
  if (!inUse) return;
  await settled();
  found = await sandboxState();
}, 300_000);

afterAll(async () => {
  if (!found) return;
  const start = found;
  await waitFor(
    'the sandbox as this file found it (settled, same CIB configuration, node states, fail counts and failures)',
    async () => {
      const why = await whyUnsettled();
      if (why) return pending(`not settled: ${why}`);
      const diff = leftBehind(start, await sandboxState());
      return diff.length ? pending(`left behind:\n  ${diff.join('\n  ')}`) : true;
    },
    180_000,
    2000,
  );
}, 300_000);
