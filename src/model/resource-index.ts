/**
 * Pure lookups over a ClusterSnapshot, shared by the action validators, the CLI and pcmk-top:
 * where a resource sits in the configured tree, which configured resource an instance or bundle
 * part belongs to, where it runs, which constraints tie it to other resources.
 */
import type { BundleConfig, ClusterNode, ClusterSnapshot, LocationConstraint, ResourceConfig, ResourceInstance } from './snapshot.js';
import { baseResourceId, isFalse, isTrue } from './values.js';

export type ResourceKind = 'primitive' | 'group' | 'clone' | 'bundle';

export interface ResourceEntry {
  id: string;
  kind: ResourceKind;
  /** Enclosing group, clone or bundle id; null at top level. */
  parent: string | null;
  /** The top-level resource this one belongs to (itself when top level). */
  top: string;
  /** Configured primitive ids under (or equal to) this resource. */
  primitives: string[];
  /** Direct children ids. */
  children: string[];
  meta: Record<string, string>;
  promotable: boolean;
  /** The configuration (null for a resource only crm_mon reports). */
  config: ResourceConfig | null;
}

export interface ResourceIndex {
  byId: Map<string, ResourceEntry>;
  /** Every configured id, for suggestions. */
  ids: string[];
}

export function indexResources(snapshot: ClusterSnapshot): ResourceIndex {
  const byId = new Map<string, ResourceEntry>();
  const visit = (r: ResourceConfig, parent: string | null, top: string): string[] => {
    const entry: ResourceEntry = { id: r.id, kind: r.kind, parent, top, primitives: [], children: [], meta: r.meta ?? {}, promotable: r.kind === 'clone' && r.promotable, config: r };
    byId.set(r.id, entry);
    switch (r.kind) {
      case 'primitive':
        entry.primitives = [r.id];
        break;
      case 'group':
        for (const c of r.children) {
          entry.children.push(c.id);
          entry.primitives.push(...visit(c, r.id, top));
        }
        break;
      case 'clone':
        if (r.child) {
          entry.children.push(r.child.id);
          entry.primitives.push(...visit(r.child, r.id, top));
        }
        break;
      case 'bundle':
        if (r.primitive) {
          entry.children.push(r.primitive.id);
          entry.primitives.push(...visit(r.primitive, r.id, top));
        }
        break;
    }
    return entry.primitives;
  };
  for (const r of snapshot.resources) visit(r, null, r.id);
  // Resources crm_mon reports that the configuration section did not give us (e.g. CIB not readable):
  // keep them addressable as top-level primitives.
  for (const i of snapshot.instances) {
    const base = baseResourceId(i.id);
    if (byId.has(base) || i.parent) continue;
    byId.set(base, { id: base, kind: 'primitive', parent: null, top: base, primitives: [base], children: [], meta: {}, promotable: false, config: null });
  }
  return { byId, ids: [...byId.keys()] };
}

/** Ancestors from the direct parent up to the top level. */
export function ancestors(index: ResourceIndex, id: string): ResourceEntry[] {
  const out: ResourceEntry[] = [];
  let cur = index.byId.get(id)?.parent ?? null;
  while (cur) {
    const e = index.byId.get(cur);
    if (!e) break;
    out.push(e);
    cur = e.parent;
  }
  return out;
}

/** Nearest clone or bundle above (or equal to) the resource, if any. */
export function enclosingCloneOrBundle(index: ResourceIndex, id: string): ResourceEntry | null {
  const self = index.byId.get(id);
  if (self && (self.kind === 'clone' || self.kind === 'bundle')) return self;
  return ancestors(index, id).find((a) => a.kind === 'clone' || a.kind === 'bundle') ?? null;
}

/**
 * The clone or bundle an id that is not configured belongs to, when it is an instance name crm_mon
 * reports ("dlm:0", "httpd-bundle-podman-1", "httpd-bundle-0"); null otherwise.
 */
export function instanceOwner(snapshot: ClusterSnapshot, index: ResourceIndex, id: string): ResourceEntry | null {
  if (index.byId.has(id)) return null;
  const base = baseResourceId(id);
  if (base !== id && index.byId.has(base)) return enclosingCloneOrBundle(index, base) ?? index.byId.get(base)!;
  const inst = snapshot.instances.find((i) => i.id === id);
  if (inst?.parent) {
    const p = index.byId.get(inst.parent);
    if (p) return enclosingCloneOrBundle(index, p.id) ?? p;
  }
  const bundle = bundleOfPart(snapshot, id);
  return bundle ? (index.byId.get(bundle.id) ?? null) : null;
}

/** The bundle one of whose replicas has this IP, container, remote connection or inner instance id. */
export function bundleOfPart(snapshot: ClusterSnapshot, id: string): BundleConfig | null {
  for (const r of snapshot.resources) {
    if (r.kind !== 'bundle') continue;
    for (const rep of r.replicas) if (rep.ip === id || rep.container === id || rep.remote === id || rep.child === id) return r;
  }
  return null;
}

/** Where a resource sits in the configuration. */
export interface ResourceLocation {
  /** Its configuration; for a bundle part (IP, container, remote connection), the bundle's. */
  config: ResourceConfig | null;
  /** The enclosing group, clone or bundle, when nested. */
  parent: ResourceConfig | null;
  /** The top-level resource containing it (itself when top level). */
  top: ResourceConfig | null;
}

/**
 * Finds a resource by configured id, clone instance id ("dlm:0"), bundle part id
 * ("httpd-bundle-podman-1") or the id of an instance crm_mon lists under a configured parent.
 */
export function locateResource(snapshot: ClusterSnapshot, index: ResourceIndex, id: string): ResourceLocation {
  for (const want of [id, baseResourceId(id)]) {
    const e = index.byId.get(want);
    if (e?.config) {
      const parent = e.parent ? (index.byId.get(e.parent)?.config ?? null) : null;
      return { config: e.config, parent, top: index.byId.get(e.top)?.config ?? null };
    }
  }
  const bundle = bundleOfPart(snapshot, id);
  if (bundle) return { config: bundle, parent: null, top: index.byId.get(bundle.id)?.config ?? bundle };
  const inst = snapshot.instances.find((i) => i.id === id);
  if (inst?.parent && inst.parent !== id) {
    const p = locateResource(snapshot, index, inst.parent);
    if (p.top) return { config: null, parent: p.config, top: p.top };
  }
  return { config: null, parent: null, top: null };
}

/** crm_mon instances that belong to the resource (itself, its clone instances, group members, bundle parts). */
export function instancesOf(snapshot: ClusterSnapshot, index: ResourceIndex, id: string): ResourceInstance[] {
  const e = index.byId.get(id);
  const prims = new Set(e ? e.primitives : [id]);
  const containers = new Set<string>([id, ...(e?.children ?? [])]);
  return snapshot.instances.filter((i) => prims.has(i.id) || prims.has(baseResourceId(i.id)) || (i.parent !== null && containers.has(i.parent) && (e?.kind === 'bundle' || e?.kind === 'clone')));
}

/** Nodes where the resource (any of its instances) is active, in order of appearance. */
export function runningNodes(snapshot: ClusterSnapshot, index: ResourceIndex, id: string): string[] {
  const out: string[] = [];
  const e = index.byId.get(id);
  let insts = instancesOf(snapshot, index, id);
  // A group is where its first member runs (members follow it).
  if (e?.kind === 'group' && e.primitives.length) {
    const first = e.primitives[0]!;
    insts = insts.filter((i) => i.id === first || baseResourceId(i.id) === first);
  }
  for (const i of insts) if (i.active) for (const n of i.nodes) if (!out.includes(n)) out.push(n);
  return out;
}

/** Nodes where the promoted role of a promotable clone runs. */
export function promotedNodes(snapshot: ClusterSnapshot, index: ResourceIndex, id: string): string[] {
  const out: string[] = [];
  for (const i of instancesOf(snapshot, index, id)) if (i.active && i.role === 'Promoted') for (const n of i.nodes) if (!out.includes(n)) out.push(n);
  return out;
}

/** Why the cluster does not manage the resource, or null when it does. */
export function unmanagedReason(snapshot: ClusterSnapshot, index: ResourceIndex, id: string): string | null {
  if (isTrue(snapshot.cluster.options['maintenance-mode'])) return 'the cluster is in maintenance mode (maintenance-mode=true)';
  for (const e of [index.byId.get(id), ...ancestors(index, id)]) {
    if (!e) continue;
    if (isFalse(e.meta['is-managed'])) return `${e.id === id ? id : `its parent ${e.id}`} has is-managed=false`;
    if (isTrue(e.meta['maintenance'])) return `${e.id === id ? id : `its parent ${e.id}`} has maintenance=true`;
  }
  const e = index.byId.get(id);
  for (const p of e?.primitives ?? []) {
    const pe = index.byId.get(p);
    if (pe && isFalse(pe.meta['is-managed'])) return `its member ${p} has is-managed=false`;
  }
  const unmanaged = instancesOf(snapshot, index, id).find((i) => !i.managed);
  if (unmanaged) {
    const onNode = unmanaged.nodes.map((n) => snapshot.nodes.find((x) => x.name === n)).find((n) => n?.maintenance);
    if (onNode) return `it runs on ${onNode.name}, which is in maintenance`;
    return `crm_mon reports ${unmanaged.id} as unmanaged`;
  }
  return null;
}

export function findNode(snapshot: ClusterSnapshot, name: string): ClusterNode | undefined {
  return snapshot.nodes.find((n) => n.name === name);
}

/** Resource ids a location constraint applies to (rsc, or the members of its resource sets). */
export function locationResources(snapshot: ClusterSnapshot, c: LocationConstraint): string[] {
  if (c.resource) return [c.resource];
  return snapshot.constraints.sets[c.id] ?? [];
}

/** Location constraints that apply to any of `ids`. */
export function locationsFor(snapshot: ClusterSnapshot, ids: string[]): LocationConstraint[] {
  const set = new Set(ids);
  return snapshot.constraints.location.filter((c) => {
    if (locationResources(snapshot, c).some((r) => set.has(r))) return true;
    if (c.resourcePattern) {
      try {
        const re = new RegExp(c.resourcePattern);
        return ids.some((r) => re.test(r));
      } catch {
        return false;
      }
    }
    return false;
  });
}

/** cli-ban constraints (from ban or move-away) keeping `ids` off `node`. */
export function cliBansOn(snapshot: ClusterSnapshot, ids: string[], node: string): LocationConstraint[] {
  return locationsFor(snapshot, ids).filter((c) => c.isCliBan && c.node === node && !c.expired);
}

/** The cli-prefer / cli-ban constraints of a resource (optionally on one node, optionally only expired ones). */
export function cliConstraints(snapshot: ClusterSnapshot, id: string, node?: string, expiredOnly = false): LocationConstraint[] {
  return snapshot.constraints.location.filter(
    (c) => (c.isCliBan || c.isCliPrefer) && c.resource === id && (node === undefined || c.node === node || (c.node === null && c.id.includes(node))) && (!expiredOnly || c.expired),
  );
}

/** The resource itself plus every ancestor and (for groups/clones) member: the ids constraints may name. */
export function constraintSubjects(index: ResourceIndex, id: string): string[] {
  const e = index.byId.get(id);
  const out = new Set<string>([id]);
  for (const a of ancestors(index, id)) out.add(a.id);
  if (e) {
    for (const c of e.children) out.add(c);
    for (const p of e.primitives) out.add(p);
  }
  return [...out];
}
