/** What a caller may set for SSH connections and commands, and the defaults. */
import type { ResolveEnv, ResolvedHost, SshConfig } from '../ssh-config.js';
import type { ReuseOptions } from './held-client.js';

export interface TransportOptions {
  /** `-F FILE`; without it ~/.ssh/config and /etc/ssh/ssh_config are read. */
  configFile?: string;
  /** A parsed config (takes precedence over configFile). */
  config?: SshConfig;
  /** Extra known_hosts files (`--known-hosts`), checked with the user's and the system's. */
  knownHostsFiles?: string[];
  /** Use only `knownHostsFiles` (not UserKnownHostsFile / GlobalKnownHostsFile). */
  onlyGivenKnownHosts?: boolean;
  /** Connect timeout for TCP + SSH handshake + authentication; default ConnectTimeout or 10 s. */
  connectTimeoutMs?: number;
  /** Keepalive interval; default ServerAliveInterval or 15 s. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Extra identity files (`-i`), tried before those of the config. */
  identityFiles?: string[];
  /** ssh-agent socket; default IdentityAgent or $SSH_AUTH_SOCK; null disables the agent. */
  agentSocket?: string | null;
  /** Local identity for config defaults (home, user); default: this process's user. */
  resolveEnv?: ResolveEnv;
  /**
   * Session channels open at once per connection (default 8, under sshd's default MaxSessions of
   * 10). A host that refuses a session while others are open lowers this for its connection.
   */
  maxChannels?: number;
  /**
   * Keep connections between runs in the connection holder (holder.ts); without it every run
   * connects directly (`--no-reuse`).
   */
  reuse?: ReuseOptions;
  /** Receives non-fatal notes (config warnings, skipped keys). */
  onWarning?: (host: string, message: string) => void;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_KEEPALIVE_MS = 15_000;
export const DEFAULT_EXEC_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_CHANNELS = 8;

export interface ExecOptions {
  /** How long the command may run, counted from the moment it starts on the host. */
  timeoutMs?: number;
  /** How long to wait for a free session channel before it starts; default timeoutMs. */
  waitMs?: number;
  /** Data written to the remote command's stdin (then EOF). */
  input?: string | Buffer;
  maxBuffer?: number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit status, or null when the command was killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  /** From the start of the command on the host (after any wait for a channel) to its exit. */
  durationMs: number;
  /** The exact string sent to the remote shell. */
  command: string;
}

/** "user@hostname:port" as contacted. */
export function targetOf(r: ResolvedHost): string {
  return `${r.user}@${r.hostName}:${r.port}`;
}
