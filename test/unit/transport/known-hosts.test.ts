import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HostKeyError } from '../../../src/transport/errors.js';
import {
  fingerprintOf,
  hashKnownHostName,
  keyTypeOfBlob,
  knownHostsName,
  knownKeyTypes,
  loadKnownHosts,
  parseKnownHosts,
  verifyHostKey,
} from '../../../src/transport/known-hosts.js';

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});


function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** A real ed25519 public key as an SSH wire blob. */
function ed25519Blob(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
}

const k1 = ed25519Blob();
const k2 = ed25519Blob();
const k3 = ed25519Blob();
const b64 = (b: Buffer): string => b.toString('base64');

describe('key helpers', () => {
  it('reads the key type from the blob', () => {
    expect(keyTypeOfBlob(k1)).toBe('ssh-ed25519');
    expect(keyTypeOfBlob(Buffer.from([0, 0]))).toBeNull();
  });

  it('computes the same SHA256 fingerprint as ssh-keygen', () => {
    const dir = tempDir('pcmk-kh-');
    const f = path.join(dir, 'k.pub');
    writeFileSync(f, `ssh-ed25519 ${b64(k1)} test\n`);
    const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', f], { encoding: 'utf8', timeout: 10_000 });
    expect(out.split(' ')[1]).toBe(fingerprintOf(k1));
    expect(fingerprintOf(k1)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('names non-standard ports in brackets', () => {
    expect(knownHostsName('Cluster-1', 22)).toBe('cluster-1');
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });
});

describe('parseKnownHosts', () => {
  it('parses plain, bracketed, comma-listed, marked and bad lines', () => {
    const text = [
      '# comment',
      `cluster-1,198.51.100.11 ssh-ed25519 ${b64(k1)} root@cluster-1`,
      `[127.0.0.1]:2222 ssh-ed25519 ${b64(k2)}`,
      `@revoked * ssh-ed25519 ${b64(k3)}`,
      `@cert-authority *.lab ssh-ed25519 ${b64(k1)}`,
      `broken ssh-ed25519 !!!notbase64`,
      `mismatch ssh-rsa ${b64(k1)}`,
      `old 1024 35 12345`,
      '',
    ].join('\n');
    const f = parseKnownHosts(text, '/kh');
    expect(f.entries.map((e) => [e.line, e.marker, e.patterns])).toEqual([
      [2, null, ['cluster-1', '198.51.100.11']],
      [3, null, ['[127.0.0.1]:2222']],
      [4, 'revoked', ['*']],
    ]);
    expect(f.warnings).toEqual([
      '/kh:5: @cert-authority entries are not supported (host certificates); line ignored',
      '/kh:6: key is not base64; line ignored',
      '/kh:7: key type ssh-rsa does not match the key (ssh-ed25519); line ignored',
      '/kh:8: SSH protocol 1 key; line ignored',
    ]);
  });
});

describe('verifyHostKey', () => {
  const files = [
    parseKnownHosts(
      [
        `cluster-1,198.51.100.11 ssh-ed25519 ${b64(k1)}`,
        `[127.0.0.1]:2222 ssh-ed25519 ${b64(k2)}`,
        `*.lab,!bad.lab ssh-ed25519 ${b64(k1)}`,
      ].join('\n'),
      '/home/op/.ssh/known_hosts',
    ),
    parseKnownHosts(`@revoked cluster-9 ssh-ed25519 ${b64(k3)}\ncluster-9 ssh-ed25519 ${b64(k3)}\n`, '/etc/ssh/ssh_known_hosts'),
  ];

  it('accepts a known key and says where it is', () => {
    expect(verifyHostKey('cluster-1', 22, k1, files)).toMatchObject({ ok: true, file: '/home/op/.ssh/known_hosts', line: 1 });
    expect(verifyHostKey('198.51.100.11', 22, k1, files).ok).toBe(true);
    expect(verifyHostKey('127.0.0.1', 2222, k2, files).ok).toBe(true);
    expect(verifyHostKey('node.lab', 22, k1, files).ok).toBe(true);
  });

  it('does not match port 22 entries for another port', () => {
    const r = verifyHostKey('cluster-1', 2222, k1, files);
    expect(r).toMatchObject({ ok: false, status: 'unknown', lookupName: '[cluster-1]:2222' });
  });

  it('reports a changed key with the fingerprint, the file and the line', () => {
    const r = verifyHostKey('127.0.0.1', 2222, k1, files);
    expect(r).toEqual({
      ok: false,
      status: 'changed',
      lookupName: '[127.0.0.1]:2222',
      keyType: 'ssh-ed25519',
      fingerprint: fingerprintOf(k1),
      file: '/home/op/.ssh/known_hosts',
      line: 2,
      searched: ['/home/op/.ssh/known_hosts', '/etc/ssh/ssh_known_hosts'],
      knownTypes: ['ssh-ed25519'],
    });
  });

  it('negated patterns exclude a host', () => {
    expect(verifyHostKey('bad.lab', 22, k1, files)).toMatchObject({ ok: false, status: 'unknown' });
  });

  it('a revoked key fails even when also listed as valid', () => {
    expect(verifyHostKey('cluster-9', 22, k3, files)).toMatchObject({ ok: false, status: 'revoked', file: '/etc/ssh/ssh_known_hosts', line: 1 });
  });

  it('matches hashed entries computed with HMAC-SHA1', () => {
    const salt = randomBytes(20);
    const f = parseKnownHosts(`${hashKnownHostName('[10.0.0.1]:2022', salt)} ssh-ed25519 ${b64(k2)}\n`, '/hashed');
    expect(f.entries[0]!.hashed).not.toBeNull();
    expect(verifyHostKey('10.0.0.1', 2022, k2, [f]).ok).toBe(true);
    expect(verifyHostKey('10.0.0.1', 22, k2, [f])).toMatchObject({ ok: false, status: 'unknown' });
    expect(verifyHostKey('10.0.0.1', 2022, k1, [f])).toMatchObject({ ok: false, status: 'changed', file: '/hashed', line: 1 });
    expect(knownKeyTypes('[10.0.0.1]:2022', [f])).toEqual(['ssh-ed25519']);
  });

  it('matches entries hashed by ssh-keygen -H', () => {
    const dir = tempDir('pcmk-kh-');
    const f = path.join(dir, 'known_hosts');
    writeFileSync(f, `cluster-2 ssh-ed25519 ${b64(k2)}\n[cluster-3]:2200 ssh-ed25519 ${b64(k3)}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', f], { timeout: 10_000, stdio: 'ignore' });
    const text = readFileSync(f, 'utf8');
    expect(text).not.toContain('cluster-2');
    const [parsed] = loadKnownHosts([f]);
    expect(parsed!.entries.every((e) => e.hashed)).toBe(true);
    expect(verifyHostKey('cluster-2', 22, k2, [parsed!]).ok).toBe(true);
    expect(verifyHostKey('cluster-3', 2200, k3, [parsed!]).ok).toBe(true);
    expect(verifyHostKey('cluster-3', 2200, k2, [parsed!])).toMatchObject({ status: 'changed' });
  });

  it('loadKnownHosts lists missing files as empty', () => {
    const files2 = loadKnownHosts(['/nonexistent/known_hosts']);
    expect(files2).toEqual([{ path: '/nonexistent/known_hosts', entries: [], warnings: [] }]);
    expect(verifyHostKey('x', 22, k1, files2)).toMatchObject({ status: 'unknown', searched: ['/nonexistent/known_hosts'] });
  });
});

describe('HostKeyError messages', () => {
  it('names the host, the fingerprint and the files', () => {
    const unknown = new HostKeyError({
      host: 'cluster-2',
      lookupName: '[127.0.0.1]:2222',
      target: 'root@127.0.0.1:2222',
      status: 'unknown',
      keyType: 'ssh-ed25519',
      fingerprint: 'SHA256:abc',
      file: null,
      line: null,
      searched: ['/root/.ssh/known_hosts', '/tmp/kh'],
    });
    expect(unknown.stage).toBe('hostkey');
    expect(unknown.message).toBe(
      'ssh cluster-2 (root@127.0.0.1:2222): host key verification failed: the ssh-ed25519 key SHA256:abc of [127.0.0.1]:2222 is not in ' +
        '/root/.ssh/known_hosts, /tmp/kh; check the fingerprint out of band, then add it (e.g. ssh-keyscan, or connect once with ssh)',
    );
    const changed = new HostKeyError({
      host: 'cluster-2',
      lookupName: 'cluster-2',
      status: 'changed',
      keyType: 'ssh-ed25519',
      fingerprint: 'SHA256:new',
      file: '/root/.ssh/known_hosts',
      line: 4,
      searched: [],
    });
    expect(changed.message).toBe(
      "ssh cluster-2: host key verification failed: the ssh-ed25519 key of cluster-2 has CHANGED; the server offers SHA256:new but " +
        "/root/.ssh/known_hosts:4 holds a different key (this could be an attack; if the change is expected, remove the old entry with: " +
        "ssh-keygen -R 'cluster-2' -f /root/.ssh/known_hosts)",
    );
  });
});
