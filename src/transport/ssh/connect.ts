/**
 * Reaching a resolved host: through its ProxyJump chain first (each hop a pooled connection that
 * forwards a TCP stream), then the handshake and authentication over that stream or over TCP.
 */
import type { Readable } from 'node:stream';
import { TransportError } from '../errors.js';
import { loadKnownHosts, type KnownHostsFile } from '../known-hosts.js';
import { resolveHost, type JumpSpec, type ResolveEnv, type ResolvedHost, type SshConfig } from '../ssh-config.js';
import { SshConnection } from './connection.js';
import { openClient } from './handshake.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_CHANNELS, targetOf, type TransportOptions } from './options.js';

export const MAX_JUMP_DEPTH = 8;

export interface ConnectContext {
  opts: TransportOptions;
  config: SshConfig;
  renv: ResolveEnv;
  /** Returns a (pooled) connection for a jump host. */
  getJump: (spec: JumpSpec, chain: JumpSpec[], depth: number) => Promise<SshConnection>;
}

/** Resolves a jump spec through the config, with user/port from the spec taking precedence. */
export function resolveJump(spec: JumpSpec, chainBefore: JumpSpec[], config: SshConfig, renv: ResolveEnv): ResolvedHost {
  const r = resolveHost(spec.host, config, renv);
  return {
    ...r,
    user: spec.user ?? r.user,
    port: spec.port ?? r.port,
    // `-J a,b`: b is reached through a; the first jump keeps its own ProxyJump from the config.
    proxyJump: chainBefore.length ? chainBefore : r.proxyJump,
  };
}

function knownHostsFor(r: ResolvedHost, opts: TransportOptions): KnownHostsFile[] {
  const extra = opts.knownHostsFiles ?? [];
  const paths = opts.onlyGivenKnownHosts ? extra : [...r.userKnownHostsFiles, ...r.globalKnownHostsFiles, ...extra];
  return loadKnownHosts(paths);
}

/** Connects to an already resolved host (through its ProxyJump chain via ctx.getJump). */
export async function connectResolved(host: string, r: ResolvedHost, ctx: ConnectContext, depth = 0): Promise<SshConnection> {
  const env = ctx.renv.env ?? process.env;
  let sock: Readable | undefined;
  let jumps: SshConnection[] = [];
  if (r.proxyJump.length) {
    if (depth >= MAX_JUMP_DEPTH) {
      throw new TransportError({ host, stage: 'connect', detail: `ProxyJump chain deeper than ${MAX_JUMP_DEPTH} hosts (a loop?)`, target: targetOf(r) });
    }
    const chain = r.proxyJump;
    const last = chain[chain.length - 1]!;
    const jump = await ctx.getJump(last, chain.slice(0, -1), depth + 1);
    jumps = [jump];
    sock = await jump.forwardOut(r.hostName, r.port, ctx.opts.connectTimeoutMs ?? r.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, host);
  }
  for (const w of r.warnings) ctx.opts.onWarning?.(host, w);
  const client = await openClient({ host, resolved: r, knownHosts: knownHostsFor(r, ctx.opts), opts: ctx.opts, env, sock });
  return new SshConnection(client, r, host, jumps, ctx.opts.maxChannels ?? DEFAULT_MAX_CHANNELS);
}
