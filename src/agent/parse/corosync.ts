/**
 * Pure parsers for the corosync command-line tools (corosync 2.3 to 3.1.x):
 *   corosync-quorumtool -s / -l / -p / -a / -H   -> parseQuorumtool
 *   corosync-cmapctl (whole map, or a grep of it) -> parseCmapctl
 *   corosync-cfgtool -s / -s -b                   -> parseCfgtool
 * and buildCorosyncInfo(), which combines whatever was collected into the snapshot's
 * CorosyncInfo. Garbage input gives warnings and empty values, never an exception.
 */
import type { CorosyncInfo, CorosyncLink, CorosyncMember, SnapshotWarning } from '../../model/snapshot.js';

type Quorum = CorosyncInfo['quorum'];

function emptyQuorum(): Quorum {
  return {
    quorate: null,
    expectedVotes: null,
    highestExpected: null,
    totalVotes: null,
    quorum: null,
    flags: [],
    ringId: null,
    nodeId: null,
  };
}

function lines(text: string): string[] {
  return typeof text === 'string' ? text.split(/\r?\n/) : [];
}

/** Node ids print in decimal, or as 0x%08x with -H; the snapshot always uses decimal. */
function nodeIdOf(raw: string): string | null {
  const s = raw.trim();
  if (/^\d+$/.test(s)) return String(parseInt(s, 10));
  if (/^0x[0-9a-f]+$/i.test(s)) return String(parseInt(s.slice(2), 16));
  return null;
}

function intOf(raw: string, what: string, section: string, warnings: SnapshotWarning[]): number | null {
  const s = raw.trim();
  if (/^-?\d+$/.test(s)) return parseInt(s, 10);
  warnings.push({ section, message: `${what} "${s}" is not a number` });
  return null;
}

function byNodeId(a: { nodeId: string }, b: { nodeId: string }): number {
  const x = Number(a.nodeId);
  const y = Number(b.nodeId);
  if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// corosync-quorumtool

export interface QuorumtoolQdevice {
  /** The quorum device's name as printed ("Qdevice"). */
  name: string;
  votes: number | null;
  /** False when the row reads "Qdevice (votes N)": the device is not casting its vote. */
  castingVote: boolean;
}

export interface QuorumtoolResult {
  quorum: Quorum;
  members: CorosyncMember[];
  /** "Quorum provider:" (e.g. corosync_votequorum). */
  provider: string | null;
  /** "Nodes:" */
  nodeCount: number | null;
  /** True when the "Quorum:" line says "Activity blocked". */
  activityBlocked: boolean;
  /** Qdevice column per node id ("NR", "A,V,NMW", ...), when printed. */
  qdeviceStates: Record<string, string>;
  qdevice: QuorumtoolQdevice | null;
  warnings: SnapshotWarning[];
}

const QT = 'corosync.quorumtool';

/** Parses `corosync-quorumtool -s` (also `-l`, `-p`, `-a`, `-H` forms). */
export function parseQuorumtool(text: string): QuorumtoolResult {
  const res: QuorumtoolResult = {
    quorum: emptyQuorum(),
    members: [],
    provider: null,
    nodeCount: null,
    activityBlocked: false,
    qdeviceStates: {},
    qdevice: null,
    warnings: [],
  };
  const w = res.warnings;
  let inMembership = false;
  let header: { votes: boolean; qdevice: boolean } | null = null;
  let recognised = 0;
  let unknown = 0;

  for (const rawLine of lines(text)) {
    const line = rawLine.replace(/\s+$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || /^-+$/.test(trimmed)) continue;
    if (trimmed === 'Quorum information' || trimmed === 'Votequorum information') {
      inMembership = false;
      recognised++;
      continue;
    }
    if (trimmed === 'Membership information') {
      inMembership = true;
      recognised++;
      continue;
    }
    if (inMembership) {
      if (/^Nodeid\b/.test(trimmed)) {
        header = { votes: /\bVotes\b/.test(trimmed), qdevice: /\bQdevice\b/.test(trimmed) };
        recognised++;
        continue;
      }
      if (membershipRow(trimmed, header ?? { votes: true, qdevice: false }, res)) recognised++;
      else unknown++;
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z ]*?):\s*(.*)$/.exec(trimmed);
    if (!kv) {
      unknown++;
      continue;
    }
    recognised++;
    const [, key, value] = kv;
    const q = res.quorum;
    switch (key) {
      case 'Quorum provider':
        res.provider = value || null;
        break;
      case 'Nodes':
        res.nodeCount = intOf(value, 'Nodes', QT, w);
        break;
      case 'Node ID': {
        q.nodeId = nodeIdOf(value);
        if (q.nodeId === null) w.push({ section: QT, message: `Node ID "${value}" is not a node id` });
        break;
      }
      case 'Ring ID':
        q.ringId = value || null;
        break;
      case 'Quorate':
        if (value === 'Yes') q.quorate = true;
        else if (value === 'No') q.quorate = false;
        else w.push({ section: QT, message: `Quorate "${value}" is neither Yes nor No` });
        break;
      case 'Expected votes':
        q.expectedVotes = intOf(value, 'Expected votes', QT, w);
        break;
      case 'Highest expected':
        q.highestExpected = intOf(value, 'Highest expected', QT, w);
        break;
      case 'Total votes':
        q.totalVotes = intOf(value, 'Total votes', QT, w);
        break;
      case 'Quorum': {
        const m = /^(\S+)\s*(.*)$/.exec(value);
        if (m) {
          q.quorum = intOf(m[1], 'Quorum', QT, w);
          res.activityBlocked = /Activity blocked/i.test(m[2]);
        } else {
          w.push({ section: QT, message: 'Quorum line has no value' });
        }
        break;
      }
      case 'Flags':
        q.flags = value.split(/\s+/).filter(Boolean);
        break;
      default:
        // Date and any line added by newer versions: nothing the snapshot needs.
        break;
    }
  }
  if (res.quorum.nodeId === null) {
    // -l prints no header: the local node is the row marked "(local)".
    res.quorum.nodeId = res.members.find((m) => m.local)?.nodeId ?? null;
  }
  if (unknown > 0) {
    w.push({
      section: QT,
      message:
        recognised === 0
          ? 'output is not corosync-quorumtool output'
          : `${unknown} line${unknown === 1 ? '' : 's'} of corosync-quorumtool output did not parse`,
    });
  } else if (recognised === 0 && typeof text === 'string' && text.trim() !== '') {
    w.push({ section: QT, message: 'output is not corosync-quorumtool output' });
  }
  return res;
}

function isIpAddress(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || (/^[0-9a-f:.]+$/i.test(s) && s.includes(':'));
}

function membershipRow(row: string, header: { votes: boolean; qdevice: boolean }, res: QuorumtoolResult): boolean {
  const tokens = row.split(/\s+/);
  const nodeId = nodeIdOf(tokens[0] ?? '');
  if (nodeId === null) return false;
  let i = 1;
  let votes: number | null = null;
  if (header.votes) {
    const v = tokens[i] ?? '';
    if (!/^\d+$/.test(v)) return false;
    votes = parseInt(v, 10);
    i++;
  }
  if (nodeId === '0') {
    // The quorum device row: "0  <votes>  Qdevice" or "0  0  Qdevice (votes N)".
    const rest = tokens.slice(i).join(' ');
    const m = /^(.*?)(?:\s*\(votes (\d+)\))?$/.exec(rest);
    const name = (m?.[1] ?? rest) || 'Qdevice';
    if (m?.[2] !== undefined) res.qdevice = { name, votes: parseInt(m[2], 10), castingVote: false };
    else res.qdevice = { name, votes, castingVote: true };
    return true;
  }
  if (header.qdevice) {
    const state = tokens[i];
    if (state === undefined) return false;
    res.qdeviceStates[nodeId] = state;
    i++;
  }
  let rest = tokens.slice(i).join(' ');
  let local = false;
  if (rest.endsWith('(local)')) {
    local = true;
    rest = rest.slice(0, -'(local)'.length).trim();
  }
  // With -a the name is followed by the node's other addresses: "name, addr1, addr2".
  const parts = rest.split(/,\s*/).filter(Boolean);
  // With -i (or unresolved names) the name column is the node's address itself.
  const addresses = parts.slice(1);
  if (parts[0] !== undefined && isIpAddress(parts[0])) addresses.unshift(parts[0]);
  res.members.push({
    nodeId,
    name: parts[0] ?? null,
    addresses,
    status: 'joined',
    votes,
    local,
  });
  return true;
}

// ---------------------------------------------------------------------------------------------
// corosync-cmapctl

export interface CmapNodelistEntry {
  /** Position in nodelist.node.<position>. */
  position: string;
  nodeId: string | null;
  name: string | null;
  /** ring0_addr, ring1_addr, ... in link order. */
  addresses: string[];
  quorumVotes: number | null;
}

export interface CmapctlResult {
  clusterName: string | null;
  transport: string | null;
  localNodeId: string | null;
  /** Runtime members merged with the configured nodelist (status null: never seen). */
  members: CorosyncMember[];
  nodelist: CmapNodelistEntry[];
  /** runtime.votequorum.* without the prefix (two_node, wait_for_all_status, this_node_id...). */
  votequorum: Record<string, string>;
  /** quorum.* from the configuration without the prefix (provider, expected_votes...). */
  quorumConfig: Record<string, string>;
  warnings: SnapshotWarning[];
}

const CM = 'corosync.cmapctl';
const CMAP_LINE = /^(\S+) \(([a-z0-9]+)\) =(?: (.*))?$/;
const MEMBER_KEY = /^runtime\.(?:members|totem\.pg\.mrp\.srp\.members)\.(\d+)\.(.+)$/;
const NODELIST_KEY = /^nodelist\.node\.(\d+)\.(.+)$/;

/** Addresses from a member's ip value: "r(0) ip(198.51.100.11) r(1) ip(203.0.113.1) ". */
function memberAddresses(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(/r\(\d+\)\s*ip\(([^)]*)\)/g)) out.push(m[1]);
  return out;
}

/** Parses `corosync-cmapctl` output (the whole map or any subset of its lines). */
export function parseCmapctl(text: string): CmapctlResult {
  const res: CmapctlResult = {
    clusterName: null,
    transport: null,
    localNodeId: null,
    members: [],
    nodelist: [],
    votequorum: {},
    quorumConfig: {},
    warnings: [],
  };
  const runtime = new Map<string, { addresses: string[]; status: string | null }>();
  const nodelist = new Map<string, CmapNodelistEntry & { rings: Map<number, string> }>();
  let localPos: string | null = null;
  let unknown = 0;
  let recognised = 0;

  for (const rawLine of lines(text)) {
    if (rawLine.trim() === '') continue;
    const m = CMAP_LINE.exec(rawLine);
    if (!m) {
      unknown++;
      continue;
    }
    recognised++;
    const key = m[1];
    const value = (m[3] ?? '').trim();
    const mem = MEMBER_KEY.exec(key);
    if (mem) {
      const id = String(parseInt(mem[1], 10));
      let r = runtime.get(id);
      if (!r) runtime.set(id, (r = { addresses: [], status: null }));
      if (mem[2] === 'ip') r.addresses = memberAddresses(value);
      else if (mem[2] === 'status') r.status = value || null;
      continue;
    }
    const nl = NODELIST_KEY.exec(key);
    if (nl) {
      let e = nodelist.get(nl[1]);
      if (!e) nodelist.set(nl[1], (e = { position: nl[1], nodeId: null, name: null, addresses: [], quorumVotes: null, rings: new Map() }));
      const field = nl[2];
      const ring = /^ring(\d+)_addr$/.exec(field);
      if (field === 'nodeid') {
        e.nodeId = nodeIdOf(value);
        if (e.nodeId === null) res.warnings.push({ section: CM, message: `${key} "${value}" is not a node id` });
      } else if (field === 'name') e.name = value || null;
      else if (ring) e.rings.set(parseInt(ring[1], 10), value);
      else if (field === 'quorum_votes') e.quorumVotes = intOf(value, key, CM, res.warnings);
      continue;
    }
    if (key === 'nodelist.local_node_pos') localPos = value;
    else if (key === 'totem.cluster_name') res.clusterName = value || null;
    else if (key === 'totem.transport') res.transport = value || null;
    else if (key.startsWith('runtime.votequorum.')) res.votequorum[key.slice('runtime.votequorum.'.length)] = value;
    else if (key.startsWith('quorum.')) res.quorumConfig[key.slice('quorum.'.length)] = value;
  }

  for (const e of [...nodelist.values()].sort((a, b) => Number(a.position) - Number(b.position))) {
    const { rings, ...entry } = e;
    entry.addresses = [...rings.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    res.nodelist.push(entry);
  }

  const thisNode = res.votequorum.this_node_id;
  if (thisNode !== undefined) res.localNodeId = nodeIdOf(thisNode);
  if (res.localNodeId === null && localPos !== null) {
    res.localNodeId = res.nodelist.find((n) => n.position === localPos)?.nodeId ?? null;
  }

  const members = new Map<string, CorosyncMember>();
  for (const [id, r] of runtime) {
    members.set(id, { nodeId: id, name: null, addresses: r.addresses, status: r.status, votes: null, local: id === res.localNodeId });
  }
  for (const n of res.nodelist) {
    if (n.nodeId === null) continue;
    let m = members.get(n.nodeId);
    if (!m) {
      m = { nodeId: n.nodeId, name: null, addresses: n.addresses, status: null, votes: null, local: n.nodeId === res.localNodeId };
      members.set(n.nodeId, m);
    }
    m.name = n.name ?? n.addresses[0] ?? null;
    if (!m.addresses.length) m.addresses = n.addresses;
    m.votes = n.quorumVotes ?? 1;
  }
  res.members = [...members.values()].sort(byNodeId);

  if (unknown > 0) {
    res.warnings.push({
      section: CM,
      message:
        recognised === 0
          ? 'output is not corosync-cmapctl output'
          : `${unknown} line${unknown === 1 ? '' : 's'} of corosync-cmapctl output did not parse`,
    });
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// corosync-cfgtool

export interface CfgtoolResult {
  localNodeId: string | null;
  /** "transport knet" on the first line (corosync 3.1.1+), else null. */
  transport: string | null;
  links: CorosyncLink[];
  warnings: SnapshotWarning[];
}

const CF = 'corosync.cfgtool';

function statusConnected(status: string): boolean {
  if (/^[n0-3]+$/.test(status)) return /^[n3]+$/.test(status); // -b: one digit per node
  return !/faulty|disconnected|\bdown\b|error/i.test(status);
}

/** Parses `corosync-cfgtool -s` (corosync 2 rings; corosync 3 knet links, also with -b). */
export function parseCfgtool(text: string): CfgtoolResult {
  const res: CfgtoolResult = { localNodeId: null, transport: null, links: [], warnings: [] };
  let link: { id: string; addr: string | null; hadStatus: boolean } | null = null;
  let unknown = 0;
  let recognised = 0;

  const finishLink = (): void => {
    if (link && !link.hadStatus) {
      res.warnings.push({ section: CF, message: `link ${link.id} has no status` });
    }
  };

  for (const rawLine of lines(text)) {
    const trimmed = rawLine.trim();
    if (trimmed === '') continue;
    let m: RegExpExecArray | null;
    if (/^Printing (ring|link) status\.$/i.test(trimmed)) {
      recognised++;
    } else if ((m = /^Local node ID (\S+?)(?:,\s*transport (\S+))?$/i.exec(trimmed))) {
      recognised++;
      res.localNodeId = nodeIdOf(m[1]);
      if (res.localNodeId === null) res.warnings.push({ section: CF, message: `local node id "${m[1]}" is not a node id` });
      res.transport = m[2] ?? null;
    } else if ((m = /^(?:RING|LINK) ID (\d+)(?:\s+(\S+))?$/i.exec(trimmed))) {
      recognised++;
      finishLink();
      link = { id: m[1], addr: null, hadStatus: false };
    } else if (link && (m = /^(?:id|addr)\s*=\s*(.*)$/.exec(trimmed))) {
      recognised++;
      link.addr = m[1] || null;
    } else if (link && (m = /^status\s*=\s*(.*)$/.exec(trimmed))) {
      recognised++;
      link.hadStatus = true;
      res.links.push({ linkId: link.id, nodeId: null, address: link.addr, status: m[1], connected: statusConnected(m[1]) });
    } else if (link && /^status:$/.test(trimmed)) {
      recognised++;
      link.hadStatus = true;
    } else if (link && (m = /^nodeid:?\s*(\d+):\s*(\S.*)$/.exec(trimmed))) {
      recognised++;
      const status = m[2].trim();
      const nodeId = String(parseInt(m[1], 10));
      res.links.push({
        linkId: link.id,
        nodeId,
        address: status === 'localhost' ? link.addr : null,
        status,
        connected: status === 'localhost' || status === 'connected',
      });
    } else if (link && (m = /^node (\d+):\s*link enabled:(\d)\s*link connected:(\d)$/.exec(trimmed))) {
      // corosync 3.0.0-3.0.1 number the nodes by position, not by node id.
      recognised++;
      res.links.push({
        linkId: link.id,
        nodeId: null,
        address: null,
        status: `node ${m[1]}: ${m[2] === '1' ? 'enabled' : 'disabled'}, ${m[3] === '1' ? 'connected' : 'disconnected'}`,
        connected: m[3] === '1',
      });
    } else {
      unknown++;
    }
  }
  finishLink();
  if (unknown > 0) {
    res.warnings.push({
      section: CF,
      message:
        recognised === 0
          ? 'output is not corosync-cfgtool output'
          : `${unknown} line${unknown === 1 ? '' : 's'} of corosync-cfgtool output did not parse`,
    });
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// Combined

export interface CorosyncInputs {
  quorumtool?: string;
  cmapctl?: string;
  cfgtool?: string;
}

/**
 * Combines the outputs that were collected (any subset) into one CorosyncInfo:
 * members from cmapctl (addresses, status, configured votes) completed by quorumtool's
 * membership (current votes, names), quorum from quorumtool, links from cfgtool with peer
 * addresses filled in from the members' per-link addresses.
 */
export function buildCorosyncInfo(inputs: CorosyncInputs): { info: CorosyncInfo; warnings: SnapshotWarning[] } {
  const warnings: SnapshotWarning[] = [];
  const qt = inputs.quorumtool !== undefined ? parseQuorumtool(inputs.quorumtool) : null;
  const cm = inputs.cmapctl !== undefined ? parseCmapctl(inputs.cmapctl) : null;
  const cf = inputs.cfgtool !== undefined ? parseCfgtool(inputs.cfgtool) : null;
  for (const r of [qt, cm, cf]) if (r) warnings.push(...r.warnings);

  const members = new Map<string, CorosyncMember>();
  for (const m of cm?.members ?? []) members.set(m.nodeId, { ...m, addresses: [...m.addresses] });
  for (const q of qt?.members ?? []) {
    const m = members.get(q.nodeId);
    if (!m) {
      members.set(q.nodeId, { ...q, addresses: [...q.addresses] });
      continue;
    }
    if (q.votes !== null) m.votes = q.votes;
    if (m.name === null) m.name = q.name;
    if (m.status === null) m.status = q.status;
    m.local = m.local || q.local;
    for (const a of q.addresses) if (!m.addresses.includes(a)) m.addresses.push(a);
  }

  const quorum = qt ? { ...qt.quorum, flags: [...qt.quorum.flags] } : emptyQuorum();
  quorum.nodeId ??= cm?.localNodeId ?? cf?.localNodeId ?? null;
  const localId = quorum.nodeId;
  if (localId !== null) {
    const local = members.get(localId);
    if (local) local.local = true;
  }

  const memberList = [...members.values()].sort(byNodeId);
  const links = (cf?.links ?? []).map((l) => {
    if (l.address !== null || l.nodeId === null) return { ...l };
    const peer = members.get(l.nodeId);
    const idx = Number(l.linkId);
    return { ...l, address: peer && Number.isInteger(idx) ? (peer.addresses[idx] ?? null) : null };
  });

  return {
    info: {
      clusterName: cm?.clusterName ?? null,
      transport: cm?.transport ?? cf?.transport ?? null,
      members: memberList,
      quorum,
      links,
    },
    warnings,
  };
}
