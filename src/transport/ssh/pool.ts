/**
 * Connections reused across the commands of one run (SshPool): one per resolved target, jump hosts
 * included, made once and shared; a closed connection is dropped and made again on the next use.
 * With `reuse`, the connections are kept between runs by the connection holder (held-client.ts);
 * when the holder cannot be used the run connects directly.
 */
import { loadSshConfig, localResolveEnv, resolveHost, type ResolveEnv, type ResolvedHost, type SshConfig } from '../ssh-config.js';
import { connectResolved, resolveJump, type ConnectContext } from './connect.js';
import type { SshConnection } from './connection.js';
import { connectHeld } from './held-client.js';
import { targetOf, type TransportOptions } from './options.js';
import { heldSettings, planRoute } from './reuse-key.js';

/**
 * Connections reused across the commands of one run, keyed by the resolved target (user, host,
 * port and jump chain). Jump hosts are pooled too. Closed connections are dropped and re-made.
 */
export class SshPool {
  private readonly config: SshConfig;
  private readonly renv: ResolveEnv;
  private readonly conns = new Map<string, Promise<SshConnection>>();
  private reuseProblem: string | null = null;

  constructor(private readonly opts: TransportOptions = {}) {
    this.renv = opts.resolveEnv ?? localResolveEnv();
    this.config = opts.config ?? loadSshConfig({ file: opts.configFile, homeDir: this.renv.homeDir });
  }

  /** What `ssh -G alias` would use. */
  resolve(alias: string): ResolvedHost {
    return resolveHost(alias, this.config, this.renv);
  }

  static keyOf(r: ResolvedHost): string {
    const chain = r.proxyJump.map((j) => `${j.user ?? ''}@${j.host}:${j.port ?? ''}`).join(',');
    return `${targetOf(r)}${chain ? ` via ${chain}` : ''}`;
  }

  /** A live connection to `alias`, made once and shared. */
  get(alias: string): Promise<SshConnection> {
    return this.getResolved(alias, this.resolve(alias), 0);
  }

  private getResolved(host: string, r: ResolvedHost, depth: number): Promise<SshConnection> {
    const key = SshPool.keyOf(r);
    const existing = this.conns.get(key);
    if (existing) return existing;
    const ctx: ConnectContext = {
      opts: this.opts,
      config: this.config,
      renv: this.renv,
      getJump: (spec, chain, d) => {
        const jr = resolveJump(spec, chain, this.config, this.renv);
        return this.getResolved(spec.host, jr, d);
      },
    };
    const p = this.connect(host, r, ctx, depth).then((conn) => {
      const drop = (): void => {
        if (this.conns.get(key) === p) this.conns.delete(key);
      };
      conn.once('closing', drop);
      conn.once('close', drop);
      return conn;
    });
    this.conns.set(key, p);
    p.catch(() => {
      if (this.conns.get(key) === p) this.conns.delete(key);
    });
    return p;
  }

  private async connect(host: string, r: ResolvedHost, ctx: ConnectContext, depth: number): Promise<SshConnection> {
    const reuse = this.opts.reuse;
    if (reuse && depth === 0) {
      const onProblem = (message: string): void => {
        // Said once per run; the run goes on with direct connections.
        if (!this.reuseProblem) reuse.onProblem?.(message);
        this.reuseProblem = message;
      };
      if (!this.reuseProblem) {
        const held = await connectHeld(planRoute(host, r, this.config, this.renv), heldSettings(this.opts, this.config, this.renv), { ...reuse, onProblem }, this.opts.onWarning);
        if (held) return held;
      }
    }
    return connectResolved(host, r, ctx, depth);
  }

  /** Closes every pooled connection. */
  async closeAll(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close(), () => undefined)));
  }
}
