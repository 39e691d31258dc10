/** Options of the CIB generator; every count is optional and falls back to the preset. */
export interface GenCibOptions {
  /** big (default, benchmark size), tui (~5,000 instances) or small (tests). */
  preset?: 'big' | 'tui' | 'small';
  /** Cluster (corosync) member nodes. */
  members?: number;
  /** Pacemaker Remote nodes (ocf:pacemaker:remote connections). */
  remotes?: number;
  /** Guest nodes (VirtualDomain containers with meta remote-node). */
  guests?: number;
  /** Bundles (podman and docker alternately). */
  bundles?: number;
  /** Replicas per bundle (at most 254). */
  replicas?: number;
  /** Standalone primitives. */
  primitives?: number;
  /** Groups, each with groupSize primitives. */
  groups?: number;
  groupSize?: number;
  /** Clones over the members; every 5th is promotable, some are cloned groups. */
  clones?: number;
  /** Operations failures recorded in history (with fail counts). */
  failures?: number;
  /** Disabled (target-role=Stopped) primitives. */
  stopped?: number;
  /** Extra "not running" probe results per resource on other members. */
  probes?: number;
  /** Earlier nodes per resource (stop history); may be fractional. */
  moves?: number;
  /** false writes enable-startup-probes=false (default for the big and tui presets, whose
   * history lacks most probe results; with probes on crm_verify would run for hours). */
  startupProbes?: boolean;
  /** PRNG seed: the same options and seed give the same bytes. */
  seed?: number;
  /** Reference time (epoch seconds) for history timestamps. */
  now?: number;
  clusterName?: string;
}

export declare const PRESETS: Record<'big' | 'tui' | 'small', Required<Pick<GenCibOptions,
  'members' | 'remotes' | 'guests' | 'bundles' | 'replicas' | 'primitives' | 'groups' | 'groupSize'
  | 'clones' | 'failures' | 'stopped' | 'probes' | 'moves' | 'startupProbes'>>>;

/** A complete CIB (configuration and status) as XML text. */
export declare function generateCib(options?: GenCibOptions): string;
