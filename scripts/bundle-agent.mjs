// Builds the agent into one dependency-free file that runs with Node >= 18 on a cluster host,
// so the console can push it to a host that has nothing installed.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/bin/pcmk-agent.ts'],
  outfile: 'dist/pcmk-agent.cjs',
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  minify: false,
  legalComments: 'none',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
