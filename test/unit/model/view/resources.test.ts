/**
 * The counting and identity rules of the shared resource view model, on real crm_mon output:
 * the sandbox capture (a clone kept off remote and guest nodes by a `#kind ne cluster` rule, a
 * bundle whose replicas failed to start) and Pacemaker's bundle-order-fencing CIB (a FAILED
 * replica on an UNCLEAN node).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, captured } from '../../../../src/agent/snapshot.js';
import { flattenResourceTree, instanceMarkers, toResourceTree, type ResourceRow } from '../../../../src/model/view/resources.js';
import { toNodeViewRows } from '../../../../src/model/view/nodes.js';
import { resourceLines } from '../../../../src/commands/render.js';
import { toResourceRows } from '../../../../src/tui/view-models/resources.js';
import { realSnapshot, sandboxSnapshot, inst, node } from '../../tui/fixtures.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/sandbox');
const read = (f: string) => readFileSync(path.join(fixtures, f), 'utf8');
const sandbox = buildSnapshot({ crmMon: captured('crm_mon', read('crm_mon.xml')), cib: captured('cibadmin', read('cib-configuration.xml')) });

const rows = (tree: ResourceRow[]) => new Map(flattenResourceTree(tree).map(({ row }) => [row.position, row]));

describe('clone counts: instances that cannot run anywhere by configuration', () => {
  const byPos = rows(toResourceTree(sandbox));

  it('a clone kept off remote and guest nodes by a rule is fully up, not "3/5 up"', () => {
    const clone = byPos.get('dlm-clone')!;
    expect(clone.role).toBe('3/3 up');
    expect(clone.note).toBe('2 not allowed on any node');
    expect(clone.severity).toBe('normal');
    expect(clone.markers).toEqual([]);
    const instances = [0, 1, 2, 3, 4].map((k) => byPos.get(`dlm-clone#${k}`)!);
    expect(instances.map((r) => r.role)).toEqual(['Started', 'Started', 'Started', 'Stopped', 'Stopped']);
    expect(instances.map((r) => r.note)).toEqual([null, null, null, 'not allowed on any node', 'not allowed on any node']);
    expect(instances.slice(3).map((r) => r.severity)).toEqual(['dim', 'dim']);
  });

  it('without the ban a stopped instance is down and counted as such', () => {
    const noBans = { ...sandbox, bans: sandbox.bans!.filter((b) => b.resource !== 'dlm-clone') };
    const clone = rows(toResourceTree(noBans)).get('dlm-clone')!;
    expect(clone.role).toBe('3/5 up');
    expect(clone.note).toBeNull();
  });

  it('a stopped instance beyond the banned nodes is still down when nodes remain for it', () => {
    // Lift the ban on guest-1: five instances, four allowed nodes (of eight), two stopped.
    const lifted = { ...sandbox, bans: sandbox.bans!.filter((b) => b.resource !== 'dlm-clone' || b.node !== 'guest-1') };
    const clone = rows(toResourceTree(lifted)).get('dlm-clone')!;
    expect(clone.role).toBe('3/4 up');
    expect(clone.note).toBe('1 not allowed on any node');
  });
});

describe('an instance on an UNCLEAN node is not up', () => {
  it('counts it down and marks it UNCLEAN', () => {
    const snap = sandboxSnapshot();
    const clean = rows(toResourceTree(snap)).get('db-clone')!;
    expect(clean.role).toBe('2/3 up');
    snap.nodes = snap.nodes.map((n) => (n.name === 'cluster-2' ? { ...n, unclean: true } : n));
    const byPos = rows(toResourceTree(snap));
    expect(byPos.get('db-clone')!.role).toBe('1/3 up');
    expect(byPos.get('db-clone#1')!.markers).toEqual(['UNCLEAN']);
    expect(byPos.get('db-clone#1')!.severity).toBe('error');
  });
});

describe('bundles: replicas by position, honest counts', () => {
  it('each replica of the sandbox bundle has its own parts and its own guest node', () => {
    const byPos = rows(toResourceTree(sandbox));
    for (const i of [0, 1, 2]) {
      const replica = byPos.get(`dummy-bundle[${i}]`)!;
      expect(replica.children.map((c) => c.position)).toEqual([
        `dummy-bundle[${i}]/dummy-bundle-podman-${i}`,
        `dummy-bundle[${i}]/dummy-bundle-${i}`,
        `dummy-bundle[${i}]/dummy-bundle-dummy`,
      ]);
      expect(replica.note).toBe(`guest node dummy-bundle-${i}`);
    }
    expect(byPos.get('dummy-bundle')!.role).toBe('0/3 up');
  });

  const fencing = realSnapshot('bundle-order-fencing');
  const byPos = rows(toResourceTree(fencing));

  it('the inner primitive of each replica is that replica\'s, not the last one\'s', () => {
    for (const [bundle, inner] of [['rabbitmq-bundle', 'rabbitmq'], ['galera-bundle', 'galera'], ['redis-bundle', 'redis']] as const) {
      for (const i of [0, 1, 2]) {
        const row = byPos.get(`${bundle}[${i}]/${inner}`)!;
        expect(row.nodes, `${bundle} replica ${i}`).toEqual([`${bundle}-${i}`]);
      }
    }
  });

  it('a FAILED replica on an UNCLEAN node is marked so, and the bundle does not read "3/3 up"', () => {
    const replica = byPos.get('rabbitmq-bundle[0]')!;
    expect(replica.nodes).toEqual(['controller-0']);
    expect(replica.markers).toEqual(expect.arrayContaining(['FAILED', 'UNCLEAN']));
    expect(replica.severity).toBe('error');
    const container = byPos.get('rabbitmq-bundle[0]/rabbitmq-bundle-docker-0')!;
    expect(container.markers.slice(0, 2)).toEqual(['FAILED', 'UNCLEAN']);
    expect(byPos.get('rabbitmq-bundle[0]/rabbitmq')!.markers).toEqual(['FAILED']);
    expect(byPos.get('rabbitmq-bundle[1]/rabbitmq')!.markers).toEqual([]);
    expect(byPos.get('rabbitmq-bundle')!.role).toBe('2/3 up');
    expect(byPos.get('rabbitmq-bundle')!.severity).toBe('error');
    // A primitive on the unclean node is marked too, as crm_mon does ("Started controller-0 (UNCLEAN)").
    expect(byPos.get('ip-192.168.24.7')!.markers).toEqual(['UNCLEAN']);
  });

  it('pcmk status prints those rows and pcmk-top draws the same ones', () => {
    const tree = toResourceTree(fencing);
    const flat = flattenResourceTree(tree);
    const lines = resourceLines(tree).slice(1);
    expect(lines).toHaveLength(flat.length);
    const at = flat.findIndex(({ row }) => row.position === 'rabbitmq-bundle[0]/rabbitmq-bundle-docker-0');
    expect(lines[at]).toMatch(/rabbitmq-bundle-docker-0\s+container docker\s+Started FAILED UNCLEAN\s+controller-0/);
    const tui = toResourceRows(fencing).rows;
    expect(tui.map((r) => r.key)).toEqual(flat.map(({ row }) => `res:${row.position}`));
    expect(tui[at]!.cells.slice(2, 5)).toEqual(['Started', 'controller-0', 'FAILED UNCLEAN']);
  });
});

describe('every instance crm_mon lists has exactly one row', () => {
  it.each(['cts-cli-crm_mon', 'bundle-order-stop-clone', 'cloned-group-stop', 'bundle-order-fencing'] as const)('%s', (name) => {
    const snap = realSnapshot(name);
    const shown = flattenResourceTree(toResourceTree(snap))
      .map(({ row }) => row)
      .filter((r) => r.instance !== null && r.kind !== 'replica')
      .map((r) => r.instance);
    expect(shown).toHaveLength(snap.instances.length);
    expect(new Set(shown).size).toBe(snap.instances.length);
  });
});

describe("crm_mon's markers", () => {
  const nodes = new Map([node('n1'), node('n2', { maintenance: true }), node('n3', { unclean: true, online: false })].map((n) => [n.name, n]));
  it('names each, most severe first', () => {
    expect(instanceMarkers(inst('a', { failed: true, blocked: true, managed: false, nodes: ['n3'] }), nodes)).toEqual(['FAILED', 'UNCLEAN', 'blocked', 'unmanaged']);
    expect(instanceMarkers(inst('a', { managed: false, nodes: ['n2'] }), nodes)).toEqual(['maintenance']);
    expect(instanceMarkers(inst('a', { managed: false, nodes: ['n1'] }), nodes, true)).toEqual(['maintenance']);
    expect(instanceMarkers(inst('a', { orphaned: true, failureIgnored: true }), nodes)).toEqual(['orphaned', 'failure ignored']);
    expect(instanceMarkers(inst('a', { targetRole: 'Stopped' }), nodes)).toEqual(['disabled']);
    expect(instanceMarkers(inst('a', { targetRole: 'Unpromoted' }), nodes)).toEqual(['target-role:Unpromoted']);
    expect(instanceMarkers(inst('a', { targetRole: 'Started', pending: 'Starting' }), nodes)).toEqual(['starting']);
    expect(instanceMarkers(inst('a', { nodes: ['n1'] }), nodes)).toEqual([]);
  });
});

describe('node rows', () => {
  it('carry type, state and the guest host', () => {
    const nodes = toNodeViewRows(realSnapshot('bundle-order-fencing'));
    const g = nodes.find((n) => n.name === 'galera-bundle-0')!;
    expect([g.type, g.state.text, g.host, g.label]).toEqual(['guest', 'OFFLINE', 'controller-0', 'galera-bundle-0@controller-0']);
    const c = nodes.find((n) => n.name === 'controller-0')!;
    expect([c.type, c.state.text, c.host]).toEqual(['member', 'UNCLEAN', null]);
  });
});

describe('terminal safety in rows', () => {
  it('an escape sequence in an id or agent reaches neither renderer raw', () => {
    const snap = sandboxSnapshot({ resources: [], instances: [inst('evil\u001b[2J', { agent: 'ocf:x:\u009b31m', nodes: ['cluster-1'] })] });
    const line = resourceLines(toResourceTree(snap)).join('\n');
    expect(line).toContain('evil^[[2J');
    expect(line).toContain('ocf:x:M-^[31m');
    expect(line).not.toMatch(/[\u001b\u009b]/);
    const tui = toResourceRows(snap).rows.flatMap((r) => r.cells).join(' ');
    expect(tui).toContain('evil^[[2J');
    expect(tui).not.toMatch(/[\u001b\u009b]/);
  });
});
