/**
 * Tools started before the program's code is loaded. On a cluster node `pcmk status` spends about
 * as long reading and compiling its code as the cluster's tools take to answer; its launcher starts
 * those tools first (src/bin/pcmk-early.ts), and `LocalToolRunner.run` takes a started call when it
 * asks for exactly that command (program, arguments, timeout, the default tool environment) instead
 * of starting it again. A started call is taken at most once; one nobody took is killed when the
 * process exits, so a guess that turned out wrong costs a little CPU and changes nothing.
 *
 * The calls live on globalThis: the launcher's small bundle and the program's bundle each hold a
 * copy of this module.
 */
import { execFile, type ChildProcess, type ExecFileException } from 'node:child_process';

/** What a started call ended with: execFile's callback arguments and how long it ran. */
export interface StartedCall {
  error: ExecFileException | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

interface Entry {
  child: ChildProcess;
  done: Promise<StartedCall>;
}

const KEY = Symbol.for('pcmk-console.started-early');

/** The started calls of this process; created (with the kill at exit) only when `create`. */
function calls(create: boolean): Map<string, Entry> | undefined {
  const g = globalThis as unknown as Record<symbol, Map<string, Entry> | undefined>;
  if (!g[KEY] && create) {
    const m = new Map<string, Entry>();
    g[KEY] = m;
    process.once('exit', () => {
      for (const e of m.values()) e.child.kill('SIGKILL');
    });
  }
  return g[KEY];
}

/** A tool's program and arguments, through a prefix command when there is one (nsenter ...). */
export function commandLine(prefix: readonly string[], tool: string, args: readonly string[]): { file: string; argv: string[] } {
  return prefix.length ? { file: prefix[0]!, argv: [...prefix.slice(1), tool, ...args] } : { file: tool, argv: [...args] };
}

/** The environment every tool runs with: the caller's, in UTC and the C locale, plus its own. */
export function toolEnv(...extra: Array<Record<string, string> | undefined>): NodeJS.ProcessEnv {
  return Object.assign({ ...process.env, TZ: 'UTC', LC_ALL: 'C' }, ...extra);
}

/** The largest output a tool may print (a CIB of 8,000 resources is well under it). */
export const TOOL_MAX_BUFFER = 256 * 1024 * 1024;

/** execFile's options for a tool: its timeout (then SIGKILL), its environment, text output. */
export function toolExecOptions(timeoutMs: number, env: NodeJS.ProcessEnv, maxBuffer = TOOL_MAX_BUFFER) {
  return { timeout: timeoutMs, env, maxBuffer, killSignal: 'SIGKILL' as const, encoding: 'utf8' as const };
}

const keyOf = (file: string, argv: readonly string[], timeoutMs: number): string => JSON.stringify([file, argv, timeoutMs]);

/** Starts `file argv` now, with the default tool environment and `timeoutMs`, for a later takeStarted(). */
export function startEarly(file: string, argv: readonly string[], timeoutMs: number): void {
  const key = keyOf(file, argv, timeoutMs);
  const m = calls(true)!;
  if (m.has(key)) return;
  const t = performance.now();
  let child!: ChildProcess;
  const done = new Promise<StartedCall>((resolve) => {
    child = execFile(file, [...argv], toolExecOptions(timeoutMs, toolEnv()), (error, stdout, stderr) =>
      resolve({ error, stdout, stderr, durationMs: performance.now() - t }),
    );
    child.stdin?.end();
  });
  m.set(key, { child, done });
}

/** The call startEarly() started for exactly this command, once; undefined if there is none. */
export function takeStarted(file: string, argv: readonly string[], timeoutMs: number): Promise<StartedCall> | undefined {
  const m = calls(false);
  if (!m?.size) return undefined;
  const key = keyOf(file, argv, timeoutMs);
  const e = m.get(key);
  if (!e) return undefined;
  m.delete(key);
  return e.done;
}
