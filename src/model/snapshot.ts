/**
 * The cluster snapshot: one typed, versioned, plain-data view of a Pacemaker/Corosync cluster
 * as seen from one host. No IO here; everything in src/model is pure data and pure functions.
 *
 * Bump SNAPSHOT_SCHEMA on any incompatible change and describe it in docs/snapshot.md.
 */
export const SNAPSHOT_SCHEMA = 1;

/** A value that did not parse, or a section that could not be collected, with the reason. */
export interface SnapshotWarning {
  /** Which part of the snapshot: "crm_mon", "cib", "corosync.quorum", "nodes[cluster-1].health"... */
  section: string;
  message: string;
}

/** Where a section of the snapshot came from, or why it is absent. */
export interface SourceStatus {
  /** e.g. "crm_mon", "cibadmin", "corosync-cmapctl", "corosync-quorumtool", "corosync-cfgtool" */
  tool: string;
  ok: boolean;
  /** Milliseconds the tool took (0 when parsed from a given string). */
  durationMs: number;
  /** Set when ok is false: the typed error's message. */
  error?: string;
}

/**
 * The `error` of the sources a peer read leaves out: one-shot reads of several hosts of a cluster
 * read the configuration and corosync on one host and only crm_mon on the others (docs/snapshot.md).
 */
export const NOT_READ_ON_PEER = 'not read on this host: a read of several hosts reads the configuration and corosync on one of them';

/** A snapshot from a peer read: the cluster's state without its configuration or corosync. Pure. */
export function isPeerRead(s: Pick<ClusterSnapshot, 'sources'>): boolean {
  return s.sources.some((x) => x.error === NOT_READ_ON_PEER);
}

export type NodeType = 'member' | 'remote' | 'guest';

export interface ClusterNode {
  name: string;
  id: string;
  type: NodeType;
  online: boolean;
  standby: boolean;
  standbyOnFail: boolean;
  maintenance: boolean;
  pending: boolean;
  unclean: boolean;
  shutdown: boolean;
  expectedUp: boolean;
  isDc: boolean;
  resourcesRunning: number;
  /** "green" | "yellow" | "red" as crm_mon reports it (2.1+), or null when not reported. */
  health: string | null;
  /**
   * The CRM feature set the node's Pacemaker speaks (crm_mon 2.1+ `feature_set`, e.g. "3.16.1" for
   * 2.1.5, "3.20.0" for 3.0); null for remote and guest nodes, offline nodes and older crm_mon.
   */
  featureSet: string | null;
  /**
   * The Pacemaker release the node runs ("3.0.0"), known when the console read the cluster on that
   * node (its own tools, ClusterSnapshot.toolsVersion); absent otherwise.
   */
  pacemakerVersion?: string;
  /** For guest nodes: the node where the container resource runs (null when not running). */
  host: string | null;
  /** For guest nodes: the container resource id (a primitive, or a bundle replica's container). */
  container: string | null;
  /** For remote and guest nodes: the id of the connection resource (crm_mon's id_as_resource). */
  connection: string | null;
}

/**
 * Pacemaker roles, one model for old and new names:
 * Master -> Promoted, Slave -> Unpromoted. Anything else unknown becomes "Unknown" plus a warning.
 */
export type Role =
  | 'Stopped'
  | 'Started'
  | 'Promoted'
  | 'Unpromoted'
  | 'Starting'
  | 'Stopping'
  | 'Migrating'
  | 'Promoting'
  | 'Demoting'
  | 'Unknown';

/** One `<resource>` element of crm_mon's XML, in document order: the flat scripting contract. */
export interface ResourceInstance {
  /** As crm_mon gives it, e.g. "dlm:0", "httpd-bundle-podman-1", "dregistry". */
  id: string;
  /** class:provider:type, or class:type when there is no provider (e.g. "stonith:fence_ipmilan"). */
  agent: string;
  role: Role;
  targetRole: string | null;
  nodes: string[];
  active: boolean;
  failed: boolean;
  managed: boolean;
  blocked: boolean;
  orphaned: boolean;
  failureIgnored: boolean;
  /** Id of the nearest enclosing group, clone or bundle; null for a top-level primitive. */
  parent: string | null;
  /** Pending action crm_mon reports (e.g. "Starting"), or null. */
  pending: string | null;
}

export interface AgentRef {
  class: string;
  provider: string | null;
  type: string;
}

export interface OpConfig {
  id: string;
  name: string;
  interval: string;
  timeout: string | null;
  role: string | null;
  /** Any other attributes of the <op> element. */
  attrs: Record<string, string>;
}

export interface PrimitiveConfig {
  kind: 'primitive';
  id: string;
  agent: AgentRef;
  params: Record<string, string>;
  meta: Record<string, string>;
  ops: OpConfig[];
}

export interface GroupConfig {
  kind: 'group';
  id: string;
  meta: Record<string, string>;
  children: PrimitiveConfig[];
}

export interface CloneConfig {
  kind: 'clone';
  id: string;
  promotable: boolean;
  unique: boolean;
  meta: Record<string, string>;
  child: PrimitiveConfig | GroupConfig | null;
}

export interface BundleReplica {
  /** Replica index as a string ("0", "1", ...). */
  index: string;
  /** Resource ids of the replica's parts, as crm_mon names them; null when absent. */
  ip: string | null;
  container: string | null;
  remote: string | null;
  /** The inner primitive's instance id (e.g. "httpd:0"), null when the bundle has none. */
  child: string | null;
  /** Node the container runs on, null when stopped. */
  node: string | null;
  /** Guest node name of this replica (the remote connection's node name), when any. */
  guestNode: string | null;
}

export interface BundleConfig {
  kind: 'bundle';
  id: string;
  containerType: 'docker' | 'podman' | 'rkt' | 'unknown';
  image: string | null;
  replicasConfigured: number | null;
  meta: Record<string, string>;
  /** The primitive running inside each replica, or null. */
  primitive: PrimitiveConfig | null;
  replicas: BundleReplica[];
}

export type ResourceConfig = PrimitiveConfig | GroupConfig | CloneConfig | BundleConfig;

export interface FailedAction {
  /** e.g. "dregistry_monitor_10000" */
  opKey: string;
  resource: string;
  node: string;
  task: string | null;
  interval: string | null;
  exitStatus: string;
  exitCode: number | null;
  exitReason: string | null;
  call: string | null;
  status: string | null;
  /** ISO-8601 (UTC) or null when absent/unparseable. */
  lastRcChange: string | null;
}

export interface FailCountOp {
  task: string;
  interval: string;
  rc: string | null;
  callId: string | null;
  lastRcChange: string | null;
}

export interface FailCount {
  resource: string;
  node: string;
  count: number;
  /** Pacemaker "INFINITY" is reported as Number.MAX_SAFE_INTEGER. */
  migrationThreshold: number | null;
  lastFailure: string | null;
  /** Failed operations from node_history for this resource on this node. */
  operations: FailCountOp[];
}

export interface OperationRecord {
  node: string;
  resource: string;
  task: string;
  interval: string;
  callId: string | null;
  rc: string | null;
  rcText: string | null;
  lastRcChange: string | null;
  execTimeMs: number | null;
  queueTimeMs: number | null;
}

export interface FenceEvent {
  target: string;
  action: string;
  /** "success" | "failed" | "pending" ... */
  status: string;
  delegate: string | null;
  client: string | null;
  origin: string | null;
  completed: string | null;
  exitReason: string | null;
}

export interface Ticket {
  id: string;
  status: string;
  standby: boolean;
  lastGranted: string | null;
}

export interface LocationConstraint {
  id: string;
  resource: string | null;
  /** For resource-set or pattern constraints. */
  resourcePattern: string | null;
  node: string | null;
  score: string | null;
  role: string | null;
  hasRules: boolean;
  /** cli-prefer-* (pcs/crm_resource move) */
  isCliPrefer: boolean;
  /** cli-ban-* (pcs/crm_resource ban) */
  isCliBan: boolean;
  /** Lifetime end from the rule's date expression (ISO), if any. */
  expires: string | null;
  /** True when `expires` is in the past relative to the snapshot time. */
  expired: boolean;
}

export interface OrderConstraint {
  id: string;
  first: string | null;
  then: string | null;
  kind: string | null;
  score: string | null;
  firstAction: string | null;
  thenAction: string | null;
}

export interface ColocationConstraint {
  id: string;
  rsc: string | null;
  withRsc: string | null;
  score: string | null;
  rscRole: string | null;
  withRscRole: string | null;
}

export interface Constraints {
  location: LocationConstraint[];
  order: OrderConstraint[];
  colocation: ColocationConstraint[];
  /** Resource ids referenced by resource sets, per constraint id. */
  sets: Record<string, string[]>;
}

export interface CorosyncMember {
  nodeId: string;
  name: string | null;
  addresses: string[];
  status: string | null;
  votes: number | null;
  local: boolean;
}

export interface CorosyncLink {
  linkId: string;
  /** Node id of the peer this link status concerns, or null for the local ring summary. */
  nodeId: string | null;
  address: string | null;
  status: string;
  connected: boolean;
}

export interface CorosyncInfo {
  clusterName: string | null;
  transport: string | null;
  members: CorosyncMember[];
  quorum: {
    quorate: boolean | null;
    expectedVotes: number | null;
    highestExpected: number | null;
    totalVotes: number | null;
    quorum: number | null;
    flags: string[];
    ringId: string | null;
    nodeId: string | null;
  };
  links: CorosyncLink[];
}

export interface ClusterInfo {
  name: string | null;
  stack: string | null;
  dc: string | null;
  dcPresent: boolean;
  quorate: boolean | null;
  /** "partition with quorum", "partition WITHOUT quorum", or null when unknown. */
  partition: string | null;
  pacemakerVersion: string | null;
  /**
   * crm_mon's `mixed_version` (2.1+): the cluster nodes speak different CRM feature sets, as in a
   * rolling upgrade; null when crm_mon does not say.
   */
  mixedVersion: boolean | null;
  /** crm_mon XML api-version (2.x) or the legacy crm_mon version (1.1 --as-xml). */
  apiVersion: string | null;
  format: 'pacemaker-result' | 'legacy-crm_mon';
  lastUpdate: string | null;
  lastChange: string | null;
  lastChangeBy: string | null;
  options: Record<string, string>;
  counts: {
    nodes: number;
    resources: number;
    disabled: number;
    blocked: number;
  };
  /** CIB epoch/num_updates/admin_epoch when known: "admin_epoch:epoch:num_updates". */
  cibVersion: string | null;
}

/**
 * A location crm_mon has evaluated for a node (rules included): crm_mon's `<bans>`, e.g. a clone
 * kept off remote and guest nodes by `#kind ne cluster` appears once per such node.
 */
export interface ResourceBan {
  /** The location constraint (or its rule) id. */
  id: string;
  resource: string;
  node: string;
  /** Location score; -INFINITY is -Number.MAX_SAFE_INTEGER. */
  weight: number;
  promotedOnly: boolean;
}

export interface ClusterSnapshot {
  schema: typeof SNAPSHOT_SCHEMA;
  /** ISO time the snapshot was built (injected clock). */
  takenAt: string;
  /** Host the agent ran on (or the CIB file path in --cib mode). */
  source: string;
  cluster: ClusterInfo;
  nodes: ClusterNode[];
  resources: ResourceConfig[];
  instances: ResourceInstance[];
  failures: FailedAction[];
  failcounts: FailCount[];
  operations: OperationRecord[];
  fencing: FenceEvent[];
  /** node name -> attribute name -> value */
  nodeAttributes: Record<string, Record<string, string>>;
  tickets: Ticket[];
  constraints: Constraints;
  /** crm_mon's evaluated bans; absent in snapshots of agents that predate it. */
  bans?: ResourceBan[];
  /** null when corosync tools are absent (e.g. on a pacemaker_remote node); see sources. */
  corosync: CorosyncInfo | null;
  /**
   * The Pacemaker release of the tools that read this snapshot, on the host that read it
   * (`crm_mon --version`: "3.0.0"), which in a rolling upgrade differs from node to node. Null for a
   * CIB file or when unknown; absent in snapshots of agents that predate it.
   */
  toolsVersion?: string | null;
  sources: SourceStatus[];
  warnings: SnapshotWarning[];
}
