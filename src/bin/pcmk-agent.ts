/** Composition root of `pcmk-agent` (also the entry of the single-file bundle). */
import { handleAction } from '../agent/actions/index.js';
import { main } from '../agent/main.js';
import { fenceCheckHandler } from '../fencing/readiness/index.js';

main(process.argv.slice(2), ({ runner, cibFile }) => ({
  action: (req) => handleAction(req, { runner, cibFile }),
  fenceCheck: fenceCheckHandler({ runner, cibFile }),
})).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`pcmk-agent: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);
