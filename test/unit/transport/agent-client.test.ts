import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentClient, AgentError, spawnLocalAgent, type AgentChannel } from '../../../src/transport/agent-client.js';
import type { ClusterSnapshot } from '../../../src/model/snapshot.js';

const FAKE = path.resolve(__dirname, '../../fixtures/transport-fake-agent.cjs');
const clients: AgentClient[] = [];

async function open(...args: string[]): Promise<AgentClient> {
  const c = await AgentClient.open(spawnLocalAgent([process.execPath, FAKE, 'serve', ...args], { where: 'fake' }), { helloTimeoutMs: 5000 });
  clients.push(c);
  return c;
}

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

describe('AgentClient over a local child process', () => {
  it('waits for hello and answers requests by id', async () => {
    const c = await open('--node', 'n1');
    expect(c.hello).toMatchObject({ type: 'hello', protocol: 1, node: 'n1', agent: 'fake-agent 0.0.1' });
    const [a, b, s] = await Promise.all([c.request({ type: 'ping' }), c.ping(), c.snapshot()]);
    expect(a.type).toBe('pong');
    expect(typeof b).toBe('number');
    expect(s.source).toBe('n1');
    expect(s.nodes[0]!.name).toBe('n1');
  });

  it('matches answers to requests when they arrive out of order', async () => {
    const c = await open('--slow-ms', '30');
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => c.snapshot()));
    // Each request gets its own snapshot (the fake counts them in cibVersion).
    expect(new Set(results.map((r) => r.cluster.cibVersion)).size).toBe(5);
  });

  it('turns agent error messages into AgentError with the code and exit code', async () => {
    const c = await open();
    const err = await c.request({ type: 'fail' } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect(err).toMatchObject({ code: 'agent', agentCode: 'not-connected', exitCode: 102, message: 'fake: crm_mon: Not connected' });
  });

  it('watch pushes snapshots with one id, reports watch errors, and unwatch stops it', async () => {
    const c = await open('--watch-ms', '20');
    const got: ClusterSnapshot[] = [];
    const errors: AgentError[] = [];
    let unwatch!: () => void;
    await new Promise<void>((resolve) => {
      unwatch = c.watch(
        (s) => {
          got.push(s);
          if (got.length >= 4 && errors.length >= 1) resolve();
        },
        { onError: (e) => errors.push(e) },
      );
    });
    unwatch();
    expect(errors[0]).toMatchObject({ agentCode: 'not-connected', exitCode: 102 });
    const count = got.length;
    // After unwatch, a ping still works (the channel is alive) and no more snapshots arrive.
    await c.ping();
    await new Promise((r) => setTimeout(r, 100));
    expect(got.length).toBeLessThanOrEqual(count + 1);
    const after = got.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(got.length).toBe(after);
  });

  it('a dropped channel rejects pending requests and emits close with the stderr tail', async () => {
    const c = await open('--die-after-ms', '150', '--slow-ms', '5000');
    const closed = new Promise<AgentError>((resolve) => c.once('close', resolve));
    const pending = c.snapshot().catch((e: unknown) => e);
    const err = (await pending) as AgentError;
    expect(err).toBeInstanceOf(AgentError);
    expect(err.code).toBe('closed');
    expect(err.message).toBe('fake: agent ended (exit code 3): fake agent: dying on purpose');
    expect((await closed).code).toBe('closed');
    await expect(c.ping()).rejects.toMatchObject({ code: 'closed' });
  });

  it('request timeout rejects with code timeout', async () => {
    const c = await open('--slow-ms', '2000');
    await expect(c.ping({ timeoutMs: 100 })).rejects.toMatchObject({ code: 'timeout', message: 'fake: no answer to ping within 100 ms' });
  });

  it('fails when no hello comes in time', async () => {
    const t = performance.now();
    const p = AgentClient.open(spawnLocalAgent([process.execPath, FAKE, 'serve', '--no-hello'], { where: 'fake' }), { helloTimeoutMs: 300 });
    await expect(p).rejects.toMatchObject({ code: 'hello-timeout', message: 'fake: no hello from the agent within 300 ms' });
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it('refuses a first message that is not hello, a banner, or another protocol version', async () => {
    const spawnOpen = (...a: string[]): Promise<AgentClient> =>
      AgentClient.open(spawnLocalAgent([process.execPath, FAKE, 'serve', ...a], { where: 'fake' }), { helloTimeoutMs: 5000 });
    await expect(spawnOpen('--bad-hello')).rejects.toMatchObject({ code: 'bad-hello' });
    await expect(spawnOpen('--noise')).rejects.toMatchObject({
      code: 'bad-hello',
      message: "fake: expected the agent's hello, got: Welcome to a host that prints a banner",
    });
    await expect(spawnOpen('--protocol', '2')).rejects.toMatchObject({ code: 'protocol-mismatch' });
  });

  it('reports a program that cannot start', async () => {
    const p = AgentClient.open(spawnLocalAgent(['/nonexistent/pcmk-agent', 'serve'], { where: 'local' }), { helloTimeoutMs: 5000 });
    await expect(p).rejects.toMatchObject({ code: 'closed' });
    await expect(p).rejects.toThrow(/ENOENT/);
  });
});

describe('AgentClient protocol framing', () => {
  function pipeChannel(): { channel: AgentChannel; agentOut: PassThrough; agentIn: PassThrough; end: () => void } {
    const agentOut = new PassThrough();
    const agentIn = new PassThrough();
    let exit: ((i: { code: number | null; signal: string | null }) => void) | null = null;
    return {
      agentOut,
      agentIn,
      end: () => exit?.({ code: 0, signal: null }),
      channel: {
        output: agentOut,
        input: agentIn,
        stderr: null,
        where: 'pipe',
        close: () => undefined,
        onExit: (cb) => {
          exit = cb;
        },
      },
    };
  }

  it('reassembles lines split across chunks (including multi-byte characters)', async () => {
    const p = pipeChannel();
    const opening = AgentClient.open(p.channel, { helloTimeoutMs: 1000 });
    const hello = JSON.stringify({ type: 'hello', protocol: 1, schema: 1, agent: 'x', node: 'nœud-€', node_version: 'v20', capabilities: [], mode: 'live' });
    const bytes = Buffer.from(`${hello}\n`);
    for (let i = 0; i < bytes.length; i += 7) p.agentOut.write(bytes.subarray(i, i + 7));
    const c = await opening;
    expect(c.hello.node).toBe('nœud-€');
    const warnings: string[] = [];
    c.on('protocol-warning', (w: string) => warnings.push(w));
    const ping = c.request({ type: 'ping' });
    const sent = JSON.parse(String(p.agentIn.read()).trim()) as { id: string; type: string };
    expect(sent.type).toBe('ping');
    p.agentOut.write('garbage line\n');
    p.agentOut.write(`${JSON.stringify({ id: sent.id, type: 'pong', time: 't' })}\n`);
    await expect(ping).resolves.toMatchObject({ type: 'pong' });
    expect(warnings).toEqual(['ignored a line that is not JSON: garbage line']);
    const errors: AgentError[] = [];
    c.on('agent-error', (e: AgentError) => errors.push(e));
    p.agentOut.write(`${JSON.stringify({ id: null, type: 'error', code: 'bad-json', message: 'request is not valid JSON' })}\n`);
    await new Promise((r) => setImmediate(r));
    expect(errors.map((e) => e.agentCode)).toEqual(['bad-json']);
    p.end();
    expect(c.closed).toBe(true);
  });

  it('drops a line cut off when the agent ends (never parses half a message)', async () => {
    const p = pipeChannel();
    const opening = AgentClient.open(p.channel, { helloTimeoutMs: 1000 });
    p.agentOut.write(`${JSON.stringify({ type: 'hello', protocol: 1, schema: 1, agent: 'x', node: 'n', node_version: 'v20', capabilities: [], mode: 'live' })}\n`);
    const c = await opening;
    const warnings: string[] = [];
    c.on('protocol-warning', (w: string) => warnings.push(w));
    const snap = c.snapshot();
    const sent = JSON.parse(String(p.agentIn.read()).trim()) as { id: string };
    // A snapshot answer cut at 32 KiB, inside a string, as when ssh is killed mid-write.
    const whole = JSON.stringify({ id: sent.id, type: 'snapshot', snapshot: { nodes: [], pad: 'x'.repeat(100_000) } });
    p.agentOut.write(whole.slice(0, 32_768));
    await new Promise((r) => setImmediate(r));
    p.end();
    await expect(snap).rejects.toMatchObject({ code: 'closed' });
    expect(warnings).toEqual([]);
  });
});
