import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  expandPathGlob,
  hostPatternsMatch,
  loadSshConfig,
  matchWildcard,
  parseJumpSpec,
  parseSshConfig,
  resolveHost,
  splitConfigWords,
  type ResolveEnv,
} from '../../../src/transport/ssh-config.js';

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});


const renv: ResolveEnv = { homeDir: '/home/op', localUser: 'op', localHost: 'console.example', uid: 1000, env: { XDG: '/run/x' } };

describe('splitConfigWords', () => {
  it('splits on blanks, honours quotes and backslashes, stops at a comment', () => {
    expect(splitConfigWords('a "b c" \'d e\' f\\ g # comment')).toEqual(['a', 'b c', 'd e', 'f g']);
    expect(splitConfigWords('"/path with/space"')).toEqual(['/path with/space']);
    expect(splitConfigWords('')).toEqual([]);
  });
});

describe('host patterns', () => {
  it('matches wildcards case-insensitively', () => {
    expect(matchWildcard('cluster-1', 'cluster-?')).toBe(true);
    expect(matchWildcard('cluster-10', 'cluster-?')).toBe(false);
    expect(matchWildcard('db.example.com', '*.example.com')).toBe(true);
    expect(matchWildcard('DB.Example.com', '*.example.com')).toBe(true);
    expect(matchWildcard('a.b', 'a?b')).toBe(true);
    expect(matchWildcard('axb', 'a.b')).toBe(false);
  });
  it('negation excludes even when another pattern matches', () => {
    expect(hostPatternsMatch('cluster-2', ['cluster-*', '!cluster-2'])).toBe(false);
    expect(hostPatternsMatch('cluster-1', ['cluster-*', '!cluster-2'])).toBe(true);
    expect(hostPatternsMatch('other', ['!cluster-2'])).toBe(false);
  });
});

describe('parseSshConfig + resolveHost', () => {
  const text = `
# global defaults before any Host apply to all
ConnectTimeout 7

Host cluster-1 cluster-2
  HostName 198.51.100.%h-ignored
  User admin

Host cluster-*
  HostName %h.lab.example
  User root
  Port 2222
  IdentityFile ~/.ssh/lab_ed25519
  IdentityFile "%d/keys/%r@%h"
  IdentitiesOnly yes
  UserKnownHostsFile ~/.ssh/known_hosts.lab /etc/lab/known_hosts
  StrictHostKeyChecking yes
  ProxyJump jump@bastion:2200,ssh://gw

Host !cluster-3 *
  ServerAliveInterval 5

Host=bastion
  HostName=127.0.0.1
  Port = 2201

Match host foo
  User never-used

Host *
  User fallback
  IdentityFile ~/.ssh/id_global
`;
  const cfg = parseSshConfig(text, { file: '/home/op/.ssh/config' });

  it('warns about Match and ignores its options', () => {
    expect(cfg.warnings.some((w) => w.includes('Match blocks are not supported') && w.includes('config:27:'))).toBe(true);
    expect(resolveHost('foo', cfg, renv).user).toBe('fallback');
  });

  it('first value wins across blocks; IdentityFile accumulates', () => {
    const r = resolveHost('cluster-1', cfg, renv);
    // The first HostName (cluster-1 block) wins over the cluster-* one.
    expect(r.hostName).toBe('198.51.100.cluster-1-ignored');
    expect(r.user).toBe('admin');
    expect(r.port).toBe(2222);
    expect(r.identityFiles).toEqual(['/home/op/.ssh/lab_ed25519', '/home/op/keys/admin@198.51.100.cluster-1-ignored', '/home/op/.ssh/id_global']);
    expect(r.identityFilesAreDefault).toBe(false);
    expect(r.identitiesOnly).toBe(true);
    expect(r.connectTimeoutMs).toBe(7000);
    expect(r.serverAliveIntervalMs).toBe(5000);
    expect(r.strictHostKeyChecking).toBe('yes');
  });

  it('expands %h in HostName to the alias', () => {
    const r = resolveHost('cluster-3', cfg, renv);
    expect(r.hostName).toBe('cluster-3.lab.example');
    expect(r.user).toBe('root');
    // `!cluster-3` excludes that block entirely.
    expect(r.serverAliveIntervalMs).toBeNull();
    expect(r.userKnownHostsFiles).toEqual(['/home/op/.ssh/known_hosts.lab', '/etc/lab/known_hosts']);
  });

  it('parses ProxyJump as a list of specs', () => {
    const r = resolveHost('cluster-3', cfg, renv);
    expect(r.proxyJump).toEqual([
      { host: 'bastion', user: 'jump', port: 2200 },
      { host: 'gw', user: null, port: null },
    ]);
  });

  it('uses defaults for an unconfigured host', () => {
    const r = resolveHost('plain-host', parseSshConfig(''), renv);
    expect(r).toMatchObject({ hostName: 'plain-host', user: 'op', port: 22, identitiesOnly: false, proxyJump: [], connectTimeoutMs: null });
    expect(r.identityFilesAreDefault).toBe(true);
    expect(r.identityFiles).toContain('/home/op/.ssh/id_ed25519');
    expect(r.userKnownHostsFiles).toEqual(['/home/op/.ssh/known_hosts', '/home/op/.ssh/known_hosts2']);
    expect(r.globalKnownHostsFiles).toEqual(['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']);
  });

  it('accepts Keyword=value forms', () => {
    const r = resolveHost('bastion', cfg, renv);
    expect(r.hostName).toBe('127.0.0.1');
    expect(r.port).toBe(2201);
  });

  it('reports StrictHostKeyChecking=no as not honoured, and ProxyCommand as unsupported', () => {
    const c = parseSshConfig('Host x\n  StrictHostKeyChecking no\n  ProxyCommand nc %h %p\n');
    const r = resolveHost('x', c, renv);
    expect(r.strictHostKeyChecking).toBe('no');
    expect(r.warnings.join('\n')).toMatch(/StrictHostKeyChecking=no is not honoured/);
    expect(r.warnings.join('\n')).toMatch(/ProxyCommand is not supported/);
  });

  it('ProxyJump none disables a later ProxyJump', () => {
    const c = parseSshConfig('Host direct\n  ProxyJump none\nHost *\n  ProxyJump bastion\n');
    expect(resolveHost('direct', c, renv).proxyJump).toEqual([]);
    expect(resolveHost('other', c, renv).proxyJump).toEqual([{ host: 'bastion', user: null, port: null }]);
  });

  it('rejects a bad port with a warning and keeps 22', () => {
    const r = resolveHost('x', parseSshConfig('Port 99999\n'), renv);
    expect(r.port).toBe(22);
    expect(r.warnings.join()).toMatch(/Port 99999/);
  });
});

describe('parseJumpSpec', () => {
  it('handles users, ports, IPv6 brackets and ssh:// URIs', () => {
    expect(parseJumpSpec('a@b:22')).toEqual({ host: 'b', user: 'a', port: 22 });
    expect(parseJumpSpec('ssh://u@h:2022')).toEqual({ host: 'h', user: 'u', port: 2022 });
    expect(parseJumpSpec('[::1]:2222')).toEqual({ host: '::1', user: null, port: 2222 });
    expect(parseJumpSpec('h:notaport')).toBeNull();
    expect(parseJumpSpec('')).toBeNull();
  });
});

describe('Include', () => {
  it('reads includes relative to the include base, inside the enclosing Host block', () => {
    const files: Record<string, string> = {
      '/home/op/.ssh/conf.d/lab.conf': 'Host lab-*\n  User labuser\n',
      '/home/op/.ssh/extra': 'Port 2022\n',
    };
    const cfg = parseSshConfig('Include conf.d/*.conf\nHost special\n  Include ~/.ssh/extra\n  User sp\n', {
      file: '/home/op/.ssh/config',
      includeBase: '/home/op/.ssh',
      homeDir: '/home/op',
      readInclude: (p) => {
        if (p.includes('*')) return Object.keys(files).filter((f) => f.startsWith(p.split('*')[0]!)).map((f) => ({ path: f, text: files[f]! }));
        return files[p] ? [{ path: p, text: files[p]! }] : [];
      },
    });
    expect(resolveHost('lab-1', cfg, renv).user).toBe('labuser');
    // The included Port applies only under "Host special"; the block continues after the Include.
    expect(resolveHost('special', cfg, renv)).toMatchObject({ port: 2022, user: 'sp' });
    expect(resolveHost('other', cfg, renv).port).toBe(22);
    expect(cfg.files).toEqual(['/home/op/.ssh/config', '/home/op/.ssh/conf.d/lab.conf', '/home/op/.ssh/extra']);
  });

  it('loads -F FILE from disk with glob Includes, and only that file', () => {
    const dir = tempDir('pcmk-sshcfg-');
    mkdirSync(path.join(dir, 'd'));
    writeFileSync(path.join(dir, 'd', 'b.conf'), 'Host b\n  Port 2\n');
    writeFileSync(path.join(dir, 'd', 'a.conf'), 'Host a\n  Port 1\n');
    writeFileSync(path.join(dir, 'main'), `Include ${dir}/d/*.conf\nHost *\n  User u\n`);
    const cfg = loadSshConfig({ file: path.join(dir, 'main'), homeDir: dir });
    expect(cfg.files).toEqual([path.join(dir, 'main'), path.join(dir, 'd', 'a.conf'), path.join(dir, 'd', 'b.conf')]);
    expect(resolveHost('a', cfg, { ...renv, homeDir: dir })).toMatchObject({ port: 1, user: 'u' });
    expect(resolveHost('b', cfg, { ...renv, homeDir: dir }).port).toBe(2);
    expect(expandPathGlob(`${dir}/d/?.conf`)).toHaveLength(2);
    expect(() => loadSshConfig({ file: path.join(dir, 'missing') })).toThrow(/cannot read ssh config .*missing: ENOENT/);
  });
});
