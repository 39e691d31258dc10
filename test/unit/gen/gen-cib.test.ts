import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCib, type GenCibOptions } from '../../gen/gen-cib.mjs';

const run = promisify(execFile);

// Small on purpose: every kind of node and resource, and the Pacemaker tools answer in well under a second.
const small: GenCibOptions = {
  members: 4, remotes: 2, guests: 2, bundles: 2, replicas: 3, primitives: 30,
  groups: 3, groupSize: 3, clones: 5, failures: 4, stopped: 2, probes: 1, moves: 1, seed: 7,
  startupProbes: true,
};

// More replicas than members: replicas-per-host > 1 makes the bundle's inner clone unique.
const crowded: GenCibOptions = {
  members: 2, remotes: 1, guests: 1, bundles: 2, replicas: 3, primitives: 6,
  groups: 1, groupSize: 2, clones: 9, failures: 6, stopped: 1, seed: 3,
};

/** Instances the small CIB should show as active (Started, Promoted or Unpromoted). */
function expectedActive(o: Required<Pick<GenCibOptions, 'members' | 'remotes' | 'guests' | 'bundles'
  | 'replicas' | 'primitives' | 'groups' | 'groupSize' | 'clones' | 'stopped'>>): number {
  const fencing = o.members; // one fence device per member
  const clones = o.clones * o.members; // clones 1..5: ping, dummy, svc, promotable, dummy
  const bundleParts = o.bundles * o.replicas * 4; // ip, container, connection, inner primitive
  const guestParts = o.guests * 2; // the VM and its (implicit) connection resource
  return fencing + o.remotes + guestParts + (o.primitives - o.stopped) + o.groups * o.groupSize
    + clones + bundleParts;
}

interface MonNode { name: string; type: string; online: string; id_as_resource?: string }

let dir = '';
let cibPath = '';
let crowdedPath = '';
let xml = '';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gen-cib-'));
  cibPath = path.join(dir, 'cib.xml');
  xml = generateCib(small);
  writeFileSync(cibPath, xml);
  crowdedPath = path.join(dir, 'crowded.xml');
  writeFileSync(crowdedPath, generateCib(crowded));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const toolEnv = (file = cibPath) => ({ ...process.env, CIB_file: file, TZ: 'UTC', LC_ALL: 'C' });
const files = () => [['small', cibPath], ['crowded', crowdedPath]];

describe('generateCib', () => {
  it('is deterministic: the same seed gives the same bytes, another seed differs', () => {
    expect(generateCib(small)).toBe(xml);
    expect(generateCib({ ...small, seed: 8 })).not.toBe(xml);
    expect(xml.startsWith('<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9"')).toBe(true);
    expect(xml).toMatch(/ have-quorum="1" dc-uuid="\d+">/);
    expect(xml).not.toContain('enable-startup-probes');
    expect(generateCib(crowded)).toContain('name="enable-startup-probes" value="false"');
  });

  it.each(['small', 'crowded'])('passes crm_verify without errors or warnings (%s)', async (name) => {
    const file = Object.fromEntries(files())[name];
    const { stdout, stderr } = await run('crm_verify', ['--xml-file', file], { timeout: 30_000, env: toolEnv(file) });
    expect(`${stdout}${stderr}`).toBe('');
  });

  it('reads as a running cluster in crm_mon: nodes of every kind online, instances started', async () => {
    const { stdout } = await run('crm_mon', ['--one-shot', '--inactive', '--output-as=xml', '--include=all'],
      { timeout: 30_000, env: toolEnv(), maxBuffer: 64 * 1024 * 1024 });
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false,
      isArray: (name) => ['node', 'resource', 'failure', 'ban', 'replica', 'clone', 'group', 'bundle',
        'resource_history', 'attribute'].includes(name) }).parse(stdout);
    const mon = doc['pacemaker-result'];
    expect(mon.summary.current_dc.with_quorum).toBe('true');

    const nodes: MonNode[] = mon.nodes.node;
    const members = nodes.filter((n) => n.type === 'member');
    const remotes = nodes.filter((n) => n.type === 'remote' && !n.id_as_resource);
    const guests = nodes.filter((n) => n.type === 'remote' && n.id_as_resource?.startsWith('vm-'));
    const bundleNodes = nodes.filter((n) => n.type === 'remote' && /-(podman|docker)-\d+$/.test(n.id_as_resource ?? ''));
    expect(members.map((n) => n.name)).toEqual(['node-01', 'node-02', 'node-03', 'node-04']);
    expect(remotes.map((n) => n.name)).toEqual(['remote-01', 'remote-02']);
    expect(guests.map((n) => n.name)).toEqual(['guest-01', 'guest-02']);
    expect(bundleNodes).toHaveLength(2 * 3);
    expect(nodes).toHaveLength(4 + 2 + 2 + 6);
    expect(nodes.every((n) => n.online === 'true')).toBe(true);

    // Every <resource> wherever it sits (top level, groups, clones, bundle replicas).
    const all: { id: string; role: string; active: string; failed: string }[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) { v.forEach(walk); return; }
      if (v && typeof v === 'object') {
        for (const [k, child] of Object.entries(v)) {
          if (k === 'resource') all.push(...(child as typeof all));
          walk(child);
        }
      }
    };
    walk(mon.resources);
    const active = all.filter((r) => r.active === 'true');
    expect(active).toHaveLength(expectedActive(small as Parameters<typeof expectedActive>[0]));
    expect(all.filter((r) => r.failed === 'true')).toEqual([]);
    expect(all.filter((r) => r.role === 'Promoted')).toHaveLength(1);
    expect(all.filter((r) => r.role === 'Stopped').map((r) => r.id).sort()).toEqual(['dummy-30', 'vip-15']);

    // Bundle replicas carry their IP, container and connection parts, all on a member.
    const bundles = mon.resources.bundle as { id: string; type: string; replica: { resource: { id: string; active: string; node?: { name: string }[] }[] }[] }[];
    expect(bundles.map((b) => `${b.id}:${b.type}`)).toEqual(['bundle-01:podman', 'bundle-02:docker']);
    bundles.forEach((b, bi) => {
      expect(b.replica).toHaveLength(3);
      b.replica.forEach((r, ri) => {
        expect(r.resource.map((x) => x.id)).toEqual([
          `${b.id}-ip-127.10.${bi + 1}.${ri + 1}`, `${b.id}-app`, `${b.id}-${b.type}-${ri}`, `${b.id}-${ri}`]);
        expect(r.resource.every((x) => x.active === 'true')).toBe(true);
        // The replica's parts run together on one member; the inner primitive on the bundle node.
        const [ip, app, container, conn] = r.resource.map((x) => x.node?.[0]?.name);
        expect(members.map((n) => n.name)).toContain(ip);
        expect([container, conn]).toEqual([ip, ip]);
        expect(app).toBe(`${b.id}-${ri}`);
      });
    });

    // Failures with fail counts, a command-line ban, and no pending work for the scheduler.
    expect(mon.failures.failure).toHaveLength(4);
    expect(new Set(mon.failures.failure.map((f: { exitstatus: string }) => f.exitstatus)))
      .toEqual(new Set(['not running', 'error']));
    expect(stdout).toMatch(/fail-count="[1-9]/);
    expect(mon.bans.ban.some((b: { id: string }) => b.id.startsWith('cli-ban-'))).toBe(true);
  });

  it.each(['small', 'crowded'])('records the operation digests Pacemaker computes: the scheduler plans nothing (%s)', async (name) => {
    const file = Object.fromEntries(files())[name];
    const { stdout } = await run('crm_simulate', ['--xml-file', file, '--run'],
      { timeout: 30_000, env: toolEnv(file), maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).toContain('Transition Summary:');
    const planned = stdout.split('Transition Summary:')[1].split('\n').filter((l) => /^\s+\* /.test(l));
    expect(planned).toEqual([]);
  });
});
