import { describe, expect, it } from 'vitest';
import { parseSshConfig, resolveHost, type ResolveEnv } from '../../../../src/transport/ssh-config.js';
import type { HeldSettings } from '../../../../src/transport/ssh/held-wire.js';
import { filesOf, planRoute, reuseKey } from '../../../../src/transport/ssh/reuse-key.js';

const renv: ResolveEnv = { homeDir: '/home/op', localUser: 'op', localHost: 'console', uid: 1000, env: {} };
const CONFIG = `
Host a a-alias
  HostName 10.0.0.1
  User admin
  IdentityFile /keys/a
  UserKnownHostsFile /kh/main
Host b
  HostName 10.0.0.1
  User admin
  Port 2222
  IdentityFile /keys/a
  UserKnownHostsFile /kh/main
Host c
  HostName 10.0.0.1
  User root
  IdentityFile /keys/a
  UserKnownHostsFile /kh/main
Host behind
  HostName 10.0.0.9
  ProxyJump a
  UserKnownHostsFile /kh/main
`;
const config = parseSshConfig(CONFIG, { file: '/cfg' });
const settings: HeldSettings = {
  configFile: '/cfg',
  configFiles: ['/cfg'],
  knownHostsFiles: [],
  onlyGivenKnownHosts: false,
  identityFiles: [],
  authSock: null,
  connectTimeoutMs: 10_000,
  keepaliveIntervalMs: null,
  keepaliveCountMax: null,
  maxChannels: null,
};
const contents = new Map<string, string>([
  ['/kh/main', 'k1'],
  ['/keys/a', 'i1'],
  ['/cfg', 'c1'],
]);
const digest = (f: string): string => contents.get(f) ?? 'absent';
const route = (alias: string) => planRoute(alias, resolveHost(alias, config, renv), config, renv);
const key = (alias: string, s: Partial<HeldSettings> = {}, d = digest) => reuseKey(route(alias), { ...settings, ...s }, d);

describe('reuseKey: which runs may share a kept connection', () => {
  it('is the same for the same route, settings and file contents, whatever alias names the host', () => {
    expect(key('a')).toBe(key('a'));
    expect(key('a-alias')).toBe(key('a'));
    expect(key('a')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs by user, port, ssh_config file, known_hosts files, identity and ssh-agent', () => {
    const base = key('a');
    const others = [
      key('c'), // user
      key('b'), // port
      key('a', { configFile: '/other-cfg' }),
      key('a', { knownHostsFiles: ['/kh/extra'] }),
      key('a', { onlyGivenKnownHosts: true }),
      key('a', { identityFiles: ['/keys/other'] }),
      key('a', { agentSocket: null }),
      key('a', { authSock: '/run/agent.sock' }),
    ];
    for (const k of others) expect(k).not.toBe(base);
    expect(new Set(others).size).toBe(others.length);
  });

  it('differs when a known_hosts, identity or ssh_config file changes its contents', () => {
    const base = key('a');
    for (const file of ['/kh/main', '/keys/a', '/cfg']) {
      expect(key('a', {}, (f) => (f === file ? 'changed' : digest(f)))).not.toBe(base);
    }
  });

  it('covers the jump host: its route and files are part of the key', () => {
    const r = route('behind');
    expect(r.jump?.resolved.hostName).toBe('10.0.0.1');
    expect(filesOf(r, settings)).toContain('/kh/main');
    const viaOtherJump = planRoute('behind', { ...resolveHost('behind', config, renv), proxyJump: [{ host: 'b', user: null, port: null }] }, config, renv);
    expect(reuseKey(viaOtherJump, settings, digest)).not.toBe(key('behind'));
  });
});
