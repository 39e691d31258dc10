import { printError } from '../commands/output.js';

/** Runs a command's main() as a process: exit code, a closed pipe is not an error, no hanging handles. */
export function runMain(name: string, main: (argv: string[]) => Promise<number>): void {
  // `pcmk status | head` closes the pipe early.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Pooled SSH connections and timers must not keep a finished command alive. A pipe takes
      // large output (`pcmk history --json | jq`) asynchronously: exit only once it has it all.
      const exit = (): void => void setTimeout(() => process.exit(code), 50).unref();
      if (process.stdout.writableLength > 0) process.stdout.once('drain', exit);
      else exit();
    },
    (e: unknown) => {
      printError(`${name}: ${(e as Error)?.stack ?? String(e)}`);
      process.exit(70);
    },
  );
}
