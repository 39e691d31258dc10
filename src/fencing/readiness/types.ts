/**
 * The fencing readiness report: what the cluster would do if it had to fence a node now, checked
 * without fencing anything. Plain data, sent over the agent protocol as the `fence-check` result.
 * It never contains a credential: secrets appear only as "set" / "not set".
 */
import type { NodeType } from '../../model/snapshot.js';

export type FenceSeverity = 'failure' | 'warning' | 'info';

/** One thing the check found, with a stable code for scripts and one sentence for people. */
export interface FenceFinding {
  severity: FenceSeverity;
  /** e.g. "stonith-disabled", "no-device", "ipmi-auth", "method-cycle", "no-host-list". */
  code: string;
  message: string;
  node?: string;
  device?: string;
}

/** A device as one node sees it: can it fence this node, and does it work. */
export interface FenceNodeDevice {
  id: string;
  /**
   * Who says this device can fence the node: the fencer's own answer, the configuration, or
   * "agent" for a device whose targets only its agent knows (pcmk_host_check=dynamic-list),
   * which the fencer could not be asked about (CIB file, or the node the check runs on).
   */
  source: Array<'fencer' | 'config' | 'agent'>;
  /** false when a check of the device failed (agent status, BMC), null when nothing was checked. */
  working: boolean | null;
}

export interface FenceLevelReport {
  index: number | null;
  /** How the level names its target, e.g. "cluster-1", "@cluster-.*", "rack=1". */
  target: string;
  devices: string[];
  /** Every device of the level exists, can fence the node and no check of it failed. */
  usable: boolean;
}

export interface FenceNodeReport {
  node: string;
  type: NodeType;
  online: boolean | null;
  /** True when the check believes fencing this node would succeed now. */
  fencable: boolean;
  /** Guest nodes: "container X on host Y" (they are fenced by stopping their container). */
  via: string | null;
  devices: FenceNodeDevice[];
  /** Fencing topology levels that apply to this node (empty: any capable device is used). */
  levels: FenceLevelReport[];
  problems: FenceFinding[];
}

/** Result of the device's own status check (the fencer's `--query`, or the agent's monitor). */
export interface FenceStatusCheck {
  ok: boolean | null;
  /** "stonith_admin --query", "agent monitor", or "skipped". */
  method: string;
  detail: string | null;
  durationMs: number;
}

export interface FenceIpmiCheck {
  ok: boolean;
  /** BMC address and port the check talked to. */
  host: string;
  port: number;
  cipherSuite: number | null;
  power: 'on' | 'off' | null;
  /** IpmiError code ("auth", "timeout", ...), or null on success. */
  code: string | null;
  error: string | null;
  durationMs: number;
}

export interface FenceDeviceReport {
  id: string;
  /** The fence agent, e.g. "fence_ipmilan". */
  agent: string;
  /** Nodes the device claims, from its configuration; null when the agent decides at fencing time. */
  targets: string[] | null;
  /** Effective pcmk_host_check: as configured, or Pacemaker's default for this configuration. */
  hostCheck: string;
  /** Where the device resource runs now (its monitor), from the cluster status. */
  runningOn: string[];
  /** Registered with the fencer on the host that ran the check; null when not asked. */
  registered: boolean | null;
  /** Nodes a -INFINITY location keeps the device away from. */
  bannedFrom: string[];
  /** Names of credential parameters, each "set" (values are never included). */
  secrets: Record<string, 'set'>;
  /** "set" or "not set": whether a password (or a password script) is configured. */
  password: 'set' | 'not set';
  statusCheck: FenceStatusCheck;
  /** Direct BMC check with the console's own IPMI client; null for non-IPMI devices. */
  ipmi: FenceIpmiCheck | { ok: null; skipped: string } | null;
  warnings: FenceFinding[];
}

export interface FenceReport {
  /** Every node can be fenced and nothing failed. */
  ok: boolean;
  /** Node the checks ran on, when known. */
  checkedFrom: string | null;
  /** "live" (the running cluster) or "cib-file" (configuration only, no device was asked). */
  mode: 'live' | 'cib-file';
  takenAt: string;
  nodes: FenceNodeReport[];
  devices: FenceDeviceReport[];
  cluster: {
    /** The fencing-related cluster options as configured (defaults filled in). */
    options: Record<string, string>;
    twoNode: boolean | null;
    /** Every node of the cluster, also those left out of `nodes` by a narrowed check. */
    nodeNames: string[];
    quorate: boolean | null;
    findings: FenceFinding[];
  };
  durationMs: number;
}
