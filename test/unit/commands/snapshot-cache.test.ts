import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keepSnapshotCached, readCachedSnapshot, snapshotCacheDir, snapshotCacheFile, writeCachedSnapshot } from '../../../src/commands/snapshot-cache.js';
import type { ClusterSnapshot } from '../../../src/model/snapshot.js';
import { sandboxSnapshot } from '../tui/fixtures.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'pcmk-snapcache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('snapshot cache files', () => {
  it('lives under the cache directory, one file per set of hosts and SSH config', () => {
    expect(snapshotCacheDir({}, '/home/op')).toBe('/home/op/.cache/pcmk-console/snapshots');
    expect(snapshotCacheDir({ XDG_CACHE_HOME: '/x/cache' }, '/home/op')).toBe('/x/cache/pcmk-console/snapshots');
    expect(snapshotCacheDir({ PCMK_CACHE_DIR: '/p' }, '/home/op')).toBe('/p');
    const a = snapshotCacheFile('/d', { hosts: ['h1', 'h2'], sshConfig: null });
    expect(snapshotCacheFile('/d', { hosts: ['h2', 'h1'], sshConfig: null })).toBe(a);
    expect(snapshotCacheFile('/d', { hosts: ['h1', 'h2'], sshConfig: '/etc/other' })).not.toBe(a);
    expect(snapshotCacheFile('/d', { hosts: ['h1'], sshConfig: null })).not.toBe(a);
  });

  it('writes a private file in a private directory and reads it back', () => {
    const file = path.join(tmp, 'new', 'snapshots', 'a.json');
    const snap = sandboxSnapshot();
    expect(writeCachedSnapshot(file, snap, 1234)).toBeNull();
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(file))).toEqual(['a.json']);
    const back = readCachedSnapshot(file);
    expect(back?.savedAt).toBe(1234);
    expect(back?.snapshot).toEqual(snap);
  });

  it('neither reads nor writes in a directory others can enter, and ignores what is not a snapshot', () => {
    const dir = path.join(tmp, 'open');
    const file = path.join(dir, 'a.json');
    expect(writeCachedSnapshot(file, sandboxSnapshot(), 1)).toBeNull();
    chmodSync(dir, 0o755);
    expect(readCachedSnapshot(file)).toBeNull();
    expect(writeCachedSnapshot(file, sandboxSnapshot(), 2)).toMatch(/mode 0755/);
    chmodSync(dir, 0o700);
    writeFileSync(file, JSON.stringify({ savedAt: 1, snapshot: { nodes: 'x' } }));
    expect(readCachedSnapshot(file)).toBeNull();
    writeFileSync(file, '{');
    expect(readCachedSnapshot(file)).toBeNull();
    expect(readCachedSnapshot(path.join(dir, 'missing.json'))).toBeNull();
  });
});

describe('keepSnapshotCached', () => {
  it('saves the first live snapshot after a delay, later ones at most once per interval, the last one on close', async () => {
    let snap: ClusterSnapshot | null = null;
    const listeners = new Set<() => void>();
    const set = (s: ClusterSnapshot) => {
      snap = s;
      listeners.forEach((l) => l());
    };
    const writes: ClusterSnapshot[] = [];
    const keeper = keepSnapshotCached(
      '/unused',
      { getSnapshot: () => snap, subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) },
      { firstDelayMs: 20, intervalMs: 60, write: (_f, s) => (writes.push(s), null) },
    );
    const s1 = sandboxSnapshot();
    const s2 = sandboxSnapshot();
    const s3 = sandboxSnapshot();
    set(s1);
    expect(writes).toEqual([]);
    await new Promise((r) => setTimeout(r, 40));
    expect(writes).toEqual([s1]);
    set(s2);
    set(s3);
    await new Promise((r) => setTimeout(r, 20));
    expect(writes.length).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(writes.at(-1)).toBe(s3);
    expect(writes.length).toBe(2);
    const s4 = sandboxSnapshot();
    set(s4);
    keeper.close();
    expect(writes.at(-1)).toBe(s4);
    keeper.close();
    expect(writes.length).toBe(3);
  });
});
