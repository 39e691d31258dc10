import { handleAction } from './actions/index.js';
import { main } from './main.js';

main(process.argv.slice(2), ({ runner, cibFile }) => ({
  action: (req) => handleAction(req, { runner, cibFile }),
})).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`pcmk-agent: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);
