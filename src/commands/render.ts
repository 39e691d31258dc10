/**
 * Text rendering of snapshots for people (`pcmk status`, `nodes`, `resources`, `constraints`).
 * Pure: snapshot in, lines out. `--json` prints the data instead.
 */
import type { ClusterNode, ClusterSnapshot, ResourceConfig, ResourceInstance } from '../model/snapshot.js';

export interface Style {
  bold(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
}

export const plain: Style = { bold: (s) => s, red: (s) => s, yellow: (s) => s, green: (s) => s, dim: (s) => s };
const esc = (code: string) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
export const ansi: Style = { bold: esc('1'), red: esc('31'), yellow: esc('33'), green: esc('32'), dim: esc('2') };

export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  return stream.isTTY && !env.NO_COLOR ? ansi : plain;
}

/** Pads columns to their widest cell; the last column is not padded. */
export function table(rows: string[][], indent = '  '): string[] {
  if (!rows.length) return [];
  const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(c))));
  return rows.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - visible(c)))).join('  ').trimEnd());
}

export function nodeState(n: ClusterNode): string {
  if (n.unclean) return 'UNCLEAN';
  if (n.pending) return 'pending';
  if (!n.online) return 'OFFLINE';
  const flags: string[] = [];
  if (n.standby) flags.push(n.standbyOnFail ? 'standby (on-fail)' : 'standby');
  if (n.maintenance) flags.push('maintenance');
  if (n.shutdown) flags.push('shutting down');
  return flags.length ? flags.join(',') : 'online';
}

function colorNode(st: Style, state: string): string {
  if (state === 'online') return st.green(state);
  if (state === 'UNCLEAN' || state === 'OFFLINE') return st.red(state);
  return st.yellow(state);
}

export function renderNodes(s: ClusterSnapshot, st: Style = plain): string[] {
  const rows: string[][] = [['NAME', 'TYPE', 'STATE', 'RSC', 'HOST', 'ATTRIBUTES'].map(st.bold)];
  for (const n of s.nodes) {
    const attrs = s.nodeAttributes[n.name] ?? {};
    const attrText = Object.entries(attrs)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    rows.push([
      n.name + (n.isDc ? ' (DC)' : ''),
      n.type,
      colorNode(st, nodeState(n)),
      String(n.resourcesRunning),
      n.type === 'guest' ? (n.host ? `${n.host} (${n.container})` : `- (${n.container ?? '?'})`) : '',
      attrText,
    ]);
  }
  return table(rows);
}

function instanceState(i: ResourceInstance, st: Style): string {
  const flags: string[] = [];
  if (i.failed) flags.push(st.red('FAILED'));
  if (i.blocked) flags.push(st.red('blocked'));
  if (!i.managed) flags.push(st.yellow('unmanaged'));
  if (i.orphaned) flags.push(st.yellow('orphaned'));
  if (i.failureIgnored) flags.push('failure ignored');
  if (i.targetRole && i.targetRole.toLowerCase() === 'stopped') flags.push(st.yellow('disabled'));
  if (i.pending) flags.push(`(${i.pending})`);
  const role = i.role === 'Stopped' ? st.dim(i.role) : i.role;
  return [role, ...flags].join(' ');
}

/** Builds one line per tree entry, instances under their configured parents. */
export function renderResources(s: ClusterSnapshot, st: Style = plain, only?: string): string[] {
  const byParent = new Map<string | null, ResourceInstance[]>();
  const byId = new Map<string, ResourceInstance>();
  for (const i of s.instances) {
    const list = byParent.get(i.parent) ?? [];
    list.push(i);
    byParent.set(i.parent, list);
    byId.set(i.id, i);
  }
  const failcount = new Map<string, number>();
  for (const f of s.failcounts) failcount.set(f.resource.replace(/:\d+$/, ''), (failcount.get(f.resource.replace(/:\d+$/, '')) ?? 0) + f.count);
  const rows: string[][] = [['RESOURCE', 'AGENT', 'STATE', 'NODES', 'FAILS'].map(st.bold)];
  const inst = (i: ResourceInstance, depth: number): void => {
    const fc = failcount.get(i.id.replace(/:\d+$/, ''));
    rows.push(['  '.repeat(depth) + i.id, i.agent, instanceState(i, st), i.nodes.join(',') || '-', fc ? st.red(String(fc)) : '']);
  };
  const visit = (r: ResourceConfig, depth: number): void => {
    const pad = '  '.repeat(depth);
    switch (r.kind) {
      case 'primitive': {
        const i = byId.get(r.id);
        if (i) inst(i, depth);
        else rows.push([pad + r.id, `${r.agent.class}:${r.agent.provider ? `${r.agent.provider}:` : ''}${r.agent.type}`, st.dim('not in status'), '-', '']);
        break;
      }
      case 'group':
        rows.push([pad + r.id, 'group', '', '', '']);
        for (const c of r.children) {
          const i = byId.get(c.id);
          if (i) inst(i, depth + 1);
        }
        break;
      case 'clone': {
        rows.push([pad + r.id, r.promotable ? 'promotable clone' : r.unique ? 'unique clone' : 'clone', '', '', '']);
        const kids = byParent.get(r.id) ?? [];
        // Stopped instances of an anonymous clone are interchangeable: one line says how many.
        const idle = r.unique ? [] : kids.filter((i) => !i.active && !i.failed && i.role === 'Stopped');
        for (const i of kids) if (!idle.includes(i)) inst(i, depth + 1);
        if (idle.length) rows.push([`${'  '.repeat(depth + 1)}${idle[0]!.id}`, idle[0]!.agent, st.dim(`Stopped (${idle.length} instance${idle.length > 1 ? 's' : ''})`), '-', '']);
        // Clone of a group: instances have the group instance as parent.
        const groupKids = s.instances.filter((i) => i.parent && i.parent !== r.id && i.parent.startsWith(`${r.child?.id ?? '\u0000'}:`));
        for (const i of groupKids) inst(i, depth + 1);
        break;
      }
      case 'bundle':
        rows.push([pad + r.id, `bundle ${r.containerType}${r.image ? ` ${r.image}` : ''}`, '', '', '']);
        for (const rep of r.replicas) {
          rows.push([`${pad}  replica ${rep.index}`, rep.guestNode ? `guest ${rep.guestNode}` : '', '', rep.node ?? '-', '']);
          for (const id of [rep.ip, rep.container, rep.remote, rep.child]) {
            const i = id ? byId.get(id) : undefined;
            if (i) inst(i, depth + 2);
          }
        }
        break;
    }
  };
  const roots = only ? s.resources.filter((r) => r.id === only || containsId(r, only)) : s.resources;
  for (const r of roots) visit(r, 0);
  return table(rows);
}

function containsId(r: ResourceConfig, id: string): boolean {
  switch (r.kind) {
    case 'primitive':
      return r.id === id;
    case 'group':
      return r.children.some((c) => c.id === id);
    case 'clone':
      return !!r.child && (r.child.id === id || containsId(r.child, id));
    case 'bundle':
      return r.primitive?.id === id;
  }
}

export function renderConstraints(s: ClusterSnapshot, st: Style = plain, leftoversOnly = false): string[] {
  const rows: string[][] = [['ID', 'RESOURCE', 'NODE', 'SCORE', 'NOTE'].map(st.bold)];
  for (const c of s.constraints.location) {
    const leftover = c.isCliBan || c.isCliPrefer;
    if (leftoversOnly && !leftover) continue;
    const note = [c.isCliPrefer ? st.yellow('left by move') : '', c.isCliBan ? st.yellow('left by ban') : '', c.expired ? st.dim('expired') : c.expires ? `until ${c.expires}` : '', c.hasRules ? 'rule' : '']
      .filter(Boolean)
      .join(', ');
    rows.push([c.id, c.resource ?? c.resourcePattern ?? '(set)', c.node ?? '-', c.score ?? '-', note]);
  }
  if (leftoversOnly) return rows.length === 1 ? [] : table(rows);
  const out = table(rows);
  if (s.constraints.colocation.length) {
    out.push('', st.bold('Colocation'));
    out.push(...table(s.constraints.colocation.map((c) => [c.id, `${c.rsc ?? setText(s, c.id)}${c.rscRole ? `:${c.rscRole}` : ''}`, 'with', `${c.withRsc ?? ''}${c.withRscRole ? `:${c.withRscRole}` : ''}`, c.score ?? ''])));
  }
  if (s.constraints.order.length) {
    out.push('', st.bold('Order'));
    out.push(...table(s.constraints.order.map((c) => [c.id, `${c.first ?? setText(s, c.id)}${c.firstAction ? `:${c.firstAction}` : ''}`, 'then', `${c.then ?? ''}${c.thenAction ? `:${c.thenAction}` : ''}`, c.kind ?? c.score ?? ''])));
  }
  return out;
}

function setText(s: ClusterSnapshot, id: string): string {
  const members = s.constraints.sets[id];
  return members ? `(set: ${members.join(' ')})` : '(set)';
}

export function renderStatus(s: ClusterSnapshot, st: Style = plain): string[] {
  const c = s.cluster;
  const out: string[] = [];
  const quorum = c.quorate ? st.green('partition with quorum') : c.quorate === false ? st.red('partition WITHOUT quorum') : st.yellow('quorum unknown');
  const stonith = c.options['stonith-enabled'];
  out.push(
    `${st.bold(`Cluster ${c.name ?? '(unnamed)'}`)}  ${c.stack ?? ''}  DC ${c.dc ?? st.red('NONE')}  ${quorum}  Pacemaker ${c.pacemakerVersion ?? '?'}  stonith ${stonith === 'false' ? st.red('DISABLED') : stonith === 'true' ? 'enabled' : stonith ?? '?'}${c.options['maintenance-mode'] === 'true' ? `  ${st.yellow('MAINTENANCE MODE')}` : ''}`,
  );
  if (c.lastChange) out.push(st.dim(`last change ${c.lastChange}${c.lastChangeBy ? ` by ${c.lastChangeBy}` : ''}`));
  out.push('', st.bold('Nodes'), ...renderNodes(s, st));
  out.push('', st.bold('Resources'), ...renderResources(s, st));
  if (s.failures.length) {
    out.push('', st.bold(st.red('Failed actions')));
    out.push(
      ...table(
        s.failures.map((f) => [f.opKey, f.node, `${f.exitStatus}${f.exitReason ? ` (${f.exitReason})` : ''}`, f.lastRcChange ?? '']),
      ),
    );
  }
  const fcs = s.failcounts.filter((f) => f.count > 0);
  if (fcs.length) {
    out.push('', st.bold('Fail counts'));
    out.push(
      ...table(
        fcs.map((f) => [
          f.resource,
          f.node,
          `${f.count}${f.migrationThreshold != null && f.migrationThreshold < Number.MAX_SAFE_INTEGER ? `/${f.migrationThreshold}` : ''}`,
          f.operations.map((o) => `${o.task}${o.interval !== '0' && o.interval !== '0ms' ? `/${o.interval}` : ''} rc=${o.rc}`).join(' '),
        ]),
      ),
    );
  }
  if (s.fencing.length) {
    out.push('', st.bold('Fencing history'));
    out.push(
      ...table(
        s.fencing.slice(0, 10).map((f) => [f.target, f.action, f.status === 'success' ? f.status : st.red(f.status), f.delegate ? `by ${f.delegate}` : '', f.completed ?? '']),
      ),
    );
  }
  const left = renderConstraints(s, st, true);
  if (left.length) out.push('', st.bold(st.yellow('Constraints left by move/ban')), ...left);
  if (s.corosync) {
    const q = s.corosync.quorum;
    out.push('', st.bold('Corosync'));
    out.push(`  votes ${q.totalVotes ?? '?'}/${q.expectedVotes ?? '?'} (quorum ${q.quorum ?? '?'})${q.flags.length ? `  flags ${q.flags.join(' ')}` : ''}  transport ${s.corosync.transport ?? '?'}`);
    const down = s.corosync.links.filter((l) => !l.connected);
    out.push(down.length ? st.red(`  links down: ${down.map((l) => `${l.nodeId ?? 'local'}/link${l.linkId}`).join(', ')}`) : `  links: ${s.corosync.links.length} up`);
  }
  for (const src of s.sources) if (!src.ok && src.error && !src.error.startsWith('not collected')) out.push(st.yellow(`! ${src.tool}: ${src.error}`));
  for (const w of s.warnings) out.push(st.yellow(`! [${w.section}] ${w.message}`));
  return out;
}
