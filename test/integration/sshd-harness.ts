/**
 * A real OpenSSH server that a test file starts for itself on 127.0.0.1 (generated host and client
 * keys, its own sshd_config and ssh_config), so the file does not depend on the sandbox cluster.
 * Needs root (sshd) and /usr/sbin/sshd. Run such files with PCMK_SANDBOX=none.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SshPool, TransportOptions } from '../../src/transport/ssh/index.js';

export const FAKE_AGENT = path.resolve(__dirname, '../fixtures/transport-fake-agent.cjs');
export const T = 10_000;

export function keygen(file: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'pcmk-test', '-f', file], { timeout: T });
  return readFileSync(`${file}.pub`, 'utf8').trim();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitForPort(p: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(p, '127.0.0.1');
      c.once('data', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${p}`);
}

export interface TestSshd {
  dir: string;
  port: number;
  hostPub: string;
  otherHostPub: string;
  /** ssh_config with the hosts good, unknown-key, changed-key, via-jump, stranger. */
  config: string;
  /** sshd's own log (LogLevel `logLevel`), when asked for. */
  log: string | null;
  sshd: ChildProcess;
  writeSshConfig(name: string, body: string): string;
  /** The options a test's pool uses: the test's config, never the user's agent or ~/.ssh. */
  poolOptions(configFile: string, extra?: Partial<TransportOptions>): TransportOptions;
  /** sshd_config with another host key; `reload()` makes the running sshd use it for new connections. */
  useHostKey(name: 'host_ed25519' | 'other_host_ed25519'): void;
  reload(): void;
  stop(pools?: SshPool[]): Promise<void>;
}

function hostBlock(dir: string, port: number, alias: string, knownHosts: string, more = ''): string {
  return [
    `Host ${alias}`,
    '  HostName 127.0.0.1',
    `  Port ${port}`,
    '  User root',
    `  IdentityFile ${dir}/id_client`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${knownHosts}`,
    '  GlobalKnownHostsFile none',
    more,
    '',
  ].join('\n');
}

export async function startTestSshd(opts: { logLevel?: 'ERROR' | 'VERBOSE' } = {}): Promise<TestSshd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pcmk-sshd-'));
  chmodSync(dir, 0o755);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostPub = keygen(path.join(dir, 'host_ed25519'));
  const otherHostPub = keygen(path.join(dir, 'other_host_ed25519'));
  const clientPub = keygen(path.join(dir, 'id_client'));
  keygen(path.join(dir, 'id_stranger'));
  writeFileSync(path.join(dir, 'authorized_keys'), `${clientPub}\n`);
  mkdirSync(path.join(dir, 'bin'));
  // An installed agent on the server's PATH (only for the 'agent' mode test's sshd PATH).
  writeFileSync(path.join(dir, 'bin', 'pcmk-agent'), `#!/bin/sh\nexec ${process.execPath} ${FAKE_AGENT} "$@" --node installed\n`);
  chmodSync(path.join(dir, 'bin', 'pcmk-agent'), 0o755);
  const port = await freePort();
  const log = opts.logLevel === 'VERBOSE' ? path.join(dir, 'sshd.log') : null;
  const sshdConfig = (hostKey: string): string =>
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${dir}/${hostKey}`,
      `PidFile ${dir}/sshd.pid`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding yes',
      'MaxSessions 10',
      // Every command runs through root's login shell, and bash reads ~/.bashrc for commands from
      // sshd unless it is a nested shell: SHLVL=1 keeps this machine's dotfiles (a pyenv init is
      // about thirty processes per command) out of what these tests measure.
      `SetEnv PATH=${dir}/bin:/usr/local/bin:/usr/bin:/bin TMPDIR=${dir}/remote-tmp SHLVL=1`,
      `LogLevel ${opts.logLevel ?? 'ERROR'}`,
      '',
    ].join('\n');
  writeFileSync(path.join(dir, 'sshd_config'), sshdConfig('host_ed25519'));
  mkdirSync(path.join(dir, 'remote-tmp'));
  execFileSync('/usr/sbin/sshd', ['-t', '-f', path.join(dir, 'sshd_config')], { timeout: T });
  const sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', path.join(dir, 'sshd_config'), ...(log ? ['-E', log] : [])], { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitForPort(port, 10_000);

  writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
  writeFileSync(path.join(dir, 'known_hosts.changed'), `# old key\n[127.0.0.1]:${port} ${otherHostPub}\n`);
  writeFileSync(path.join(dir, 'known_hosts.empty'), '');
  const writeSshConfig = (name: string, body: string): string => {
    const f = path.join(dir, name);
    writeFileSync(f, body);
    return f;
  };
  const config = writeSshConfig(
    'ssh_config',
    [
      hostBlock(dir, port, 'good', `${dir}/known_hosts`),
      hostBlock(dir, port, 'unknown-key', `${dir}/known_hosts.empty`),
      hostBlock(dir, port, 'changed-key', `${dir}/known_hosts.changed`),
      hostBlock(dir, port, 'via-jump', `${dir}/known_hosts`, '  ProxyJump good'),
      ['Host stranger', '  HostName 127.0.0.1', `  Port ${port}`, '  User root', `  IdentityFile ${dir}/id_stranger`, `  UserKnownHostsFile ${dir}/known_hosts`, ''].join('\n'),
    ].join('\n'),
  );
  return {
    dir,
    port,
    hostPub,
    otherHostPub,
    config,
    log,
    sshd,
    writeSshConfig,
    poolOptions: (configFile, extra = {}) => ({
      configFile,
      agentSocket: null,
      resolveEnv: { homeDir: dir, localUser: 'root', localHost: 'console', uid: 0, env: {} },
      connectTimeoutMs: 5000,
      ...extra,
    }),
    useHostKey: (name) => writeFileSync(path.join(dir, 'sshd_config'), sshdConfig(name)),
    reload: () => {
      sshd.kill('SIGHUP');
    },
    stop: async (pools = []) => {
      await Promise.all(pools.map((p) => p.closeAll()));
      if (sshd.exitCode === null) {
        sshd.kill('SIGTERM');
        await new Promise((r) => sshd.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
