/**
 * `why` on the host: the real crm_mon, cibadmin and crm_simulate on copies of Pacemaker's CTS CIBs
 * (CIB-file mode), explained by src/model/why.ts.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handleWhy, parseWhyRequest } from '../../../../src/agent/actions/why.js';
import { ActionError } from '../../../../src/agent/actions/errors.js';
import { LocalToolRunner } from '../../../../src/agent/run-tool.js';
import { CORPUS_SCHEDULER } from './helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'why-cts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function why(file: string, resource: string, node?: string) {
  const copy = path.join(tmp, `${path.basename(file, '.xml')}-${resource}-${node ?? 'all'}.xml`);
  copyFileSync(path.join(CORPUS_SCHEDULER, file), copy);
  return handleWhy(parseWhyRequest({ resource, node }), { runner: new LocalToolRunner(), cibFile: copy, now: () => new Date('2026-12-01T00:00:00Z') });
}

describe('why on CTS CIBs (real crm_mon and crm_simulate)', () => {
  it('target-role=Stopped: the verdict names it and the next step is pcmk enable', async () => {
    const a = await why('bug-5014-A-stopped-B-stopped.xml', 'ClusterIP');
    expect(a.running).toEqual([]);
    expect(a.causes.map((c) => c.kind)).toEqual(['target-role']);
    expect(a.verdict).toBe('ClusterIP is stopped: ClusterIP has target-role=Stopped: the configuration says it stays stopped');
    expect(a.next?.command).toBe('pcmk enable ClusterIP');
    expect(a.nodes).toEqual([expect.objectContaining({ node: 'fc16-builder', score: '-INFINITY', runs: false, winner: false, causes: [] })]);
    expect(a.unexplained).toEqual([]);
  });

  it('an ordering whose first is stopped: names the order and the first resource\'s own reason, and offers its fix', async () => {
    const a = await why('bug-5014-A-stopped-B-stopped.xml', 'ClusterIP2');
    expect(a.causes.map((c) => [c.kind, c.constraint])).toEqual([['order', 'after1then2']]);
    expect(a.causes[0]!.text).toContain('ClusterIP2 starts only after ClusterIP');
    expect(a.causes[0]!.text).toContain('target-role=Stopped');
    expect(a.next?.command).toBe('pcmk enable ClusterIP');
    // The scheduler would place it (score 0): the order, not the placement, keeps it stopped.
    expect(a.nodes[0]).toMatchObject({ node: 'fc16-builder', score: '0', causes: [] });
  });

  it('a node in standby: the cause on that node with pcmk unstandby', async () => {
    const a = await why('10-a-then-bm-b-move-a-clone.xml', 'vm', 'f20node1');
    const n = a.nodes.find((x) => x.node === 'f20node1')!;
    expect(n.score).toBe('-INFINITY');
    expect(n.causes.map((c) => c.kind)).toContain('standby');
    // vm still runs on the standby node: the scheduler is about to take it off.
    expect(a.verdict).toMatch(/^vm runs on f20node1, but the scheduler takes it off: .*f20node1 is in standby/);
    expect(a.next?.command).toBe('pcmk unstandby f20node1');
    expect(n).toMatchObject({ runs: true, winner: false });
    expect(a.nodes.find((x) => x.node === 'f20node2')).toMatchObject({ runs: false, score: '0', causes: [] });
  });

  it('refuses an unknown resource or node with suggestions (105 / unknown-node)', async () => {
    await expect(why('bug-5014-A-stopped-B-stopped.xml', 'ClusterIP3')).rejects.toMatchObject({ code: 'unknown-resource', exitCode: 105 });
    await expect(why('bug-5014-A-stopped-B-stopped.xml', 'ClusterIP', 'nowhere')).rejects.toBeInstanceOf(ActionError);
    expect(() => parseWhyRequest({ resource: 'a;b' })).toThrow(ActionError);
  });
});
