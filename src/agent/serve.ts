/**
 * `pcmk-agent serve`: the JSON-lines protocol on a pair of streams (stdin/stdout of an SSH exec
 * channel). One request per line; every answer carries the request's id; errors are messages,
 * never a crash. See docs/protocol.md.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Agent } from './agent.js';
import { PROTOCOL_VERSION, type AgentMessage, type Capability, type ClientRequest, type DeferUnlessDc } from '../model/protocol.js';
import { SNAPSHOT_SCHEMA } from '../model/snapshot.js';
import { isRequestId } from '../model/actions.js';
import { parseInputSpec } from '../model/history.js';
import { parseActionRequest } from './actions/request.js';
import { VERSION, versionLine } from '../model/version.js';

/** The agent's version (the product's; src/model/version.ts). */
export const AGENT_VERSION = VERSION;

/** Extra request handlers (actions, fencing checks) plugged in by the layers that own them. */
export interface ServeHandlers {
  action?: (req: Extract<ClientRequest, { type: 'action' }>) => Promise<unknown>;
  fenceCheck?: () => Promise<unknown>;
  why?: (req: Extract<ClientRequest, { type: 'why' }>) => Promise<unknown>;
  history?: (req: Extract<ClientRequest, { type: 'history' | 'history-show' }>) => Promise<AgentMessage>;
}

export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode?: number,
  ) {
    super(message);
  }
}

/** A watch's `deferUnlessDc`: a delay of 0..60000 ms and at most 64 node names. */
function parseDeferUnlessDc(v: unknown): DeferUnlessDc {
  const d = v as { ms?: unknown; peers?: unknown } | null;
  const ms = d?.ms;
  const peers = d?.peers;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 60_000) throw new ProtocolError('bad-request', 'deferUnlessDc.ms must be 0..60000');
  if (!Array.isArray(peers) || peers.length > 64 || !peers.every((p) => typeof p === 'string' && p.length > 0 && p.length <= 255)) {
    throw new ProtocolError('bad-request', 'deferUnlessDc.peers must be at most 64 node names');
  }
  return { ms: Math.round(ms), peers: peers as string[] };
}

export function parseRequest(line: string): ClientRequest {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    throw new ProtocolError('bad-json', 'request is not valid JSON');
  }
  if (!msg || typeof msg !== 'object') throw new ProtocolError('bad-request', 'request must be a JSON object');
  const m = msg as Record<string, unknown>;
  if (typeof m.id !== 'string' && typeof m.id !== 'number') throw new ProtocolError('bad-request', 'request needs an "id"');
  const id = String(m.id);
  switch (m.type) {
    case 'snapshot':
    case 'unwatch':
    case 'ping':
    case 'fence-check':
      return { id, type: m.type };
    case 'why':
      if (typeof m.resource !== 'string' || (m.node !== undefined && typeof m.node !== 'string')) throw new ProtocolError('bad-request', 'why needs "resource" (and optionally "node") as strings');
      return { id, type: 'why', resource: m.resource, ...(typeof m.node === 'string' ? { node: m.node } : {}) };
    case 'watch':
      return {
        id,
        type: 'watch',
        minIntervalMs: typeof m.minIntervalMs === 'number' ? m.minIntervalMs : undefined,
        maxIntervalMs: typeof m.maxIntervalMs === 'number' ? m.maxIntervalMs : undefined,
        ...(m.deferUnlessDc !== undefined ? { deferUnlessDc: parseDeferUnlessDc(m.deferUnlessDc) } : {}),
      };
    case 'history': {
      const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
      const limit = num(m.limit);
      if (limit !== undefined && (limit < 1 || limit > 100_000)) throw new ProtocolError('bad-request', 'limit must be 1..100000');
      return { id, type: 'history', since: num(m.since), until: num(m.until), limit: limit === undefined ? undefined : Math.round(limit) };
    }
    case 'history-show':
      // A file name of the pengine directory, never a path.
      if (typeof m.input !== 'string' || !parseInputSpec(m.input) || m.input.includes(':')) throw new ProtocolError('bad-request', 'input must name a scheduler input: 412, warn-3 or pe-input-412.bz2');
      return { id, type: 'history-show', input: m.input };
    case 'action': {
      const wait = typeof m.wait === 'number' && Number.isFinite(m.wait) && m.wait > 0 ? Math.min(Math.round(m.wait), 3600) : undefined;
      if (m.requestId !== undefined && !isRequestId(m.requestId)) throw new ProtocolError('bad-request', 'requestId must be letters, digits and ._:- (at most 64)');
      return {
        id,
        type: 'action',
        action: parseActionRequest(m.action),
        dryRun: m.dryRun === true,
        ...(wait !== undefined ? { wait } : {}),
        ...(typeof m.requestId === 'string' ? { requestId: m.requestId } : {}),
      };
    }
    default:
      throw new ProtocolError('unknown-type', `unknown request type ${JSON.stringify(m.type)}`);
  }
}

export function serve(agent: Agent, input: Readable, output: Writable, handlers: ServeHandlers = {}): Promise<void> {
  const send = (m: AgentMessage): void => {
    output.write(`${JSON.stringify(m)}\n`);
  };
  const caps: Capability[] = ['snapshot', 'watch'];
  if (handlers.action) caps.push('action');
  if (handlers.fenceCheck) caps.push('fence-check');
  if (handlers.why) caps.push('why');
  if (handlers.history) caps.push('history');
  send({
    type: 'hello',
    protocol: PROTOCOL_VERSION,
    schema: SNAPSHOT_SCHEMA,
    agent: versionLine('pcmk-agent'),
    node: agent.node,
    node_version: process.version,
    capabilities: caps,
    mode: agent.mode,
  });
  const watches = new Map<string, () => void>();
  const fail = (id: string | null, e: unknown): void => {
    if (e instanceof ProtocolError) send({ id, type: 'error', code: e.code, message: e.message, exitCode: e.exitCode });
    else {
      const err = e as { code?: unknown; exitCode?: unknown; message?: unknown };
      send({
        id,
        type: 'error',
        code: typeof err?.code === 'string' ? err.code : 'internal',
        message: typeof err?.message === 'string' ? err.message : String(e),
        exitCode: typeof err?.exitCode === 'number' ? err.exitCode : undefined,
      });
    }
  };

  const handle = async (req: ClientRequest): Promise<void> => {
    switch (req.type) {
      case 'ping':
        send({ id: req.id, type: 'pong', time: new Date().toISOString() });
        return;
      case 'snapshot':
        send({ id: req.id, type: 'snapshot', snapshot: await agent.snapshot() });
        return;
      case 'watch': {
        watches.get(req.id)?.();
        const stop = agent.watch((snapshot, trigger, timing) => send({ id: req.id, type: 'snapshot', snapshot, trigger, timing: { ...timing, sentAt: Date.now() } }), {
          minIntervalMs: req.minIntervalMs,
          maxIntervalMs: req.maxIntervalMs,
          deferUnlessDc: req.deferUnlessDc,
          onError: (e) => fail(req.id, e),
        });
        watches.set(req.id, stop);
        return;
      }
      case 'unwatch':
        watches.get(req.id)?.();
        watches.delete(req.id);
        send({ id: req.id, type: 'unwatched' });
        return;
      case 'action':
        if (!handlers.action) throw new ProtocolError('unsupported', 'this agent does not run actions');
        send({ id: req.id, type: 'action-result', result: await handlers.action(req) });
        return;
      case 'fence-check':
        if (!handlers.fenceCheck) throw new ProtocolError('unsupported', 'this agent does not run fencing checks');
        send({ id: req.id, type: 'fence-check', result: await handlers.fenceCheck() });
        return;
      case 'why':
        if (!handlers.why) throw new ProtocolError('unsupported', 'this agent does not answer why');
        send({ id: req.id, type: 'why', result: await handlers.why(req) });
        return;
      case 'history':
      case 'history-show':
        if (!handlers.history) throw new ProtocolError('unsupported', 'this agent does not read the transition history');
        send(await handlers.history(req));
        return;
    }
  };

  return new Promise((resolve) => {
    const rl = createInterface({ input, crlfDelay: Infinity });
    rl.on('line', (line) => {
      if (!line.trim()) return;
      let req: ClientRequest;
      try {
        req = parseRequest(line);
      } catch (e) {
        let id: string | null = null;
        try {
          const v = JSON.parse(line) as { id?: unknown };
          if (typeof v?.id === 'string' || typeof v?.id === 'number') id = String(v.id);
        } catch {
          /* not JSON: no id to answer */
        }
        fail(id, e);
        return;
      }
      handle(req).catch((e) => fail(req.id, e));
    });
    rl.on('close', () => {
      for (const stop of watches.values()) stop();
      watches.clear();
      resolve();
    });
  });
}
