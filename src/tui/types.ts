/**
 * The contract between pcmk-top and the rest of the console: what it renders (a ClusterView from a
 * view source), what it can ask for (TuiActions) and which contexts it can switch between.
 * The TUI only depends on src/model; the aggregator and the action planner are wired in by the
 * caller through these interfaces.
 */
import type { WhyLine } from '../model/view/why.js';
import type { Action } from '../model/actions.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import type { InputFacts } from '../model/history.js';

/**
 * Connection state of one host as the aggregator sees it; 'offline' for a host whose saved
 * scheduler inputs are read from files (pcmk-top --from): there is no connection at all.
 */
export type HostState = 'connecting' | 'live' | 'stale' | 'down' | 'offline';

export interface HostStatus {
  name: string;
  state: HostState;
  /** Epoch ms when this host's last good snapshot arrived; null before the first one. */
  snapshotAt: number | null;
  /** Last transport or agent error for this host, kept until the next good snapshot. */
  lastError: string | null;
  /** How the host is reached ('agent', 'agentless', 'local'...), 'cib-file' for an offline file, 'scheduler-inputs' for --from. */
  mode: string | null;
}

/** Hosts that disagree about the cluster (DC, membership, quorum): a split view. */
export interface Disagreement {
  /** What they disagree about, e.g. 'dc', 'membership', 'quorum'. */
  kind: string;
  /** One line for the operator, e.g. "cluster-1 says DC=cluster-1, cluster-3 says DC=cluster-3". */
  message: string;
  hosts: string[];
}

/** Everything the console renders at one moment. */
export interface ClusterView {
  /** Name of the configured context (cluster) this view belongs to, or null. */
  context: string | null;
  hosts: HostStatus[];
  /** The primary snapshot (last good one kept on loss); null until the first arrives. */
  snapshot: ClusterSnapshot | null;
  disagreements: Disagreement[];
  /**
   * Set when `snapshot` is not live: the last one an earlier run saved (epoch ms it was saved).
   * The header says CACHED and its age; no action is offered until a host answers.
   */
  cachedAt?: number | null;
  /**
   * Set when the console shows saved scheduler inputs (pcmk-top --from DIR|ARCHIVE), not a live
   * cluster: `snapshot` is the newest input. The header names it; every action is refused.
   */
  offline?: OfflineInputs | null;
}

/** What an offline console opened, and the newest input it shows when not travelling in time. */
export interface OfflineInputs {
  /** The directory or archive given to --from. */
  from: string;
  /** The newest input (by file time) of every directory opened; its `error` says why it could not be read. */
  newest: InputFacts | null;
  /** Why the newest input could not be read at all (a tool missing...). */
  error: string | null;
}

/**
 * Live source of views. Same shape as React's useSyncExternalStore store: getView() must return
 * the same object until something changed, and subscribe() returns an unsubscribe function.
 */
export interface ViewSource {
  getView(): ClusterView;
  subscribe(listener: () => void): () => void;
}

/** The plan of an action (what will run, what will stop/start/move), ready to show. */
export interface PlanText {
  ok: boolean;
  /** Plan or preview lines (e.g. the crm_simulate transition summary and the argv to run). */
  lines: string[];
  /** Why the plan is refused (validation error), when ok is false. */
  error?: string;
}

/** Outcome of a run action. A failed action carries the tool's error text. */
export interface ResultText {
  ok: boolean;
  /** One-line summary for the status line. */
  summary: string;
  /** Tool error output (stderr / exit reason) when ok is false. */
  error?: string;
}

/** Fencing readiness check as a table. */
export interface FenceCheckTable {
  ok: boolean;
  columns: string[];
  rows: string[][];
  summary?: string;
}

/** What the console may ask for: the actions of src/model/actions.ts, sent to a host's agent as `pcmk` sends them. */
export interface TuiActions {
  preview(action: Action): Promise<PlanText>;
  run(action: Action): Promise<ResultText>;
  fenceCheck(): Promise<FenceCheckTable>;
  /** Where a resource runs or why it does not (on node), from the host's agent. */
  why(resource: string, node?: string): Promise<WhyPanel>;
  /**
   * A page of the transition history: per host, its `limit` newest scheduler inputs (at or before
   * `until[host]` when given, else the newest), plus the one before them, newest first.
   * Without `until`, every host is asked; with it, only the hosts it names.
   */
  history(query: HistoryQuery): Promise<HistoryHostPage[]>;
  /** One scheduler input in full, read on its host: the cluster as it was then (`pcmk history show`). */
  historyShow(input: { host: string; label: string }): Promise<HistoryMoment>;
}

export interface HistoryQuery {
  limit: number;
  /** Host -> read inputs written at or before this time (ms since the epoch). */
  until?: Record<string, number>;
}

export interface HistoryHostPage {
  host: string;
  inputs: InputFacts[];
  /** Why this host gave no inputs (unreachable, no history capability...). */
  error: string | null;
}

export interface HistoryMoment {
  facts: InputFacts;
  snapshot: ClusterSnapshot | null;
}

/** The why panel: the answer's lines (the view `pcmk why` prints) and the next action it offers. */
export interface WhyPanel {
  lines: WhyLine[];
  next: { action: Action; command: string } | null;
}

/** Configured contexts (clusters); switching makes the view source emit the new context's view. */
export interface TuiContexts {
  list(): string[];
  switchTo(name: string): void | Promise<void>;
}

/** Terminal size in cells. */
export interface TermSize {
  columns: number;
  rows: number;
}
