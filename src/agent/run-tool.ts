/**
 * The only place the agent starts processes. Every call is execFile with an argument array and a
 * timeout; every failure becomes a ToolError that says which tool, which arguments and what happened.
 */
import { execFile, spawn, type ExecFileException } from 'node:child_process';
import { commandLine, takeStarted, toolEnv, toolExecOptions } from './started-early.js';

export type ToolFailure = 'missing' | 'timeout' | 'exit' | 'killed' | 'spawn';

export interface ToolOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
}

export interface RunOptions {
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Exit codes that are not failures (0 is always accepted). */
  okExitCodes?: number[];
  /** Data written to the tool's stdin. */
  input?: string;
  maxBuffer?: number;
}

/** Something that runs a tool: locally (execFile), through a prefix (nsenter, docker exec) or over SSH. */
export interface ToolRunner {
  run(tool: string, args: string[], opts?: RunOptions): Promise<ToolOutput>;
  /** Describes where tools run, for messages ("local", "ssh cluster-2", "docker exec pcmk_test"). */
  readonly where: string;
}

export interface ToolErrorDetails {
  tool: string;
  args: string[];
  failure: ToolFailure;
  exitCode: number | null;
  signal: string | null;
  stderr: string;
  stdout: string;
  timeoutMs: number | null;
  durationMs: number;
  where: string;
}

export class ToolError extends Error {
  readonly tool: string;
  readonly args: string[];
  readonly failure: ToolFailure;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderr: string;
  readonly stdout: string;
  readonly timeoutMs: number | null;
  readonly durationMs: number;
  readonly where: string;

  constructor(d: ToolErrorDetails) {
    super(toolErrorMessage(d));
    this.name = 'ToolError';
    this.tool = d.tool;
    this.args = d.args;
    this.failure = d.failure;
    this.exitCode = d.exitCode;
    this.signal = d.signal;
    this.stderr = d.stderr;
    this.stdout = d.stdout;
    this.timeoutMs = d.timeoutMs;
    this.durationMs = d.durationMs;
    this.where = d.where;
  }
}

const MAX_STDERR_IN_MESSAGE = 400;

function firstLines(text: string): string {
  const t = text.trim().replace(/\s*\n\s*/g, ' | ');
  return t.length > MAX_STDERR_IN_MESSAGE ? `${t.slice(0, MAX_STDERR_IN_MESSAGE)}…` : t;
}

/** Pure message builder; its exact text is asserted by tests. */
export function toolErrorMessage(d: Pick<ToolErrorDetails, 'tool' | 'args' | 'failure' | 'exitCode' | 'signal' | 'stderr' | 'timeoutMs' | 'where'>): string {
  const cmd = [d.tool, ...d.args].join(' ');
  const at = d.where && d.where !== 'local' ? ` (${d.where})` : '';
  switch (d.failure) {
    case 'missing':
      return `${d.tool}: command not found${at}; is it installed on this host? (ran: ${cmd})`;
    case 'timeout':
      return `${d.tool}: timed out after ${d.timeoutMs} ms${at} (ran: ${cmd})`;
    case 'killed':
      return `${d.tool}: killed by ${d.signal ?? 'a signal'}${at} (ran: ${cmd})`;
    case 'spawn':
      return `${d.tool}: could not be started${at}: ${firstLines(d.stderr)} (ran: ${cmd})`;
    case 'exit': {
      const err = firstLines(d.stderr);
      return `${d.tool}: exit code ${d.exitCode}${at}${err ? `: ${err}` : ''} (ran: ${cmd})`;
    }
  }
}

export const DEFAULT_TIMEOUT_MS = 15_000;

const isEmpty = (o: Record<string, string> | undefined): boolean => !o || Object.keys(o).length === 0;

/** Runs tools on this host, optionally through a prefix command (e.g. ["nsenter", "-t", "1", "-a"]). */
export class LocalToolRunner implements ToolRunner {
  // (stream() below makes it a StreamingToolRunner)
  readonly where: string;
  constructor(
    private readonly prefix: string[] = [],
    private readonly baseEnv: Record<string, string> = {},
  ) {
    this.where = prefix.length ? prefix.join(' ') : 'local';
  }

  run(tool: string, args: string[], opts: RunOptions = {}): Promise<ToolOutput> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const { file, argv } = commandLine(this.prefix, tool, args);
    const started = performance.now();
    // The launcher may have started this very command already (src/agent/started-early.ts).
    const plain = opts.input === undefined && opts.maxBuffer === undefined && isEmpty(opts.env) && isEmpty(this.baseEnv);
    const early = plain ? takeStarted(file, argv, timeoutMs) : undefined;
    return new Promise((resolve, reject) => {
      const settle = (error: ExecFileException | null, stdout: string, stderr: string, durationMs: number): void => {
        const base = { tool, args, stdout, stderr, timeoutMs, durationMs, where: this.where };
        if (!error) {
          resolve({ stdout, stderr, exitCode: 0, durationMs });
          return;
        }
        const e = error as NodeJS.ErrnoException & { code?: string | number; killed?: boolean; signal?: string | null };
        if (e.code === 'ENOENT' && typeof e.code === 'string') {
          reject(new ToolError({ ...base, failure: 'missing', exitCode: null, signal: null }));
        } else if (typeof e.code === 'string') {
          reject(new ToolError({ ...base, stderr: e.message, failure: 'spawn', exitCode: null, signal: null }));
        } else if (e.killed && e.signal === 'SIGKILL' && durationMs >= timeoutMs - 5) {
          reject(new ToolError({ ...base, failure: 'timeout', exitCode: null, signal: 'SIGKILL' }));
        } else if (e.signal) {
          reject(new ToolError({ ...base, failure: 'killed', exitCode: null, signal: e.signal }));
        } else {
          const raw = (error as { code?: unknown }).code;
          const code = typeof raw === 'number' ? raw : 1;
          // A prefix like nsenter reports a missing tool as exit 127 with "No such file".
          if (this.prefix.length && code === 127) {
            reject(new ToolError({ ...base, failure: 'missing', exitCode: code, signal: null }));
          } else if (opts.okExitCodes?.includes(code)) {
            resolve({ stdout, stderr, exitCode: code, durationMs });
          } else {
            reject(new ToolError({ ...base, failure: 'exit', exitCode: code, signal: null }));
          }
        }
      };
      if (early) {
        void early.then((r) => settle(r.error, r.stdout, r.stderr, r.durationMs));
        return;
      }
      const child = execFile(
        file,
        argv,
        toolExecOptions(timeoutMs, toolEnv(this.baseEnv, opts.env), opts.maxBuffer),
        (error, stdout, stderr) => settle(error, stdout, stderr, performance.now() - started),
      );
      // A tool that exits without reading its input: its exit status says what happened.
      child.stdin?.on('error', () => {});
      if (opts.input !== undefined) child.stdin?.end(opts.input);
      else child.stdin?.end();
    });
  }

  stream(tool: string, args: string[], onData: (chunk: string) => void, opts: { env?: Record<string, string> } = {}): ToolStream {
    const { file, argv } = commandLine(this.prefix, tool, args);
    const env = toolEnv(this.baseEnv, opts.env);
    const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    const exited = new Promise<number | null>((resolve) => {
      child.on('error', () => resolve(null));
      child.on('close', (code) => resolve(code));
    });
    return { exited, kill: () => child.kill('SIGTERM') };
  }
}

/** A long-running tool whose output is watched (e.g. crm_mon in its refreshing mode). */
export interface ToolStream {
  /** Resolves with the exit code (or null when killed) when the process ends. */
  readonly exited: Promise<number | null>;
  kill(): void;
}

export interface StreamingToolRunner extends ToolRunner {
  stream(tool: string, args: string[], onData: (chunk: string) => void, opts?: { env?: Record<string, string> }): ToolStream;
}

export function canStream(r: ToolRunner): r is StreamingToolRunner {
  return typeof (r as Partial<StreamingToolRunner>).stream === 'function';
}
