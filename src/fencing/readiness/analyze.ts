/**
 * analyzeFencing(): the pure half of the fencing readiness check. It takes what was collected on
 * a cluster host (the parsed CIB, a snapshot, the fencer's answers, the device checks) and says,
 * for the cluster, every node and every device, whether fencing would work and what is risky.
 * No IO, no clock: everything comes in through {@link FenceInputs}.
 */
import type { CibFencingLevel, CibResult, CibStonithDevice } from '../../agent/parse/cib.js';
import type { ClusterNode, ClusterSnapshot, NodeType, ResourceConfig } from '../../model/snapshot.js';
import {
  configTargets,
  effectiveHostCheck,
  includesNode,
  isSingleMachineAgent,
  IPMI_AGENTS,
} from './device-params.js';
import { formatDurationMs, isFalse, isTrue, parseDurationMs } from '../../model/values.js';
import type {
  FenceDeviceReport,
  FenceFinding,
  FenceIpmiCheck,
  FenceLevelReport,
  FenceNodeDevice,
  FenceNodeReport,
  FenceReport,
  FenceSeverity,
  FenceStatusCheck,
} from './types.js';

export interface FenceInputs {
  cib: CibResult;
  snapshot: ClusterSnapshot | null;
  mode: 'live' | 'cib-file';
  /** Node the checks ran on (the fencer that answered), when known. */
  checkedFrom: string | null;
  /** `stonith_admin --list NODE` on checkedFrom: device ids, or why it failed. */
  fencerLists: Record<string, string[] | { error: string }>;
  /** `stonith_admin --list-registered` on checkedFrom; null when not asked or failed. */
  registered: string[] | null;
  statusChecks: Record<string, FenceStatusCheck>;
  ipmi: Record<string, FenceIpmiCheck | { ok: null; skipped: string }>;
  takenAt: string;
  durationMs: number;
  /** Limit the node reports to these nodes (the plan of `pcmk fence NODE`). */
  only?: string[];
}

/** Cluster options that matter for fencing, with Pacemaker 2.1's defaults. */
export const FENCING_OPTION_DEFAULTS: Readonly<Record<string, string>> = {
  'stonith-enabled': 'true',
  'stonith-action': 'reboot',
  'stonith-timeout': '60s',
  'priority-fencing-delay': '0',
  'no-quorum-policy': 'stop',
  'concurrent-fencing': 'true',
  'startup-fencing': 'true',
  'stonith-watchdog-timeout': '0',
  'fence-reaction': 'stop',
};

/** IPMI failures that mean a fence through this BMC would fail too. */
const DECISIVE_IPMI = new Set(['auth', 'timeout', 'unreachable', 'privilege', 'session', 'unsupported']);

interface NodeInfo {
  name: string;
  type: NodeType;
  online: boolean | null;
  host: string | null;
  container: string | null;
}

function finding(severity: FenceSeverity, code: string, message: string, where: { node?: string; device?: string } = {}): FenceFinding {
  return { severity, code, message, ...where };
}

/** Every node the check reports on: the snapshot's nodes, plus configured ones it does not show. */
export function fenceNodes(cib: CibResult, snapshot: ClusterSnapshot | null): NodeInfo[] {
  const out: NodeInfo[] = [];
  const seen = new Set<string>();
  const add = (n: NodeInfo): void => {
    if (!n.name || seen.has(n.name)) return;
    seen.add(n.name);
    out.push(n);
  };
  for (const n of snapshot?.nodes ?? []) add(fromSnapshot(n));
  for (const n of cib.nodes) if (n.type !== 'ping') add({ name: n.uname, type: n.type === 'remote' ? 'remote' : 'member', online: null, host: null, container: null });
  for (const r of cib.remoteNodes) add({ name: r.id, type: 'remote', online: null, host: null, container: null });
  for (const g of cib.guestNodes) add({ name: g.name, type: 'guest', online: null, host: null, container: g.container });
  return out;
}

function fromSnapshot(n: ClusterNode): NodeInfo {
  return { name: n.name, type: n.type, online: n.online, host: n.host, container: n.container };
}

function walkResources(rs: ResourceConfig[], fn: (meta: Record<string, string>, id: string) => void): void {
  for (const r of rs) {
    fn(r.meta, r.id);
    if (r.kind === 'group') for (const c of r.children) fn(c.meta, c.id);
    if (r.kind === 'clone' && r.child) walkResources([r.child], fn);
    if (r.kind === 'bundle' && r.primitive) fn(r.primitive.meta, r.primitive.id);
  }
}

function levelMatches(l: CibFencingLevel, node: string, attrs: Record<string, string>): boolean {
  if (l.targetKind === 'node') return l.target.toLowerCase() === node.toLowerCase();
  if (l.targetKind === 'pattern') {
    try {
      return new RegExp(l.target).test(node);
    } catch {
      return false;
    }
  }
  const eq = l.target.indexOf('=');
  return eq > 0 && attrs[l.target.slice(0, eq)] === l.target.slice(eq + 1);
}

function levelTargetText(l: CibFencingLevel): string {
  return l.targetKind === 'pattern' ? `@${l.target}` : l.target;
}

/** Why a device's check failed, in one sentence, or null when nothing failed. */
function brokenReason(d: FenceDeviceReport): string | null {
  if (d.statusCheck.ok === false) return `${d.statusCheck.method} failed: ${d.statusCheck.detail ?? 'no detail'}`;
  if (d.ipmi && d.ipmi.ok === false && d.ipmi.code !== null && DECISIVE_IPMI.has(d.ipmi.code)) return d.ipmi.error ?? d.ipmi.code;
  return null;
}

function ipmiMessage(c: FenceIpmiCheck): string {
  const at = `BMC ${c.host}${c.port !== 623 ? `:${c.port}` : ''}`;
  switch (c.code) {
    case 'auth':
      return `${at} rejected the configured user name or password (${c.error ?? 'authentication failed'})`;
    case 'timeout':
      return `${at} did not answer (${c.error ?? 'timeout'}): powered down, unreachable or wrong address`;
    case 'unreachable':
      return `${at} is unreachable (${c.error ?? 'no route'})`;
    case 'privilege':
      return `${at}: the configured user lacks the privilege to control power (${c.error ?? ''})`;
    case 'unsupported-cipher':
      return `${at} does not accept cipher suite ${c.cipherSuite ?? '?'} (${c.error ?? ''})`;
    default:
      return `${at}: ${c.error ?? c.code ?? 'check failed'}`;
  }
}

function deviceReport(
  d: CibStonithDevice,
  inp: FenceInputs,
  ctx: { members: string[]; fencable: string[]; nodes: Map<string, NodeInfo>; stonithTimeoutMs: number | null },
): FenceDeviceReport {
  const warnings: FenceFinding[] = [];
  const w = (severity: FenceSeverity, code: string, message: string): void => {
    warnings.push(finding(severity, code, message, { device: d.id }));
  };
  const targets = configTargets(d, ctx.fencable);
  const hostCheck = effectiveHostCheck(d);
  const snap = inp.snapshot;
  const runningOn = snap ? [...new Set(snap.instances.filter((i) => i.id === d.id && i.active).flatMap((i) => i.nodes))] : [];
  const registered = inp.registered ? inp.registered.includes(d.id) : null;
  const disabled = (d.meta['target-role'] ?? '').toLowerCase() === 'stopped';
  const secrets: Record<string, 'set'> = {};
  for (const n of d.secretsSet) secrets[n] = 'set';
  const passwordSet = d.secretsSet.some((n) => /^pass(word|wd)(_script)?$/.test(n));
  const statusCheck: FenceStatusCheck = inp.statusChecks[d.id] ?? {
    ok: null,
    method: 'skipped',
    detail: inp.mode === 'cib-file' ? 'configuration only (CIB file)' : 'not checked',
    durationMs: 0,
  };
  const ipmi = inp.ipmi[d.id] ?? null;

  // Risky settings.
  const method = (d.params.method ?? '').toLowerCase();
  if (method === 'cycle') {
    w('warning', 'method-cycle', `method=cycle: the agent may report success before ${d.id}'s machine is really off; use method=onoff`);
  }
  if (d.params.action !== undefined) {
    w('warning', 'deprecated-action', `deprecated parameter action=${d.params.action}: use pcmk_reboot_action / pcmk_off_action (or the cluster's stonith-action)`);
  }
  if (hostCheck === 'static-list' && !(d.hostList?.length) && !Object.keys(d.hostMap ?? {}).length) {
    w('failure', 'static-list-empty', `pcmk_host_check=static-list without pcmk_host_list or pcmk_host_map: ${d.id} can fence no node`);
  }
  if (isSingleMachineAgent(d.agent) && (hostCheck === 'status' || hostCheck === 'none')) {
    w('warning', 'no-host-list', `no pcmk_host_list: with pcmk_host_check=${hostCheck} ${d.id} (${d.agent}) is offered for every node, but its BMC powers one machine`);
  }
  if (targets) {
    const known = new Set([...ctx.nodes.keys()].map((n) => n.toLowerCase()));
    const unknown = targets.filter((t) => !known.has(t.toLowerCase()));
    if (unknown.length && hostCheck === 'static-list') {
      w('warning', 'unknown-target', `${d.id} lists ${unknown.join(', ')}, which ${unknown.length > 1 ? 'are not nodes' : 'is not a node'} of this cluster`);
    }
    const targetMembers = ctx.members.filter((m) => includesNode(targets, m));
    const others = ctx.members.filter((m) => !includesNode(targets, m));
    for (const t of targetMembers) {
      if (includesNode(runningOn, t)) {
        w('warning', 'running-on-target', `${d.id} runs on ${t}, the node it fences${d.bannedFrom.includes(t) ? '' : ' (no -INFINITY location keeps it away)'}`);
      } else if (others.length && !includesNode(d.bannedFrom, t)) {
        w('warning', 'allowed-on-target', `${d.id} may run on ${t}, the node it fences: add a location constraint with score -INFINITY`);
      }
    }
  }
  if (!passwordSet && (IPMI_AGENTS.has(d.agent) || d.params.login !== undefined || d.params.username !== undefined)) {
    w('warning', 'no-password', `${d.id}: password not set`);
  }
  if (IPMI_AGENTS.has(d.agent)) {
    const lanplus = d.params.lanplus !== undefined ? isTrue(d.params.lanplus) : !['fence_ipmilan', 'fence_imm', 'fence_idrac'].includes(d.agent);
    if (!lanplus) w('warning', 'ipmi-lan15', `${d.id}: lanplus is off: IPMI 1.5 LAN sends credentials with weak or no protection`);
    if (d.params.cipher === '0') w('warning', 'cipher-0', `${d.id}: cipher=0 means no authentication at all`);
  }
  if (disabled) w('warning', 'disabled', `${d.id} is disabled (target-role=Stopped): the fencer does not use it`);
  if (inp.mode === 'live' && snap && !disabled && !runningOn.length) {
    w('warning', 'not-running', `${d.id} is not running anywhere: its monitor does not run, so a broken device goes unnoticed`);
  }
  if (!d.ops.some((o) => o.name === 'monitor' && (parseDurationMs(o.interval) ?? 0) > 0)) {
    w('info', 'no-monitor', `${d.id} has no recurring monitor: a broken device goes unnoticed until it is needed`);
  }
  for (const f of snap?.failures ?? []) {
    if (f.resource !== d.id) continue;
    w('warning', 'failed-op', `${d.id}: ${f.task ?? 'operation'} failed on ${f.node} (${f.exitStatus}${f.exitReason ? `: ${f.exitReason}` : ''})`);
  }
  const delayMs = (parseDurationMs(d.params.pcmk_delay_base) ?? 0) + (parseDurationMs(d.params.pcmk_delay_max) ?? 0);
  const deviceTimeout = parseDurationMs(d.params.pcmk_reboot_timeout) ?? ctx.stonithTimeoutMs;
  if (delayMs > 0 && deviceTimeout !== null && delayMs >= deviceTimeout) {
    w('warning', 'delay-exceeds-timeout', `${d.id}: pcmk_delay_base + pcmk_delay_max (${formatDurationMs(delayMs)}) reach its timeout (${formatDurationMs(deviceTimeout)})`);
  }
  if (registered === false && inp.checkedFrom && !disabled && includesNode(ctx.members, inp.checkedFrom) && !includesNode(d.bannedFrom, inp.checkedFrom)) {
    w('warning', 'not-registered', `${d.id} is not registered with the fencer on ${inp.checkedFrom}, where it is allowed to run`);
  }

  // Checks of the device itself.
  if (statusCheck.ok === false) w('failure', 'status-failed', `${d.id}: ${statusCheck.method} failed: ${statusCheck.detail ?? 'no detail'}`);
  if (ipmi && ipmi.ok === false) {
    const decisive = ipmi.code !== null && DECISIVE_IPMI.has(ipmi.code);
    w(decisive ? 'failure' : 'warning', `ipmi-${ipmi.code ?? 'error'}`, `${d.id}: ${ipmiMessage(ipmi)}`);
  }
  if (ipmi && ipmi.ok === true && ipmi.power === 'off' && targets && targets.length === 1) {
    const t = ctx.nodes.get(targets[0]!);
    if (t?.online) w('warning', 'power-mismatch', `${d.id}: BMC ${ipmi.host} reports power off while ${t.name} is online: does this BMC belong to ${t.name}?`);
  }

  return {
    id: d.id,
    agent: d.agent,
    targets,
    hostCheck,
    runningOn,
    registered,
    bannedFrom: [...d.bannedFrom],
    secrets,
    password: passwordSet ? 'set' : 'not set',
    statusCheck,
    ipmi,
    warnings,
  };
}

function clusterFindings(inp: FenceInputs, options: Record<string, string>, twoNode: boolean | null, members: string[]): FenceFinding[] {
  const out: FenceFinding[] = [];
  const f = (severity: FenceSeverity, code: string, message: string): void => {
    out.push(finding(severity, code, message));
  };
  const { cib, snapshot } = inp;
  const enabled = !isFalse(options['stonith-enabled']);
  if (!enabled) f('failure', 'stonith-disabled', 'stonith-enabled=false: the cluster never fences a node; a lost node can corrupt shared data');
  const watchdogMs = parseDurationMs(options['stonith-watchdog-timeout']);
  const watchdog = options['stonith-watchdog-timeout'] !== undefined && options['stonith-watchdog-timeout'].trim() !== '0' && (watchdogMs === null || watchdogMs !== 0);
  if (enabled && !cib.stonithDevices.length) {
    f(watchdog ? 'warning' : 'failure', 'no-devices', watchdog ? 'no fencing device configured: nodes are fenced only by watchdog self-fencing (sbd)' : 'no fencing device configured');
  }
  if (watchdog) f('info', 'watchdog', `stonith-watchdog-timeout=${options['stonith-watchdog-timeout']}: watchdog self-fencing (sbd) is in use`);

  const timeoutMs = parseDurationMs(options['stonith-timeout']);
  if (timeoutMs === null) f('warning', 'stonith-timeout-invalid', `stonith-timeout=${options['stonith-timeout']} is not a duration`);
  else f('info', 'stonith-timeout', `stonith-timeout=${options['stonith-timeout']}: a fencing action that takes longer counts as failed (devices may override it with pcmk_reboot_timeout)`);

  const pfd = parseDurationMs(options['priority-fencing-delay']);
  if (pfd === null) f('warning', 'priority-fencing-delay-invalid', `priority-fencing-delay=${options['priority-fencing-delay']} is not a duration`);
  else if (pfd > 0) {
    let anyPriority = false;
    walkResources(cib.resources, (meta) => {
      if (meta.priority !== undefined && meta.priority !== '0') anyPriority = true;
    });
    f('info', 'priority-fencing-delay', `priority-fencing-delay=${options['priority-fencing-delay']}: fencing of the node running the higher-priority resources is delayed, so it wins a split`);
    if (!anyPriority) f('warning', 'priority-fencing-delay-unused', 'priority-fencing-delay is set, but no resource has a priority meta attribute: it has no effect');
    if (timeoutMs !== null && pfd >= timeoutMs) f('warning', 'priority-fencing-delay-too-long', `priority-fencing-delay (${formatDurationMs(pfd)}) is not shorter than stonith-timeout (${formatDurationMs(timeoutMs)})`);
  }

  const anyDeviceDelay = cib.stonithDevices.some((d) => (parseDurationMs(d.params.pcmk_delay_base) ?? 0) > 0 || (parseDurationMs(d.params.pcmk_delay_max) ?? 0) > 0);
  if (twoNode) {
    f('info', 'two-node', 'corosync two_node: either node keeps quorum alone, so after a split both try to fence the other');
    if (!(pfd && pfd > 0) && !anyDeviceDelay) {
      f('warning', 'fence-race', 'two_node without a fencing delay: after a split both nodes may shoot each other; set pcmk_delay_max on the devices (or pcmk_delay_base on one) or priority-fencing-delay');
    }
  } else if (twoNode === false && members.length === 2) {
    f('info', 'two-members-no-two-node', 'two members without corosync two_node: the survivor of a split has no quorum and, with no-quorum-policy=stop, stops its resources');
  }

  const nqp = (options['no-quorum-policy'] ?? 'stop').toLowerCase();
  if (nqp === 'ignore') {
    f(enabled ? 'warning' : 'failure', 'no-quorum-ignore', `no-quorum-policy=ignore: a partition without quorum keeps running resources${enabled ? '; only fencing keeps the halves apart' : ', and fencing is disabled'}`);
  } else if (nqp === 'suicide') {
    f('info', 'no-quorum-suicide', 'no-quorum-policy=suicide: a partition without quorum fences its own nodes (needs a working watchdog or device)');
  } else if (nqp === 'freeze') {
    f('info', 'no-quorum-freeze', 'no-quorum-policy=freeze: a partition without quorum keeps what runs but starts nothing');
  }
  const action = (options['stonith-action'] ?? 'reboot').toLowerCase();
  if (action === 'off' || action === 'poweroff') f('info', 'stonith-action-off', `stonith-action=${action}: fenced nodes stay powered off until someone powers them on`);
  if (isFalse(options['startup-fencing'])) f('warning', 'startup-fencing-off', 'startup-fencing=false: nodes not seen since the cluster started are assumed safely down');
  if (isFalse(options['concurrent-fencing']) && members.length > 2) f('info', 'concurrent-fencing-off', 'concurrent-fencing=false: several lost nodes are fenced one after another');
  if (snapshot && snapshot.cluster.quorate === false) {
    f('warning', 'no-quorum', `this partition has no quorum: it will not fence other nodes (no-quorum-policy=${nqp})`);
  }
  for (const e of snapshot?.fencing ?? []) {
    if (e.status === 'pending') f('info', 'fencing-pending', `fencing of ${e.target} (${e.action}) is in progress${e.delegate ? ` by ${e.delegate}` : ''}`);
  }
  for (const w of cib.warnings) if (w.section.startsWith('cib.fencing-topology')) f('warning', 'topology-config', `${w.section}: ${w.message}`);
  return out;
}

/** The fencing readiness report from collected inputs. Pure. */
export function analyzeFencing(inp: FenceInputs): FenceReport {
  const { cib, snapshot } = inp;
  const options: Record<string, string> = { ...FENCING_OPTION_DEFAULTS };
  for (const k of Object.keys(FENCING_OPTION_DEFAULTS)) if (cib.options[k] !== undefined) options[k] = cib.options[k]!;
  const flags = snapshot?.corosync?.quorum.flags;
  const twoNode = flags ? flags.some((x) => x.toLowerCase() === '2node') : null;

  const all = fenceNodes(cib, snapshot);
  const nodesByName = new Map(all.map((n) => [n.name, n]));
  const members = all.filter((n) => n.type === 'member').map((n) => n.name);
  const fencable = all.filter((n) => n.type !== 'guest').map((n) => n.name);
  const stonithTimeoutMs = parseDurationMs(options['stonith-timeout']);

  const devices = cib.stonithDevices.map((d) => deviceReport(d, inp, { members, fencable, nodes: nodesByName, stonithTimeoutMs }));
  const byId = new Map(devices.map((d) => [d.id, d]));
  const cfgById = new Map(cib.stonithDevices.map((d) => [d.id, d]));
  const enabled = !isFalse(options['stonith-enabled']);
  const watchdogText = options['stonith-watchdog-timeout']?.trim() ?? '0';
  const watchdog = watchdogText !== '0' && parseDurationMs(watchdogText) !== 0;

  const nodeAttrs = (name: string): Record<string, string> => {
    const cfg = cib.nodes.find((n) => n.uname === name)?.attributes ?? {};
    return { ...cfg, ...(snapshot?.nodeAttributes[name] ?? {}) };
  };

  const wanted = inp.only ? all.filter((n) => inp.only!.includes(n.name)) : all;
  const nodes: FenceNodeReport[] = wanted.map((n) => {
    const problems: FenceFinding[] = [];
    const p = (severity: FenceSeverity, code: string, message: string, device?: string): void => {
      problems.push(finding(severity, code, message, { node: n.name, ...(device ? { device } : {}) }));
    };
    if (n.type === 'guest') {
      const via = n.container ? `container ${n.container}${n.host ? ` on host ${n.host}` : ''}` : null;
      if (!n.container) p('failure', 'guest-no-container', `guest node ${n.name} has no container resource to stop`);
      else if (!n.host && n.online !== false) p('info', 'guest-container-stopped', `the container ${n.container} of ${n.name} is not running`);
      if (!enabled) p('info', 'stonith-disabled', `stonith-enabled=false: ${n.name} is still recovered by restarting its container`);
      return { node: n.name, type: n.type, online: n.online, fencable: !!n.container, via, devices: [], levels: [], problems };
    }

    // Devices able to fence this node: the fencer's answer plus the configuration.
    const found = new Map<string, FenceNodeDevice>();
    const add = (id: string, source: FenceNodeDevice['source'][number]): void => {
      const e = found.get(id) ?? { id, source: [], working: null };
      if (!e.source.includes(source)) e.source.push(source);
      found.set(id, e);
    };
    const fl = inp.fencerLists[n.name];
    const self = inp.checkedFrom !== null && inp.checkedFrom.toLowerCase() === n.name.toLowerCase();
    if (Array.isArray(fl)) for (const id of fl) add(id, 'fencer');
    else if (fl && !self) p('info', 'fencer-list-failed', `stonith_admin --list ${n.name} failed: ${fl.error}`);
    for (const d of devices) {
      if (!includesNode(d.targets, n.name)) continue;
      const runners = members.filter((m) => m.toLowerCase() !== n.name.toLowerCase() && !includesNode(d.bannedFrom, m));
      if (!runners.length && members.length > 0) {
        p('warning', 'device-only-on-target', `${d.id} covers ${n.name} but may run on no other member`, d.id);
        continue;
      }
      add(d.id, 'config');
      // The fencer here holds the device and its configuration covers the node, yet it is not offered.
      if (Array.isArray(fl) && !self && d.registered === true && !fl.includes(d.id)) {
        p('warning', 'fencer-disagrees', `the fencer on ${inp.checkedFrom} does not offer ${d.id} for ${n.name} although its configuration covers it`, d.id);
      }
    }
    // Devices whose targets only their agent knows: counted when the fencer could not be asked
    // (or when a topology level names them), but not verifiable here.
    const attrs = nodeAttrs(n.name);
    const matching = cib.fencingTopology.filter((l) => levelMatches(l, n.name, attrs));
    const levelIds = new Set(matching.flatMap((l) => l.devices));
    for (const d of devices) {
      if (d.targets !== null || found.has(d.id)) continue;
      if (levelIds.has(d.id) || !Array.isArray(fl) || self) add(d.id, 'agent');
    }
    for (const e of found.values()) {
      const d = byId.get(e.id);
      if (!d) continue;
      const cfg = cfgById.get(e.id);
      const disabled = (cfg?.meta['target-role'] ?? '').toLowerCase() === 'stopped';
      const reason = disabled ? 'disabled (target-role=Stopped)' : brokenReason(d);
      e.working = reason ? false : d.statusCheck.ok === true || d.ipmi?.ok === true ? true : null;
      if (reason) p('warning', 'device-broken', `${d.id} cannot fence ${n.name}: ${reason}`, d.id);
    }
    const devs = [...found.values()];

    // Topology levels for this node.
    const levels: FenceLevelReport[] = [...matching]
      .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
      .map((l) => {
        let usable = l.devices.length > 0;
        for (const id of l.devices) {
          const e = found.get(id);
          if (!cfgById.has(id)) {
            usable = false;
            p('failure', 'level-missing-device', `fencing level ${l.index ?? '?'} for ${levelTargetText(l)} names ${id}, which is not configured`, id);
          } else if (!e) {
            usable = false;
            p('warning', 'level-device-cannot-fence', `fencing level ${l.index ?? '?'} for ${levelTargetText(l)} uses ${id}, which cannot fence ${n.name}`, id);
          } else if (e.working === false) {
            usable = false;
          }
        }
        return { index: l.index, target: levelTargetText(l), devices: [...l.devices], usable };
      });

    const working = devs.filter((d) => d.working !== false);
    if (devs.length && devs.every((d) => d.source.length === 1 && d.source[0] === 'agent')) {
      p('info', 'unverified-targets', `${devs.map((d) => d.id).join(', ')}: the agent decides at fencing time whether it can fence ${n.name}; not verified from here`);
    }
    let ok = levels.length ? levels.some((l) => l.usable) : working.length > 0;
    if (!devs.length) {
      if (watchdog && n.type === 'member') p('warning', 'watchdog-only', `no device can fence ${n.name}: it relies on watchdog self-fencing`);
      else p('failure', 'no-device', `no device can fence ${n.name}`);
    } else if (levels.length && !ok) {
      p('failure', 'no-usable-level', `no fencing level for ${n.name} can succeed: every level has a device that is missing, cannot fence it or failed its check`);
    } else if (!working.length) {
      p('failure', 'no-working-device', `every device that can fence ${n.name} failed its check`);
    }
    if (watchdog && n.type === 'member' && !devs.length) ok = true;
    if (!enabled) {
      p('failure', 'stonith-disabled', `stonith-enabled=false: the cluster will not fence ${n.name}`);
      ok = false;
    }
    const history = (snapshot?.fencing ?? []).filter((e) => e.target === n.name && e.status !== 'pending');
    const last = history.length ? history[history.length - 1] : null;
    if (last && last.status !== 'success') {
      p('warning', 'last-fencing-failed', `the last fencing of ${n.name} (${last.action}) ${last.status}${last.exitReason ? `: ${last.exitReason}` : ''}`);
    }
    return { node: n.name, type: n.type, online: n.online, fencable: ok, via: null, devices: devs, levels, problems };
  });

  const findings = clusterFindings(inp, options, twoNode, members);
  const failed = findings.some((x) => x.severity === 'failure') || nodes.some((n) => !n.fencable || n.problems.some((x) => x.severity === 'failure'));
  return {
    ok: !failed,
    checkedFrom: inp.checkedFrom,
    mode: inp.mode,
    takenAt: inp.takenAt,
    nodes,
    devices,
    cluster: { options, twoNode, nodeNames: all.map((n) => n.name), quorate: snapshot?.cluster.quorate ?? null, findings },
    durationMs: inp.durationMs,
  };
}
