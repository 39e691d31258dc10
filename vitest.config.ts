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
    ],
  },
});
