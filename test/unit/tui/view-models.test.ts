import { describe, expect, it } from 'vitest';
import {
  compileFilter,
  diffRows,
  fit,
  formatAge,
  formatCells,
  hostSegments,
  layoutColumns,
  markChanged,
  nodeState,
  toConstraintRows,
  toDetail,
  toFailureRows,
  toFencingRows,
  toHeader,
  toMoveTargets,
  toNodeRows,
  toResourceRows,
  actionResourceId,
  RESOURCE_COLUMNS,
} from '../../../src/tui/view-models/index.js';
import { NOW, emptySnapshot, inst, node, prim, realSnapshot, sandboxSnapshot, viewOf } from './fixtures.js';

const col = (rows: { cells: string[] }[], i: number) => rows.map((r) => r.cells[i].trim());

describe('toResourceRows on real crm_mon output', () => {
  it('builds the tree of the cts-cli cluster: clones, groups, promotable clone, cloned group, bundle replicas', () => {
    const { rows } = toResourceRows(realSnapshot('cts-cli-crm_mon'));
    const names = col(rows, 0);
    // Top-level items in document order, children indented under them.
    expect(rows.filter((r) => !r.cells[0].startsWith(' ')).map((r) => r.cells[0])).toEqual([
      'ping-clone',
      'Fencing',
      'dummy',
      'inactive-clone',
      'inactive-group',
      'httpd-bundle',
      'exim-group',
      'mysql-clone-group',
      'promotable-clone',
    ]);
    const promotable = rows.find((r) => r.cells[0] === 'promotable-clone')!;
    expect(promotable.cells[1]).toBe('promotable');
    expect(promotable.cells[3]).toBe('cluster02(P) cluster01');
    const promoted = rows.filter((r) => r.cells[0].trim() === 'promotable-rsc');
    expect(promoted.map((r) => r.cells[2])).toEqual(['Promoted', 'Unpromoted', 'Stopped', 'Stopped', 'Stopped']);
    // Cloned group instances with their members.
    const g0 = names.indexOf('mysql-group:0');
    expect(g0).toBeGreaterThan(0);
    expect(rows[g0].cells[0]).toBe('  mysql-group:0');
    expect(rows[g0 + 1].cells[0]).toBe('    mysql-proxy');
    expect(rows[g0 + 1].cells[3]).toBe('cluster02');
    // Bundle replicas: IP, container, host, guest and inner resource.
    const r0 = names.indexOf('replica 0');
    expect(rows[r0].cells[1]).toBe('replica ip 192.168.122.131');
    expect(rows[r0].cells[3]).toBe('cluster01');
    expect(col(rows.slice(r0 + 1, r0 + 5), 1)).toEqual(['ip 192.168.122.131', 'container docker', 'guest httpd-bundle-0', 'inner ocf:heartbeat:apache']);
    expect(rows[r0 + 4].cells[3]).toBe('httpd-bundle-0');
    const r2 = names.indexOf('replica 2');
    expect(rows[r2].cells[2]).toBe('Stopped');
    expect(rows[r2].tone).toBe('warn');
    // Disabled containers are dimmed and flagged.
    const inactive = rows.find((r) => r.cells[0] === 'inactive-group')!;
    expect(inactive.cells[4]).toContain('disabled');
    expect(inactive.tone).toBe('dim');
    // Every instance appears exactly once.
    const s = realSnapshot('cts-cli-crm_mon');
    const leafRows = rows.filter((r) => r.target?.kind === 'resource' && s.instances.some((i) => r.target?.kind === 'resource' && i.id === r.target.id) && !r.cells[0].trim().startsWith('replica'));
    expect(leafRows.length).toBeGreaterThanOrEqual(s.instances.length);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it('shows clones of groups and disabled clones of the cloned-group-stop scheduler test', () => {
    const { rows } = toResourceRows(realSnapshot('cloned-group-stop'));
    const qpidd = rows.find((r) => r.cells[0] === 'qpidd-clone')!;
    expect(qpidd.cells[4]).toContain('disabled');
    const glance = rows.find((r) => r.cells[0] === 'glance-clone')!;
    expect(glance.cells[2]).toBe('2/2 up');
    expect(col(rows, 0)).toContain('glance:1');
  });

  it('bundles of the bundle-order-stop-clone test have a replica per container with its inner resource', () => {
    const { rows } = toResourceRows(realSnapshot('bundle-order-stop-clone'));
    const galera = rows.findIndex((r) => r.cells[0] === 'galera-bundle');
    expect(rows[galera].cells[2]).toBe('3/3 up');
    expect(rows[galera + 1].cells[0].trim()).toBe('replica 0');
    expect(rows[galera + 1].cells[2]).toBe('Unpromoted');
    expect(rows[galera + 4].cells[1]).toBe('inner ocf:heartbeat:galera');
  });

  it('groups by node: each node with its instances, then the ones not running', () => {
    const { rows } = toResourceRows(sandboxSnapshot(), { groupByNode: true });
    const top = rows.filter((r) => !r.cells[0].startsWith(' ')).map((r) => r.cells[0]);
    expect(top).toEqual(['cluster-1', 'cluster-2', 'cluster-3', 'remote-1', 'guest-1@cluster-2', 'httpd-bundle-0', '(not running)']);
    const c2 = rows.findIndex((r) => r.cells[0] === 'cluster-2');
    expect(col(rows.slice(c2 + 1, c2 + 3), 0)).toEqual(['web/web-ip', 'db-clone/db']);
    const stopped = rows.findIndex((r) => r.cells[0] === '(not running)');
    expect(rows[stopped + 1].cells[0].trim()).toBe('web/web-srv');
    expect(rows[stopped + 1].cells[5]).toBe('INF');
  });

  it('sums fail counts on the instance and its group; INFINITY shows as INF', () => {
    const { rows } = toResourceRows(sandboxSnapshot());
    expect(rows.find((r) => r.cells[0] === 'web')!.cells[5]).toBe('INF');
    expect(rows.find((r) => r.cells[0].trim() === 'web-srv')!.cells[5]).toBe('INF');
    expect(rows.find((r) => r.cells[0] === 'dregistry')!.cells[5]).toBe('');
  });

  it('keeps instances the configuration does not explain', () => {
    const snap = emptySnapshot({ instances: [inst('orphan', { orphaned: true, nodes: ['n1'] }), inst('x', { parent: 'mystery' })] });
    const { rows } = toResourceRows(snap);
    expect(col(rows, 0)).toEqual(['orphan', 'mystery', 'x']);
    expect(rows[0].cells[4]).toBe('orphaned');
    expect(rows[0].tone).toBe('warn');
  });

  it('shows failed and blocked resources as errors', () => {
    const snap = emptySnapshot({ resources: [prim('a'), prim('b')], instances: [inst('a', { failed: true, nodes: ['n1'] }), inst('b', { blocked: true, managed: false, nodes: ['n1'] })] });
    const { rows } = toResourceRows(snap);
    expect(rows.map((r) => [r.cells[4], r.tone])).toEqual([
      ['FAILED', 'error'],
      ['blocked unmanaged', 'error'],
    ]);
  });
});

describe('filter', () => {
  it('regex over id, node, agent and state, case-insensitive, keeping ancestors for context', () => {
    const snap = realSnapshot('cts-cli-crm_mon');
    const { rows } = toResourceRows(snap, { filter: 'mysql-PROXY' });
    expect(col(rows, 0).slice(0, 3)).toEqual(['mysql-clone-group', 'mysql-group:0', 'mysql-proxy']);
    const byAgent = toResourceRows(snap, { filter: 'apache' }).rows;
    expect(byAgent.filter((r) => r.cells[0].trim() === 'httpd')).toHaveLength(3);
    const byNode = toNodeRows(snap, compileFilter('^cluster0[2]')).rows;
    expect(col(byNode, 0)).toEqual(['cluster02 (DC)']);
    const byState = toResourceRows(snap, { filter: 'Stopped' }).rows;
    expect(byState.length).toBeGreaterThan(0);
    expect(byState.some((r) => r.cells[0] === 'ping-clone')).toBe(false);
  });

  it('a matching container keeps all of its children', () => {
    const { rows } = toResourceRows(sandboxSnapshot(), { filter: '^web ' });
    expect(col(rows, 0)).toEqual(['web', 'web-ip', 'web-srv']);
  });

  it('an invalid regex is a plain substring and does not throw', () => {
    const f = compileFilter('db-clone(');
    expect(f.mode).toBe('substring');
    expect(f.test('x db-clone( y')).toBe(true);
    expect(f.test('db-clone')).toBe(false);
    expect(() => toResourceRows(sandboxSnapshot(), { filter: '[unclosed' })).not.toThrow();
    expect(toResourceRows(sandboxSnapshot(), { filter: '[unclosed' }).rows).toEqual([]);
    expect(compileFilter('  ').mode).toBe('none');
  });
});

describe('toNodeRows', () => {
  it('shows members, remote and guest nodes with host, state, links and attributes', () => {
    const { rows } = toNodeRows(sandboxSnapshot());
    expect(col(rows, 0)).toEqual(['cluster-1 (DC)', 'cluster-2', 'cluster-3', 'remote-1', 'guest-1@cluster-2']);
    expect(col(rows, 2)).toEqual(['online', 'online', 'standby', 'online', 'online']);
    expect(rows[0].cells[5]).toBe('0:up');
    expect(rows[2].cells[5]).toBe('0:DOWN');
    expect(rows[0].cells[6]).toBe('master-db=10');
    expect(rows[2].tone).toBe('warn');
  });

  it('ranks the state words', () => {
    expect(nodeState(node('a', { unclean: true, online: false })).text).toBe('UNCLEAN');
    expect(nodeState(node('a', { online: false })).text).toBe('OFFLINE');
    expect(nodeState(node('a', { online: false })).tone).toBe('error');
    expect(nodeState(node('a', { online: false, type: 'guest' })).tone).toBe('warn');
    expect(nodeState(node('a', { maintenance: true })).text).toBe('maintenance');
    expect(nodeState(node('a', { standby: true, standbyOnFail: true })).text).toBe('standby:fail');
  });
});

describe('failures, fencing, constraints', () => {
  it('failed actions carry exit status, reason and time', () => {
    const { rows } = toFailureRows(sandboxSnapshot());
    expect(rows[0].cells).toEqual(['web-srv', 'cluster-2', 'start', 'not installed (5)', 'config file missing', '2024-05-01 11:50:00']);
    expect(rows[0].target).toEqual({ kind: 'resource', id: 'web-srv', node: 'cluster-2' });
  });

  it('fencing history lists pending operations first', () => {
    const { rows } = toFencingRows(sandboxSnapshot());
    expect(rows.map((r) => [r.cells[0], r.cells[2], r.tone])).toEqual([
      ['cluster-2', 'pending', 'warn'],
      ['cluster-3', 'success', 'ok'],
    ]);
  });

  it('calls out leftover cli-prefer / cli-ban and expired constraints first', () => {
    const { rows } = toConstraintRows(sandboxSnapshot());
    expect(col(rows, 1)).toEqual(['cli-prefer-dregistry', 'cli-ban-web-on-cluster-3', 'loc-dregistry', 'col-1', 'ord-1']);
    expect(rows[0].cells[5]).toBe('move leftover');
    expect(rows[0].tone).toBe('warn');
    expect(rows[1].cells[5]).toBe('ban leftover, EXPIRED');
    expect(rows[1].tone).toBe('error');
    expect(rows[1].target).toEqual({ kind: 'constraint', id: 'cli-ban-web-on-cluster-3', resource: 'web', node: 'cluster-3', cli: 'ban' });
    expect(rows[3].cells.slice(0, 4)).toEqual(['coloc', 'col-1', 'web', 'dregistry']);
  });

  it('reads location constraints of a real CIB', () => {
    const { rows } = toConstraintRows(realSnapshot('cts-cli-crm_mon'));
    const r = rows.find((x) => x.cells[1] === 'not-on-cluster1')!;
    expect(r.cells.slice(2, 5)).toEqual(['dummy', 'cluster01', '-INFINITY']);
  });
});

describe('toResourceRows per key typed into the filter', () => {
  it('walks the tree built once for the snapshot, and duplicate keys never leak into it', () => {
    const snap = realSnapshot('cts-cli-crm_mon');
    const all = toResourceRows(snap);
    const first = all.rows[0]!;
    const filtered = toResourceRows(snap, { filter: first.search.split(' ')[0]! });
    // The same top-level row object: the tree was not built again.
    expect(filtered.rows[0]).toBe(first);
    expect(toResourceRows(snap).rows).toEqual(all.rows);
    // A new snapshot gets its own tree.
    expect(toResourceRows(realSnapshot('cts-cli-crm_mon')).rows[0]).not.toBe(first);
  });
});

describe('toHeader', () => {
  it('shows cluster facts, each host with state and age, and the split-view warning', () => {
    const h = toHeader(
      viewOf(sandboxSnapshot(), { context: 'prod', disagreements: [{ kind: 'split-dc', message: 'cluster-1 sees DC cluster-1; cluster-3 sees DC cluster-3', hosts: ['cluster-1', 'cluster-3'] }] }),
      NOW,
    );
    expect(h.facts.map((f) => f.text)).toEqual([
      'ctx prod',
      'cluster sandbox',
      'DC cluster-1',
      'quorum yes 3/3',
      'stonith on',
      'maintenance off',
      'nodes 5/5',
      'resources 15',
      'stack corosync',
      'pacemaker 2.1.5',
    ]);
    expect(hostSegments(h.hosts).map((s) => s.text)).toEqual(['cluster-1 live 1s', 'cluster-2 live 2s', 'cluster-3 STALE 42s (connection refused)']);
    expect(h.hosts[2].tone).toBe('warn');
    expect(h.warnings[0].text).toMatch(/^SPLIT VIEW: /);
    expect(h.warnings[0].text).toContain('cluster-3 sees DC cluster-3');
  });

  it('flags no quorum, no DC, stonith off and maintenance on', () => {
    const snap = sandboxSnapshot();
    snap.cluster.quorate = false;
    snap.cluster.dc = null;
    snap.corosync = null;
    snap.cluster.options = { 'stonith-enabled': 'false', 'maintenance-mode': 'true' };
    const h = toHeader(viewOf(snap), NOW);
    const byLabel = Object.fromEntries(h.facts.map((f) => [f.text.split(' ')[0], f]));
    expect(byLabel.DC).toEqual({ text: 'DC NONE', tone: 'error' });
    expect(byLabel.quorum).toEqual({ text: 'quorum NO', tone: 'error' });
    expect(byLabel.stonith).toEqual({ text: 'stonith OFF', tone: 'warn' });
    expect(byLabel.maintenance).toEqual({ text: 'maintenance ON', tone: 'warn' });
  });

  it('keeps showing the last data when every host is unreachable, and says so', () => {
    const view = viewOf(sandboxSnapshot(), {
      hosts: [
        { name: 'cluster-1', state: 'down', snapshotAt: NOW - 90_000, lastError: 'timeout', mode: null },
        { name: 'cluster-2', state: 'stale', snapshotAt: NOW - 60_000, lastError: null, mode: null },
      ],
    });
    const h = toHeader(view, NOW);
    expect(h.facts.length).toBeGreaterThan(3);
    expect(h.warnings.map((w) => w.text)).toEqual(['STALE: no host reachable, showing data from 1m ago']);
  });

  it('waits for the first snapshot', () => {
    const h = toHeader(viewOf(null, { hosts: [{ name: 'h', state: 'connecting', snapshotAt: null, lastError: null, mode: null }] }), NOW);
    expect(h.warnings[0].text).toBe('waiting for the first snapshot...');
    expect(hostSegments(h.hosts)[0].text).toBe('h CONNECTING');
  });
});

describe('detail', () => {
  it('resource detail: parameters, meta, operations, fail counts, failed actions, constraints', () => {
    const d = toDetail(sandboxSnapshot(), { kind: 'resource', id: 'dregistry' });
    const text = d.lines.map((l) => l.text).join('\n');
    expect(d.found).toBe(true);
    expect(text).toMatch(/image\s+registry:2/);
    expect(text).toMatch(/resource-stickiness\s+100/);
    expect(text).toContain('monitor interval=10s timeout=20s');
    expect(text).toContain('location cli-prefer-dregistry: dregistry on cluster-1 score INFINITY [move leftover]');
    expect(text).toContain('colocation col-1: web with dregistry');
    const web = toDetail(sandboxSnapshot(), { kind: 'resource', id: 'web-srv' }).lines.map((l) => l.text).join('\n');
    expect(web).toContain('web-srv on cluster-2: INF (migration-threshold 3)');
    expect(web).toContain('web-srv_start_0 on cluster-2: not installed (config file missing)');
    expect(web).toMatch(/in\s+group web/);
  });

  it('node detail: state, attributes, corosync, resources, fencing history', () => {
    const d = toDetail(sandboxSnapshot(), { kind: 'node', name: 'cluster-3' });
    const text = d.lines.map((l) => l.text).join('\n');
    expect(text).toMatch(/state\s+standby/);
    expect(text).toMatch(/addresses\s+127\.0\.0\.13/);
    expect(text).toMatch(/links\s+0:DOWN/);
    expect(text).toContain('reboot success by cluster-1 2024-05-01 11:00:00');
    expect(text).toContain('location cli-ban-web-on-cluster-3');
  });

  it('a target that left the snapshot says so instead of failing', () => {
    expect(toDetail(sandboxSnapshot(), { kind: 'node', name: 'gone' }).found).toBe(false);
    expect(toDetail(sandboxSnapshot(), { kind: 'resource', id: 'gone' }).lines.some((l) => l.text.includes('not in the current snapshot'))).toBe(true);
  });
});

describe('move targets', () => {
  it('lists online, non-standby nodes that do not run the resource and are not banned', () => {
    const snap = sandboxSnapshot();
    expect(toMoveTargets(snap, 'dregistry').map((t) => t.node)).toEqual(['cluster-2', 'remote-1']);
    // A group member moves as its group; cli-ban -INFINITY on cluster-3 has expired (and cluster-3 is standby anyway).
    expect(actionResourceId(snap, 'web-ip')).toBe('web');
    expect(toMoveTargets(snap, 'web-ip').map((t) => t.node)).toEqual(['cluster-1', 'remote-1']);
    snap.constraints.location.push({ ...snap.constraints.location[0], id: 'ban', node: 'cluster-2', score: '-INFINITY', isCliBan: true });
    expect(toMoveTargets(snap, 'dregistry').map((t) => t.node)).toEqual(['remote-1']);
  });
});

describe('row diff', () => {
  it('reports add, update and delete by key', () => {
    const before = toResourceRows(sandboxSnapshot()).rows;
    const snap = sandboxSnapshot();
    snap.instances = snap.instances.map((i) => (i.id === 'dregistry' ? { ...i, nodes: ['cluster-2'] } : i.id === 'web-ip' ? { ...i, failed: true } : i));
    const after = toResourceRows(snap).rows;
    const changes = diffRows(before, after);
    expect(changes).toEqual(
      expect.arrayContaining([
        // Identity is the position: a resource that moved is the same row, updated.
        { key: 'res:dregistry', type: 'update' },
        { key: 'res:web/web-ip', type: 'update' },
        { key: 'res:web', type: 'update' },
      ]),
    );
    expect(diffRows(before, before)).toEqual([]);
    const marks = markChanged(new Map([['old', 5]]), changes, 10, 2000);
    expect(marks.get('res:dregistry')).toBe(2010);
    expect(marks.has('old')).toBe(false);
  });
});

describe('columns and formatting', () => {
  it('fits resource columns into 80 and 120 cells exactly, dropping optional columns when narrow', () => {
    for (const width of [80, 120]) {
      const w = layoutColumns(RESOURCE_COLUMNS, width);
      const used = w.reduce((a, b) => a + b, 0) + w.filter(Boolean).length - 1;
      expect(used).toBe(width);
    }
    const narrow = layoutColumns(RESOURCE_COLUMNS, 60);
    expect(narrow[1]).toBe(0); // KIND dropped
    expect(narrow[0]).toBeGreaterThanOrEqual(22);
    const line = formatCells(['a-very-long-resource-name-that-does-not-fit', 'k', 'Started', 'n', '', '3'], RESOURCE_COLUMNS, layoutColumns(RESOURCE_COLUMNS, 80));
    expect(line).toHaveLength(80);
    expect(line).toContain('…');
  });

  it('fit cuts with an ellipsis and pads', () => {
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('ab', 4)).toBe('ab  ');
    expect(fit('7', 3, 'right')).toBe('  7');
    // Control characters from cluster data are shown, never sent to the terminal.
    expect(fit('a\nb', 4)).toBe('a^Jb');
    expect(fit('x\u001b]0;pwned\u0007', 13)).toBe('x^[]0;pwned^G');
  });

  it('formats ages', () => {
    expect([0, 999, 42_000, 180_000, 3_900_000, 90_000_000].map(formatAge)).toEqual(['0s', '0s', '42s', '3m', '1h5m', '1d']);
  });
});
