// A closed pipe (pcmk status | head) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Pooled SSH connections and timers must not keep a finished command alive.
    setTimeout(() => process.exit(code), 50).unref();
  },
  (e: unknown) => {
    process.stderr.write(`pcmk: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);
