import { defineConfig } from 'vitest/config';

// Every pcmk a test runs connects directly: no connection holder outlives the tests. The holder's
// own tests (ssh-reuse.test.ts) turn it on for themselves, in a private directory.
const env = { PCMK_NO_REUSE: '1' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          testTimeout: 60_000,
          env,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/integration/**/*.test.tsx'],
          globalSetup: ['test/integration/global-setup.ts'],
          // Around every file: a settled cluster first, and the sandbox left as the file found it.
          setupFiles: ['test/integration/leave-as-found.ts'],
          testTimeout: 180_000,
          env,
          hookTimeout: 300_000,
          fileParallelism: false,
          // No retry: a test that depends on the cluster's timing waits for the exact condition it
          // needs, bounded, and a failure is a failure.
        },
      },
      {
        // The integration tests that matter, on the Pacemaker 3.0 sandbox (its global setup
        // replaces the running sandbox with `up --pacemaker 3.0 --bundle` and takes it down at the
        // end): reads (the bundle too, and pcs status) and a move preview over SSH, actions (move
        // with preview, ban, cleanup, standby), fencing readiness and one real fence. Run after the
        // integration project, never beside it. cli-sandbox.test.ts (7 min on 3.0) is left out to
        // keep CI's time.
        test: {
          name: 'integration-pcmk3',
          include: [
            'test/integration-pcmk3/**/*.test.ts',
            'test/integration/actions-sandbox.test.ts',
            'test/integration/fence-readiness.test.ts',
            'test/integration/fence-real.test.ts',
          ],
          globalSetup: ['test/integration-pcmk3/global-setup.ts'],
          setupFiles: ['test/integration/leave-as-found.ts'],
          testTimeout: 180_000,
          env,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        // A rolling upgrade half done (`up --mixed`: cluster-3 on Pacemaker 3.0, the rest on 2.1):
        // the mix runs, reads warn with each node's release, changes go through either version.
        // Its global setup replaces the running sandbox: run it after the two projects above.
        test: {
          name: 'integration-mixed',
          include: ['test/integration-mixed/**/*.test.ts'],
          globalSetup: ['test/integration-mixed/global-setup.ts'],
          setupFiles: ['test/integration/leave-as-found.ts'],
          testTimeout: 180_000,
          env,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
