/**
 * parseCrmMon: crm_mon's XML status (Pacemaker 1.1 `--as-xml` through 3.0 `--output-as=xml`)
 * to typed plain data. Pure: string in, value out, no IO.
 *
 * Contract:
 * - The document as a whole is judged once: empty, not well-formed, not crm_mon output, an
 *   error result or "not connected" throw a CrmMonParseError with a message an operator can act on.
 * - Inside a good document nothing throws: an odd value (unknown role, garbage number, a missing
 *   attribute, an unparseable time) becomes a SnapshotWarning and a safe default.
 * - Values stay strings unless the model says otherwise (node ids such as "007" are kept as-is).
 * - Times: read with the one rule of model/time.ts (a time without a zone is UTC: the agent runs
 *   crm_mon with TZ=UTC). Times with a zone, epoch seconds and ISO-8601 are also accepted.
 */
import type {
  BundleConfig,
  BundleReplica,
  ClusterInfo,
  ClusterNode,
  CloneConfig,
  FailCount,
  FailCountOp,
  FailedAction,
  FenceEvent,
  GroupConfig,
  NodeType,
  OperationRecord,
  PrimitiveConfig,
  ResourceConfig,
  ResourceBan,
  ResourceInstance,
  Role,
  SnapshotWarning,
  Ticket,
  AgentRef,
} from '../../model/snapshot.js';
import { parsePacemakerTime } from '../../model/time.js';
import { baseResourceId, parseBoolean, snapshotScore } from '../../model/values.js';
import { childNamed, parseXml, XmlSyntaxError, type XmlElement } from './xml.js';

/** crm_mon arguments the agent uses with Pacemaker 2.0.3 and later (`--output-as` exists). */
export const CRM_MON_ARGS: string[] = ['--one-shot', '--output-as=xml', '--inactive', '--include=all'];

/**
 * crm_mon arguments for Pacemaker 1.1 (and 2.0.0-2.0.2), whose XML mode is `--as-xml` and
 * prints node attributes, operation history with timings, fail counts, tickets and bans only
 * when asked. Every option here exists since 1.1.12.
 */
export const LEGACY_CRM_MON_ARGS: string[] = [
  '--one-shot',
  '--as-xml',
  '--inactive',
  '--show-node-attributes',
  '--operations',
  '--timing-details',
  '--failcounts',
  '--tickets',
  '--neg-locations',
];

export type CrmMonParseErrorKind = 'empty' | 'malformed' | 'not-crm-mon' | 'failed' | 'disconnected';

/** The crm_mon output as a whole cannot be used; `message` says why in operator terms. */
export class CrmMonParseError extends Error {
  readonly kind: CrmMonParseErrorKind;
  /** `<status code>` of a `<pacemaker-result>` when there was one. */
  readonly code: number | null;
  /** Texts of `<status><errors><error>`, in order. */
  readonly errors: string[];
  /** `pacemakerd-state` of `<crm-mon-disconnected>`, when given. */
  readonly pacemakerdState: string | null;
  constructor(
    kind: CrmMonParseErrorKind,
    message: string,
    extra: { code?: number | null; errors?: string[]; pacemakerdState?: string | null; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'CrmMonParseError';
    this.kind = kind;
    this.code = extra.code ?? null;
    this.errors = extra.errors ?? [];
    this.pacemakerdState = extra.pacemakerdState ?? null;
  }
}

/** crm_mon's evaluated bans are the snapshot's (one type). */
export type CrmMonBan = ResourceBan;

export type CrmMonCluster = Omit<ClusterInfo, 'options' | 'cibVersion' | 'name'> & {
  options: Record<string, string>;
};

export interface CrmMonResult {
  format: 'pacemaker-result' | 'legacy-crm_mon';
  /** api-version of `<pacemaker-result>`, or the crm_mon version of a legacy `<crm_mon>`. */
  apiVersion: string | null;
  cluster: CrmMonCluster;
  nodes: ClusterNode[];
  /** One entry per `<resource>` of the resources section, in document order. */
  instances: ResourceInstance[];
  /** Resource structure as crm_mon shows it (params, meta and ops are not in crm_mon: empty). */
  tree: ResourceConfig[];
  failures: FailedAction[];
  failcounts: FailCount[];
  operations: OperationRecord[];
  fencing: FenceEvent[];
  nodeAttributes: Record<string, Record<string, string>>;
  tickets: Ticket[];
  bans: CrmMonBan[];
  warnings: SnapshotWarning[];
}

export interface ParseCrmMonOptions {
  /** Reference time, only used to complete times printed without a year. Default: new Date(). */
  now?: Date;
}

const MAX_WARNINGS = 200;

/** Parse crm_mon XML output. Throws CrmMonParseError when the document as a whole is unusable. */
export function parseCrmMon(xml: string, opts: ParseCrmMonOptions = {}): CrmMonResult {
  if (typeof xml !== 'string' || !/\S/.test(xml)) {
    throw new CrmMonParseError(
      'empty',
      'crm_mon printed nothing (empty output): no cluster status to read. ' +
        'Check that Pacemaker is installed and running, and see crm_mon\'s stderr and exit code.',
    );
  }
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (err) {
    if (err instanceof XmlSyntaxError) {
      throw new CrmMonParseError(
        'malformed',
        `crm_mon output is not well-formed XML (truncated or corrupted?): ${err.message}`,
        { cause: err },
      );
    }
    throw err;
  }
  const p = new Reader(opts.now ?? new Date());
  return p.read(root);
}

// ---------------------------------------------------------------------------------------------

const ROLE_MAP: Record<string, Role> = {
  started: 'Started',
  stopped: 'Stopped',
  promoted: 'Promoted',
  unpromoted: 'Unpromoted',
  master: 'Promoted',
  slave: 'Unpromoted',
  starting: 'Starting',
  stopping: 'Stopping',
  migrating: 'Migrating',
  promoting: 'Promoting',
  demoting: 'Demoting',
  unknown: 'Unknown',
};


class Reader {
  private readonly warnings: SnapshotWarning[] = [];
  private suppressed = 0;
  private readonly timeCache = new Map<string, string | null>();

  constructor(private readonly now: Date) {}

  warn(section: string, message: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ section, message });
    else this.suppressed++;
  }

  // ---- value readers ------------------------------------------------------------------------

  bool(el: XmlElement, name: string, section: string, required: boolean, def = false): boolean {
    const v = el.attrs[name];
    if (v === undefined) {
      if (required) this.warn(section, `missing attribute "${name}" on <${el.name}>; assuming ${def}`);
      return def;
    }
    const b = parseBoolean(v);
    if (b !== null) return b;
    this.warn(section, `attribute "${name}" of <${el.name}> is not a boolean: ${JSON.stringify(v)}; assuming ${def}`);
    return def;
  }

  str(el: XmlElement, name: string, section: string, required: boolean): string | null {
    const v = el.attrs[name];
    if (v === undefined) {
      if (required) this.warn(section, `missing attribute "${name}" on <${el.name}>`);
      return null;
    }
    return v;
  }

  /** Integer; INFINITY (and anything at or beyond Pacemaker's 1,000,000) is ±MAX_SAFE_INTEGER. */
  int(value: string | undefined, what: string, section: string, opts: { infinity?: boolean } = {}): number | null {
    if (value === undefined) return null;
    const t = value.trim();
    if (opts.infinity) {
      const n = snapshotScore(t);
      if (n !== null) return n;
    } else if (/^[+-]?\d+$/.test(t) && Number.isSafeInteger(Number(t))) {
      return Number(t);
    }
    this.warn(section, `${what} is not an integer: ${JSON.stringify(value)}`);
    return null;
  }

  /** "33ms" / "33" -> 33. */
  ms(value: string | undefined, what: string, section: string): number | null {
    if (value === undefined || value === '') return null;
    const m = /^\s*(\d+)\s*(?:ms)?\s*$/.exec(value);
    if (m) return Number(m[1]);
    this.warn(section, `${what} is not a duration in milliseconds: ${JSON.stringify(value)}`);
    return null;
  }

  /** Interval as a string of milliseconds: "10000ms" -> "10000"; absent -> "0". */
  interval(value: string | undefined, section: string): string {
    if (value === undefined || value === '') return '0';
    const m = /^\s*(\d+)\s*(?:ms)?\s*$/.exec(value);
    if (m) return String(Number(m[1]));
    this.warn(section, `interval is not a number of milliseconds: ${JSON.stringify(value)}`);
    return value;
  }

  time(value: string | undefined, what: string, section: string): string | null {
    if (value === undefined) return null;
    const cached = this.timeCache.get(value);
    if (cached !== undefined) return cached;
    const iso = this.parseTime(value.trim());
    if (iso === undefined) {
      this.warn(section, `${what} is not a time crm_mon prints: ${JSON.stringify(value)}`);
      return null;
    }
    this.timeCache.set(value, iso);
    return iso;
  }

  /** ISO string; null for "no time" ('' or epoch 0); undefined when unparseable. */
  private parseTime(t: string): string | null | undefined {
    if (t === '' || /^0+$/.test(t)) return null;
    return parsePacemakerTime(t, { now: this.now })?.iso;
  }

  role(value: string | null, section: string): Role {
    if (value === null) return 'Unknown';
    const r = ROLE_MAP[value] ?? ROLE_MAP[value.trim().toLowerCase()];
    if (r !== undefined) return r;
    this.warn(section, `unknown role ${JSON.stringify(value)}; shown as Unknown`);
    return 'Unknown';
  }

  // ---- document -----------------------------------------------------------------------------

  read(root: XmlElement): CrmMonResult {
    let format: CrmMonResult['format'];
    let apiVersion: string | null;
    if (root.name === 'pacemaker-result') {
      format = 'pacemaker-result';
      apiVersion = root.attrs['api-version'] ?? null;
      this.checkResult(root);
    } else if (root.name === 'crm_mon') {
      format = 'legacy-crm_mon';
      apiVersion = root.attrs.version ?? null;
      if (root.children.length === 0) {
        throw new CrmMonParseError(
          'disconnected',
          `crm_mon${apiVersion ? ` ${apiVersion}` : ''} printed an empty <crm_mon/> document with no cluster status: ` +
            'this is what `crm_mon --as-xml` prints when it cannot connect to the cluster ' +
            '(is Pacemaker running on this host?)',
        );
      }
    } else {
      const hint =
        root.name === 'cib'
          ? ' This looks like a CIB; run crm_mon with CIB_file=<file> to get its status.'
          : '';
      throw new CrmMonParseError(
        'not-crm-mon',
        `not crm_mon XML output: the root element is <${root.name}>, expected <pacemaker-result> ` +
          `(crm_mon --output-as=xml) or <crm_mon> (crm_mon --as-xml).${hint}`,
      );
    }

    const sections: Record<string, XmlElement> = {};
    for (const kid of root.children) if (sections[kid.name] === undefined) sections[kid.name] = kid;

    if (sections.summary === undefined && sections.nodes === undefined && sections.resources === undefined) {
      const errors = statusErrors(root);
      if (errors.length > 0) {
        // e.g. CIB_file pointing at a missing file: status code 0, an error text, no sections.
        throw new CrmMonParseError('failed', `crm_mon printed no cluster status: ${errors.join('; ')}`, {
          code: statusCode(root),
          errors,
        });
      }
      throw new CrmMonParseError(
        'not-crm-mon',
        `not crm_mon status output: <${root.name}> has none of crm_mon's sections ` +
          '(summary, nodes, resources)' +
          (root.attrs.request ? ` (request: ${JSON.stringify(root.attrs.request)})` : ''),
      );
    }
    for (const e of statusErrors(root)) this.warn('crm_mon', `crm_mon reported: ${e}`);

    const pcmkd = sections.pacemakerd;
    if (pcmkd !== undefined && pcmkd.attrs.state !== undefined && pcmkd.attrs.state !== 'running') {
      this.warn('crm_mon', `pacemakerd reports state "${pcmkd.attrs.state}"; the status may be incomplete`);
    }

    const cluster = this.readSummary(sections.summary, format, apiVersion);
    const { instances, tree } = this.readResources(sections.resources);
    const nodes = this.readNodes(sections.nodes, instances);
    const nodeAttributes = this.readNodeAttributes(sections.node_attributes);
    const { operations, failcounts } = this.readNodeHistory(sections.node_history);
    const failures = this.readFailures(sections.failures);
    const fencing = this.readFencing(sections.fence_history);
    const tickets = this.readTickets(sections.tickets);
    const bans = this.readBans(sections.bans);

    if (this.suppressed > 0) {
      this.warnings.push({ section: 'crm_mon', message: `${this.suppressed} more warnings not shown` });
    }
    return {
      format,
      apiVersion,
      cluster,
      nodes,
      instances,
      tree,
      failures,
      failcounts,
      operations,
      fencing,
      nodeAttributes,
      tickets,
      bans,
      warnings: this.warnings,
    };
  }

  private checkResult(root: XmlElement): void {
    const request = root.attrs.request;
    if (request !== undefined) {
      const program = request.trim().split(/\s+/)[0] ?? '';
      const base = program.slice(program.lastIndexOf('/') + 1);
      if (base !== 'crm_mon' && base !== 'crm_mon.cgi') {
        throw new CrmMonParseError(
          'not-crm-mon',
          `not crm_mon output: this <pacemaker-result> was printed by ${JSON.stringify(base)} ` +
            `(request: ${JSON.stringify(request)})`,
        );
      }
    }
    const status = childNamed(root, 'status');
    const disconnected = childNamed(root, 'crm-mon-disconnected');
    const code = statusCode(root);
    const statusMsg = status?.attrs.message ?? null;
    const errors = statusErrors(root);
    const detail = errors.length > 0 ? `: ${errors.join('; ')}` : '';

    if (disconnected !== undefined) {
      const desc = disconnected.attrs.description ?? null;
      const state = disconnected.attrs['pacemakerd-state'] ?? null;
      throw new CrmMonParseError(
        'disconnected',
        'crm_mon is not connected to the cluster: the cluster is not running or not reachable on this host' +
          (desc ? ` (${desc})` : '') +
          (state ? `; pacemakerd state: ${state}` : '') +
          detail,
        { code, errors, pacemakerdState: state },
      );
    }
    if (status === undefined) {
      this.warn('crm_mon', 'no <status> element at the end of <pacemaker-result>; the output may be incomplete');
      return;
    }
    if (code === 0) return;
    if (code === 102) {
      throw new CrmMonParseError(
        'disconnected',
        'crm_mon could not connect to the cluster; is Pacemaker running on this host? ' +
          `(status 102${statusMsg ? ` "${statusMsg}"` : ''}${detail})`,
        { code, errors },
      );
    }
    throw new CrmMonParseError(
      'failed',
      `crm_mon reported an error: status ${status.attrs.code ?? '?'}` +
        (statusMsg ? ` "${statusMsg}"` : '') +
        detail,
      { code, errors },
    );
  }

  // ---- summary ------------------------------------------------------------------------------

  private readSummary(summary: XmlElement | undefined, format: CrmMonResult['format'], apiVersion: string | null): CrmMonCluster {
    const cluster: CrmMonCluster = {
      stack: null,
      dc: null,
      dcPresent: false,
      quorate: null,
      partition: null,
      pacemakerVersion: null,
      mixedVersion: null,
      apiVersion,
      format,
      lastUpdate: null,
      lastChange: null,
      lastChangeBy: null,
      options: {},
      counts: { nodes: 0, resources: 0, disabled: 0, blocked: 0 },
    };
    const sec = 'crm_mon.summary';
    if (summary === undefined) {
      this.warn(sec, 'no <summary> section: cluster summary unknown');
      return cluster;
    }
    for (const el of summary.children) {
      const a = el.attrs;
      switch (el.name) {
        case 'stack':
          cluster.stack = a.type ?? null;
          if (a['pacemakerd-state'] !== undefined && a['pacemakerd-state'] !== 'running') {
            this.warn(sec, `pacemakerd reports state "${a['pacemakerd-state']}"`);
          }
          break;
        case 'current_dc': {
          cluster.dcPresent = this.bool(el, 'present', sec, true);
          if (cluster.dcPresent) {
            cluster.dc = a.name || null;
            if (cluster.dc === null) this.warn(sec, 'current_dc is present but has no name');
            cluster.pacemakerVersion = a.version || null;
            if (a.mixed_version !== undefined) cluster.mixedVersion = this.bool(el, 'mixed_version', sec, false);
            if (a.with_quorum !== undefined) {
              cluster.quorate = this.bool(el, 'with_quorum', sec, true);
              cluster.partition = cluster.quorate ? 'partition with quorum' : 'partition WITHOUT quorum';
            }
          }
          break;
        }
        case 'last_update':
          cluster.lastUpdate = this.time(a.time, 'last_update time', sec);
          break;
        case 'last_change': {
          cluster.lastChange = this.time(a.time, 'last_change time', sec);
          const parts: string[] = [];
          if (a.user) parts.push(a.user);
          if (a.client) parts.push(`via ${a.client}`);
          if (a.origin) parts.push(`on ${a.origin}`);
          cluster.lastChangeBy = parts.length > 0 ? parts.join(' ') : null;
          break;
        }
        case 'nodes_configured':
          cluster.counts.nodes = this.int(a.number, 'nodes_configured number', sec) ?? 0;
          break;
        case 'resources_configured':
          cluster.counts.resources = this.int(a.number, 'resources_configured number', sec) ?? 0;
          cluster.counts.disabled = this.int(a.disabled, 'resources_configured disabled', sec) ?? 0;
          cluster.counts.blocked = this.int(a.blocked, 'resources_configured blocked', sec) ?? 0;
          break;
        case 'cluster_options':
          for (const k of Object.keys(a)) cluster.options[k] = a[k];
          break;
        default:
          break;
      }
    }
    return cluster;
  }

  // ---- resources ----------------------------------------------------------------------------

  private readResources(section: XmlElement | undefined): { instances: ResourceInstance[]; tree: ResourceConfig[] } {
    const instances: ResourceInstance[] = [];
    const tree: ResourceConfig[] = [];
    if (section === undefined) {
      this.warn('crm_mon.resources', 'no <resources> section: resource status unknown');
      return { instances, tree };
    }
    for (const el of section.children) {
      const cfg = this.readResourceElement(el, null, instances);
      if (cfg !== null) tree.push(cfg);
    }
    return { instances, tree };
  }

  private readResourceElement(el: XmlElement, parent: string | null, out: ResourceInstance[]): ResourceConfig | null {
    switch (el.name) {
      case 'resource': {
        const inst = this.readInstance(el, parent);
        out.push(inst);
        return primitiveOf(inst.id, inst.agent);
      }
      case 'group':
        return this.readGroup(el, out);
      case 'clone':
        return this.readClone(el, out);
      case 'bundle':
        return this.readBundle(el, out);
      default:
        this.warn('crm_mon.resources', `unexpected <${el.name}> in resources; ignored`);
        return null;
    }
  }

  private readInstance(el: XmlElement, parent: string | null): ResourceInstance {
    const a = el.attrs;
    const id = a.id ?? '';
    const sec = `crm_mon.resources[${id}]`;
    if (a.id === undefined) this.warn('crm_mon.resources', 'a <resource> without an id');
    const rawAgent = this.str(el, 'resource_agent', sec, true) ?? '';
    const nodes: string[] = [];
    for (const k of el.children) {
      if (k.name === 'node') {
        const n = k.attrs.name;
        if (n !== undefined) nodes.push(n);
        else this.warn(sec, 'a running-on <node> without a name');
      }
    }
    const pending = a.pending;
    return {
      id,
      agent: normalizeAgent(rawAgent),
      role: this.role(this.str(el, 'role', sec, true), sec),
      targetRole: a.target_role ?? null,
      nodes,
      active: this.bool(el, 'active', sec, true),
      failed: this.bool(el, 'failed', sec, true),
      managed: this.bool(el, 'managed', sec, true, true),
      blocked: this.bool(el, 'blocked', sec, false),
      // 3.0.2 writes "removed" next to "orphaned" (a rename in progress); either may be alone.
      orphaned: a.orphaned !== undefined || a.removed === undefined
        ? this.bool(el, 'orphaned', sec, true)
        : this.bool(el, 'removed', sec, false),
      failureIgnored: this.bool(el, 'failure_ignored', sec, true),
      parent,
      pending: pending === undefined || pending === '' || pending === 'false' ? null : pending,
    };
  }

  private readGroup(el: XmlElement, out: ResourceInstance[]): GroupConfig {
    const id = el.attrs.id ?? '';
    const children: PrimitiveConfig[] = [];
    for (const kid of el.children) {
      const cfg = this.readResourceElement(kid, id, out);
      if (cfg === null) continue;
      if (cfg.kind === 'primitive') children.push(cfg);
      else this.warn(`crm_mon.resources[${id}]`, `unexpected ${cfg.kind} "${cfg.id}" inside a group`);
    }
    return { kind: 'group', id, meta: {}, children };
  }

  private readClone(el: XmlElement, out: ResourceInstance[]): CloneConfig {
    const id = el.attrs.id ?? '';
    const sec = `crm_mon.resources[${id}]`;
    let child: PrimitiveConfig | GroupConfig | null = null;
    for (const kid of el.children) {
      const cfg = this.readResourceElement(kid, id, out);
      if (cfg === null || child !== null) continue;
      if (cfg.kind === 'primitive') {
        child = { ...cfg, id: baseResourceId(cfg.id) };
      } else if (cfg.kind === 'group') {
        child = { ...cfg, id: baseResourceId(cfg.id), children: cfg.children.map((c) => ({ ...c, id: baseResourceId(c.id) })) };
      } else {
        this.warn(sec, `unexpected ${cfg.kind} "${cfg.id}" inside a clone`);
      }
    }
    const promotable =
      this.bool(el, 'multi_state', sec, el.attrs.promotable === undefined) ||
      (el.attrs.promotable !== undefined && this.bool(el, 'promotable', sec, false));
    return { kind: 'clone', id, promotable, unique: this.bool(el, 'unique', sec, true), meta: {}, child };
  }

  private readBundle(el: XmlElement, out: ResourceInstance[]): BundleConfig {
    const id = el.attrs.id ?? '';
    const sec = `crm_mon.resources[${id}]`;
    const type = el.attrs.type;
    let containerType: BundleConfig['containerType'] = 'unknown';
    if (type === 'docker' || type === 'podman' || type === 'rkt') containerType = type;
    else this.warn(sec, `unknown bundle container type ${JSON.stringify(type ?? null)}`);
    let primitive: PrimitiveConfig | null = null;
    const replicas: BundleReplica[] = [];
    for (const rep of el.children) {
      if (rep.name !== 'replica') {
        this.warn(sec, `unexpected <${rep.name}> inside a bundle; ignored`);
        continue;
      }
      const index = rep.attrs.id ?? String(replicas.length);
      const replica: BundleReplica = { index, ip: null, container: null, remote: null, child: null, node: null, guestNode: null };
      const containerId = type !== undefined ? `${id}-${type}-${index}` : null;
      for (const kid of rep.children) {
        if (kid.name !== 'resource') {
          this.warn(sec, `unexpected <${kid.name}> inside a bundle replica; ignored`);
          continue;
        }
        const inst = this.readInstance(kid, id);
        out.push(inst);
        if (inst.agent === 'ocf:pacemaker:remote') {
          replica.remote = inst.id;
          replica.guestNode = inst.id;
        } else if (inst.id === containerId || (CONTAINER_AGENT_RE.test(inst.agent) && inst.id.startsWith(`${id}-`))) {
          replica.container = inst.id;
          replica.node = inst.nodes[0] ?? null;
        } else if (inst.id.startsWith(`${id}-ip-`)) {
          replica.ip = inst.id;
        } else {
          replica.child = inst.id;
          if (primitive === null) primitive = { ...primitiveOf(inst.id, inst.agent), id: baseResourceId(inst.id) };
        }
      }
      replicas.push(replica);
    }
    return {
      kind: 'bundle',
      id,
      containerType,
      image: el.attrs.image ?? null,
      // crm_mon lists every configured replica, running or not.
      replicasConfigured: replicas.length,
      meta: {},
      primitive,
      replicas,
    };
  }

  // ---- nodes --------------------------------------------------------------------------------

  private readNodes(section: XmlElement | undefined, instances: ResourceInstance[]): ClusterNode[] {
    const nodes: ClusterNode[] = [];
    if (section === undefined) {
      this.warn('crm_mon.nodes', 'no <nodes> section: node status unknown');
      return nodes;
    }
    // First instance per id, preferring one that runs somewhere.
    const byId = new Map<string, ResourceInstance>();
    for (const inst of instances) {
      const prev = byId.get(inst.id);
      if (prev === undefined || (prev.nodes.length === 0 && inst.nodes.length > 0)) byId.set(inst.id, inst);
    }
    for (const el of section.children) {
      if (el.name !== 'node') continue;
      const a = el.attrs;
      const name = a.name ?? '';
      const sec = `crm_mon.nodes[${name}]`;
      if (a.name === undefined) this.warn('crm_mon.nodes', 'a <node> without a name');
      const rawType = this.str(el, 'type', sec, true);
      const containerRef = a.id_as_resource ?? a.container_id ?? null;
      let type: NodeType = 'member';
      let host: string | null = null;
      let container: string | null = null;
      let connection: string | null = null;
      if (rawType === 'remote') {
        const ref = containerRef !== null ? byId.get(containerRef) : undefined;
        if (containerRef !== null && ref?.agent !== 'ocf:pacemaker:remote') {
          // A guest node: its connection belongs to a container resource (a VM/container
          // primitive, or a bundle replica's container). Its host is where that container runs.
          type = 'guest';
          container = containerRef;
          host = ref?.nodes[0] ?? null;
          // Pacemaker names a guest's (implicit or bundle) connection resource after the node.
          connection = name;
        } else {
          type = 'remote';
          const conn = byId.get(containerRef ?? name);
          connection = conn !== undefined && conn.agent === 'ocf:pacemaker:remote' ? conn.id : null;
        }
      } else if (rawType !== 'member' && rawType !== null) {
        this.warn(sec, `node type ${JSON.stringify(rawType)} is not member or remote; treated as a cluster member`);
      }
      const running = this.int(a.resources_running, 'resources_running', sec);
      if (a.resources_running === undefined) this.warn(sec, 'missing attribute "resources_running" on <node>');
      nodes.push({
        name,
        id: a.id ?? '',
        type,
        online: this.bool(el, 'online', sec, true),
        standby: this.bool(el, 'standby', sec, true),
        standbyOnFail: this.bool(el, 'standby_onfail', sec, true),
        maintenance: this.bool(el, 'maintenance', sec, true),
        pending: this.bool(el, 'pending', sec, true),
        unclean: this.bool(el, 'unclean', sec, true),
        shutdown: this.bool(el, 'shutdown', sec, true),
        expectedUp: this.bool(el, 'expected_up', sec, true),
        isDc: this.bool(el, 'is_dc', sec, true),
        resourcesRunning: running ?? 0,
        health: a.health ?? null,
        featureSet: a.feature_set || null,
        host,
        container,
        connection,
      });
    }
    return nodes;
  }

  // ---- other sections -----------------------------------------------------------------------

  private readNodeAttributes(section: XmlElement | undefined): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    if (section === undefined) return out;
    for (const n of section.children) {
      if (n.name !== 'node') continue;
      const name = n.attrs.name;
      if (name === undefined) {
        this.warn('crm_mon.node_attributes', 'a <node> without a name; ignored');
        continue;
      }
      const attrs = out[name] ?? (out[name] = {});
      for (const at of n.children) {
        if (at.name !== 'attribute') continue;
        const k = at.attrs.name;
        if (k === undefined) {
          this.warn(`crm_mon.node_attributes[${name}]`, 'an <attribute> without a name; ignored');
          continue;
        }
        attrs[k] = at.attrs.value ?? '';
      }
    }
    return out;
  }

  private readNodeHistory(section: XmlElement | undefined): { operations: OperationRecord[]; failcounts: FailCount[] } {
    const operations: OperationRecord[] = [];
    const failcounts: FailCount[] = [];
    if (section === undefined) return { operations, failcounts };
    for (const n of section.children) {
      if (n.name !== 'node') continue;
      const node = n.attrs.name ?? '';
      for (const rh of n.children) {
        if (rh.name !== 'resource_history') continue;
        const resource = rh.attrs.id ?? '';
        const sec = `crm_mon.node_history[${node}][${resource}]`;
        const failedOps: FailCountOp[] = [];
        for (const op of rh.children) {
          if (op.name !== 'operation_history') continue;
          const a = op.attrs;
          const task = a.task ?? '';
          if (a.task === undefined) this.warn(sec, 'an <operation_history> without a task');
          const interval = this.interval(a.interval, sec);
          const rc = a.rc ?? null;
          const lastRcChange = this.time(a['last-rc-change'], 'last-rc-change', sec);
          operations.push({
            node,
            resource,
            task,
            interval,
            callId: a.call ?? null,
            rc,
            rcText: a.rc_text ?? null,
            lastRcChange,
            execTimeMs: this.ms(a['exec-time'], 'exec-time', sec),
            queueTimeMs: this.ms(a['queue-time'], 'queue-time', sec),
          });
          if (isFailedOp(task, interval, rc)) {
            failedOps.push({ task, interval, rc, callId: a.call ?? null, lastRcChange });
          }
        }
        const fc = rh.attrs['fail-count'];
        if (fc !== undefined) {
          const count = this.int(fc, 'fail-count', sec, { infinity: true });
          if (count === null) continue;
          failcounts.push({
            resource,
            node,
            count,
            migrationThreshold: this.int(rh.attrs['migration-threshold'], 'migration-threshold', sec, { infinity: true }),
            lastFailure: this.time(rh.attrs['last-failure'], 'last-failure', sec),
            operations: failedOps,
          });
        }
      }
    }
    return { operations, failcounts };
  }

  private readFailures(section: XmlElement | undefined): FailedAction[] {
    const out: FailedAction[] = [];
    if (section === undefined) return out;
    for (const f of section.children) {
      if (f.name !== 'failure') continue;
      const a = f.attrs;
      const fromId = a.op_key === undefined;
      const opKey = a.op_key ?? a.id ?? '';
      const sec = `crm_mon.failures[${opKey}]`;
      if (opKey === '') this.warn('crm_mon.failures', 'a <failure> without op_key or id');
      const parsed = parseOpKey(opKey, fromId);
      out.push({
        opKey,
        resource: parsed.resource,
        node: a.node ?? '',
        task: a.task ?? parsed.task,
        interval: a.interval !== undefined ? this.interval(a.interval, sec) : parsed.interval,
        exitStatus: a.exitstatus ?? '',
        exitCode: this.int(a.exitcode, 'exitcode', sec),
        exitReason: a.exitreason || null,
        call: a.call ?? null,
        status: a.status ?? null,
        lastRcChange: this.time(a['last-rc-change'], 'last-rc-change', sec),
      });
    }
    return out;
  }

  private readFencing(section: XmlElement | undefined): FenceEvent[] {
    const out: FenceEvent[] = [];
    if (section === undefined) return out;
    for (const e of section.children) {
      if (e.name !== 'fence_event') continue;
      const a = e.attrs;
      const sec = `crm_mon.fence_history[${a.target ?? ''}]`;
      const status = a.status ?? a.state;
      if (status === undefined) this.warn(sec, 'a <fence_event> without status');
      const completed = a.completed ?? a['last-successful'] ?? a['last-failed'];
      out.push({
        target: a.target ?? '',
        action: a.action ?? '',
        status: status ?? 'unknown',
        delegate: a.delegate || null,
        client: a.client || null,
        origin: a.origin || null,
        completed: this.time(completed, 'fence event completion time', sec),
        exitReason: a['exit-reason'] || null,
      });
    }
    return out;
  }

  private readTickets(section: XmlElement | undefined): Ticket[] {
    const out: Ticket[] = [];
    if (section === undefined) return out;
    for (const t of section.children) {
      if (t.name !== 'ticket') continue;
      const id = t.attrs.id ?? '';
      const sec = `crm_mon.tickets[${id}]`;
      out.push({
        id,
        status: t.attrs.status ?? 'unknown',
        standby: this.bool(t, 'standby', sec, false),
        lastGranted: this.time(t.attrs['last-granted'], 'last-granted', sec),
      });
    }
    return out;
  }

  private readBans(section: XmlElement | undefined): CrmMonBan[] {
    const out: CrmMonBan[] = [];
    if (section === undefined) return out;
    for (const b of section.children) {
      if (b.name !== 'ban') continue;
      const a = b.attrs;
      const id = a.id ?? '';
      const sec = `crm_mon.bans[${id}]`;
      const promotedOnly =
        a['promoted-only'] !== undefined
          ? this.bool(b, 'promoted-only', sec, false)
          : this.bool(b, 'master_only', sec, false);
      out.push({
        id,
        resource: a.resource ?? '',
        node: a.node ?? '',
        weight: this.int(a.weight, 'ban weight', sec, { infinity: true }) ?? -Number.MAX_SAFE_INTEGER,
        promotedOnly,
      });
    }
    return out;
  }
}

// ---- small pure helpers -----------------------------------------------------------------------

function statusCode(root: XmlElement): number | null {
  const status = childNamed(root, 'status');
  if (status === undefined || status.attrs.code === undefined) return null;
  const n = Number(status.attrs.code);
  return Number.isInteger(n) ? n : null;
}

function statusErrors(root: XmlElement): string[] {
  const status = childNamed(root, 'status');
  const errorsEl = status ? childNamed(status, 'errors') : undefined;
  if (errorsEl === undefined) return [];
  return errorsEl.children.filter((e) => e.name === 'error').map((e) => e.text.trim());
}

const CONTAINER_AGENT_RE = /^ocf:heartbeat:(docker|podman|rkt)$/;

/** "ocf::heartbeat:IPaddr2" (1.1/2.0) -> "ocf:heartbeat:IPaddr2" (2.1+). */
export function normalizeAgent(agent: string): string {
  const i = agent.indexOf('::');
  return i === -1 ? agent : agent.slice(0, i) + agent.slice(i + 1);
}

/** Split "class:provider:type" / "class:type". Only the ocf class has a provider. */
export function parseAgent(agent: string): AgentRef {
  const norm = normalizeAgent(agent);
  const first = norm.indexOf(':');
  if (first === -1) return { class: norm, provider: null, type: '' };
  const cls = norm.slice(0, first);
  const rest = norm.slice(first + 1);
  if (cls === 'ocf') {
    const second = rest.indexOf(':');
    if (second !== -1) return { class: cls, provider: rest.slice(0, second), type: rest.slice(second + 1) };
  }
  return { class: cls, provider: null, type: rest };
}

function primitiveOf(id: string, agent: string): PrimitiveConfig {
  return { kind: 'primitive', id, agent: parseAgent(agent), params: {}, meta: {}, ops: [] };
}

/**
 * Whether an operation result is a failure. rc 0 is success; 7 ("not running") is the normal
 * answer of a probe (a one-time monitor, which crm_mon 2.x calls "probe"); 8 ("promoted") is the
 * normal answer of a probe or monitor on a promoted instance.
 */
export function isFailedOp(task: string, interval: string, rc: string | null): boolean {
  if (rc === null || rc === '0') return false;
  const probe = task === 'probe' || (task === 'monitor' && interval === '0');
  if (rc === '7' && probe) return false;
  if (rc === '8' && (probe || task === 'monitor' || task === 'promote')) return false;
  return true;
}

/**
 * Split an operation key "rsc_task_interval" the way Pacemaker does (resource ids may contain
 * underscores; migrate_to/migrate_from and notify keys have underscores in the task).
 * `fromId`: the key is an lrm_rsc_op id such as "rsc_last_failure_0".
 */
export function parseOpKey(key: string, fromId = false): { resource: string; task: string | null; interval: string | null } {
  if (fromId) {
    const m = /^(.+)_last_failure_\d+$/.exec(key);
    if (m) return { resource: m[1], task: null, interval: null };
  }
  const m = /^(.+)_(\d+)$/.exec(key);
  if (!m) return { resource: key, task: null, interval: null };
  const head = m[1];
  const interval = m[2];
  const special = /^(.+)_(migrate_to|migrate_from|(?:pre|post)_notify_[a-z_]+|confirmed-(?:pre|post)_notify_[a-z_]+)$/.exec(head);
  if (special) {
    const task = special[2].includes('notify') ? 'notify' : special[2];
    return { resource: special[1], task, interval };
  }
  const us = head.lastIndexOf('_');
  if (us <= 0) return { resource: head, task: null, interval };
  return { resource: head.slice(0, us), task: head.slice(us + 1), interval };
}
