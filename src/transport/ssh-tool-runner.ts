/**
 * A ToolRunner that runs the host's tools over SSH (agentless mode): the agent's collectors and
 * parsers run on the console's side, the tools on the host. Each call is one exec channel on a
 * pooled connection: `env TZ=UTC LC_ALL=C [VAR=value...] tool args...`, every word single-quoted
 * (see ssh/command.ts).
 *
 * Failures map onto ToolError like LocalToolRunner's: exit 127 (or 126/"not found" from `env`)
 * -> 'missing', a command timeout -> 'timeout', a signal -> 'killed', other exits -> 'exit'.
 * A lost or failed connection is not a tool failure: it is thrown as the TransportError itself,
 * so callers see that the host, not the tool, is unreachable.
 *
 * Calls made together (in one turn of the event loop, as a collection makes its six) go out as one
 * exec channel: a POSIX `sh` script runs them side by side on the host, each under coreutils'
 * `timeout`, and prints each one's output framed by a random token (`batchScript`, `parseBatch`).
 * An exec costs the host a session (sshd's fork, the login shell): one instead of six is most of
 * what a status read over SSH waits for.
 */
import {
  DEFAULT_TIMEOUT_MS,
  ToolError,
  type RunOptions,
  type StreamingToolRunner,
  type ToolOutput,
  type ToolStream,
} from '../agent/run-tool.js';
import { randomBytes } from 'node:crypto';
import { constants as osConstants } from 'node:os';
import { TransportError } from './errors.js';
import { quoteShellWord, toRemoteCommand, type ExecResult, type RemoteProcess, type SshConnection } from './ssh/index.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The argv sent for one tool call. Pure. */
export function remoteToolArgv(tool: string, args: string[], env: Record<string, string> = {}): string[] {
  const pairs = Object.entries({ TZ: 'UTC', LC_ALL: 'C', ...env }).map(([k, v]) => {
    if (!ENV_NAME.test(k)) throw new Error(`invalid environment variable name ${JSON.stringify(k)}`);
    return `${k}=${v}`;
  });
  // `--` is not used: env treats the first word without '=' as the program.
  return ['env', ...pairs, tool, ...args];
}

/** True when the remote result means "the program does not exist". Pure. */
export function isMissingCommand(tool: string, r: Pick<ExecResult, 'exitCode' | 'stderr'>): boolean {
  if (r.exitCode === 127) return true;
  if (r.exitCode === 126 && /not found|No such file/i.test(r.stderr)) return true;
  return false;
}

/** One call of a batch: its argv (remoteToolArgv) and how long it may run. */
export interface BatchItem {
  argv: string[];
  timeoutMs: number;
}

/** Exit status of the batch script when it could not start (no temporary directory). */
export const BATCH_NOT_STARTED = 125;

/**
 * The one-line `sh` script that runs `items` side by side and prints, for each in order,
 * `TOKEN i EXIT\n` + stdout + `\nTOKEN\n` + stderr + `\nTOKEN\n`. Each runs under `timeout`
 * (its own limit; exit 124 when reached, then KILL after 2 s) where coreutils' is there; else the
 * exec's own timeout (the longest limit plus 5 s) stops the whole batch. Pure.
 */
export function batchScript(items: readonly BatchItem[], token: string): string {
  const run = items.map((it, i) => {
    const secs = Math.max(1, Math.ceil(it.timeoutMs / 1000));
    return `(t ${secs} ${toRemoteCommand(it.argv)} >"$d/${i}o" 2>"$d/${i}e" </dev/null; echo $? >"$d/${i}x") &`;
  });
  // One line (a remote command may not hold a newline); `&` ends a command as `;` does.
  return [
    `d=$(mktemp -d 2>/dev/null) || exit ${BATCH_NOT_STARTED};`,
    `trap 'rm -rf "$d"' EXIT;`,
    // coreutils' timeout; one that does not take `-k` (busybox) or none: the batch's own limit only.
    `if timeout -k 1 5 true >/dev/null 2>&1; then t() { timeout -k 2 "$@"; }; else t() { shift; "$@"; }; fi;`,
    ...run,
    'wait;',
    `i=0; while [ "$i" -lt ${items.length} ]; do printf '%s %s %s\\n' ${quoteShellWord(token)} "$i" "$(cat "$d/\${i}x")"; cat "$d/\${i}o"; printf '\\n%s\\n' ${quoteShellWord(token)}; cat "$d/\${i}e"; printf '\\n%s\\n' ${quoteShellWord(token)}; i=$((i+1)); done`,
  ].join(' ');
}

/** One call's result from a batch's output: exit status as `sh` saw it (128+n: signal n). */
export interface BatchResult {
  stdout: string;
  stderr: string;
  status: number;
}

/** Splits a batch's output into its `n` results (null where one is missing or garbled). Pure. */
export function parseBatch(out: string, token: string, n: number): Array<BatchResult | null> {
  const results: Array<BatchResult | null> = [];
  let pos = 0;
  const sep = `\n${token}\n`;
  for (let i = 0; i < n; i++) {
    const head = `${token} ${i} `;
    if (!out.startsWith(head, pos)) {
      results.push(null);
      continue;
    }
    const eol = out.indexOf('\n', pos);
    const status = Number(out.slice(pos + head.length, eol));
    const outEnd = out.indexOf(sep, eol);
    const errEnd = outEnd < 0 ? -1 : out.indexOf(sep, outEnd + sep.length);
    if (eol < 0 || errEnd < 0 || !Number.isInteger(status)) {
      results.push(null);
      continue;
    }
    results.push({ stdout: out.slice(eol + 1, outEnd), stderr: out.slice(outEnd + sep.length, errEnd), status });
    pos = errEnd + sep.length;
  }
  return results;
}

/** A signal's name from its number (`SIGKILL` for 9), or null. */
function signalName(n: number): string | null {
  return Object.entries(osConstants.signals).find(([, v]) => v === n)?.[0] ?? null;
}

/** Who a tool call's ToolError names: the tool, its arguments, its limit, the host. */
interface CallBase {
  tool: string;
  args: string[];
  timeoutMs: number;
  where: string;
}

/** A call that failed before it produced output (no exit status to report). */
function failed(base: CallBase, failure: 'spawn' | 'timeout' | 'killed', stderr: string, durationMs: number): ToolError {
  return new ToolError({ ...base, failure, exitCode: null, signal: null, stdout: '', stderr, durationMs });
}

interface Queued {
  tool: string;
  args: string[];
  opts: RunOptions;
  resolve(o: ToolOutput): void;
  reject(e: unknown): void;
}

export class SshToolRunner implements StreamingToolRunner {
  readonly where: string;

  /** `conn` is a connection or a function returning one (e.g. `() => pool.get(alias)`). */
  constructor(
    private readonly conn: SshConnection | (() => Promise<SshConnection>),
    host: string,
  ) {
    this.where = `ssh ${host}`;
  }

  private connection(): Promise<SshConnection> {
    return typeof this.conn === 'function' ? this.conn() : Promise.resolve(this.conn);
  }

  private queue: Queued[] = [];

  /** Runs one tool; calls made in the same turn of the event loop share one exec (a batch). */
  run(tool: string, args: string[], opts: RunOptions = {}): Promise<ToolOutput> {
    // Input goes to one command's stdin, and a size limit to one command's output: alone.
    if (opts.input !== undefined || opts.maxBuffer !== undefined) return this.runAlone(tool, args, opts);
    return new Promise<ToolOutput>((resolve, reject) => {
      this.queue.push({ tool, args, opts, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const calls = this.queue;
    this.queue = [];
    if (calls.length === 1) {
      const [c] = calls as [Queued];
      this.runAlone(c.tool, c.args, c.opts).then(c.resolve, c.reject);
      return;
    }
    const ready: Array<{ c: Queued; base: CallBase; item: BatchItem }> = [];
    for (const c of calls) {
      const base = this.base(c.tool, c.args, c.opts);
      try {
        const argv = remoteToolArgv(c.tool, c.args, c.opts.env);
        toRemoteCommand(argv);
        ready.push({ c, base, item: { argv, timeoutMs: base.timeoutMs } });
      } catch (e) {
        c.reject(failed(base, 'spawn', (e as Error).message, 0));
      }
    }
    if (!ready.length) return;
    const token = `pcmk-batch-${randomBytes(12).toString('hex')}`;
    const timeoutMs = Math.max(...ready.map((x) => x.item.timeoutMs)) + 5_000;
    let r: ExecResult;
    try {
      const conn = await this.connection();
      r = await conn.exec(['sh', '-c', batchScript(ready.map((x) => x.item), token)], { timeoutMs });
    } catch (e) {
      for (const { c, base } of ready) c.reject(e instanceof TransportError && e.stage === 'timeout' ? failed(base, 'timeout', '', timeoutMs) : e);
      return;
    }
    if (r.exitCode === BATCH_NOT_STARTED && !r.stdout.includes(token)) {
      // Nothing ran (no temporary directory on the host): one exec each, as without batches.
      for (const { c } of ready) this.runAlone(c.tool, c.args, c.opts).then(c.resolve, c.reject);
      return;
    }
    const results = parseBatch(r.stdout, token, ready.length);
    ready.forEach(({ c, base }, i) => {
      const res = results[i];
      if (!res) {
        c.reject(failed(base, 'killed', `no result from the host's batch (exit ${r.exitCode ?? r.signal}): ${r.stderr.slice(0, 200)}`, r.durationMs));
        return;
      }
      const out = { stdout: res.stdout, stderr: res.stderr, durationMs: r.durationMs };
      // `timeout`: 124 when the limit is reached, 137 (KILL) when the tool ignored TERM.
      if (res.status === 124 || (res.status === 137 && r.durationMs >= base.timeoutMs)) {
        c.reject(new ToolError({ ...base, ...out, failure: 'timeout', exitCode: null, signal: null }));
        return;
      }
      try {
        c.resolve(this.toOutput(base, c.opts, res.status > 128 ? { ...out, exitCode: null, signal: signalName(res.status - 128) } : { ...out, exitCode: res.status, signal: null }));
      } catch (e) {
        c.reject(e);
      }
    });
  }

  private base(tool: string, args: string[], opts: RunOptions): CallBase {
    return { tool, args, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, where: this.where };
  }

  private async runAlone(tool: string, args: string[], opts: RunOptions): Promise<ToolOutput> {
    const base = this.base(tool, args, opts);
    const started = performance.now();
    let argv: string[];
    try {
      argv = remoteToolArgv(tool, args, opts.env);
    } catch (e) {
      throw failed(base, 'spawn', (e as Error).message, 0);
    }
    const conn = await this.connection();
    let r: ExecResult;
    try {
      r = await conn.exec(argv, { timeoutMs: base.timeoutMs, input: opts.input, maxBuffer: opts.maxBuffer });
    } catch (e) {
      const durationMs = performance.now() - started;
      if (e instanceof TransportError && e.stage === 'timeout') throw failed(base, 'timeout', '', durationMs);
      if (e instanceof TransportError && e.stage === 'exec' && /NUL, CR or LF/.test(e.detail)) throw failed(base, 'spawn', e.detail, durationMs);
      throw e;
    }
    return this.toOutput(base, opts, r);
  }

  /** A finished command as the tool's output, or the ToolError its exit means. */
  private toOutput(
    base: CallBase,
    opts: RunOptions,
    r: Pick<ExecResult, 'stdout' | 'stderr' | 'durationMs' | 'exitCode' | 'signal'>,
  ): ToolOutput {
    const { tool } = base;
    const res = { stdout: r.stdout, stderr: r.stderr, durationMs: r.durationMs };
    if (r.exitCode === 0) return { ...res, exitCode: 0 };
    if (r.exitCode === null) {
      throw new ToolError({ ...base, ...res, failure: 'killed', exitCode: null, signal: r.signal ? `SIG${r.signal.replace(/^SIG/, '')}` : null });
    }
    if (isMissingCommand(tool, r)) throw new ToolError({ ...base, ...res, failure: 'missing', exitCode: r.exitCode, signal: null });
    if (opts.okExitCodes?.includes(r.exitCode)) return { ...res, exitCode: r.exitCode };
    throw new ToolError({ ...base, ...res, failure: 'exit', exitCode: r.exitCode, signal: null });
  }

  /**
   * A long-running remote tool whose stdout is watched (the agent's watch uses crm_mon's refreshing
   * mode as its change trigger). `exited` resolves with the exit code, or null when killed or lost.
   */
  stream(tool: string, args: string[], onData: (chunk: string) => void, opts: { env?: Record<string, string> } = {}): ToolStream {
    let killed = false;
    let proc: RemoteProcess | null = null;
    const exited = (async (): Promise<number | null> => {
      try {
        const conn = await this.connection();
        if (killed) return null;
        const p = await conn.spawn(remoteToolArgv(tool, args, opts.env));
        proc = p;
        if (killed) {
          await p.kill('TERM');
          return null;
        }
        const decoder = new TextDecoder();
        p.onStdout((d) => onData(decoder.decode(d, { stream: true })));
        p.channel.end();
        const x = await p.exited;
        return killed || x.noStatus ? null : x.code;
      } catch {
        return null;
      }
    })();
    return {
      exited,
      kill: () => {
        killed = true;
        void proc?.kill('TERM');
      },
    };
  }
}
