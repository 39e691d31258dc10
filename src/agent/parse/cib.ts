/**
 * Pure parser for the CIB as `cibadmin --query` prints it (whole CIB, or one section with
 * `--scope configuration`, `--scope constraints`, `--scope resources`, ...).
 *
 * Only the configuration is read: the `<status>` section (the bulk of a big CIB) is cut off
 * before parsing. Values stay strings; every odd value becomes a warning, never a failed parse.
 * Input that is empty, not well-formed or not a CIB throws a {@link CibParseError}.
 *
 * Secrets: parameter values whose names look like credentials (see {@link isSecretParamName})
 * never appear in a {@link CibResult}. Stonith devices list the names of the secrets they have
 * set (`secretsSet`); primitives in the resource tree carry {@link REDACTED_VALUE} instead.
 * Code that runs on the cluster host itself and needs a credential reads it with
 * {@link readStonithSecret}, which is separate on purpose.
 */
import { parsePacemakerTime } from '../../model/time.js';
import { childNamed, childrenNamed, parseXml, XmlSyntaxError, type XmlElement } from './xml.js';
import { isMinusInfinity, isTrue, parseDurationMs, PCMK_INFINITY, scoreValue } from '../../model/values.js';
import type {
  AgentRef,
  BundleConfig,
  CloneConfig,
  ColocationConstraint,
  Constraints,
  GroupConfig,
  LocationConstraint,
  OpConfig,
  OrderConstraint,
  PrimitiveConfig,
  ResourceConfig,
  SnapshotWarning,
} from '../../model/snapshot.js';

/** What a parameter value is replaced with when its name looks like a credential. */
export const REDACTED_VALUE = '(redacted)';

export type CibParseErrorKind = 'empty' | 'malformed' | 'not-a-cib';

/** Thrown by {@link parseCib} for input that cannot be read as a CIB at all. */
export class CibParseError extends Error {
  readonly kind: CibParseErrorKind;
  /** Line/column of the XML error, when the input is not well-formed. */
  readonly line: number | null;
  readonly column: number | null;
  constructor(kind: CibParseErrorKind, message: string, line: number | null = null, column: number | null = null, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CibParseError';
    this.kind = kind;
    this.line = line;
    this.column = column;
  }
}

export interface CibNodeConfig {
  id: string;
  uname: string;
  /** `<node type=...>`: "member" (also the legacy "normal"), "remote" or "ping". */
  type: 'member' | 'remote' | 'ping';
  /** The node's instance_attributes (standby, ...) as configured. */
  attributes: Record<string, string>;
}

/** An ocf:pacemaker:remote connection primitive: the remote node is named after its id. */
export interface CibRemoteNode {
  id: string;
  /** The `server` parameter; when null Pacemaker connects to the node name (the id). */
  server: string | null;
  port: string | null;
}

/** A guest node: a resource with meta `remote-node`, or a bundle replica with a connection. */
export interface CibGuestNode {
  /** Guest node name (meta `remote-node`, or "<bundle>-<i>" for bundle replicas). */
  name: string;
  /** Id of the container resource (the VM/container primitive or "<bundle>-<type>-<i>"). */
  container: string;
  /** Bundle id when the guest is a bundle replica, else null. */
  bundle: string | null;
  /** Meta `remote-addr` when configured. */
  addr: string | null;
}

export interface CibStonithDevice {
  id: string;
  /** The fence agent, e.g. "fence_ipmilan". */
  agent: string;
  /** Instance attributes without any credential (see secretsSet). */
  params: Record<string, string>;
  /** Names of credential-like parameters that are set (values are never returned). */
  secretsSet: string[];
  /** `pcmk_host_list` split into names; null when not set. */
  hostList: string[] | null;
  /** `pcmk_host_map` as node -> port; null when not set. */
  hostMap: Record<string, string> | null;
  /** `pcmk_host_check` as configured; null when not set. */
  hostCheck: string | null;
  meta: Record<string, string>;
  ops: OpConfig[];
  /** Nodes a location constraint with score -INFINITY keeps this device away from (unexpired). */
  bannedFrom: string[];
}

export interface CibFencingLevel {
  id: string | null;
  /** Node name, name pattern, or "attribute=value", depending on targetKind. */
  target: string;
  targetKind: 'node' | 'pattern' | 'attribute';
  index: number | null;
  devices: string[];
}

export interface CibResult {
  /** Root element of the input: "cib", "configuration", "constraints", "resources", ... */
  scope: string;
  /** "admin_epoch:epoch:num_updates" from the `<cib>` element; null for a section. */
  cibVersion: string | null;
  validateWith: string | null;
  clusterName: string | null;
  /** All crm_config nvpairs by name (cluster_property_set precedence as Pacemaker applies it). */
  options: Record<string, string>;
  rscDefaults: Record<string, string>;
  opDefaults: Record<string, string>;
  resources: ResourceConfig[];
  constraints: Constraints;
  nodes: CibNodeConfig[];
  remoteNodes: CibRemoteNode[];
  guestNodes: CibGuestNode[];
  stonithDevices: CibStonithDevice[];
  fencingTopology: CibFencingLevel[];
  /** `<tags>`: tag id -> referenced ids. */
  tags: Record<string, string[]>;
  warnings: SnapshotWarning[];
}

const SECRET_NAME =
  /pass(?:wd|word)|secret|token|community|api_?key|access_?key|credential|private_?key|hexadecimal_kg/i;

/** True when a parameter of this name holds a credential (password, passwd_script, ...). */
export function isSecretParamName(name: string): boolean {
  return SECRET_NAME.test(name.replace(/-/g, '_'));
}

// ---------------------------------------------------------------------------------------------
// XML: the one reader of Pacemaker's XML (./xml.ts), on the configuration only

type El = XmlElement;

const ALL_SECTIONS = new Set([
  'configuration',
  'crm_config',
  'nodes',
  'resources',
  'constraints',
  'rsc_defaults',
  'op_defaults',
  'fencing-topology',
  'tags',
  'acls',
  'alerts',
]);

/** Drops the status section (everything between `</configuration>` and `</cib>`). */
function withoutStatus(xml: string): string {
  const confEnd = xml.indexOf('</configuration>');
  if (confEnd < 0) return xml;
  const cut = confEnd + '</configuration>'.length;
  const cibEnd = xml.lastIndexOf('</cib>');
  if (cibEnd < cut) return xml;
  return xml.slice(0, cut) + xml.slice(cibEnd);
}

function parseRoot(xml: string): El {
  if (typeof xml !== 'string' || xml.trim() === '') {
    throw new CibParseError('empty', 'cibadmin output is empty');
  }
  let root: El;
  try {
    root = parseXml(withoutStatus(xml));
  } catch (err) {
    if (!(err instanceof XmlSyntaxError)) throw err;
    throw new CibParseError('malformed', `cibadmin output is not well-formed XML: ${err.message}`, err.line, err.column, { cause: err });
  }
  if (root.name !== 'cib' && !ALL_SECTIONS.has(root.name)) {
    throw new CibParseError('not-a-cib', `cibadmin output is not a CIB: root element is <${root.name}>`);
  }
  return root;
}

// ---------------------------------------------------------------------------------------------
// Parse context and helpers

interface Ctx {
  warnings: SnapshotWarning[];
  config: El;
  idIndex: Map<string, El> | null;
  templates: Map<string, El>;
  redact: boolean;
}

function warn(ctx: Ctx, section: string, message: string): void {
  ctx.warnings.push({ section, message });
}

function indexIds(el: El, map: Map<string, El>): void {
  const id = el.attrs.id;
  if (id !== undefined && el.attrs['id-ref'] === undefined && !map.has(id)) map.set(id, el);
  for (const c of el.children) indexIds(c, map);
}

/** Follows an `id-ref` to the element it names (best-effort; warns when it is missing). */
function deref(ctx: Ctx, el: El, section: string): El | null {
  const ref = el.attrs['id-ref'];
  if (ref === undefined) return el;
  if (!ctx.idIndex) {
    ctx.idIndex = new Map();
    indexIds(ctx.config, ctx.idIndex);
  }
  const target = ctx.idIndex.get(ref);
  if (!target) {
    warn(ctx, section, `<${el.name}> refers to id "${ref}", which does not exist`);
    return null;
  }
  return target;
}

/** A score clamped to ±INFINITY (1,000,000) for ordering; an odd one is a warning and counts as 0. */
function checkedScore(ctx: Ctx, raw: string | undefined, section: string): number {
  if (raw === undefined) return 0;
  const v = scoreValue(raw);
  if (Number.isNaN(v)) {
    warn(ctx, section, `score "${raw}" is not a number or INFINITY`);
    return 0;
  }
  return Math.max(-PCMK_INFINITY, Math.min(PCMK_INFINITY, v));
}

/**
 * Merges name/value sets (instance_attributes, meta_attributes, cluster_property_set...) the
 * way Pacemaker does without evaluating rules: sets sorted by score, highest first; among equal
 * scores the later set comes first; the first value seen for a name wins.
 */
function nvsets(ctx: Ctx, owners: El[], setName: string, section: string, opts: { alwaysFirst?: string; redact?: boolean } = {}): Record<string, string> {
  const sets: { el: El; score: number; order: number }[] = [];
  let order = 0;
  for (const owner of owners) {
    for (const child of owner.children) {
      if (child.name !== setName) continue;
      const set = deref(ctx, child, section);
      if (!set) continue;
      sets.push({ el: set, score: checkedScore(ctx, set.attrs.score, section), order: order++ });
    }
  }
  sets.sort((a, b) => {
    if (opts.alwaysFirst !== undefined) {
      if (a.el.attrs.id === opts.alwaysFirst && b.el.attrs.id !== opts.alwaysFirst) return -1;
      if (b.el.attrs.id === opts.alwaysFirst && a.el.attrs.id !== opts.alwaysFirst) return 1;
    }
    return b.score - a.score || b.order - a.order;
  });
  const out: Record<string, string> = {};
  for (const { el } of sets) {
    for (const child of el.children) {
      if (child.name !== 'nvpair') continue;
      const pair = deref(ctx, child, section);
      if (!pair) continue;
      // An id-ref'd nvpair may rename the value it borrows.
      const name = child.attrs.name ?? pair.attrs.name;
      if (name === undefined || name === '') {
        warn(ctx, section, `nvpair "${pair.attrs.id ?? '?'}" in ${setName} has no name`);
        continue;
      }
      if (Object.prototype.hasOwnProperty.call(out, name)) continue;
      const value = child.attrs.value ?? pair.attrs.value;
      if (value === undefined) {
        warn(ctx, section, `nvpair "${name}" in ${setName} has no value`);
        continue;
      }
      out[name] = opts.redact && isSecretParamName(name) ? REDACTED_VALUE : value;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Resources

const OP_KNOWN = new Set(['id', 'name', 'interval', 'timeout', 'role']);

function parseOps(ctx: Ctx, owner: El, section: string): OpConfig[] {
  const ops: OpConfig[] = [];
  for (const child of childrenNamed(owner, 'operations')) {
    const operations = deref(ctx, child, section);
    if (!operations) continue;
    for (const opChild of childrenNamed(operations, 'op')) {
      const op = deref(ctx, opChild, section);
      if (!op) continue;
      const a = op.attrs;
      if (a.name === undefined) warn(ctx, section, `operation "${a.id ?? '?'}" has no name`);
      if (a.interval === undefined) warn(ctx, section, `operation "${a.id ?? a.name ?? '?'}" has no interval`);
      const attrs: Record<string, string> = {};
      for (const k in a) if (!OP_KNOWN.has(k)) attrs[k] = a[k];
      ops.push({
        id: a.id ?? '',
        name: a.name ?? '',
        interval: a.interval ?? '0',
        timeout: a.timeout ?? null,
        role: a.role ?? null,
        attrs,
      });
    }
  }
  return ops;
}

function opKey(op: OpConfig): string {
  const ms = parseDurationMs(op.interval);
  return `${op.name}|${ms ?? op.interval}|${op.role ?? ''}`;
}

interface PrimitiveParts {
  config: PrimitiveConfig;
  /** The elements whose nvsets make up the primitive (template first, then the primitive). */
  owners: El[];
}

function primitiveParts(ctx: Ctx, el: El, redact: boolean): PrimitiveParts {
  const id = el.attrs.id ?? '';
  const section = `cib.resources[${id}]`;
  if (!el.attrs.id) warn(ctx, 'cib.resources', 'a <primitive> has no id');
  const owners: El[] = [];
  let template: El | undefined;
  const templateId = el.attrs.template;
  if (templateId !== undefined) {
    template = ctx.templates.get(templateId);
    if (template) owners.push(template);
    else warn(ctx, section, `template "${templateId}" does not exist`);
  }
  owners.push(el);
  const cls = el.attrs.class ?? template?.attrs.class;
  const type = el.attrs.type ?? template?.attrs.type;
  const provider = el.attrs.provider ?? template?.attrs.provider ?? null;
  if (cls === undefined || type === undefined) warn(ctx, section, 'primitive has no agent class or type');
  if (cls === 'ocf' && provider === null) warn(ctx, section, 'ocf primitive has no provider');
  const agent: AgentRef = { class: cls ?? '', provider, type: type ?? '' };

  const ownOps = parseOps(ctx, el, section);
  let ops = ownOps;
  if (template) {
    const own = new Set(ownOps.map(opKey));
    ops = parseOps(ctx, template, section).filter((op) => !own.has(opKey(op))).concat(ownOps);
  }
  return {
    owners,
    config: {
      kind: 'primitive',
      id,
      agent,
      params: nvsets(ctx, owners, 'instance_attributes', section, { redact }),
      meta: nvsets(ctx, owners, 'meta_attributes', section),
      ops,
    },
  };
}

function parseGroup(ctx: Ctx, el: El): GroupConfig {
  const id = el.attrs.id ?? '';
  const section = `cib.resources[${id}]`;
  if (!el.attrs.id) warn(ctx, 'cib.resources', 'a <group> has no id');
  const children: PrimitiveConfig[] = [];
  for (const c of el.children) {
    if (c.name === 'primitive') children.push(primitiveParts(ctx, c, ctx.redact).config);
    else if (c.name !== 'meta_attributes' && c.name !== 'instance_attributes' && c.name !== 'utilization' && c.name !== 'description')
      warn(ctx, section, `unexpected <${c.name}> in group`);
  }
  return { kind: 'group', id, meta: nvsets(ctx, [el], 'meta_attributes', section), children };
}

function parseClone(ctx: Ctx, el: El): CloneConfig {
  const id = el.attrs.id ?? '';
  const section = `cib.resources[${id}]`;
  if (!el.attrs.id) warn(ctx, 'cib.resources', `a <${el.name}> has no id`);
  const meta = nvsets(ctx, [el], 'meta_attributes', section);
  let child: PrimitiveConfig | GroupConfig | null = null;
  for (const c of el.children) {
    if (c.name !== 'primitive' && c.name !== 'group') {
      if (c.name !== 'meta_attributes' && c.name !== 'instance_attributes' && c.name !== 'utilization' && c.name !== 'description')
        warn(ctx, section, `unexpected <${c.name}> in ${el.name}`);
      continue;
    }
    if (child) {
      warn(ctx, section, `${el.name} has more than one child resource; only the first is used`);
      continue;
    }
    child = c.name === 'primitive' ? primitiveParts(ctx, c, ctx.redact).config : parseGroup(ctx, c);
  }
  if (!child) warn(ctx, section, `${el.name} has no child resource`);
  return {
    kind: 'clone',
    id,
    promotable: el.name === 'master' || isTrue(meta.promotable),
    unique: isTrue(meta['globally-unique']),
    meta,
    child,
  };
}

const CONTAINER_TYPES = new Set(['docker', 'podman', 'rkt']);

function parseBundle(ctx: Ctx, el: El): BundleConfig {
  const id = el.attrs.id ?? '';
  const section = `cib.resources[${id}]`;
  if (!el.attrs.id) warn(ctx, 'cib.resources', 'a <bundle> has no id');
  const container = el.children.find((c) => CONTAINER_TYPES.has(c.name));
  if (!container) warn(ctx, section, 'bundle has no docker, podman or rkt element');
  let replicas: number | null = null;
  if (container) {
    const raw = container.attrs.replicas;
    const promotedMax = container.attrs['promoted-max'] ?? container.attrs.masters;
    if (raw !== undefined) {
      if (/^\s*\d+\s*$/.test(raw)) replicas = parseInt(raw, 10);
      else warn(ctx, section, `replicas "${raw}" is not a number`);
    } else if (promotedMax !== undefined && /^\s*\d+\s*$/.test(promotedMax) && parseInt(promotedMax, 10) > 0) {
      replicas = parseInt(promotedMax, 10);
    } else {
      replicas = 1;
    }
  }
  const prim = childNamed(el, 'primitive');
  return {
    kind: 'bundle',
    id,
    containerType: container ? (container.name as 'docker' | 'podman' | 'rkt') : 'unknown',
    image: container?.attrs.image ?? null,
    replicasConfigured: replicas,
    meta: nvsets(ctx, [el], 'meta_attributes', section),
    primitive: prim ? primitiveParts(ctx, prim, ctx.redact).config : null,
    replicas: [],
  };
}

function parseResources(ctx: Ctx, resourcesEl: El | undefined): ResourceConfig[] {
  const out: ResourceConfig[] = [];
  if (!resourcesEl) return out;
  for (const c of resourcesEl.children) {
    switch (c.name) {
      case 'primitive':
        out.push(primitiveParts(ctx, c, ctx.redact).config);
        break;
      case 'group':
        out.push(parseGroup(ctx, c));
        break;
      case 'clone':
      case 'master':
        out.push(parseClone(ctx, c));
        break;
      case 'bundle':
        out.push(parseBundle(ctx, c));
        break;
      case 'template':
      case 'rsc_template':
        break;
      default:
        warn(ctx, 'cib.resources', `unknown resource element <${c.name}>`);
    }
  }
  return out;
}

/** Every primitive element of the resources section with its parsed config (tree order). */
function allPrimitiveElements(resourcesEl: El | undefined): El[] {
  const out: El[] = [];
  const walk = (el: El): void => {
    for (const c of el.children) {
      if (c.name === 'primitive') out.push(c);
      else if (c.name === 'group' || c.name === 'clone' || c.name === 'master' || c.name === 'bundle') walk(c);
    }
  };
  if (resourcesEl) walk(resourcesEl);
  return out;
}

function collectTemplates(resourcesEl: El | undefined): Map<string, El> {
  const map = new Map<string, El>();
  for (const c of resourcesEl?.children ?? []) {
    if ((c.name === 'template' || c.name === 'rsc_template') && c.attrs.id !== undefined) map.set(c.attrs.id, c);
  }
  return map;
}

function walkPrimitives(resources: ResourceConfig[], fn: (p: PrimitiveConfig) => void): void {
  for (const r of resources) {
    if (r.kind === 'primitive') fn(r);
    else if (r.kind === 'group') r.children.forEach(fn);
    else if (r.kind === 'clone') {
      if (r.child?.kind === 'primitive') fn(r.child);
      else if (r.child?.kind === 'group') r.child.children.forEach(fn);
    } else if (r.kind === 'bundle' && r.primitive) fn(r.primitive);
  }
}

// ---------------------------------------------------------------------------------------------
// Constraints

interface RuleFacts {
  /** Node of a "#uname eq X" rule (alone, or with date expressions only). */
  node: string | null;
  score: string | null;
  role: string | null;
  /** Earliest `date_expression operation="lt" end=...` reached through "and" rules only. */
  expiresRaw: string | null;
}

function onlyDateExpressions(ctx: Ctx, rule: El, section: string): boolean {
  for (const c of rule.children) {
    if (c.name === 'date_expression') continue;
    if (c.name === 'rule') {
      const r = deref(ctx, c, section);
      if (r && onlyDateExpressions(ctx, r, section)) continue;
    }
    return false;
  }
  return true;
}

function lifetimeEnds(ctx: Ctx, rule: El, section: string, out: string[]): void {
  const op = (rule.attrs['boolean-op'] ?? 'and').toLowerCase();
  const children = rule.children.filter((c) => c.name === 'rule' || c.name.endsWith('expression'));
  if (op !== 'and' && children.length > 1) return;
  for (const c of children) {
    if (c.name === 'date_expression') {
      if ((c.attrs.operation ?? '').toLowerCase() === 'lt' && c.attrs.end !== undefined) out.push(c.attrs.end);
    } else if (c.name === 'rule') {
      const r = deref(ctx, c, section);
      if (r) lifetimeEnds(ctx, r, section, out);
    }
  }
}

function ruleFacts(ctx: Ctx, rules: El[], lifetimeRules: El[], section: string): RuleFacts {
  const facts: RuleFacts = { node: null, score: null, role: null, expiresRaw: null };
  const ends: string[] = [];
  for (const r of rules.concat(lifetimeRules)) lifetimeEnds(ctx, r, section, ends);
  if (ends.length) {
    let best: string | null = null;
    let bestMs = Infinity;
    for (const e of ends) {
      const t = parsePacemakerTime(e);
      if (t === null) {
        warn(ctx, section, `lifetime end "${e}" is not a date Pacemaker writes`);
        continue;
      }
      if (!t.zoned) warn(ctx, section, `lifetime end "${e}" has no time zone: read as UTC, while the cluster reads it in its nodes' local time`);
      if (t.ms < bestMs) {
        bestMs = t.ms;
        best = t.iso;
      }
    }
    facts.expiresRaw = best;
  }
  if (rules.length === 1) {
    const rule = rules[0];
    facts.score = rule.attrs.score ?? null;
    facts.role = rule.attrs.role ?? null;
    const op = (rule.attrs['boolean-op'] ?? 'and').toLowerCase();
    const exprs = rule.children.filter((c) => c.name === 'expression');
    const rest = rule.children.filter((c) => c.name !== 'expression');
    if (
      exprs.length === 1 &&
      (op === 'and' || rule.children.length === 1) &&
      exprs[0].attrs.attribute === '#uname' &&
      (exprs[0].attrs.operation ?? '') === 'eq' &&
      exprs[0].attrs.value !== undefined &&
      onlyDateExpressions(ctx, { name: 'rule', attrs: {}, children: rest, text: '' }, section)
    ) {
      facts.node = exprs[0].attrs.value;
    }
  }
  return facts;
}

function setRefs(ctx: Ctx, el: El, section: string): string[] | null {
  const sets = childrenNamed(el, 'resource_set');
  if (!sets.length) return null;
  const refs: string[] = [];
  for (const s of sets) {
    const set = deref(ctx, s, section);
    if (!set) continue;
    for (const r of childrenNamed(set, 'resource_ref')) {
      if (r.attrs.id !== undefined) refs.push(r.attrs.id);
      else warn(ctx, section, 'a resource_ref has no id');
    }
  }
  return refs;
}

function parseConstraints(ctx: Ctx, constraintsEl: El | undefined, now: Date): Constraints {
  const out: Constraints = { location: [], order: [], colocation: [], sets: {} };
  if (!constraintsEl) return out;
  const nowMs = now.getTime();
  for (const raw of constraintsEl.children) {
    const el = deref(ctx, raw, 'cib.constraints');
    if (!el) continue;
    const id = el.attrs.id ?? '';
    const section = `cib.constraints[${id}]`;
    if (!el.attrs.id) warn(ctx, 'cib.constraints', `a <${el.name}> has no id`);
    const refs = setRefs(ctx, el, section);
    if (refs) out.sets[id] = refs;
    switch (el.name) {
      case 'rsc_location': {
        const rules: El[] = [];
        const lifetimeRules: El[] = [];
        for (const c of el.children) {
          if (c.name === 'rule') {
            const r = deref(ctx, c, section);
            if (r) rules.push(r);
          } else if (c.name === 'lifetime') {
            // Pacemaker 1.0's <lifetime> wrapper around expiry rules.
            for (const lc of childrenNamed(c, 'rule')) {
              const r = deref(ctx, lc, section);
              if (r) lifetimeRules.push(r);
            }
          }
        }
        const facts = rules.length || lifetimeRules.length ? ruleFacts(ctx, rules, lifetimeRules, section) : null;
        const placement = rules.length === 1 ? facts : null;
        const expires = facts?.expiresRaw ?? null;
        const loc: LocationConstraint = {
          id,
          resource: el.attrs.rsc ?? null,
          resourcePattern: el.attrs['rsc-pattern'] ?? null,
          node: el.attrs.node ?? placement?.node ?? null,
          score: el.attrs.score ?? placement?.score ?? null,
          role: el.attrs.role ?? placement?.role ?? null,
          hasRules: rules.length > 0,
          isCliPrefer: id.startsWith('cli-prefer-'),
          isCliBan: id.startsWith('cli-ban-'),
          expires,
          expired: expires !== null && Date.parse(expires) < nowMs,
        };
        if (loc.score !== null) checkedScore(ctx, loc.score, section);
        out.location.push(loc);
        break;
      }
      case 'rsc_order': {
        const o: OrderConstraint = {
          id,
          first: el.attrs.first ?? null,
          then: el.attrs.then ?? null,
          kind: el.attrs.kind ?? null,
          score: el.attrs.score ?? null,
          firstAction: el.attrs['first-action'] ?? null,
          thenAction: el.attrs['then-action'] ?? null,
        };
        if (!refs && (o.first === null || o.then === null)) warn(ctx, section, 'order constraint lacks first or then');
        out.order.push(o);
        break;
      }
      case 'rsc_colocation': {
        const c: ColocationConstraint = {
          id,
          rsc: el.attrs.rsc ?? null,
          withRsc: el.attrs['with-rsc'] ?? null,
          score: el.attrs.score ?? null,
          rscRole: el.attrs['rsc-role'] ?? null,
          withRscRole: el.attrs['with-rsc-role'] ?? null,
        };
        if (!refs && (c.rsc === null || c.withRsc === null)) warn(ctx, section, 'colocation constraint lacks rsc or with-rsc');
        if (c.score !== null) checkedScore(ctx, c.score, section);
        out.colocation.push(c);
        break;
      }
      case 'rsc_ticket':
        break;
      default:
        warn(ctx, 'cib.constraints', `unknown constraint element <${el.name}>`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Nodes, remote/guest nodes, fencing

function parseNodes(ctx: Ctx, nodesEl: El | undefined): CibNodeConfig[] {
  const out: CibNodeConfig[] = [];
  for (const n of childrenNamed(nodesEl, 'node')) {
    const id = n.attrs.id ?? '';
    const uname = n.attrs.uname ?? '';
    const section = `cib.nodes[${uname || id}]`;
    if (!n.attrs.id) warn(ctx, 'cib.nodes', `node "${uname}" has no id`);
    if (!n.attrs.uname) warn(ctx, 'cib.nodes', `node "${id}" has no uname`);
    const rawType = n.attrs.type;
    let type: CibNodeConfig['type'] = 'member';
    if (rawType === 'remote' || rawType === 'ping') type = rawType;
    else if (rawType !== undefined && rawType !== 'member' && rawType !== 'normal')
      warn(ctx, section, `unknown node type "${rawType}", taken as member`);
    out.push({ id, uname, type, attributes: nvsets(ctx, [n], 'instance_attributes', section) });
  }
  return out;
}

/** Splits pcmk_host_list like the fencer does (blanks, commas, semicolons). */
function splitHostList(value: string): string[] {
  return value.split(/[\s,;]+/).filter(Boolean);
}

/** Parses pcmk_host_map ("node1:port1;node2=port2 node3:port3", backslash escapes). */
function parseHostMap(value: string): Record<string, string> {
  const map: Record<string, string> = {};
  let token = '';
  let name: string | null = null;
  const flush = (): void => {
    if (name !== null && name !== '') map[name] = token;
    name = null;
    token = '';
  };
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && i + 1 < value.length) {
      token += value[++i];
    } else if ((ch === '=' || ch === ':') && name === null) {
      name = token;
      token = '';
    } else if (ch === ';' || ch === ' ' || ch === '\t' || ch === '\n') {
      flush();
    } else {
      token += ch;
    }
  }
  flush();
  return map;
}

function patternMatches(pattern: string, id: string): boolean {
  const negate = pattern.startsWith('!');
  try {
    const hit = new RegExp(negate ? pattern.slice(1) : pattern).test(id);
    return negate ? !hit : hit;
  } catch {
    return false;
  }
}


function bannedNodes(deviceId: string, c: Constraints): string[] {
  const nodes: string[] = [];
  for (const loc of c.location) {
    if (loc.expired || loc.node === null || !isMinusInfinity(loc.score)) continue;
    const applies =
      loc.resource === deviceId ||
      (loc.resourcePattern !== null && patternMatches(loc.resourcePattern, deviceId)) ||
      (c.sets[loc.id]?.includes(deviceId) ?? false);
    if (applies && !nodes.includes(loc.node)) nodes.push(loc.node);
  }
  return nodes;
}

function parseFencingTopology(ctx: Ctx, topo: El | undefined): CibFencingLevel[] {
  const out: CibFencingLevel[] = [];
  for (const lvl of childrenNamed(topo, 'fencing-level')) {
    const a = lvl.attrs;
    const section = `cib.fencing-topology[${a.id ?? '?'}]`;
    let target: string;
    let targetKind: CibFencingLevel['targetKind'];
    if (a.target !== undefined) {
      target = a.target;
      targetKind = 'node';
    } else if (a['target-pattern'] !== undefined) {
      target = a['target-pattern'];
      targetKind = 'pattern';
    } else if (a['target-attribute'] !== undefined) {
      target = `${a['target-attribute']}=${a['target-value'] ?? ''}`;
      targetKind = 'attribute';
    } else {
      warn(ctx, section, 'fencing level has no target');
      target = '';
      targetKind = 'node';
    }
    let index: number | null = null;
    if (a.index !== undefined && /^\s*\d+\s*$/.test(a.index)) index = parseInt(a.index, 10);
    else warn(ctx, section, `fencing level index "${a.index ?? ''}" is not a number`);
    const devices = (a.devices ?? '').split(',').map((d) => d.trim()).filter(Boolean);
    if (!devices.length) warn(ctx, section, 'fencing level lists no devices');
    out.push({ id: a.id ?? null, target, targetKind, index, devices });
  }
  return out;
}

function parseTags(tagsEl: El | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of childrenNamed(tagsEl, 'tag')) {
    if (t.attrs.id === undefined) continue;
    out[t.attrs.id] = childrenNamed(t, 'obj_ref').map((r) => r.attrs.id).filter((v): v is string => v !== undefined);
  }
  return out;
}

function numericVersion(root: El, ctx: Ctx): string | null {
  if (root.name !== 'cib') return null;
  const a = root.attrs;
  const parts = [a.admin_epoch, a.epoch, a.num_updates];
  if (parts.every((p) => p === undefined)) return null;
  for (const [i, name] of ['admin_epoch', 'epoch', 'num_updates'].entries()) {
    if (parts[i] === undefined) warn(ctx, 'cib', `<cib> has no ${name}`);
    else if (!/^\d+$/.test(parts[i] as string)) warn(ctx, 'cib', `<cib> ${name} "${parts[i]}" is not a number`);
  }
  return parts.map((p) => p ?? '0').join(':');
}

function configurationOf(root: El, warnings: SnapshotWarning[]): El {
  if (root.name === 'configuration') return root;
  if (root.name === 'cib') {
    const conf = childNamed(root, 'configuration');
    if (conf) return conf;
    warnings.push({ section: 'cib', message: '<cib> has no <configuration> section' });
    return { name: 'configuration', attrs: {}, children: [], text: '' };
  }
  return { name: 'configuration', attrs: {}, children: [root], text: '' };
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** Parses `cibadmin --query` output (whole CIB or one `--scope` section). */
export function parseCib(xml: string, opts: { now?: Date } = {}): CibResult {
  const root = parseRoot(xml);
  const warnings: SnapshotWarning[] = [];
  const config = configurationOf(root, warnings);
  const resourcesEl = childNamed(config, 'resources');
  const ctx: Ctx = { warnings, config, idIndex: null, templates: collectTemplates(resourcesEl), redact: true };

  const options = nvsets(ctx, [childNamed(config, 'crm_config') ?? emptyEl()], 'cluster_property_set', 'cib.crm_config', {
    alwaysFirst: 'cib-bootstrap-options',
  });
  const rscDefaults = nvsets(ctx, [childNamed(config, 'rsc_defaults') ?? emptyEl()], 'meta_attributes', 'cib.rsc_defaults');
  const opDefaults = nvsets(ctx, [childNamed(config, 'op_defaults') ?? emptyEl()], 'meta_attributes', 'cib.op_defaults');
  const resources = parseResources(ctx, resourcesEl);
  const constraints = parseConstraints(ctx, childNamed(config, 'constraints'), opts.now ?? new Date());

  const remoteNodes: CibRemoteNode[] = [];
  const guestNodes: CibGuestNode[] = [];
  walkPrimitives(resources, (p) => {
    if (p.agent.class === 'ocf' && p.agent.provider === 'pacemaker' && p.agent.type === 'remote') {
      remoteNodes.push({ id: p.id, server: p.params.server ?? null, port: p.params.port ?? null });
    }
    const guest = p.meta['remote-node'];
    if (guest !== undefined && guest !== '') {
      guestNodes.push({ name: guest, container: p.id, bundle: null, addr: p.meta['remote-addr'] ?? null });
    }
  });
  for (const r of resources) {
    if (r.kind !== 'bundle' || !r.primitive || r.containerType === 'unknown') continue;
    const el = resourcesEl?.children.find((c) => c.name === 'bundle' && c.attrs.id === r.id);
    const net = childNamed(el, 'network');
    if (!net || (net.attrs['ip-range-start'] === undefined && net.attrs['control-port'] === undefined)) continue;
    for (let i = 0; i < (r.replicasConfigured ?? 1); i++) {
      guestNodes.push({ name: `${r.id}-${i}`, container: `${r.id}-${r.containerType}-${i}`, bundle: r.id, addr: null });
    }
  }

  const stonithDevices: CibStonithDevice[] = [];
  walkPrimitives(resources, (p) => {
    if (p.agent.class !== 'stonith') return;
    // The tree already carries REDACTED_VALUE for every credential-like name.
    const params: Record<string, string> = {};
    const secretsSet: string[] = [];
    for (const [name, value] of Object.entries(p.params)) {
      if (isSecretParamName(name)) secretsSet.push(name);
      else params[name] = value;
    }
    secretsSet.sort();
    stonithDevices.push({
      id: p.id,
      agent: p.agent.type,
      params,
      secretsSet,
      hostList: params.pcmk_host_list !== undefined ? splitHostList(params.pcmk_host_list) : null,
      hostMap: params.pcmk_host_map !== undefined ? parseHostMap(params.pcmk_host_map) : null,
      hostCheck: params.pcmk_host_check ?? null,
      meta: p.meta,
      ops: p.ops,
      bannedFrom: bannedNodes(p.id, constraints),
    });
  });

  return {
    scope: root.name,
    cibVersion: numericVersion(root, ctx),
    validateWith: root.name === 'cib' ? (root.attrs['validate-with'] ?? null) : null,
    clusterName: options['cluster-name'] ?? null,
    options,
    rscDefaults,
    opDefaults,
    resources,
    constraints,
    nodes: parseNodes(ctx, childNamed(config, 'nodes')),
    remoteNodes,
    guestNodes,
    stonithDevices,
    fencingTopology: parseFencingTopology(ctx, childNamed(config, 'fencing-topology')),
    tags: parseTags(childNamed(config, 'tags')),
    warnings,
  };
}

/** The version counters of a CIB, as written in its `<cib>` start tag; null for one that is absent or not a number. */
export interface CibVersionCounters {
  adminEpoch: string | null;
  epoch: string | null;
  numUpdates: string | null;
}

/** Reads the version counters from the `<cib>` start tag (in the first 4 KiB) without parsing the document. */
export function peekCibVersion(xml: string): CibVersionCounters | null {
  const m = /<cib\b[^>]*>/.exec(xml.slice(0, 4096));
  if (!m) return null;
  const attr = (name: string): string | null => new RegExp(`\\s${name}="(\\d+)"`).exec(m[0])?.[1] ?? null;
  return { adminEpoch: attr('admin_epoch'), epoch: attr('epoch'), numUpdates: attr('num_updates') };
}

/**
 * "admin_epoch:epoch" from the `<cib>` start tag. The configuration only changes when one of these
 * changes (status updates bump num_updates only), so a caller can keep the last {@link parseCib}
 * result while this key stays the same.
 */
export function peekCibEpoch(xml: string): string | null {
  const v = peekCibVersion(xml);
  return v && v.adminEpoch !== null && v.epoch !== null ? `${v.adminEpoch}:${v.epoch}` : null;
}

function emptyEl(): El {
  return { name: '', attrs: {}, children: [], text: '' };
}

/**
 * HOST-ONLY. Returns one instance attribute of a stonith device, credentials included, from
 * `cibadmin --query` output (templates and nvset precedence resolved as in {@link parseCib}).
 * Meant for fencing code running on the cluster host itself that must hand a credential to a
 * fence agent; never send its result over the wire or put it in a snapshot.
 * Returns null when the device or the parameter does not exist, or the resource is not a
 * stonith device. Throws {@link CibParseError} like parseCib.
 */
export function readStonithSecret(xml: string, deviceId: string, name: string): string | null {
  const root = parseRoot(xml);
  const warnings: SnapshotWarning[] = [];
  const config = configurationOf(root, warnings);
  const resourcesEl = childNamed(config, 'resources');
  const ctx: Ctx = { warnings, config, idIndex: null, templates: collectTemplates(resourcesEl), redact: false };
  const el = allPrimitiveElements(resourcesEl).find((p) => p.attrs.id === deviceId);
  if (!el) return null;
  const parts = primitiveParts(ctx, el, false);
  if (parts.config.agent.class !== 'stonith') return null;
  return parts.config.params[name] ?? null;
}
