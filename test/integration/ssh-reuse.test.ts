/**
 * SSH connections kept between runs by the connection holder (src/transport/ssh/holder.ts), against
 * a real sshd this file starts itself (sshd-harness.ts; run with PCMK_SANDBOX=none) and the real
 * holder program (dist/bin/pcmk-ssh-holder.js, so `npm run build` first). Every holder started
 * here lives in this file's own directory and is stopped before the file ends.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentError } from '../../src/transport/agent-client.js';
import { connectAgent } from '../../src/transport/connect-agent.js';
import { HostKeyError, TransportError } from '../../src/transport/errors.js';
import { holderStatus, SshPool, stopHolder, type TransportOptions } from '../../src/transport/ssh/index.js';
import { root, waitFor, pending } from './sandbox-env.js';
import { FAKE_AGENT, startTestSshd, T, type TestSshd } from './sshd-harness.js';

const HOLDER = path.join(root, 'dist/bin/pcmk-ssh-holder.js');
const PCMK = path.join(root, 'bin/pcmk.js');

let sshd: TestSshd;
let base = '';
let n = 0;
const pools: SshPool[] = [];
const dirs: string[] = [];

/** A fresh holder directory for one test (created by the run, as a user's would be). */
function holderDir(): string {
  const d = path.join(base, `h${++n}`);
  dirs.push(d);
  return d;
}

/** One run's pool that keeps its connections in the holder of `dir`. */
function run(dir: string, extra: Partial<TransportOptions> = {}, problems: string[] = []): SshPool {
  const p = new SshPool(sshd.poolOptions(sshd.config, { reuse: { dir, holderEntry: HOLDER, idleMs: 60_000, onProblem: (m) => problems.push(m) }, ...extra }));
  pools.push(p);
  return p;
}

function accepted(): number {
  return (readFileSync(sshd.log!, 'utf8').match(/Accepted publickey for root/g) ?? []).length;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  sshd = await startTestSshd({ logLevel: 'VERBOSE' });
  base = mkdtempSync(path.join(tmpdir(), 'pcmk-reuse-test-'));
}, 60_000);

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.closeAll()));
});

afterAll(async () => {
  // No holder outlives this file: stop each one and wait until its process is gone.
  for (const d of dirs) {
    const pid = await stopHolder(d).catch(() => null);
    if (pid !== null) await waitFor(`holder ${pid} to exit`, () => !alive(pid) || pending(`pid ${pid} alive`), 10_000, 50);
  }
  await sshd?.stop();
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('connections kept between runs', () => {
  it('a second run reuses the first run\'s connection: sshd sees one authentication, the holder reports the reuse', async () => {
    const dir = holderDir();
    const before = accepted();
    const first = await run(dir).get('good');
    // The relay keeps argv, stdin and exit statuses exactly.
    expect(await first.exec(['printf', '%s|', "it's", 'a b', '$(id)'], { timeoutMs: T })).toMatchObject({ stdout: "it's|a b|$(id)|", exitCode: 0 });
    expect((await first.exec(['cat'], { timeoutMs: T, input: 'from stdin\n' })).stdout).toBe('from stdin\n');
    expect((await first.exec(['sh', '-c', 'echo err >&2; exit 3'], { timeoutMs: T })).stderr).toBe('err\n');
    await pools[0]!.closeAll();

    const second = await run(dir).get('good');
    expect((await second.exec(['echo', 'warm'], { timeoutMs: T })).stdout).toBe('warm\n');
    const st = await holderStatus(dir);
    expect(st?.connections).toEqual([expect.objectContaining({ target: `root@127.0.0.1:${sshd.port}`, made: 1, reused: 1 })]);
    expect(accepted() - before).toBe(1);
  });

  it('never shares a connection across different settings (another known_hosts file is another connection)', async () => {
    const dir = holderDir();
    await (await run(dir).get('good')).exec(['true'], { timeoutMs: T });
    await (await run(dir, { knownHostsFiles: [path.join(sshd.dir, 'known_hosts')] }).get('good')).exec(['true'], { timeoutMs: T });
    const st = await holderStatus(dir);
    expect(st?.connections.map((c) => [c.made, c.reused])).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });

  it('keeps its socket in a 0700 directory that another user cannot reach', async () => {
    const dir = holderDir();
    await (await run(dir).get('good')).exec(['true'], { timeoutMs: T });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const sock = path.join(dir, 'holder.sock');
    expect(statSync(sock).isSocket()).toBe(true);
    const probe = `require('net').connect(${JSON.stringify(sock)}).on('connect',()=>{console.log('connected');process.exit(0)}).on('error',(e)=>{console.log(e.code);process.exit(0)})`;
    const asNobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', probe], { encoding: 'utf8', timeout: T });
    expect(asNobody.stdout.trim()).toBe('EACCES');
  });

  it('refuses a directory with the wrong mode, says why once, and connects directly', async () => {
    const dir = holderDir();
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const problems: string[] = [];
    const p = run(dir, {}, problems);
    expect((await (await p.get('good')).exec(['echo', 'direct'], { timeoutMs: T })).stdout).toBe('direct\n');
    expect((await (await p.get('via-jump')).exec(['true'], { timeoutMs: T })).exitCode).toBe(0);
    expect(problems).toEqual([`not keeping SSH connections between runs: ${dir} has mode 0755, it must be 0700 (only you); fix it with: chmod 700 ${dir}`]);
    expect(existsSync(path.join(dir, 'holder.sock'))).toBe(false);
  });

  it('exits after its idle time without consoles and removes its socket', async () => {
    const dir = holderDir();
    const p = new SshPool(sshd.poolOptions(sshd.config, { reuse: { dir, holderEntry: HOLDER, idleMs: 300 } }));
    await (await p.get('good')).exec(['true'], { timeoutMs: T });
    const pid = (await holderStatus(dir))!.pid;
    await p.closeAll();
    await waitFor('the idle holder to exit and remove its socket', () => (!alive(pid) && !existsSync(path.join(dir, 'holder.sock'))) || pending(`alive=${alive(pid)} socket=${existsSync(path.join(dir, 'holder.sock'))}`), 10_000, 50);
    expect(readFileSync(path.join(dir, 'holder.log'), 'utf8')).toContain('exiting: idle for 300 ms');
  });

  it('replaces a stale socket left by a holder that died', async () => {
    const dir = holderDir();
    await (await run(dir).get('good')).exec(['true'], { timeoutMs: T });
    const pid = (await holderStatus(dir))!.pid;
    await pools.splice(0)[0]!.closeAll();
    process.kill(pid, 'SIGKILL');
    await waitFor(`holder ${pid} to die`, () => !alive(pid) || pending('alive'), 10_000, 50);
    expect(statSync(path.join(dir, 'holder.sock')).isSocket()).toBe(true);
    expect((await (await run(dir).get('good')).exec(['echo', 'again'], { timeoutMs: T })).stdout).toBe('again\n');
    expect((await holderStatus(dir))!.pid).not.toBe(pid);
  });

  it('a holder that dies mid-request looks like a dropped SSH connection: the request fails as closed, nothing is resent', async () => {
    const dir = holderDir();
    const conn = await run(dir).get('good');
    const ac = await connectAgent(conn, { bundlePath: FAKE_AGENT, allow: ['pushed'], helloTimeoutMs: T, serveArgs: ['--slow-ms', '60000'] });
    if (ac.mode === 'agentless') throw new Error('expected the pushed fake agent');
    const pid = (await holderStatus(dir))!.pid;
    const req = ac.client.request({ type: 'ping' }, { timeoutMs: 30_000 }).catch((e: unknown) => e);
    const running = conn.exec(['sleep', '30'], { timeoutMs: 30_000 }).catch((e: unknown) => e);
    process.kill(pid, 'SIGKILL');
    const err = (await req) as AgentError;
    expect(err).toBeInstanceOf(AgentError);
    expect(err.code).toBe('closed');
    const lost = (await running) as TransportError;
    expect(lost).toBeInstanceOf(TransportError);
    expect(lost.stage).toBe('closed');
    expect(lost.message).toBe(`ssh good (root@127.0.0.1:${sshd.port}): connection lost: the connection holder (pid ${pid}) went away`);
    expect(conn.closed).toBe(true);
  });

  it('refuses a changed host key when the holder has to connect again', async () => {
    const dir = holderDir();
    await (await run(dir).get('good')).exec(['true'], { timeoutMs: T });
    await pools.splice(0)[0]!.closeAll();
    // The host now offers another key; the kept connection (checked when made) is then dropped.
    sshd.useHostKey('other_host_ed25519');
    sshd.reload();
    const direct = new SshPool(sshd.poolOptions(sshd.config));
    try {
      await waitFor('sshd to offer the other host key', async () => {
        const c = await direct.get('changed-key');
        c.close();
        return true;
      }, 10_000, 100);
    } finally {
      await direct.closeAll();
    }
    const sessions = execFileSync('pgrep', ['-P', String(sshd.sshd.pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
    for (const pid of sessions) process.kill(pid, 'SIGTERM');
    await waitFor('the holder to see its connection closed', async () => {
      const st = await holderStatus(dir);
      return st?.connections.length === 0 || pending(JSON.stringify(st));
    }, 10_000, 50);
    try {
      const err = await run(dir).get('good').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyError);
      expect(err).toMatchObject({ status: 'changed', file: path.join(sshd.dir, 'known_hosts'), line: 1, stage: 'hostkey', host: 'good' });
      expect((err as Error).message).toContain('has CHANGED');
    } finally {
      sshd.useHostKey('host_ed25519');
      sshd.reload();
    }
    await waitFor('sshd to offer its own host key again', async () => {
      const p = new SshPool(sshd.poolOptions(sshd.config));
      try {
        await p.get('good');
        return true;
      } finally {
        await p.closeAll();
      }
    }, 10_000, 100);
  });
});

describe('pcmk and the holder', () => {
  const pcmk = (dir: string, args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [PCMK, '-F', sshd.config, '--host', 'good', '--timeout', '5', ...args, 'status'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH!, HOME: sshd.dir, PCMK_REUSE_DIR: dir, ...env },
    });

  it('--no-reuse and PCMK_NO_REUSE=1 connect directly; without them the holder keeps the connection', () => {
    const dir = holderDir();
    const before = accepted();
    const off = pcmk(dir, ['--no-reuse']);
    expect(off.stderr).not.toContain('keeping SSH connections');
    expect(existsSync(path.join(dir, 'holder.sock'))).toBe(false);
    pcmk(dir, [], { PCMK_NO_REUSE: '1' });
    expect(existsSync(path.join(dir, 'holder.sock'))).toBe(false);
    expect(accepted() - before).toBe(2);
    pcmk(dir, []);
    pcmk(dir, []);
    expect(statSync(path.join(dir, 'holder.sock')).isSocket()).toBe(true);
    expect(accepted() - before).toBe(3);
  });
});
