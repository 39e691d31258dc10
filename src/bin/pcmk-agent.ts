/** Composition root of `pcmk-agent` (also the entry of the single-file bundle). */
import { handleAction, handleWhy, parseWhyRequest } from '../agent/actions/index.js';
import { main } from '../agent/main.js';
import { fenceCheckHandler } from '../fencing/readiness/index.js';
import { historyHandler } from '../agent/history/index.js';

// A console that went away (closed channel) must not crash a change still running here: its
// result and audit entry are written; only the answer is lost.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

main(process.argv.slice(2), ({ runner, cibFile, node }) => ({
  action: (req) => handleAction(req, { runner, cibFile }),
  fenceCheck: fenceCheckHandler({ runner, cibFile }),
  why: (req) => handleWhy(parseWhyRequest(req), { runner, cibFile }),
  history: historyHandler({ runner, host: node }),
})).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`pcmk-agent: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);
