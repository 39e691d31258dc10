import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, statSync, symlinkSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAUNCH_SCRIPT, PROBE_SCRIPT, PUSH_SCRIPT, nodeMajor, parseLaunchLine, parseProbe, planAgentModes } from '../../../src/transport/connect-agent.js';
import { orderHostKeyAlgorithms, PID_WRAPPER, quoteShellWord, toRemoteCommand, UnsafeArgumentError } from '../../../src/transport/ssh/index.js';
import { batchScript, isMissingCommand, parseBatch, remoteToolArgv, BATCH_NOT_STARTED } from '../../../src/transport/ssh-tool-runner.js';
import { TransportError, transportErrorMessage } from '../../../src/transport/errors.js';

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});


const nasty = ["it's", 'a b', '$(id)', '`id`', '"q"', '\\', '*', ';rm -rf /', '', '--', "''", '-n', '%s', '!x', '~', 'ü€'];

describe('remote command quoting', () => {
  it('single-quotes every word', () => {
    expect(quoteShellWord('abc')).toBe("'abc'");
    expect(quoteShellWord("it's")).toBe("'it'\\''s'");
    expect(quoteShellWord('')).toBe("''");
    expect(toRemoteCommand(['crm_mon', '--one-shot', 'a b'])).toBe("'crm_mon' '--one-shot' 'a b'");
  });

  it('round-trips through a real POSIX shell unchanged', () => {
    // What sshd does: hand the string to the login shell with -c.
    const cmd = toRemoteCommand(['printf', '%s\\0', ...nasty]);
    for (const shell of ['sh', 'bash']) {
      const out = execFileSync(shell, ['-c', cmd], { encoding: 'utf8', timeout: 10_000 });
      expect(out.split('\0').slice(0, -1)).toEqual(nasty);
    }
  });

  it('rejects NUL, CR and LF', () => {
    for (const w of ['a\nb', 'a\rb', 'a\0b']) expect(() => quoteShellWord(w)).toThrow(UnsafeArgumentError);
    expect(() => toRemoteCommand([])).toThrow(UnsafeArgumentError);
  });

  it('builds tool argv through env with a fixed locale and time zone', () => {
    expect(remoteToolArgv('crm_mon', ['-1'], { CIB_file: '/tmp/c.xml' })).toEqual(['env', 'TZ=UTC', 'LC_ALL=C', 'CIB_file=/tmp/c.xml', 'crm_mon', '-1']);
    expect(() => remoteToolArgv('x', [], { 'A B': '1' })).toThrow(/invalid environment variable name/);
  });

  it('recognises a missing command by exit 127 as env and shells report it', () => {
    const r = (() => {
      try {
        execFileSync('sh', ['-c', toRemoteCommand(remoteToolArgv('pcmk-no-such-tool', []))], { encoding: 'utf8', stdio: 'pipe', timeout: 10_000 });
        return { exitCode: 0, stderr: '' };
      } catch (e) {
        const x = e as { status: number; stderr: string };
        return { exitCode: x.status, stderr: x.stderr };
      }
    })();
    expect(r.exitCode).toBe(127);
    expect(isMissingCommand('pcmk-no-such-tool', r)).toBe(true);
    expect(isMissingCommand('x', { exitCode: 1, stderr: 'not found' })).toBe(false);
  });
});

describe('the batch script: the calls of one collection in one exec', () => {
  it('runs its commands side by side in a real shell and returns each output, exit and timeout as its own', () => {
    const items = [
      { argv: remoteToolArgv('printf', ['%s\\n%s', "it's", 'a b']), timeoutMs: 5000 },
      { argv: remoteToolArgv('sh', ['-c', 'echo "$TZ" >&2; exit 3']), timeoutMs: 5000 },
      { argv: remoteToolArgv('pcmk-no-such-tool', []), timeoutMs: 5000 },
      { argv: remoteToolArgv('sleep', ['30']), timeoutMs: 1000 },
      { argv: remoteToolArgv('sh', ['-c', 'sleep 1; printf "\\n%s\\n" "$0"', 'pcmk-batch-decoy']), timeoutMs: 5000 },
      { argv: remoteToolArgv('sh', ['-c', 'kill -9 $$']), timeoutMs: 5000 },
    ];
    const token = 'pcmk-batch-0123456789abcdef01234567';
    const script = batchScript(items, token);
    // What goes to the host is one line, quoted as any remote command.
    expect(script).not.toMatch(/[\r\n]/);
    expect(() => toRemoteCommand(['sh', '-c', script])).not.toThrow();
    const t = performance.now();
    const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', timeout: 20_000 });
    // Side by side: the 1 s sleeps and the 1 s timeout overlap.
    expect(performance.now() - t).toBeLessThan(2900);
    expect(r.status).toBe(0);
    const [ok, exit, missing, slow, decoy, killed] = parseBatch(r.stdout, token, items.length);
    expect(ok).toEqual({ stdout: "it's\na b", stderr: '', status: 0 });
    expect(exit).toEqual({ stdout: '', stderr: 'UTC\n', status: 3 });
    expect(missing?.status).toBe(127);
    expect(isMissingCommand('pcmk-no-such-tool', { exitCode: missing!.status, stderr: missing!.stderr })).toBe(true);
    expect(slow?.status).toBe(124);
    expect(decoy).toEqual({ stdout: '\npcmk-batch-decoy\n', stderr: '', status: 0 });
    expect(killed?.status).toBe(128 + 9);
  });

  it('runs its commands without a per-command limit where timeout is missing or takes no -k (busybox)', () => {
    const dir = tempDir('pcmk-batch-');
    // A `timeout` that refuses -k as busybox's does, ahead of the real one on PATH.
    writeFileSync(path.join(dir, 'timeout'), '#!/bin/sh\necho "timeout: unrecognized option: k" >&2\nexit 1\n', { mode: 0o755 });
    const items = [{ argv: remoteToolArgv('echo', ['ok']), timeoutMs: 5000 }, { argv: remoteToolArgv('sh', ['-c', 'exit 7']), timeoutMs: 5000 }];
    const r = spawnSync('sh', ['-c', batchScript(items, 'T')], { encoding: 'utf8', env: { PATH: `${dir}:/usr/bin:/bin` } });
    expect(parseBatch(r.stdout, 'T', 2)).toEqual([
      { stdout: 'ok\n', stderr: '', status: 0 },
      { stdout: '', stderr: '', status: 7 },
    ]);
  });

  it('says when it could not start, and parses a cut-off output as missing results, not wrong ones', () => {
    const r = spawnSync('sh', ['-c', batchScript([{ argv: ['true'], timeoutMs: 1000 }, { argv: ['true'], timeoutMs: 1000 }], 'T')], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', TMPDIR: '/nonexistent/dir' },
    });
    expect(r.status).toBe(BATCH_NOT_STARTED);
    expect(r.stdout).toBe('');
    const full = 'T 0 0\nout\nT\nerr\nT\nT 1 2\nx\nT\n\nT\n';
    expect(parseBatch(full, 'T', 2)).toEqual([
      { stdout: 'out', stderr: 'err', status: 0 },
      { stdout: 'x', stderr: '', status: 2 },
    ]);
    expect(parseBatch(full.slice(0, 20), 'T', 2)).toEqual([{ stdout: 'out', stderr: 'err', status: 0 }, null]);
    expect(parseBatch('', 'T', 1)).toEqual([null]);
  });
});

describe('the pid wrapper', () => {
  it('reports the pid the command itself runs with, then its own stderr', () => {
    const r = spawnSync('sh', ['-c', toRemoteCommand([...PID_WRAPPER, 'sh', '-c', 'echo "$$"; echo oops >&2; exit 5'])], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(5);
    const [first, ...rest] = r.stderr.split('\n');
    expect(first).toBe(`pcmk-pid=${r.stdout.trim()}`);
    expect(rest.join('\n')).toBe('oops\n');
  });
});

describe('transport error text', () => {
  it('names the host and the target', () => {
    expect(transportErrorMessage({ host: 'cluster-2', stage: 'timeout', detail: 'timed out', target: 'root@127.0.0.1:22' })).toBe(
      'ssh cluster-2 (root@127.0.0.1:22): timed out',
    );
    const e = new TransportError({ host: 'h', stage: 'connect', detail: 'connection refused by h:22' });
    expect(e.message).toBe('ssh h: connection refused by h:22');
    expect(e.stage).toBe('connect');
  });
});

describe('host key algorithm order', () => {
  it('asks first for the key types known_hosts has', () => {
    expect(orderHostKeyAlgorithms(['ssh-rsa']).slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(orderHostKeyAlgorithms(['ecdsa-sha2-nistp256'])[0]).toBe('ecdsa-sha2-nistp256');
    expect(orderHostKeyAlgorithms([])[0]).toBe('ssh-ed25519');
    expect(new Set(orderHostKeyAlgorithms(['ssh-ed25519'])).size).toBe(orderHostKeyAlgorithms(['ssh-ed25519']).length);
  });
});

describe('agent mode detection', () => {
  it('parses the probe output', () => {
    expect(parseProbe('agent=/usr/bin/pcmk-agent\nnode=v20.20.2\nsha256sum=yes\ndir=/tmp/pcmk-console-0\nsha=' + 'a'.repeat(64) + '\n')).toEqual({
      agentPath: '/usr/bin/pcmk-agent',
      nodeVersion: '20.20.2',
      hasSha256sum: true,
      dir: '/tmp/pcmk-console-0',
      pushedSha: 'a'.repeat(64),
    });
    expect(parseProbe('dir=/tmp/x\nsha=garbage\n')).toMatchObject({ agentPath: null, nodeVersion: null, pushedSha: null });
    expect(nodeMajor('16.20.0')).toBe(16);
  });

  it('plans agent > pushed > agentless with reasons', () => {
    const base = { agentPath: null, nodeVersion: null, hasSha256sum: true, dir: '/tmp/d', pushedSha: null };
    expect(planAgentModes({ ...base, agentPath: '/usr/bin/pcmk-agent', nodeVersion: '20.1.0' }, { bundleAvailable: true })).toEqual({
      modes: ['agent', 'pushed', 'agentless'],
      skipped: [],
    });
    expect(planAgentModes({ ...base, nodeVersion: '16.20.0' }, { bundleAvailable: true })).toEqual({
      modes: ['agentless'],
      skipped: ['no pcmk-agent on PATH', 'node 16.20.0 is older than 18'],
    });
    expect(planAgentModes({ ...base, nodeVersion: '18.0.0' }, { bundleAvailable: false })).toEqual({
      modes: ['agentless'],
      skipped: ['no pcmk-agent on PATH', 'no agent bundle to push'],
    });
    expect(planAgentModes({ ...base, nodeVersion: '18.0.0' }, { bundleAvailable: true, allow: ['agent', 'pushed'] }).modes).toEqual(['pushed']);
  });

  it('the probe and push scripts work in a real shell: push once, verify sha256, refuse a foreign directory', () => {
    const tmp = tempDir('pcmk-push-');
    const env = { ...process.env, TMPDIR: tmp };
    const data = Buffer.from('#!/usr/bin/env node\nconsole.log("agent")\n');
    const sha = createHash('sha256').update(data).digest('hex');
    const name = `pcmk-agent-${sha.slice(0, 16)}.cjs`;
    // Run exactly as over SSH: one quoted command string handed to the login shell.
    const remote = (argv: string[]): string[] => ['-c', toRemoteCommand(argv)];
    const probe = (): ReturnType<typeof parseProbe> =>
      parseProbe(execFileSync('sh', remote(['sh', '-c', PROBE_SCRIPT, 'probe', name]), { env, encoding: 'utf8', timeout: 10_000 }));
    const uid = process.getuid!();
    const first = probe();
    expect(first.dir).toBe(`${tmp}/pcmk-console-${uid}`);
    expect(first.nodeVersion).toBe(process.versions.node);
    expect(first.pushedSha).toBeNull();
    const out = execFileSync('sh', remote(['sh', '-c', PUSH_SCRIPT, 'push', name]), { env, input: data, encoding: 'utf8', timeout: 10_000 });
    expect(out.trim()).toBe(sha);
    const dest = path.join(first.dir!, name);
    expect(readFileSync(dest)).toEqual(data);
    expect(statSync(first.dir!).mode & 0o777).toBe(0o700);
    expect(statSync(dest).mode & 0o077).toBe(0);
    expect(probe().pushedSha).toBe(sha);

    // A symlinked directory (someone else's trap) is refused.
    const tmp2 = tempDir('pcmk-push-');
    mkdirSync(path.join(tmp2, 'elsewhere'));
    symlinkSync(path.join(tmp2, 'elsewhere'), path.join(tmp2, `pcmk-console-${uid}`));
    let err: { status: number; stderr: string } | null = null;
    try {
      execFileSync('sh', remote(['sh', '-c', PUSH_SCRIPT, 'push', name]), { env: { ...env, TMPDIR: tmp2 }, input: data, stdio: 'pipe', encoding: 'utf8', timeout: 10_000 });
    } catch (e) {
      err = e as { status: number; stderr: string };
    }
    expect(err?.status).toBe(3);
    expect(err?.stderr).toMatch(/refusing to use .*not a private directory/);
  });

  it('the launcher starts an installed agent, else a verified pushed copy, else says none', () => {
    const fake = path.resolve(__dirname, '../../fixtures/transport-fake-agent.cjs');
    const data = readFileSync(fake);
    const sha = createHash('sha256').update(data).digest('hex');
    const name = `pcmk-agent-${sha.slice(0, 16)}.cjs`;
    const tmp = tempDir('pcmk-launch-');
    const bin = path.join(tmp, 'bin');
    mkdirSync(bin);
    const basePath = `/usr/bin:/bin:${path.dirname(process.execPath)}`;
    const launch = (modes: string, env: Record<string, string>): { head: string; hello: string } => {
      const r = spawnSync('sh', ['-c', toRemoteCommand(['sh', '-c', LAUNCH_SCRIPT, 'pcmk-launch', name, sha, modes, '--node', 'n9'])], {
        env: { TMPDIR: tmp, PATH: basePath, ...env },
        input: '',
        encoding: 'utf8',
        timeout: 10_000,
      });
      return { head: r.stderr.split('\n')[0]!, hello: r.stdout.split('\n')[0]! };
    };
    expect(launch('agent,pushed', {})).toEqual({ head: 'pcmk-launch=none', hello: '' });

    const dir = path.join(tmp, `pcmk-console-${process.getuid!()}`);
    mkdirSync(dir, { mode: 0o700 });
    copyFileSync(fake, path.join(dir, name));
    const pushed = launch('agent,pushed', {});
    expect(parseLaunchLine(pushed.head)).toEqual({ mode: 'pushed', path: path.join(dir, name) });
    expect(JSON.parse(pushed.hello)).toMatchObject({ type: 'hello', node: 'n9' });
    // A copy whose bytes differ is not started.
    writeFileSync(path.join(dir, name), Buffer.concat([data, Buffer.from('\n// changed\n')]));
    expect(launch('pushed', {}).head).toBe('pcmk-launch=none');

    writeFileSync(path.join(bin, 'pcmk-agent'), `#!/bin/sh\nexec ${process.execPath} ${fake} "$@"\n`);
    chmodSync(path.join(bin, 'pcmk-agent'), 0o755);
    const installed = launch('agent,pushed', { PATH: `${bin}:${basePath}` });
    expect(parseLaunchLine(installed.head)).toEqual({ mode: 'agent', path: path.join(bin, 'pcmk-agent') });
    expect(JSON.parse(installed.hello).node).toBe('n9');
    // Not allowed: the installed agent is skipped.
    expect(launch('pushed', { PATH: `${bin}:${basePath}` }).head).toBe('pcmk-launch=none');
    expect(parseLaunchLine('something else')).toBeNull();
  });
});
