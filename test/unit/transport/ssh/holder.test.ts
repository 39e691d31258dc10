import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { holderStatus, stopHolder } from '../../../../src/transport/ssh/held-client.js';
import { Holder, type Timers } from '../../../../src/transport/ssh/holder.js';
import { ensurePrivateDir, openSocket, socketPath } from '../../../../src/transport/ssh/reuse-dir.js';

/** Timers the test fires by hand: the idle timeout without waiting for it. */
class ManualTimers implements Timers {
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  private n = 0;
  set(fn: () => void, ms: number): number {
    this.pending.set(++this.n, { fn, ms });
    return this.n;
  }
  clear(h: unknown): void {
    this.pending.delete(h as number);
  }
  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.fn();
  }
}

const holders: Holder[] = [];
const dirs: string[] = [];
function freshDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'pcmk-holder-unit-'));
  dirs.push(d);
  return ensurePrivateDir(path.join(d, 'h'));
}
async function start(dir: string, timers: Timers, idleMs = 60_000): Promise<Holder> {
  const h = await Holder.start({ dir, idleMs, timers });
  if (!h) throw new Error('expected a new holder');
  holders.push(h);
  return h;
}

afterEach(async () => {
  await Promise.all(holders.splice(0).map((h) => h.stop('test over')));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the connection holder', () => {
  it('arms its idle timeout only while no console is connected, then exits and removes its socket', async () => {
    const dir = freshDir();
    const timers = new ManualTimers();
    const h = await start(dir, timers, 60_000);
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([60_000]);
    const c = (await openSocket(socketPath(dir)))!;
    // A console connected: no idle timeout runs.
    await waitUntil('the holder to see the console', () => timers.pending.size === 0);
    c.destroy();
    await waitUntil('the idle timeout to be armed again', () => timers.pending.size === 1);
    let exited = false;
    void h.closed.then(() => (exited = true));
    timers.fireAll();
    await h.closed;
    expect(exited).toBe(true);
    expect(existsSync(socketPath(dir))).toBe(false);
  });

  it('does not exit when a console arrived before the timeout fired', async () => {
    const dir = freshDir();
    const timers = new ManualTimers();
    const h = await start(dir, timers);
    const armed = [...timers.pending.values()][0]!;
    const c = (await openSocket(socketPath(dir)))!;
    await waitUntil('the holder to see the console', () => timers.pending.size === 0);
    armed.fn();
    expect((await holderStatus(dir))?.clients).toBeGreaterThanOrEqual(1);
    c.destroy();
    void h;
  });

  it('exits after a real (short) idle time', async () => {
    const dir = freshDir();
    const h = await Holder.start({ dir, idleMs: 20 });
    await bounded(h!.closed, 5000, 'the holder to exit after 20 ms idle');
    expect(existsSync(socketPath(dir))).toBe(false);
  });

  it('leaves a live holder alone and replaces a stale socket', async () => {
    const dir = freshDir();
    const timers = new ManualTimers();
    const first = await start(dir, timers);
    expect(await Holder.start({ dir, timers })).toBeNull();
    // A socket file nobody listens on (its holder died without removing it).
    await first.stop('test');
    spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socketPath(dir))}, () => process.kill(process.pid, 'SIGKILL'))`], { timeout: 10_000 });
    const ino = statSync(socketPath(dir)).ino;
    expect(existsSync(socketPath(dir))).toBe(true);
    expect(await openSocket(socketPath(dir))).toBeNull();
    await start(dir, timers);
    expect(statSync(socketPath(dir)).ino).not.toBe(ino);
    expect((await holderStatus(dir))?.pid).toBe(process.pid);
  });

  it('reports its state and stops when asked', async () => {
    const dir = freshDir();
    const h = await start(dir, new ManualTimers());
    expect(await holderStatus(dir)).toEqual({ pid: process.pid, clients: 1, connections: [] });
    expect(await stopHolder(dir)).toBe(process.pid);
    await bounded(h.closed, 5000, 'the holder to stop');
    expect(await holderStatus(dir)).toBeNull();
  });
});

async function waitUntil(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)))]).finally(() => clearTimeout(t));
}
