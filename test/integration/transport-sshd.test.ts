/**
 * The SSH transport against a real OpenSSH server that this file starts itself on 127.0.0.1
 * (sshd-harness.ts), so it does not depend on the sandbox cluster. Needs root (sshd) and
 * /usr/sbin/sshd.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/aggregate/aggregator.js';
import { ToolError } from '../../src/agent/run-tool.js';
import { connectAgent } from '../../src/transport/connect-agent.js';
import { HostKeyError, TransportError } from '../../src/transport/errors.js';
import { SshHostSource } from '../../src/transport/host-source.js';
import { SshPool, type TransportOptions } from '../../src/transport/ssh/index.js';
import { SshToolRunner } from '../../src/transport/ssh-tool-runner.js';
import { FAKE_AGENT, freePort, startTestSshd, T, type TestSshd } from './sshd-harness.js';

let dir = '';
let port = 0;
let config = '';
let sshd: TestSshd | null = null;
const pools: SshPool[] = [];
let writeSshConfig: TestSshd['writeSshConfig'] = () => '';

/** A pool with the test's config; never the user's agent or ~/.ssh. */
function pool(configFile: string, extra: Partial<TransportOptions> = {}): SshPool {
  const p = new SshPool(sshd!.poolOptions(configFile, extra));
  pools.push(p);
  return p;
}

beforeAll(async () => {
  sshd = await startTestSshd();
  ({ dir, port, config, writeSshConfig } = sshd);
}, 60_000);

afterAll(async () => {
  await sshd?.stop(pools);
});

describe('SSH transport against a real sshd', () => {
  it('connects, runs argv with exact quoting, passes stdin, reports exit codes', async () => {
    const p = pool(config);
    const conn = await p.get('good');
    expect(conn.target).toBe(`root@127.0.0.1:${port}`);
    const r = await conn.exec(['printf', '%s|', "it's", 'a b', '$(id)', '*'], { timeoutMs: T });
    expect(r).toMatchObject({ stdout: "it's|a b|$(id)|*|", exitCode: 0, signal: null });
    expect((await conn.exec(['sh', '-c', 'exit 3'], { timeoutMs: T })).exitCode).toBe(3);
    expect((await conn.exec(['cat'], { timeoutMs: T, input: 'from stdin\n' })).stdout).toBe('from stdin\n');
    await expect(conn.exec(['echo', 'a\nb'])).rejects.toMatchObject({ stage: 'exec', host: 'good' });
  });

  it('reuses one connection and queues more channels than sshd allows at once', async () => {
    const p = pool(config);
    const [a, b] = await Promise.all([p.get('good'), p.get('good')]);
    expect(a).toBe(b);
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => a.exec(['echo', String(i)], { timeoutMs: T })));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
    a.close();
    const c = await p.get('good');
    expect(c).not.toBe(a);
    expect((await c.exec(['true'])).exitCode).toBe(0);
  });

  it('learns how many sessions a host allows and queues the rest (MaxSessions 10, 30 wanted at once)', async () => {
    const conn = await pool(config, { maxChannels: 30 }).get('good');
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => conn.exec(['echo', String(i)], { timeoutMs: T })));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
  });

  it('counts a command\'s timeout from its start, not from its wait for a channel', async () => {
    const conn = await pool(config, { maxChannels: 1 }).get('good');
    const first = conn.exec(['sleep', '1'], { timeoutMs: T });
    const second = await conn.exec(['echo', 'after the wait'], { timeoutMs: 700, waitMs: T });
    expect(second.stdout).toBe('after the wait\n');
    expect((await first).exitCode).toBe(0);
  });

  it('never starts a command that gave up while waiting for a channel', async () => {
    const conn = await pool(config, { maxChannels: 1 }).get('good');
    const mark = path.join(dir, 'should-not-exist');
    const first = conn.exec(['sleep', '1'], { timeoutMs: T });
    const err = (await conn.exec(['touch', mark], { timeoutMs: T, waitMs: 200 }).catch((e: unknown) => e)) as TransportError;
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).toBe(
      `ssh good (root@127.0.0.1:${port}): waited 200 ms for a free session channel to start touch ${mark} (1 open, the host allows 1 at once)`,
    );
    await first;
    // The channel is free now; a withdrawn command would have been started by this one's turn.
    expect((await conn.exec(['test', '-e', mark], { timeoutMs: T })).exitCode).toBe(1);
  });

  it('refuses an unknown host key, naming the host, the fingerprint and the files searched', async () => {
    const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(dir, 'host_ed25519.pub')], { encoding: 'utf8' }).split(' ')[1]!;
    const err = await pool(config).get('unknown-key').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    const e = err as HostKeyError;
    expect(e).toMatchObject({ stage: 'hostkey', status: 'unknown', host: 'unknown-key', fingerprint: fp, keyType: 'ssh-ed25519' });
    expect(e.message).toBe(
      `ssh unknown-key (root@127.0.0.1:${port}): host key verification failed: the ssh-ed25519 key ${fp} of [127.0.0.1]:${port} ` +
        `is not in ${dir}/known_hosts.empty; check the fingerprint out of band, then add it (e.g. ssh-keyscan, or connect once with ssh)`,
    );
  });

  it('refuses a changed host key and names the conflicting entry', async () => {
    const err = (await pool(config).get('changed-key').catch((e: unknown) => e)) as HostKeyError;
    expect(err).toBeInstanceOf(HostKeyError);
    expect(err).toMatchObject({ status: 'changed', file: `${dir}/known_hosts.changed`, line: 2 });
    expect(err.message).toContain('has CHANGED');
    expect(err.message).toContain(err.fingerprint);
  });

  it('accepts the key from an extra --known-hosts file', async () => {
    const p = pool(config, { knownHostsFiles: [path.join(dir, 'known_hosts')] });
    const conn = await p.get('unknown-key');
    expect((await conn.exec(['true'])).exitCode).toBe(0);
  });

  it('reports failed authentication without showing key material', async () => {
    const err = (await pool(config).get('stranger').catch((e: unknown) => e)) as TransportError;
    expect(err).toBeInstanceOf(TransportError);
    expect(err.stage).toBe('auth');
    expect(err.message).toBe(`ssh stranger (root@127.0.0.1:${port}): authentication as root failed; tried: ${dir}/id_stranger`);
    expect(err.message).not.toMatch(/PRIVATE KEY/);
  });

  it('times out on a host that accepts TCP and never speaks, naming the host, within the timeout', async () => {
    const sockets: net.Socket[] = [];
    const hang = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const hp = (hang.address() as net.AddressInfo).port;
    const cfg = writeSshConfig('hang_config', `Host hanging-node\n  HostName 127.0.0.1\n  Port ${hp}\n  ConnectTimeout 1\n`);
    const t = performance.now();
    const err = (await pool(cfg, { connectTimeoutMs: undefined }).get('hanging-node').catch((e: unknown) => e)) as TransportError;
    const took = performance.now() - t;
    for (const s of sockets) s.destroy();
    hang.close();
    expect(err).toBeInstanceOf(TransportError);
    expect(err.stage).toBe('timeout');
    expect(err.host).toBe('hanging-node');
    expect(err.message).toBe(
      `ssh hanging-node (root@127.0.0.1:${hp}): timed out after 1000 ms waiting for the SSH handshake ` +
        '(the server accepted the connection but did not complete the handshake)',
    );
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(2500);
  });

  it('reports a refused connection clearly', async () => {
    const closed = await freePort();
    const cfg = writeSshConfig('refused_config', `Host nobody-home\n  HostName 127.0.0.1\n  Port ${closed}\n`);
    const err = (await pool(cfg).get('nobody-home').catch((e: unknown) => e)) as TransportError;
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ stage: 'connect', code: 'ECONNREFUSED', host: 'nobody-home' });
    expect(err.message).toBe(
      `ssh nobody-home (root@127.0.0.1:${closed}): connection refused by 127.0.0.1:${closed} (is sshd running and listening on port ${closed}?)`,
    );
  });

  it('goes through a ProxyJump host', async () => {
    const p = pool(config);
    const conn = await p.get('via-jump');
    const r = await conn.exec(['echo', 'through the jump'], { timeoutMs: T });
    expect(r.stdout).toBe('through the jump\n');
    // The jump connection is pooled too: 'good' is the same connection the hop used.
    const jump = await p.get('good');
    jump.close();
    await new Promise((res) => setTimeout(res, 100));
    expect(conn.closed).toBe(true);
  });

  it('rejects a running command when the connection closes', async () => {
    const conn = await pool(config).get('good');
    const running = conn.exec(['sleep', '30'], { timeoutMs: 60_000 });
    setTimeout(() => conn.close(), 200);
    await expect(running).rejects.toMatchObject({ stage: 'closed', host: 'good' });
  });
});

describe('SshToolRunner (agentless mode)', () => {
  it('runs tools, maps a missing command, exit codes and timeouts onto ToolError', async () => {
    const p = pool(config);
    const runner = new SshToolRunner(() => p.get('good'), 'good');
    expect(runner.where).toBe('ssh good');
    const ok = await runner.run('sh', ['-c', 'echo "$TZ $LC_ALL $X"'], { env: { X: 'y z' } });
    expect(ok).toMatchObject({ stdout: 'UTC C y z\n', exitCode: 0 });

    const missing = (await runner.run('pcmk-no-such-tool', ['--x']).catch((e: unknown) => e)) as ToolError;
    expect(missing).toBeInstanceOf(ToolError);
    expect(missing.failure).toBe('missing');
    expect(missing.message).toBe('pcmk-no-such-tool: command not found (ssh good); is it installed on this host? (ran: pcmk-no-such-tool --x)');

    const exit = (await runner.run('sh', ['-c', 'echo bad >&2; exit 4']).catch((e: unknown) => e)) as ToolError;
    expect(exit).toMatchObject({ failure: 'exit', exitCode: 4, stderr: 'bad\n' });
    expect((await runner.run('sh', ['-c', 'exit 2'], { okExitCodes: [2] })).exitCode).toBe(2);

    const t = performance.now();
    const slow = (await runner.run('sleep', ['31337'], { timeoutMs: 500 }).catch((e: unknown) => e)) as ToolError;
    expect(slow).toMatchObject({ failure: 'timeout', timeoutMs: 500 });
    expect(performance.now() - t).toBeLessThan(2000);
    // The remote process is killed, not left behind.
    await new Promise((r) => setTimeout(r, 300));
    // (The bracket keeps pgrep from matching the shell that runs it.)
    const left = await runner.run('pgrep', ['-f', 'sleep 3133[7]'], { okExitCodes: [1] });
    expect(left.exitCode).toBe(1);
  });

  it('sends the calls of one turn as one exec, each with its own result, exit, missing command and timeout', async () => {
    const p = pool(config);
    const runner = new SshToolRunner(() => p.get('good'), 'good');
    // Each call prints its session id: sshd starts a session per exec channel.
    const batchPid = ['-c', 'cut -d" " -f6 /proc/$$/stat'];
    const t = performance.now();
    const settled = await Promise.allSettled([
      runner.run('sh', batchPid),
      runner.run('sh', ['-c', 'echo "$TZ $X"'], { env: { X: "it's" } }),
      runner.run('sh', ['-c', 'echo bad >&2; exit 4']),
      runner.run('sh', ['-c', 'exit 2'], { okExitCodes: [2] }),
      runner.run('pcmk-no-such-tool', ['--x']),
      runner.run('sleep', ['31337'], { timeoutMs: 1000 }),
      runner.run('sh', batchPid),
    ]);
    const took = performance.now() - t;
    const [a, env, bad, two, missing, slow, b] = settled.map((x) => (x.status === 'fulfilled' ? x.value : x.reason));
    expect(a.stdout).toMatch(/^\d+\n$/);
    expect(b.stdout).toBe(a.stdout);
    expect(env).toMatchObject({ stdout: "UTC it's\n", exitCode: 0 });
    expect(bad).toBeInstanceOf(ToolError);
    expect(bad).toMatchObject({ failure: 'exit', exitCode: 4, stderr: 'bad\n' });
    expect(two).toMatchObject({ exitCode: 2 });
    expect(missing).toMatchObject({ failure: 'missing' });
    expect(slow).toMatchObject({ failure: 'timeout', timeoutMs: 1000 });
    expect(took).toBeLessThan(4000);
    // The timed-out tool is not left behind.
    expect((await runner.run('pgrep', ['-f', 'sleep 3133[7]'], { okExitCodes: [1] })).exitCode).toBe(1);
    // Calls in different turns are separate execs.
    const c = await runner.run('sh', batchPid);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('streams a long-running tool and kills it', async () => {
    const p = pool(config);
    const runner = new SshToolRunner(() => p.get('good'), 'good');
    const chunks: string[] = [];
    const s = runner.stream('sh', ['-c', 'echo one; sleep 0.2; echo two; sleep 30'], (c) => chunks.push(c));
    for (let i = 0; i < 100 && !chunks.join('').includes('two'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(chunks.join('')).toBe('one\ntwo\n');
    s.kill();
    expect(await s.exited).toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    expect((await runner.run('pgrep', ['-f', 'echo tw[o]; sleep 30'], { okExitCodes: [1] })).exitCode).toBe(1);
  });
});

describe('connectAgent: mode detection', () => {
  it("uses an installed pcmk-agent ('agent')", async () => {
    const conn = await pool(config).get('good');
    const ac = await connectAgent(conn, { bundlePath: FAKE_AGENT, helloTimeoutMs: T });
    expect(ac.mode).toBe('agent');
    if (ac.mode === 'agentless') throw new Error('unreachable');
    expect(ac.remotePath).toBe(`${dir}/bin/pcmk-agent`);
    expect(ac.client.hello.node).toBe('installed');
    expect((await ac.client.snapshot()).source).toBe('installed');
    ac.client.close();
  });

  it("pushes the bundle once and runs it with the host's node ('pushed')", async () => {
    const conn = await pool(config).get('good');
    const first = await connectAgent(conn, { bundlePath: FAKE_AGENT, allow: ['pushed', 'agentless'], helloTimeoutMs: T });
    expect(first.mode).toBe('pushed');
    if (first.mode === 'agentless') throw new Error('unreachable');
    expect(first.remotePath).toMatch(new RegExp(`^${dir}/remote-tmp/pcmk-console-0/pcmk-agent-[0-9a-f]{16}\\.cjs$`));
    expect(first.notes).toContain(`pushed the agent to ${first.remotePath}`);
    expect(readFileSync(first.remotePath)).toEqual(readFileSync(FAKE_AGENT));
    expect(first.client.hello.agent).toBe('fake-agent 0.0.1');
    expect((await first.client.snapshot()).nodes).toHaveLength(1);
    first.client.close();

    const second = await connectAgent(conn, { bundlePath: FAKE_AGENT, allow: ['pushed'], helloTimeoutMs: T });
    expect(second.notes).toContain(`reused the agent at ${first.remotePath}`);
    if (second.mode !== 'agentless') second.client.close();
  });

  it("falls back to agentless and says why", async () => {
    const conn = await pool(config).get('good');
    const ac = await connectAgent(conn, { allow: ['pushed', 'agentless'] });
    expect(ac.mode).toBe('agentless');
    expect(ac.notes).toEqual(['no agent bundle to push']);
    if (ac.mode !== 'agentless') throw new Error('unreachable');
    expect((await ac.runner.run('echo', ['x'])).stdout).toBe('x\n');
  });

  it('falls back from a broken agent to the next mode', async () => {
    const conn = await pool(config).get('good');
    const ac = await connectAgent(conn, {
      bundlePath: FAKE_AGENT,
      agentCommand: ['pcmk-agent', 'serve', '--protocol', '99'],
      helloTimeoutMs: T,
    });
    expect(ac.mode).toBe('pushed');
    expect(ac.notes[0]).toMatch(/^agent mode failed: ssh good: the agent \(fake-agent 0.0.1\) speaks protocol 99/);
    if (ac.mode !== 'agentless') ac.client.close();
  });
});

describe('Aggregator over SSH host sources', () => {
  it('watches a host through a pushed agent and keeps its last snapshot when the source fails', async () => {
    const p = pool(config);
    const src = new SshHostSource('good', p, { bundlePath: FAKE_AGENT, allow: ['pushed'], serveArgs: ['--watch-ms', '100'], heartbeatMs: 200 });
    const bad = new SshHostSource('nobody', pool(writeSshConfig('nobody_config', `Host nobody\n  HostName 127.0.0.1\n  Port ${await freePort()}\n`)));
    const agg = new Aggregator([src, bad], { backoff: { initialMs: 60_000 } });
    agg.start();
    const hosts = await agg.waitForAll(T);
    expect(hosts[0]).toMatchObject({ name: 'good', state: 'live', mode: 'pushed' });
    expect(hosts[0]!.snapshot!.source).toBe('fake-1');
    expect(hosts[1]).toMatchObject({ name: 'nobody', state: 'down', snapshot: null });
    expect(hosts[1]!.lastError!.message).toMatch(/^ssh nobody \(root@127\.0\.0\.1:\d+\): connection refused/);
    // The fake agent reports a 102 error every third tick: recorded, the watch goes on.
    await new Promise((r) => setTimeout(r, 800));
    const h = agg.host('good')!;
    expect(h.state).toBe('live');
    expect(h.lastError?.exitCode).toBe(102);
    const before = h.snapshot;
    // Drop the connection: the host goes down but its snapshot stays.
    (await p.get('good')).close();
    await new Promise((r) => setTimeout(r, 200));
    const down = agg.host('good')!;
    expect(down.state).toBe('down');
    expect(down.snapshot).not.toBeNull();
    expect(down.snapshot!.source).toBe(before!.source);
    await agg.stop();
  });
});
