import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import {
  diffTransitions,
  parseAllocationScores,
  parseLocate,
  parseTransitionLine,
  parseTransitionSummary,
  transitionSummaryLines,
} from '../../../../src/agent/actions/transition.js';
import { fixture, SIM_DIR } from './helpers.js';

/** The actions crm_simulate --output-as=xml lists for the same input, in a comparable form. */
function xmlActions(xml: string): string[] {
  const attrs = (s: string) => Object.fromEntries([...s.matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  const block = /<actions>([\s\S]*?)<\/actions>/.exec(xml)?.[1] ?? '';
  const rsc = [...block.matchAll(/<rsc_action ([^>]*)\/>/g)].map((m) => attrs(m[1]!));
  const fences = [...xml.matchAll(/<fencing_action ([^>]*)\/>/g)].map((m) => attrs(m[1]!));
  return [
    ...rsc.map((x) => (x.dest ? [x.action, x.resource, x.source ?? '', x.dest, x.blocked === 'true'] : [x.action, x.resource, x.source ?? x.node, x.blocked === 'true']).join('|')),
    ...fences.map((f) => `fence|${f.target}|${f.op}`),
  ].sort();
}

function textActions(text: string): string[] {
  return parseTransitionSummary(text)
    .actions.filter((a) => !(a.verb === 'Fence' && a.resource)) // guest fencing is not a fencing_action in the XML
    .map((a) =>
      a.verb === 'Fence'
        ? `fence|${a.toNode}|${a.fenceAction}`
        : ((a.fromNode && a.toNode && a.fromNode !== a.toNode) || a.fromRole === 'Stopped'
            ? [a.verb.toLowerCase(), a.resource, a.fromNode ?? '', a.toNode ?? '', a.blocked]
            : [a.verb.toLowerCase(), a.resource, a.fromNode ?? a.toNode, a.blocked]
          ).join('|'),
    )
    .sort();
}

describe('parseTransitionSummary on real crm_simulate output', () => {
  const corpus = readdirSync(SIM_DIR)
    .filter((f) => f.startsWith('corpus-') && f.endsWith('.txt'))
    .map((f) => f.replace(/\.txt$/, ''));

  it('has the captures', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(16);
  });

  it.each(corpus)('%s: every summary line parses and matches crm_simulate --output-as=xml', (name) => {
    const text = fixture(`${name}.txt`);
    const s = parseTransitionSummary(text);
    expect(s.unparsed).toEqual([]);
    expect(s.actions.length).toBe(transitionSummaryLines(text).length);
    expect(textActions(text)).toEqual(xmlActions(fixture(`${name}.xml`)));
  });

  it('reads moves of a group with their nodes (6-migrate-group)', () => {
    const s = parseTransitionSummary(fixture('corpus-6-migrate-group.txt'));
    expect(s.moves.map((a) => [a.verb, a.resource, a.fromNode, a.toNode])).toEqual([
      ['Migrate', 'A', '18node1', '18node2'],
      ['Migrate', 'B', '18node1', '18node2'],
      ['Migrate', 'C', '18node1', '18node2'],
    ]);
    expect(s.starts).toEqual([]);
  });

  it('reads roles, node-then-role order and blocked markers', () => {
    expect(parseTransitionLine('* Move       ocf_msdummy:5        ( sles-3 -> sles-2 Unpromoted )')).toMatchObject({
      verb: 'Move',
      resource: 'ocf_msdummy:5',
      fromNode: 'sles-3',
      toNode: 'sles-2',
      toRole: 'Unpromoted',
    });
    expect(parseTransitionLine('  * Promote    rsc2:4     ( Stopped -> Promoted node2 )  due to colocation with rsc1 (blocked)')).toMatchObject({
      verb: 'Promote',
      fromNode: null,
      toNode: 'node2',
      fromRole: 'Stopped',
      toRole: 'Promoted',
      blocked: true,
      reason: 'due to colocation with rsc1',
    });
    expect(parseTransitionLine('* Demote     rsc1:0     ( Promoted -> Unpromoted node1 )')).toMatchObject({ fromNode: 'node1', toNode: 'node1', fromRole: 'Promoted', toRole: 'Unpromoted' });
    expect(parseTransitionLine('* Move       dummystateful     ( Master 18node2 -> Started 18node3 )')).toMatchObject({ fromRole: 'Promoted', fromNode: '18node2', toNode: '18node3' });
    expect(parseTransitionLine('* Stop       rsc1          ( node1 )  blocked')).toMatchObject({ verb: 'Stop', fromNode: 'node1', toNode: null, blocked: true, reason: null });
    expect(parseTransitionLine("* Fence (reboot) lxc1 (resource: container1) 'guest is unclean'")).toMatchObject({
      verb: 'Fence',
      fenceAction: 'reboot',
      toNode: 'lxc1',
      resource: 'container1',
      reason: 'guest is unclean',
    });
    expect(parseTransitionLine('* Frobnicate x ( y )')).toBeNull();
  });

  it('groups a move of dregistry with everything that moves along (sandbox-shaped cluster)', () => {
    const s = parseTransitionSummary(fixture('move-dregistry-cluster-2.txt'));
    expect(s.moves.map((a) => `${a.resource}:${a.fromNode}->${a.toNode}`)).toEqual(['dockerIP:cluster-1->cluster-2', 'dockerd:cluster-1->cluster-2', 'dregistry:cluster-1->cluster-2']);
    const standby = parseTransitionSummary(fixture('standby-cluster-1.txt'));
    expect(standby.stops.map((a) => a.resource)).toEqual(['dlm:0']);
    expect(standby.moves.map((a) => a.resource)).toEqual(['dockerIP', 'dockerd', 'dregistry', 'remote-1']);
    expect(parseTransitionSummary(fixture('disable-docker.txt')).stops.map((a) => a.reason)).toEqual(['due to node availability', 'due to node availability', 'due to node availability']);
  });

  it('an empty summary has no actions', () => {
    const s = parseTransitionSummary(fixture('move-dregistry-remote-1.txt'));
    expect(s.actions).toEqual([]);
    expect(s.unparsed).toEqual([]);
  });
});

describe('diffTransitions', () => {
  it('removes what the unchanged CIB would do anyway', () => {
    const baseline = parseTransitionSummary(fixture('sandbox-dlm-banned-baseline.txt'));
    const change = parseTransitionSummary(fixture('move-dockerIP-cluster-2-dlm-banned.txt'));
    expect(baseline.stops.map((a) => a.resource)).toEqual(['dlm:1']);
    expect(change.actions.length).toBe(1);
    expect(diffTransitions(baseline, change).actions).toEqual([]);
  });

  it('keeps what the change causes, counting duplicates', () => {
    const moves = parseTransitionSummary(fixture('clear-after-move-nostick.txt'));
    expect(diffTransitions(parseTransitionSummary(''), moves).moves.map((a) => a.toNode)).toEqual(['cluster-1', 'cluster-1', 'cluster-1']);
    const twice = parseTransitionSummary('Transition Summary:\n  * Start      a:0   ( n1 )\n  * Start      a:0   ( n1 )\n');
    const once = parseTransitionSummary('Transition Summary:\n  * Start      a:0   ( n1 )\n');
    expect(diffTransitions(once, twice).starts.length).toBe(1);
  });

  it('a blocked action that only changes its node is not caused by the change (bundle replica that cannot run)', () => {
    const baseline = parseTransitionSummary(fixture('sandbox-bundle-replica-blocked-baseline.txt'));
    const change = parseTransitionSummary(fixture('move-dregistry-cluster-2-bundle-blocked.txt'));
    expect(baseline.starts.filter((a) => a.blocked).map((a) => `${a.resource} ${a.toNode}`)).toEqual(['dummy-bundle-2 cluster-2', 'dummy-bundle-dummy:2 dummy-bundle-2']);
    expect(change.starts.filter((a) => a.blocked).map((a) => `${a.resource} ${a.toNode}`)).toEqual(['dummy-bundle-2 cluster-1', 'dummy-bundle-dummy:2 dummy-bundle-2']);
    expect(diffTransitions(baseline, change).actions.map((a) => a.resource)).toEqual(['dockerIP', 'dockerd', 'dregistry']);
    // a blocked action the change adds is still reported
    const none = parseTransitionSummary('Transition Summary:\n');
    expect(diffTransitions(none, change).starts.map((a) => a.resource)).toEqual(['dummy-bundle-2', 'dummy-bundle-dummy:2']);
  });
});

describe('parseAllocationScores / parseLocate', () => {
  it('reads the scores of a blocked move (dregistry to remote-1)', () => {
    const s = parseAllocationScores(fixture('move-dregistry-remote-1.scores.txt'));
    expect(s['dlm-clone']?.['remote-1']).toBe(Number.NEGATIVE_INFINITY);
    expect(s['dregistry']?.['remote-1']).toBe(Number.NEGATIVE_INFINITY);
    expect(s['docker']?.['cluster-1']).toBe(50);
    expect(s['dockerIP']?.['remote-1']).toBe(Number.NEGATIVE_INFINITY);
  });

  it('reads crm_resource --locate XML', () => {
    expect(parseLocate(fixture('move-dregistry-cluster-2.locate.xml'))).toEqual(['cluster-2']);
    expect(parseLocate(fixture('move-dregistry-remote-1.locate.xml'))).toEqual(['cluster-1']);
    expect(parseLocate(fixture('clear-after-move-nostick.locate.xml'))).toEqual(['cluster-1']);
    expect(parseLocate('<pacemaker-result><nodes resource="x"/></pacemaker-result>')).toEqual([]);
  });
});
