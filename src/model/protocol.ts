/**
 * The agent's JSON-lines protocol (one JSON object per line on stdin/stdout), so one SSH exec
 * channel is all the console needs. See docs/protocol.md.
 */
import type { Action } from './actions.js';
import type { ClusterSnapshot } from './snapshot.js';
import type { InputFacts } from './history.js';

export const PROTOCOL_VERSION = 1;

export type Capability = 'snapshot' | 'watch' | 'action' | 'fence-check' | 'why' | 'history';

/** First line the agent writes. */
export interface HelloMessage {
  type: 'hello';
  protocol: typeof PROTOCOL_VERSION;
  schema: number;
  agent: string;
  node: string;
  node_version: string;
  capabilities: Capability[];
  mode: 'live' | 'cib-file';
}

/**
 * A watch of one of several hosts of a cluster: when this host's node is not the DC and the DC's
 * node is one of `peers` (the nodes whose agents the same console watches), the agent reads after
 * a resource operation, crm_mon's redraw or a configuration change only `ms` later (merging what
 * follows); the DC's agent reads at once. Node and fencing events are read at once everywhere.
 */
export interface DeferUnlessDc {
  ms: number;
  peers: string[];
}

export type ClientRequest =
  | { id: string; type: 'snapshot' }
  | { id: string; type: 'watch'; minIntervalMs?: number; maxIntervalMs?: number; deferUnlessDc?: DeferUnlessDc }
  | { id: string; type: 'unwatch' }
  | { id: string; type: 'ping' }
  | ActionRequestMessage
  | { id: string; type: 'fence-check' }
  /** Read-only: where RESOURCE runs or why it does not (on NODE). */
  | { id: string; type: 'why'; resource: string; node?: string }
  | HistoryRequestMessage;

/**
 * Read-only: the host's scheduler inputs (its pengine directory), newest first. `history` reads a
 * window of them (`limit` newest within since/until, ms since the epoch, plus the one before);
 * `history-show` one input in full, named by its file name (never a path).
 */
export type HistoryRequestMessage =
  | { id: string; type: 'history'; since?: number; until?: number; limit?: number }
  | { id: string; type: 'history-show'; input: string };

/** A named action; the host re-validates it against its CIB and plans argv itself. */
export interface ActionRequestMessage {
  id: string;
  type: 'action';
  action: Action;
  /** Plan and preview only. */
  dryRun?: boolean;
  /** Seconds to wait for the cluster to settle after the change. */
  wait?: number;
  /** The change's id, written to the host's audit log and to the console's (see newRequestId). */
  requestId?: string;
}

/**
 * When a watch's snapshot came to be (epoch ms on the agent's host): the first event it answers,
 * the collection's start and end, the parts read, how many events were merged. For traces
 * (PCMK_TRACE_LIVE) and benchmarks; a client may ignore it.
 */
export interface WatchTiming {
  eventAt: number;
  collectedFrom: number;
  collectedAt: number;
  parts: string[];
  events: number;
  /** When the agent wrote the message. */
  sentAt?: number;
}

export type AgentMessage =
  | HelloMessage
  | { id: string; type: 'snapshot'; snapshot: ClusterSnapshot; trigger?: string; timing?: WatchTiming }
  | { id: string; type: 'pong'; time: string }
  | { id: string; type: 'unwatched' }
  | { id: string; type: 'action-result'; result: unknown }
  | { id: string; type: 'fence-check'; result: unknown }
  | { id: string; type: 'why'; result: unknown }
  | { id: string; type: 'history'; host: string; inputs: InputFacts[] }
  | { id: string; type: 'history-show'; host: string; facts: InputFacts; snapshot: ClusterSnapshot | null; simulation: string }
  | { id: string | null; type: 'error'; code: string; message: string; exitCode?: number };
