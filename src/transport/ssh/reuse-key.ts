/**
 * Which kept connection a run may use. A connection is shared only by runs that would have made
 * exactly the same one: same route (user, host name, port, host key alias, jump hosts, identity
 * and known_hosts settings as resolved from ssh_config), same ssh_config files, same known_hosts
 * and identity files with the same contents, same ssh-agent. Any difference (an edited
 * known_hosts included) gives another key, so that connection is made, and its host key checked,
 * anew. Pure: the file digests are passed in.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ResolveEnv, ResolvedHost, SshConfig } from '../ssh-config.js';
import { MAX_JUMP_DEPTH, resolveJump } from './connect.js';
import type { HeldRoute, HeldSettings } from './held-wire.js';
import type { TransportOptions } from './options.js';

/** The route to `host` with its jump hosts resolved as the direct connection would (connect.ts). */
export function planRoute(host: string, r: ResolvedHost, config: SshConfig, renv: ResolveEnv, depth = 0): HeldRoute {
  if (!r.proxyJump.length || depth > MAX_JUMP_DEPTH) return { host, resolved: r, jump: null };
  const chain = r.proxyJump;
  const last = chain[chain.length - 1]!;
  return { host, resolved: r, jump: planRoute(last.host, resolveJump(last, chain.slice(0, -1), config, renv), config, renv, depth + 1) };
}

/** The settings of `opts` that shape a connection. */
export function heldSettings(opts: TransportOptions, config: SshConfig, renv: ResolveEnv): HeldSettings {
  const env = renv.env ?? process.env;
  return {
    configFile: opts.configFile ?? null,
    configFiles: [...config.files],
    knownHostsFiles: opts.knownHostsFiles ?? [],
    onlyGivenKnownHosts: opts.onlyGivenKnownHosts ?? false,
    identityFiles: opts.identityFiles ?? [],
    ...(opts.agentSocket !== undefined ? { agentSocket: opts.agentSocket } : {}),
    authSock: env.SSH_AUTH_SOCK ?? null,
    connectTimeoutMs: opts.connectTimeoutMs ?? null,
    keepaliveIntervalMs: opts.keepaliveIntervalMs ?? null,
    keepaliveCountMax: opts.keepaliveCountMax ?? null,
    maxChannels: opts.maxChannels ?? null,
  };
}

/** Every file whose contents decide what the connection trusts or offers. */
export function filesOf(route: HeldRoute, s: HeldSettings): string[] {
  const r = route.resolved;
  return [...new Set([...s.configFiles, ...s.knownHostsFiles, ...r.userKnownHostsFiles, ...r.globalKnownHostsFiles, ...s.identityFiles, ...r.identityFiles])];
}

/** The connection's key: a digest over the route, the settings and the files' contents. */
export function reuseKey(route: HeldRoute, s: HeldSettings, digest: (file: string) => string): string {
  const strip = (x: HeldRoute): unknown => {
    const { alias: _alias, warnings: _warnings, ...rest } = x.resolved;
    return { r: rest, jump: x.jump ? strip(x.jump) : null };
  };
  const files = filesOf(route, s).map((f) => [f, digest(f)]);
  return createHash('sha256').update(JSON.stringify({ route: strip(route), settings: s, files })).digest('hex');
}

/** sha256 of a file's contents, or why there are none ("absent", "unreadable EACCES"). */
export function fileDigest(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'absent' : `unreadable ${code ?? ''}`;
  }
}
