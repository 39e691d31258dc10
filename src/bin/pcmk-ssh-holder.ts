/**
 * The connection holder's program: started detached by `pcmk` or `pcmk-top` when SSH connections
 * are kept between runs (src/transport/ssh/holder.ts). Its stderr is the log file in its private
 * directory; the single line "ready" on stdout tells the starter it listens.
 *
 *   pcmk-ssh-holder --dir DIR [--idle-ms N]     hold connections until N ms without a console
 *   pcmk-ssh-holder --dir DIR --stop            stop the holder of DIR
 */
import { statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { printError, printText } from '../commands/output.js';
import { stopHolder } from '../transport/ssh/held-client.js';
import { DEFAULT_IDLE_MS, Holder } from '../transport/ssh/holder.js';
import { ensurePrivateDir, LOG_NAME } from '../transport/ssh/reuse-dir.js';

const LOG_LIMIT = 1024 * 1024;

function log(line: string): void {
  printError(`${new Date().toISOString()} [${process.pid}] ${line}`);
}

async function main(argv: string[]): Promise<number> {
  const at = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const dirArg = at('--dir');
  if (!dirArg) {
    printError('usage: pcmk-ssh-holder --dir DIR [--idle-ms N] [--stop]');
    return 64;
  }
  const dir = ensurePrivateDir(path.resolve(dirArg));
  if (argv.includes('--stop')) {
    const pid = await stopHolder(dir);
    printText(pid === null ? 'no holder' : `stopped ${pid}`);
    return 0;
  }
  const idle = Number(at('--idle-ms') ?? DEFAULT_IDLE_MS);
  if (!Number.isFinite(idle) || idle <= 0) {
    printError('--idle-ms needs a positive number');
    return 64;
  }
  try {
    if (statSync(path.join(dir, LOG_NAME)).size > LOG_LIMIT) truncateSync(path.join(dir, LOG_NAME), 0);
  } catch {
    // no log yet
  }
  process.title = 'pcmk-ssh-holder';
  const holder = await Holder.start({ dir, idleMs: idle, log });
  // The starter waits for this line; it may be gone already (a closed pipe is not an error).
  process.stdout.on('error', () => {});
  printText('ready');
  process.stdout.end();
  if (!holder) {
    log('another holder answers on this directory; exiting');
    return 0;
  }
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => void holder.stop(`${sig}`));
  await holder.closed;
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(`failed: ${(e as Error)?.message ?? String(e)}`);
    process.exit(70);
  },
);
