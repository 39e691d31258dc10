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
 */
import {
  DEFAULT_TIMEOUT_MS,
  ToolError,
  type RunOptions,
  type StreamingToolRunner,
  type ToolOutput,
  type ToolStream,
} from '../agent/run-tool.js';
import { TransportError } from './errors.js';
import type { ExecResult, RemoteProcess, SshConnection } from './ssh/index.js';

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

  async run(tool: string, args: string[], opts: RunOptions = {}): Promise<ToolOutput> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const base = { tool, args, timeoutMs, where: this.where };
    const started = performance.now();
    let argv: string[];
    try {
      argv = remoteToolArgv(tool, args, opts.env);
    } catch (e) {
      throw new ToolError({ ...base, failure: 'spawn', exitCode: null, signal: null, stdout: '', stderr: (e as Error).message, durationMs: 0 });
    }
    const conn = await this.connection();
    let r: ExecResult;
    try {
      r = await conn.exec(argv, { timeoutMs, input: opts.input, maxBuffer: opts.maxBuffer });
    } catch (e) {
      const durationMs = performance.now() - started;
      if (e instanceof TransportError && e.stage === 'timeout') {
        throw new ToolError({ ...base, failure: 'timeout', exitCode: null, signal: null, stdout: '', stderr: '', durationMs });
      }
      if (e instanceof TransportError && e.stage === 'exec' && /NUL, CR or LF/.test(e.detail)) {
        throw new ToolError({ ...base, failure: 'spawn', exitCode: null, signal: null, stdout: '', stderr: e.detail, durationMs });
      }
      throw e;
    }
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
