/** The pure explanation, on Pacemaker's CTS CIBs as the agent reads them, with the real crm_simulate's scores. */
import { describe, expect, it } from 'vitest';
import { explainWhy } from '../../../src/model/why.js';
import { whyLines } from '../../../src/model/view/why.js';
import { ctsState } from '../agent/actions/helpers.js';

describe('explainWhy', () => {
  it('a ban on the node it runs on: the cli-ban, pcmk clear RSC NODE, and the winner elsewhere', async () => {
    const { snapshot, scores } = await ctsState('asymmetrical-order-move.xml');
    const a = explainWhy(snapshot, scores, 'dummy2');
    const banned = a.nodes.find((x) => x.node === 'sle12sp2-1')!;
    expect(banned).toMatchObject({ score: '-INFINITY', runs: true, winner: false });
    expect(banned.causes.map((c) => [c.kind, c.constraint])).toEqual([['ban', 'cli-ban-dummy2-on-sle12sp2-1']]);
    expect(a.nodes.find((x) => x.node === 'sle12sp2-2')).toMatchObject({ score: '0', winner: true, causes: [] });
    expect(a.next?.command).toBe('pcmk clear dummy2 sle12sp2-1');
    expect(a.verdict).toBe('dummy2 runs on sle12sp2-1, but the scheduler takes it off sle12sp2-1: dummy2 is banned from sle12sp2-1 by cli-ban-dummy2-on-sle12sp2-1 (remove it with: pcmk clear dummy2 sle12sp2-1)');
  });

  it('banned from every node: one pcmk clear RSC removes every ban', async () => {
    const { snapshot, scores } = await ctsState('asymmetrical-order-move.xml');
    // The CTS state plus a second ban, as `crm_resource --ban` writes it, and the scheduler's -INFINITY
    // there; without its ordering after the stopped dummy1 (that case is the test above).
    const ban1 = snapshot.constraints.location.find((c) => c.id === 'cli-ban-dummy2-on-sle12sp2-1')!;
    const snap = {
      ...snapshot,
      constraints: { ...snapshot.constraints, order: [], location: [...snapshot.constraints.location, { ...ban1, id: 'cli-ban-dummy2-on-sle12sp2-2', node: 'sle12sp2-2' }] },
      instances: snapshot.instances.map((i) => (i.id === 'dummy2' ? { ...i, active: false, role: 'Stopped' as const, nodes: [] } : i)),
    };
    const a = explainWhy(snap, { ...scores, dummy2: { 'sle12sp2-1': Number.NEGATIVE_INFINITY, 'sle12sp2-2': Number.NEGATIVE_INFINITY } }, 'dummy2');
    expect(a.nodes.map((n) => [n.node, n.causes.map((c) => c.constraint)])).toEqual([
      ['sle12sp2-1', ['cli-ban-dummy2-on-sle12sp2-1']],
      ['sle12sp2-2', ['cli-ban-dummy2-on-sle12sp2-2']],
    ]);
    expect(a.verdict).toMatch(/^dummy2 is stopped: no node can run it/);
    expect(a.next?.command).toBe('pcmk clear dummy2');
  });

  it("a group's target-role stops its members; the group ordered after it names the order and the fix", async () => {
    const { snapshot, scores } = await ctsState('bug-5014-GROUP-A-stopped-B-stopped.xml');
    const ip = explainWhy(snapshot, scores, 'ClusterIP');
    expect(ip.causes.map((c) => [c.kind, c.resource])).toEqual([['target-role', 'ClusterIP']]);
    const g2 = explainWhy(snapshot, scores, 'group2');
    expect(g2.causes.map((c) => [c.kind, c.constraint])).toEqual([['order', 'after1then2']]);
    expect(g2.next?.command).toBe('pcmk enable ClusterIP');
    expect(g2.unexplained).toEqual([]);
  });

  it('a -INFINITY nothing explains is called unexplained, never guessed', async () => {
    const { snapshot, scores } = await ctsState('bug-5014-A-stopped-B-stopped.xml');
    // The scheduler's answer as given, with one score made -INFINITY for no reason we know.
    const odd = { ...scores, ClusterIP2: { 'fc16-builder': Number.NEGATIVE_INFINITY } };
    const snap = { ...snapshot, constraints: { ...snapshot.constraints, order: [] } };
    const a = explainWhy(snap, odd, 'ClusterIP2');
    expect(a.unexplained).toEqual(['fc16-builder']);
    expect(a.nodes[0]!.causes.map((c) => c.kind)).toEqual(['unexplained']);
    expect(whyLines(a).some((l) => l.text.startsWith('Unexplained -INFINITY on: fc16-builder'))).toBe(true);
    expect(a.next).toBeNull();
  });

  it('without scores nothing is called unexplained', async () => {
    const { snapshot } = await ctsState('bug-5014-A-stopped-B-stopped.xml');
    const a = explainWhy(snapshot, null, 'ClusterIP2');
    expect(a.scored).toBe(false);
    expect(a.unexplained).toEqual([]);
    expect(a.nodes.every((n) => n.score === null)).toBe(true);
  });
});

describe('implicit placement rules', () => {
  it('a fence device on guest nodes: Pacemaker runs it only on members (not unexplained)', async () => {
    const { snapshot, scores } = await ctsState('bug-rh-1097457.xml');
    const a = explainWhy(snapshot, scores, 'restofencelama2');
    const guests = a.nodes.filter((n) => n.node.startsWith('lamaVM'));
    expect(guests.length).toBeGreaterThan(0);
    for (const g of guests) {
      expect(g.score).toBe('-INFINITY');
      expect(g.causes.map((c) => c.kind)).toEqual(['node']);
      expect(g.causes[0]!.text).toContain('is a fence device: Pacemaker runs those only on cluster members');
    }
    expect(a.unexplained).toEqual([]);
  });
});
