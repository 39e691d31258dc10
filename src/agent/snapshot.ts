/**
 * buildSnapshot(): the pure combination of the tools' raw outputs into one ClusterSnapshot.
 * No IO: tests feed it captured output; collectors feed it live output.
 */
import type { ToolError } from './run-tool.js';
import { baseResourceId } from '../model/values.js';
import { parseCrmMon, CrmMonParseError, type CrmMonResult } from './parse/crm-mon.js';
import { parseCib, peekCibVersion, CibParseError, type CibResult } from './parse/cib.js';
import { buildCorosyncInfo } from './parse/corosync.js';
import {
  SNAPSHOT_SCHEMA,
  type ClusterInfo,
  type ClusterSnapshot,
  type PrimitiveConfig,
  type ResourceConfig,
  type SnapshotWarning,
  type SourceStatus,
} from '../model/snapshot.js';

/** One tool's outcome as the collectors saw it. */
export type ToolResult =
  | { ok: true; tool: string; stdout: string; stderr: string; exitCode: number; durationMs: number }
  | { ok: false; tool: string; error: ToolError; stdout?: string; durationMs: number; skipped?: undefined }
  | { ok: false; tool: string; skipped: string; durationMs: number; error?: undefined };

export interface RawOutputs {
  crmMon?: ToolResult;
  cib?: ToolResult;
  /** `cibadmin --query --xpath /cib --no-children`: the CIB's version attributes. */
  cibVersion?: ToolResult;
  cmapctl?: ToolResult;
  quorumtool?: ToolResult;
  cfgtool?: ToolResult;
  /** `crm_mon --version` of the host's own tools (collect.ts runs it once per runner and release). */
  version?: ToolResult;
}

/** "3.0.0" from `crm_mon --version` ("Pacemaker 3.0.0\nWritten by ..."), or null. */
export function parseToolsVersion(r: ToolResult | undefined): string | null {
  if (!r?.ok) return null;
  return /^Pacemaker (\d+\.\d+\S*)/m.exec(r.stdout)?.[1] ?? null;
}

export interface BuildOptions {
  now?: Date;
  source?: string;
}

/** Convenience for tests and offline use: a ToolResult from a captured string. */
export function captured(tool: string, stdout: string): ToolResult {
  return { ok: true, tool, stdout, stderr: '', exitCode: 0, durationMs: 0 };
}

function sourceOf(r: ToolResult): SourceStatus {
  if (r.ok) return { tool: r.tool, ok: true, durationMs: Math.round(r.durationMs) };
  return { tool: r.tool, ok: false, durationMs: Math.round(r.durationMs), error: r.skipped ?? r.error?.message };
}

function emptyCluster(): ClusterInfo {
  return {
    name: null,
    stack: null,
    dc: null,
    dcPresent: false,
    quorate: null,
    partition: null,
    pacemakerVersion: null,
    mixedVersion: null,
    apiVersion: null,
    format: 'pacemaker-result',
    lastUpdate: null,
    lastChange: null,
    lastChangeBy: null,
    options: {},
    counts: { nodes: 0, resources: 0, disabled: 0, blocked: 0 },
    cibVersion: null,
  };
}

/** Index every primitive of the configured tree by id (including group members, clone and bundle children). */
function indexPrimitives(tree: ResourceConfig[]): Map<string, PrimitiveConfig> {
  const out = new Map<string, PrimitiveConfig>();
  const visit = (r: ResourceConfig | null): void => {
    if (!r) return;
    switch (r.kind) {
      case 'primitive':
        out.set(r.id, r);
        break;
      case 'group':
        r.children.forEach(visit);
        break;
      case 'clone':
        visit(r.child);
        break;
      case 'bundle':
        visit(r.primitive);
        break;
    }
  };
  tree.forEach(visit);
  return out;
}

function indexById(tree: ResourceConfig[]): Map<string, ResourceConfig> {
  const out = new Map<string, ResourceConfig>();
  const visit = (r: ResourceConfig | null): void => {
    if (!r) return;
    out.set(r.id, r);
    if (r.kind === 'group') r.children.forEach(visit);
    else if (r.kind === 'clone') visit(r.child);
    else if (r.kind === 'bundle') visit(r.primitive);
  };
  tree.forEach(visit);
  return out;
}

/**
 * The runtime tree comes from crm_mon (it knows bundle replicas and what exists now); the CIB adds
 * parameters, meta attributes and operations. Primitives are matched by id; clone instances
 * ("dlm:0") share their primitive's configuration.
 */
export function mergeTrees(runtime: ResourceConfig[], configured: ResourceConfig[]): ResourceConfig[] {
  if (!configured.length) return runtime;
  if (!runtime.length) return configured;
  const prims = indexPrimitives(configured);
  const all = indexById(configured);
  const enrich = (r: ResourceConfig): ResourceConfig => {
    switch (r.kind) {
      case 'primitive': {
        const c = prims.get(r.id) ?? prims.get(baseResourceId(r.id));
        return c ? { ...r, params: c.params, meta: c.meta, ops: c.ops, agent: r.agent.type ? r.agent : c.agent } : r;
      }
      case 'group': {
        const c = all.get(r.id);
        return { ...r, meta: c?.kind === 'group' ? c.meta : r.meta, children: r.children.map((x) => enrich(x) as PrimitiveConfig) };
      }
      case 'clone': {
        const c = all.get(r.id);
        return {
          ...r,
          meta: c?.kind === 'clone' ? c.meta : r.meta,
          child: r.child ? (enrich(r.child) as PrimitiveConfig) : c?.kind === 'clone' ? c.child : null,
        };
      }
      case 'bundle': {
        const c = all.get(r.id);
        if (c?.kind !== 'bundle') return r;
        return {
          ...r,
          meta: c.meta,
          image: r.image ?? c.image,
          containerType: r.containerType === 'unknown' ? c.containerType : r.containerType,
          replicasConfigured: c.replicasConfigured ?? r.replicasConfigured,
          primitive: c.primitive ?? r.primitive,
        };
      }
    }
  };
  const seen = new Set(runtime.map((r) => r.id));
  // Resources configured but absent from crm_mon (rare: crm_mon lists inactive ones with --inactive).
  const missing = configured.filter((r) => !seen.has(r.id));
  return [...runtime.map(enrich), ...missing];
}

/** "admin_epoch:epoch:num_updates" from a <cib ...> element, or null. */
export function parseCibVersion(xml: string): string | null {
  const v = peekCibVersion(xml);
  return v && v.adminEpoch !== null && v.epoch !== null && v.numUpdates !== null ? `${v.adminEpoch}:${v.epoch}:${v.numUpdates}` : null;
}

export function buildSnapshot(raw: RawOutputs, opts: BuildOptions = {}): ClusterSnapshot {
  const now = opts.now ?? new Date();
  const warnings: SnapshotWarning[] = [];
  const sources: SourceStatus[] = [];
  let mon: CrmMonResult | null = null;
  let cib: CibResult | null = null;

  if (raw.crmMon) {
    sources.push(sourceOf(raw.crmMon));
    // A failed crm_mon may still have printed a document that explains why (crm-mon-disconnected).
    const text = raw.crmMon.ok ? raw.crmMon.stdout : raw.crmMon.error ? raw.crmMon.stdout : undefined;
    if (text && text.trim()) {
      try {
        mon = parseCrmMon(text, { now });
        warnings.push(...mon.warnings);
      } catch (e) {
        if (!(e instanceof CrmMonParseError)) throw e;
        warnings.push({ section: 'crm_mon', message: e.message });
      }
    } else if (!raw.crmMon.ok) {
      warnings.push({ section: 'crm_mon', message: raw.crmMon.skipped ?? raw.crmMon.error?.message ?? 'crm_mon failed' });
    } else {
      warnings.push({ section: 'crm_mon', message: 'crm_mon printed nothing' });
    }
  }

  if (raw.cib) {
    sources.push(sourceOf(raw.cib));
    if (raw.cib.ok) {
      try {
        cib = parseCib(raw.cib.stdout, { now });
        warnings.push(...cib.warnings);
      } catch (e) {
        if (!(e instanceof CibParseError)) throw e;
        warnings.push({ section: 'cib', message: e.message });
      }
    } else {
      warnings.push({ section: 'cib', message: raw.cib.skipped ?? raw.cib.error?.message ?? 'cibadmin failed' });
    }
  }

  if (raw.cibVersion) {
    sources.push(sourceOf(raw.cibVersion));
    if (!raw.cibVersion.ok && raw.cibVersion.error) warnings.push({ section: 'cib.version', message: raw.cibVersion.error.message });
  }

  const coroInputs: { quorumtool?: string; cmapctl?: string; cfgtool?: string } = {};
  let coroAny = false;
  for (const key of ['quorumtool', 'cmapctl', 'cfgtool'] as const) {
    const r = raw[key];
    if (!r) continue;
    sources.push(sourceOf(r));
    if (r.ok) {
      coroInputs[key] = r.stdout;
      coroAny = true;
    } else if (!r.skipped) {
      warnings.push({ section: `corosync.${key}`, message: r.error?.message ?? `${r.tool} failed` });
    }
  }
  let corosync = null;
  if (coroAny) {
    const built = buildCorosyncInfo(coroInputs);
    corosync = built.info;
    warnings.push(...built.warnings);
  }

  const cluster: ClusterInfo = emptyCluster();
  if (mon) {
    Object.assign(cluster, mon.cluster);
    cluster.format = mon.format;
    cluster.apiVersion = mon.apiVersion;
  }
  cluster.options = { ...(cib?.options ?? {}), ...(mon?.cluster.options ?? {}) };
  cluster.name = cib?.clusterName ?? corosync?.clusterName ?? null;
  cluster.cibVersion = cib?.cibVersion ?? (raw.cibVersion?.ok ? parseCibVersion(raw.cibVersion.stdout) : null);

  // The node these tools ran on (corosync's local member, or the host itself) runs their release.
  const toolsVersion = parseToolsVersion(raw.version);
  const self = corosync?.members.find((m) => m.local)?.name ?? opts.source;
  const nodes = (mon?.nodes ?? []).map((n) => (toolsVersion && n.name === self ? { ...n, pacemakerVersion: toolsVersion } : n));

  return {
    schema: SNAPSHOT_SCHEMA,
    takenAt: now.toISOString(),
    source: opts.source ?? 'local',
    cluster,
    nodes,
    resources: mergeTrees(mon?.tree ?? [], cib?.resources ?? []),
    instances: mon?.instances ?? [],
    failures: mon?.failures ?? [],
    failcounts: mon?.failcounts ?? [],
    operations: mon?.operations ?? [],
    fencing: mon?.fencing ?? [],
    nodeAttributes: mon?.nodeAttributes ?? {},
    tickets: mon?.tickets ?? [],
    constraints: cib?.constraints ?? { location: [], order: [], colocation: [], sets: {} },
    bans: mon?.bans ?? [],
    corosync,
    toolsVersion,
    sources,
    warnings,
  };
}

/** True when the snapshot has the cluster's live state (crm_mon answered and parsed). */
export function hasClusterState(s: ClusterSnapshot): boolean {
  return s.sources.some((x) => x.tool === 'crm_mon' && x.ok) && s.nodes.length > 0;
}
