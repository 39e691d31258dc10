/**
 * The shared resource index and lookups (src/model/resource-index.ts) on a snapshot built from
 * outputs captured on the sandbox cluster: a group, an anonymous clone, a podman bundle, a remote
 * and a guest node.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, captured } from '../../../src/agent/snapshot.js';
import { bundleOfPart, indexResources, instanceOwner, locateResource, runningNodes } from '../../../src/model/resource-index.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/sandbox');
const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
const snapshot = buildSnapshot(
  { crmMon: captured('crm_mon', read('crm_mon.xml')), cib: captured('cibadmin', read('cib-configuration.xml')) },
  { now: new Date('2026-11-23T21:00:00Z'), source: 'cluster-1' },
);
const index = indexResources(snapshot);
const ids = (loc: ReturnType<typeof locateResource>) => ({ config: loc.config?.id ?? null, parent: loc.parent?.id ?? null, top: loc.top?.id ?? null });

describe('indexResources', () => {
  it('indexes every configured resource with its parent, top and primitives', () => {
    expect(index.byId.get('docker')).toMatchObject({ kind: 'group', parent: null, top: 'docker', primitives: ['dockerIP', 'dockerd'] });
    expect(index.byId.get('dockerd')).toMatchObject({ kind: 'primitive', parent: 'docker', top: 'docker' });
    expect(index.byId.get('dlm')).toMatchObject({ kind: 'primitive', parent: 'dlm-clone', top: 'dlm-clone' });
    expect(index.byId.get('dummy-bundle')).toMatchObject({ kind: 'bundle', children: ['dummy-bundle-dummy'] });
    expect(index.byId.get('dummy-bundle')?.config?.kind).toBe('bundle');
  });
});

describe('locateResource', () => {
  it.each([
    ['dockerd', { config: 'dockerd', parent: 'docker', top: 'docker' }],
    ['docker', { config: 'docker', parent: null, top: 'docker' }],
    ['dlm', { config: 'dlm', parent: 'dlm-clone', top: 'dlm-clone' }],
    ['dlm:2', { config: 'dlm', parent: 'dlm-clone', top: 'dlm-clone' }],
    ['dummy-bundle-dummy', { config: 'dummy-bundle-dummy', parent: 'dummy-bundle', top: 'dummy-bundle' }],
    ['dummy-bundle-podman-1', { config: 'dummy-bundle', parent: null, top: 'dummy-bundle' }],
    ['dummy-bundle-2', { config: 'dummy-bundle', parent: null, top: 'dummy-bundle' }],
    ['no-such-resource', { config: null, parent: null, top: null }],
  ])('%s', (id, want) => expect(ids(locateResource(snapshot, index, id))).toEqual(want));
});

describe('bundle parts and instances', () => {
  it('names the bundle of a replica part', () => {
    expect(bundleOfPart(snapshot, 'dummy-bundle-podman-0')?.id).toBe('dummy-bundle');
    expect(bundleOfPart(snapshot, 'dockerd')).toBeNull();
    expect(instanceOwner(snapshot, index, 'dummy-bundle-podman-2')?.id).toBe('dummy-bundle');
    expect(instanceOwner(snapshot, index, 'dlm:0')?.id).toBe('dlm-clone');
  });

  it('finds where a group runs by its first member', () => {
    const first = snapshot.instances.find((i) => i.id === 'dockerIP')!;
    expect(runningNodes(snapshot, index, 'docker')).toEqual(first.nodes);
    expect(first.nodes).toHaveLength(1);
  });
});
