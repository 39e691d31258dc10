import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BundleConfig, CloneConfig, GroupConfig, PrimitiveConfig, ResourceConfig } from '../../../../src/model/snapshot.js';
import {
  CibParseError,
  REDACTED_VALUE,
  isSecretParamName,
  parseCib,
  peekCibEpoch,
  readStonithSecret,
  type CibResult,
} from '../../../../src/agent/parse/cib.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.resolve(here, '../../../../../shared/corpus/pacemaker-cts');
const FIXTURES = path.resolve(here, '../../../fixtures/cib');

/** The corpus lives outside the repository; its absence is a failure, never a skip. */
function corpus(file: string): string {
  const p = path.join(CORPUS, file);
  if (!existsSync(p)) {
    throw new Error(
      `Pacemaker CTS corpus file missing: ${p}. The CIB tests read ../shared/corpus/pacemaker-cts/ ` +
        '(next to the project checkout); restore it before running the tests.',
    );
  }
  return readFileSync(p, 'utf8');
}
function fixture(file: string): string {
  return readFileSync(path.join(FIXTURES, file), 'utf8');
}

function manifest(): { file: string; nodes: number; features: string[] }[] {
  return corpus('MANIFEST.tsv')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [file, nodes, , , , features] = line.split('\t');
      return { file, nodes: Number(nodes), features: (features ?? '').split(',') };
    });
}

// ---- independent, deliberately simple counting over the raw text -------------------------------

function configText(xml: string): string {
  const noComments = xml.replace(/<!--[\s\S]*?-->/g, '');
  const start = noComments.indexOf('<configuration');
  const end = noComments.indexOf('</configuration>');
  return start >= 0 && end > start ? noComments.slice(start, end) : noComments;
}
function sectionText(config: string, name: string): string {
  const open = new RegExp(`<${name}(\\s[^>]*)?>`).exec(config);
  if (!open) return '';
  const close = config.indexOf(`</${name}>`, open.index);
  return close < 0 ? '' : config.slice(open.index, close);
}
function count(text: string, re: RegExp): number {
  return (text.match(re) ?? []).length;
}
function attrsOf(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)="([^"]*)"/g)) out[m[1]] = m[2];
  return out;
}

function flat(resources: ResourceConfig[]): {
  primitives: PrimitiveConfig[];
  groups: GroupConfig[];
  clones: CloneConfig[];
  bundles: BundleConfig[];
} {
  const out = { primitives: [] as PrimitiveConfig[], groups: [] as GroupConfig[], clones: [] as CloneConfig[], bundles: [] as BundleConfig[] };
  const group = (g: GroupConfig): void => {
    out.groups.push(g);
    out.primitives.push(...g.children);
  };
  for (const r of resources) {
    if (r.kind === 'primitive') out.primitives.push(r);
    else if (r.kind === 'group') group(r);
    else if (r.kind === 'clone') {
      out.clones.push(r);
      if (r.child?.kind === 'primitive') out.primitives.push(r.child);
      else if (r.child) group(r.child);
    } else {
      out.bundles.push(r);
      if (r.primitive) out.primitives.push(r.primitive);
    }
  }
  return out;
}

const NOW = new Date('2024-06-01T00:00:00Z');

describe('parseCib over every Pacemaker CTS CIB', () => {
  it('parses all 809 files and agrees with simple counts of the raw XML', () => {
    const rows = manifest();
    expect(rows.length).toBe(809);
    let primitives = 0;
    let nodes = 0;
    for (const row of rows) {
      const xml = corpus(row.file);
      const r = parseCib(xml, { now: NOW });
      const conf = configText(xml);
      const resources = sectionText(conf, 'resources');
      const constraints = sectionText(conf, 'constraints');
      const tree = flat(r.resources);
      const where = row.file;

      expect(tree.primitives.length, where).toBe(count(resources, /<primitive[\s>/]/g));
      expect(tree.groups.length, where).toBe(count(resources, /<group[\s>/]/g));
      expect(tree.clones.length, where).toBe(count(resources, /<(clone|master)[\s>/]/g));
      expect(tree.bundles.length, where).toBe(count(resources, /<bundle[\s>/]/g));
      expect(r.nodes.length, where).toBe(count(sectionText(conf, 'nodes'), /<node[\s>/]/g));
      expect(r.constraints.location.length, where).toBe(count(constraints, /<rsc_location[\s>/]/g));
      expect(r.constraints.order.length, where).toBe(count(constraints, /<rsc_order[\s>/]/g));
      expect(r.constraints.colocation.length, where).toBe(count(constraints, /<rsc_colocation[\s>/]/g));
      expect(r.fencingTopology.length, where).toBe(count(conf, /<fencing-level[\s>/]/g));

      const primTags = [...resources.matchAll(/<primitive\s[^>]*>/g)].map((m) => attrsOf(m[0]));
      expect(r.stonithDevices.length, where).toBe(primTags.filter((a) => a.class === 'stonith').length);
      expect(r.remoteNodes.map((n) => n.id).sort(), where).toEqual(
        primTags.filter((a) => a.class === 'ocf' && a.provider === 'pacemaker' && a.type === 'remote').map((a) => a.id).sort(),
      );
      const metaBlocks = [...resources.matchAll(/<meta_attributes\b[^>]*>([\s\S]*?)<\/meta_attributes>/g)].map((m) => m[1]);
      expect(r.guestNodes.filter((g) => g.bundle === null).length, where).toBe(metaBlocks.filter((b) => /name="remote-node"/.test(b)).length);

      const cib = attrsOf(/<cib\s[^>]*>/.exec(xml)?.[0] ?? '');
      expect(r.cibVersion, where).toBe(`${cib.admin_epoch}:${cib.epoch}:${cib.num_updates}`);
      expect(r.validateWith, where).toBe(cib['validate-with']);
      expect(r.scope).toBe('cib');

      // Node names: configured nodes, remote connections and guests are exactly the nodes
      // crm_mon 2.1.5 lists (MANIFEST), except orphans that exist only in the status section.
      const names = new Set([...r.nodes.map((n) => n.uname), ...r.remoteNodes.map((n) => n.id), ...r.guestNodes.map((g) => g.name)]);
      if (names.size !== row.nodes) {
        const statusOnly = [...xml.matchAll(/<node_state\b[^>]*\buname="([^"]+)"/g)].map((m) => m[1]);
        expect(new Set([...names, ...statusOnly]).size, `${where}: nodes beyond the configuration`).toBe(row.nodes);
      }

      primitives += tree.primitives.length;
      nodes += names.size;
    }
    console.log(`parseCib corpus: ${rows.length} files, ${primitives} primitives, ${nodes} nodes`);
    expect(primitives).toBeGreaterThan(4000);
    expect(nodes).toBeGreaterThan(2000);
  });

  it('never returns a credential from any corpus CIB', () => {
    let checked = 0;
    for (const row of manifest()) {
      const xml = corpus(row.file);
      const conf = configText(xml);
      const secretPairs = [...conf.matchAll(/<nvpair\s[^>]*>/g)].map((m) => attrsOf(m[0])).filter((a) => a.name && isSecretParamName(a.name) && a.value !== undefined);
      if (!secretPairs.length) continue;
      const others = new Set(
        [...conf.matchAll(/<nvpair\s[^>]*>/g)]
          .map((m) => attrsOf(m[0]))
          .filter((a) => !(a.name && isSecretParamName(a.name)))
          .flatMap((a) => Object.values(a))
          .concat([...conf.matchAll(/name="([^"]*)"/g)].map((m) => m[1])),
      );
      const json = JSON.stringify(parseCib(xml, { now: NOW }));
      for (const pair of secretPairs) {
        const value = pair.value.replace(/&amp;/g, '&');
        if (value.length < 3 || others.has(pair.value)) continue;
        expect(json.includes(JSON.stringify(value)), `${row.file}: ${pair.name}`).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('reads the one corpus file that is not well-formed (unclosed node_state in status)', () => {
    const xml = corpus('cli/crm_mon-feature_set.xml');
    const r = parseCib(xml);
    expect(r.nodes.map((n) => n.uname)).toEqual(['cluster01', 'cluster02', 'cluster03', 'remote01']);
    // The broken part is in the status section; the same text truncated in the configuration is an error.
    expect(() => parseCib(xml.slice(0, xml.indexOf('</resources>')))).toThrow(CibParseError);
  });
});

describe('parseCib on targeted corpus CIBs', () => {
  it('bundles: podman with replicas, network and an inner primitive, and their guest nodes', () => {
    const r = parseCib(corpus('scheduler/bundle-connection-with-container.xml'));
    const b = r.resources.find((x) => x.id === 'httpd-bundle') as BundleConfig;
    expect(b).toMatchObject({ kind: 'bundle', containerType: 'podman', image: 'localhost/pcmktest:http', replicasConfigured: 3, replicas: [] });
    expect(b.primitive?.agent).toEqual({ class: 'ocf', provider: 'heartbeat', type: 'apache' });
    expect(b.primitive?.ops.map((o) => `${o.name}:${o.interval}`)).toEqual(['monitor:15s']);
    expect(r.guestNodes).toEqual([0, 1, 2].map((i) => ({ name: `httpd-bundle-${i}`, container: `httpd-bundle-podman-${i}`, bundle: 'httpd-bundle', addr: null })));
    expect(r.remoteNodes).toEqual([{ id: 'remote-rhel8-2', server: 'rhel8-2', port: null }]);
  });

  it('bundles: docker ones, guests only where the bundle has a primitive and a control port (as crm_mon shows)', () => {
    const r = parseCib(corpus('scheduler/bundle-order-fencing.xml'));
    const bundles = r.resources.filter((x): x is BundleConfig => x.kind === 'bundle');
    expect(bundles.map((b) => [b.id, b.containerType, b.replicasConfigured, b.primitive?.id ?? null])).toEqual([
      ['rabbitmq-bundle', 'docker', 3, 'rabbitmq'],
      ['galera-bundle', 'docker', 3, 'galera'],
      ['redis-bundle', 'docker', 3, 'redis'],
      ['haproxy-bundle', 'docker', 3, null],
    ]);
    expect(new Set(r.guestNodes.map((g) => g.bundle))).toEqual(new Set(['rabbitmq-bundle', 'galera-bundle', 'redis-bundle']));
    expect(r.guestNodes.find((g) => g.name === 'galera-bundle-2')?.container).toBe('galera-bundle-docker-2');
  });

  it('promotable clones from meta promotable=true; unique from globally-unique', () => {
    const xml = corpus('scheduler/clone-anon-failcount.xml');
    const c = parseCib(xml).resources.filter((x): x is CloneConfig => x.kind === 'clone');
    expect(c.length).toBeGreaterThan(0);
    for (const clone of c) {
      expect(clone.promotable).toBe(/^(true|yes|on|1|y)$/i.test(clone.meta.promotable ?? ''));
      expect(clone.unique).toBe(/^(true|yes|on|1|y)$/i.test(clone.meta['globally-unique'] ?? ''));
    }
    let promotable = 0;
    for (const row of manifest().filter((m) => m.features.includes('promotable-clone')).slice(0, 40)) {
      promotable += parseCib(corpus(row.file)).resources.filter((x) => x.kind === 'clone' && x.promotable).length;
    }
    expect(promotable).toBeGreaterThanOrEqual(40);
  });

  it('guest nodes from meta remote-node name their container resource', () => {
    const r = parseCib(corpus('scheduler/guest-node-host-dies.xml'));
    expect(r.guestNodes).toEqual([
      { name: 'lxc1', container: 'container1', bundle: null, addr: null },
      { name: 'lxc2', container: 'container2', bundle: null, addr: null },
    ]);
  });

  it('templates: primitives take agent, params and ops from their template', () => {
    const r = parseCib(corpus('scheduler/template-clone-group.xml'));
    const clone = r.resources[0] as CloneConfig;
    const group = clone.child as GroupConfig;
    expect(group.children.map((p) => [p.id, p.agent])).toEqual([
      ['rsc1', { class: 'ocf', provider: 'pacemaker', type: 'Dummy' }],
      ['rsc2', { class: 'ocf', provider: 'pacemaker', type: 'Dummy' }],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('operations id-ref resolves to the referenced operations', () => {
    const xml = corpus('scheduler/bug-lf-2619.xml');
    const r = parseCib(xml);
    const prims = flat(r.resources).primitives;
    const owner = prims.find((p) => p.ops.some((o) => o.id === 'prmExPostgreSQLDB1-start-0s'));
    const borrower = prims.find((p) => p.id === 'prmFsPostgreSQLDB1-1');
    expect(owner).toBeDefined();
    expect(borrower?.ops).toEqual(owner?.ops);
    expect(borrower?.ops.find((o) => o.name === 'stop')).toMatchObject({ interval: '0s', timeout: '60s', attrs: { 'on-fail': 'block' } });
  });

  it('cli-prefer with a #uname rule: node and score come from the rule', () => {
    const r = parseCib(corpus('scheduler/promoted-probed-score.xml'));
    const c = r.constraints.location.find((l) => l.id === 'cli-prefer-Proxy');
    expect(c).toEqual({
      id: 'cli-prefer-Proxy',
      resource: 'Proxy',
      resourcePattern: null,
      node: 'orestes-corosync.nevis.columbia.edu',
      score: 'INFINITY',
      role: null,
      hasRules: true,
      isCliPrefer: true,
      isCliBan: false,
      expires: null,
      expired: false,
    });
  });

  it('cli-ban/cli-prefer flags across the corpus follow the id prefix', () => {
    let cli = 0;
    for (const row of manifest()) {
      const xml = corpus(row.file);
      if (!xml.includes('cli-ban') && !xml.includes('cli-prefer')) continue;
      for (const l of parseCib(xml).constraints.location) {
        expect(l.isCliBan).toBe(l.id.startsWith('cli-ban-'));
        expect(l.isCliPrefer).toBe(l.id.startsWith('cli-prefer-'));
        if (l.isCliBan || l.isCliPrefer) {
          cli++;
          expect(l.node ?? l.resourcePattern, l.id).not.toBeNull();
        }
      }
    }
    expect(cli).toBeGreaterThan(50);
  });

  it('lifetimes: a nested date_expression lt sets expires; expired is relative to now', () => {
    const xml = corpus('scheduler/location-date-rules-1.xml');
    const before = parseCib(xml, { now: new Date('2019-09-20T15:00:00Z') });
    const after = parseCib(xml, { now: new Date('2019-09-20T15:20:00Z') });
    const l1 = (r: CibResult) => r.constraints.location.find((l) => l.id === 'location-1');
    expect(l1(before)).toMatchObject({ node: 'rhel7-5', score: 'INFINITY', expires: '2019-09-20T15:10:52.000Z', expired: false });
    expect(l1(after)?.expired).toBe(true);
    // A "gt" date (not yet effective) is no lifetime.
    expect(after.constraints.location.find((l) => l.id === 'location-2')?.expires).toBeNull();
  });

  it('tags, resource sets and patterns', () => {
    const r = parseCib(corpus('scheduler/tags-location.xml'));
    expect(r.tags).toEqual({ tag1: ['rsc1', 'rsc2'], tag2: ['rsc3', 'rsc4'] });
    const sets = parseCib(corpus('scheduler/rsc-sets-clone-1.xml')).constraints;
    expect(Object.keys(sets.sets).length).toBeGreaterThan(0);
    for (const refs of Object.values(sets.sets)) expect(refs.length).toBeGreaterThan(0);
  });

  it('fencing topology with node targets and their devices', () => {
    const r = parseCib(corpus('scheduler/remote-reconnect-delay.xml'));
    expect(r.fencingTopology.slice(0, 2)).toEqual([
      { id: 'cts-rhel7-1.1', target: 'rhel7-1', targetKind: 'node', index: 1, devices: ['FencingFail'] },
      { id: 'cts-rhel7-1.2', target: 'rhel7-1', targetKind: 'node', index: 2, devices: ['Fencing'] },
    ]);
  });
});

describe('parseCib on CIBs written by cibadmin, pcs and crm_resource (test/fixtures/cib)', () => {
  const full = (): CibResult => parseCib(fixture('full.xml'), { now: NOW });

  it('reads version, cluster options and defaults', () => {
    const r = full();
    expect(r.scope).toBe('cib');
    const cib = attrsOf(/<cib\s[^>]*>/.exec(fixture('full.xml'))![0]);
    expect(r.cibVersion).toBe(`0:${cib.epoch}:0`);
    expect(r.validateWith).toBe('pacemaker-3.9');
    expect(r.clusterName).toBe('fixture-cluster');
    expect(r.options).toMatchObject({
      'stonith-enabled': 'true',
      'no-quorum-policy': 'stop',
      'stonith-timeout': '90s',
      'priority-fencing-delay': '5s',
      'symmetric-cluster': 'true',
      'maintenance-mode': 'false',
      'have-watchdog': 'false',
      'dc-version': '2.1.5-a3f44794f94',
      'cluster-infrastructure': 'corosync',
    });
    expect(r.rscDefaults).toEqual({ 'resource-stickiness': '100', 'migration-threshold': '3' });
    expect(r.opDefaults).toEqual({ timeout: '45s' });
    expect(r.nodes).toEqual([
      { id: '1', uname: 'node-1', type: 'member', attributes: {} },
      { id: '2', uname: 'node-2', type: 'member', attributes: {} },
      { id: '3', uname: 'node-3', type: 'member', attributes: { standby: 'on' } },
    ]);
    expect(r.warnings).toEqual([]);
    expect(peekCibEpoch(fixture('full.xml'))).toBe(`0:${cib.epoch}`);
  });

  it('builds the resource tree', () => {
    const r = full();
    expect(r.resources.map((x) => `${x.kind}:${x.id}`)).toEqual([
      'primitive:fence-node-1',
      'primitive:fence-node-2',
      'primitive:fence-kdump',
      'primitive:vip',
      'group:web',
      'clone:ping-clone',
      'clone:stateful-clone',
      'clone:unique-dummy-clone',
      'bundle:httpd-bundle',
      'bundle:plain-bundle',
      'primitive:remote-1',
      'primitive:vm-guest',
      'primitive:templated-1',
    ]);
    const byId = Object.fromEntries(r.resources.map((x) => [x.id, x]));
    expect((byId.web as GroupConfig).children.map((c) => c.id)).toEqual(['web-fs', 'web-server']);
    expect(byId.web.meta).toEqual({ 'target-role': 'Started' });
    expect(byId['stateful-clone']).toMatchObject({ promotable: true, unique: false });
    expect(byId['unique-dummy-clone']).toMatchObject({ promotable: false, unique: true });
    expect(byId['ping-clone']).toMatchObject({ promotable: false, unique: false });
    expect(byId['plain-bundle']).toMatchObject({ containerType: 'docker', image: 'registry.example/plain:1', replicasConfigured: 3, primitive: null });
    const vip = byId.vip as PrimitiveConfig;
    expect(vip.params).toEqual({ cidr_netmask: '24', ip: '198.51.100.100' });
    expect(vip.ops[0]).toEqual({ id: 'vip-monitor-interval-10s', name: 'monitor', interval: '10s', timeout: null, role: null, attrs: {} });
    // crm_resource --get-parameter on this CIB says fake=own: the primitive wins over its template.
    const t = byId['templated-1'] as PrimitiveConfig;
    expect(t.agent).toEqual({ class: 'ocf', provider: 'pacemaker', type: 'Dummy' });
    expect(t.params).toEqual({ fake: 'own', state: '/run/t.state' });
    expect(t.ops.map((o) => o.id)).toEqual(['dummy-template-monitor']);
  });

  it('remote and guest nodes', () => {
    const r = full();
    expect(r.remoteNodes).toEqual([{ id: 'remote-1', server: '198.51.100.14', port: null }]);
    expect(r.guestNodes).toEqual([
      { name: 'guest-1', container: 'vm-guest', bundle: null, addr: '198.51.100.15' },
      { name: 'httpd-bundle-0', container: 'httpd-bundle-podman-0', bundle: 'httpd-bundle', addr: null },
      { name: 'httpd-bundle-1', container: 'httpd-bundle-podman-1', bundle: 'httpd-bundle', addr: null },
    ]);
  });

  it('stonith devices: params without secrets, host list/map/check, bans', () => {
    const r = full();
    expect(r.stonithDevices.map((d) => ({ ...d, ops: d.ops.length }))).toEqual([
      {
        id: 'fence-node-1',
        agent: 'fence_ipmilan',
        params: { ip: '198.51.100.21', lanplus: '1', pcmk_host_list: 'node-1', username: 'admin' },
        secretsSet: ['password'],
        hostList: ['node-1'],
        hostMap: null,
        hostCheck: null,
        meta: {},
        ops: 1,
        bannedFrom: ['node-1'],
      },
      {
        id: 'fence-node-2',
        agent: 'fence_ipmilan',
        params: { ip: '198.51.100.22', pcmk_host_check: 'static-list', pcmk_host_map: 'node-2:2;node-3:3', username: 'admin' },
        secretsSet: ['password'],
        hostList: null,
        hostMap: { 'node-2': '2', 'node-3': '3' },
        hostCheck: 'static-list',
        meta: {},
        ops: 1,
        // pcs wrote "avoids node-2=-INFINITY" as a +INFINITY preference: no ban.
        bannedFrom: [],
      },
      {
        id: 'fence-kdump',
        agent: 'fence_kdump',
        params: { pcmk_host_list: 'node-1 node-2 node-3' },
        secretsSet: [],
        hostList: ['node-1', 'node-2', 'node-3'],
        hostMap: null,
        hostCheck: null,
        meta: {},
        ops: 1,
        // crm_resource --ban --lifetime: a rule-based ban that has not expired yet at NOW.
        bannedFrom: ['node-3'],
      },
    ]);
    const later = parseCib(fixture('full.xml'), { now: new Date('2100-01-01T00:00:00Z') });
    expect(later.stonithDevices.find((d) => d.id === 'fence-kdump')?.bannedFrom).toEqual([]);
  });

  it('no way to get the fence password out of the result; readStonithSecret reads it on the host', () => {
    const xml = fixture('full.xml');
    expect(xml).toContain('fixture-pw-1');
    const r = full();
    const json = JSON.stringify(r);
    expect(json).not.toContain('fixture-pw');
    const fence1 = r.resources.find((x) => x.id === 'fence-node-1') as PrimitiveConfig;
    expect(fence1.params.password).toBe(REDACTED_VALUE);
    expect(readStonithSecret(xml, 'fence-node-1', 'password')).toBe('fixture-pw-1');
    expect(readStonithSecret(xml, 'fence-node-2', 'password')).toBe('fixture-pw-2');
    expect(readStonithSecret(xml, 'fence-kdump', 'password')).toBeNull();
    expect(readStonithSecret(xml, 'vip', 'ip')).toBeNull();
    expect(readStonithSecret(xml, 'no-such-device', 'password')).toBeNull();
    const sandbox = fixture('sandbox-2.1.5.xml');
    expect(sandbox).toContain('sandbox-fixture-secret');
    expect(JSON.stringify(parseCib(sandbox))).not.toContain('sandbox-fixture-secret');
    expect(readStonithSecret(sandbox, 'fence-cluster-2', 'password')).toBe('sandbox-fixture-secret');
  });

  it('credential-like names', () => {
    for (const n of ['passwd', 'password', 'passwd_script', 'password_script', 'passwd-script', 'snmp_priv_passwd', 'community', 'secret_key', 'access_key', 'apikey', 'token', 'incoming_password', 'hexadecimal_kg'])
      expect(isSecretParamName(n), n).toBe(true);
    for (const n of ['ip', 'username', 'login', 'key_file', 'identity_file', 'pcmk_host_list', 'lanplus', 'ipport', 'auth'])
      expect(isSecretParamName(n), n).toBe(false);
  });

  it('location constraints: cli-prefer/cli-ban with lifetimes, expired ones, patterns; order, colocation, sets', () => {
    const xml = fixture('full.xml');
    const ends = Object.fromEntries(
      [...xml.matchAll(/<date_expression id="([^"]+)" operation="lt" end="([^"]+)"/g)].map((m) => [m[1], m[2].replace(' ', 'T')]),
    );
    const r = full();
    const loc = Object.fromEntries(r.constraints.location.map((l) => [l.id, l]));
    expect(loc['cli-prefer-vip']).toMatchObject({
      resource: 'vip',
      node: 'node-2',
      score: 'INFINITY',
      role: 'Started',
      hasRules: true,
      isCliPrefer: true,
      isCliBan: false,
      expires: new Date(ends['cli-prefer-lifetime-end-vip']).toISOString(),
      expired: false,
    });
    expect(loc['cli-ban-web-on-node-3']).toMatchObject({ resource: 'web', node: 'node-3', score: '-INFINITY', isCliBan: true, expired: false });
    expect(loc['cli-ban-web-on-node-3'].expires).toBe(new Date(ends['cli-ban-web-on-node-3-lifetime']).toISOString());
    expect(loc['cli-ban-ping-clone-on-node-2']).toMatchObject({ node: 'node-2', score: '-INFINITY', hasRules: false, isCliBan: true, expires: null, expired: false });
    expect(loc['old-ban-vip']).toMatchObject({ node: 'node-1', expires: '2020-01-02T03:04:05.000Z', expired: true });
    expect(loc['pattern-loc']).toMatchObject({ resource: null, resourcePattern: '^web-', node: 'node-3', score: '-100' });
    expect(loc['location-ping-clone']).toMatchObject({ node: null, score: '-INFINITY', hasRules: true, expires: null });
    const all = parseCib(xml, { now: new Date('2100-01-01T00:00:00Z') });
    expect(all.constraints.location.filter((l) => l.expires !== null).every((l) => l.expired)).toBe(true);

    expect(r.constraints.order[0]).toEqual({ id: 'order-vip-web-mandatory', first: 'vip', then: 'web', kind: null, score: null, firstAction: 'start', thenAction: 'start' });
    expect(r.constraints.colocation[0]).toEqual({ id: 'colocation-web-vip-INFINITY', rsc: 'web', withRsc: 'vip', score: 'INFINITY', rscRole: null, withRscRole: null });
    expect(r.constraints.sets).toEqual({ order_set_sewb: ['stateful-clone', 'web'], colocation_set_vpwb: ['vip', 'web'] });
  });

  it('reads a lifetime end without a zone as UTC, with a warning', () => {
    const r = parseCib(fixture('full.xml').replace('end="2020-01-02 03:04:05Z"', 'end="2020-01-02 03:04:05"'));
    expect(r.constraints.location.find((l) => l.id === 'old-ban-vip')?.expires).toBe('2020-01-02T03:04:05.000Z');
    expect(r.warnings.map((w) => w.message)).toEqual([
      'lifetime end "2020-01-02 03:04:05" has no time zone: read as UTC, while the cluster reads it in its nodes\' local time',
    ]);
  });

  it('fencing topology: node, pattern and attribute targets', () => {
    expect(full().fencingTopology).toEqual([
      { id: 'fl-node-1-1', target: 'node-1', targetKind: 'node', index: 1, devices: ['fence-kdump'] },
      { id: 'fl-node-1-2', target: 'node-1', targetKind: 'node', index: 2, devices: ['fence-node-1'] },
      { id: 'fl-node-2-1', target: 'node-2', targetKind: 'node', index: 1, devices: ['fence-kdump', 'fence-node-2'] },
      { id: 'fl-pattern', target: 'node-[0-9]+', targetKind: 'pattern', index: 3, devices: ['fence-kdump'] },
      { id: 'fl-attr', target: 'rack=r1', targetKind: 'attribute', index: 4, devices: ['fence-node-2'] },
    ]);
  });

  it('--scope configuration and --scope constraints give the same configuration', () => {
    const whole = full();
    const conf = parseCib(fixture('configuration.xml'), { now: NOW });
    expect(conf.scope).toBe('configuration');
    expect(conf.cibVersion).toBeNull();
    expect(conf.validateWith).toBeNull();
    expect({ ...conf, scope: 'cib', cibVersion: whole.cibVersion, validateWith: whole.validateWith }).toEqual(whole);
    const cons = parseCib(fixture('constraints.xml'), { now: NOW });
    expect(cons.scope).toBe('constraints');
    expect(cons.constraints).toEqual(whole.constraints);
    expect(cons.resources).toEqual([]);
    expect(cons.nodes).toEqual([]);
    expect(cons.warnings).toEqual([]);
  });

  it('legacy <master> on a pacemaker-1.2 CIB is a promotable clone; type="normal" nodes are members', () => {
    const r = parseCib(fixture('legacy-master.xml'));
    expect(r.validateWith).toBe('pacemaker-1.2');
    expect(r.resources).toHaveLength(1);
    expect(r.resources[0]).toMatchObject({ kind: 'clone', id: 'ms-stateful', promotable: true, unique: false, meta: { 'clone-max': '2', 'master-max': '1' } });
    expect((r.resources[0] as CloneConfig).child?.id).toBe('stateful');
    expect(r.nodes.map((n) => n.type)).toEqual(['member', 'member']);
    expect(r.constraints.location[0]).toMatchObject({ isCliPrefer: true, role: 'Master', node: 'old-1' });
    expect(r.warnings).toEqual([]);
  });

  it('a live sandbox CIB (status section included): remote and guest, bans of each fence device', () => {
    const r = parseCib(fixture('sandbox-2.1.5.xml'));
    expect(r.clusterName).toBe('sandbox');
    expect(r.remoteNodes.map((n) => n.id)).toEqual(['remote-1']);
    expect(r.guestNodes).toEqual([{ name: 'guest-1', container: 'guest-1-vm', bundle: null, addr: expect.any(String) }]);
    expect(Object.fromEntries(r.stonithDevices.map((d) => [d.id, d.bannedFrom]))).toEqual({
      'fence-cluster-1': ['cluster-1'],
      'fence-cluster-2': ['cluster-2'],
      'fence-cluster-3': ['cluster-3'],
      'fence-remote-1': ['remote-1'],
    });
    expect(r.stonithDevices.every((d) => d.secretsSet.includes('password') && !('password' in d.params))).toBe(true);
  });
});

describe('parseCib on broken input', () => {
  const kind = (xml: string): string => {
    try {
      parseCib(xml);
    } catch (e) {
      expect(e).toBeInstanceOf(CibParseError);
      return `${(e as CibParseError).kind}: ${(e as Error).message}`;
    }
    return 'parsed';
  };

  it('empty, truncated, not XML, not a CIB', () => {
    expect(kind('')).toBe('empty: cibadmin output is empty');
    expect(kind('  \n')).toBe('empty: cibadmin output is empty');
    const xml = fixture('full.xml');
    expect(kind(xml.slice(0, Math.floor(xml.length / 2)))).toMatch(/^malformed: cibadmin output is not well-formed XML: .* \(line \d+, column \d+\)$/);
    expect(kind('Signon to CIB failed: Transport endpoint is not connected')).toMatch(/^malformed: /);
    expect(kind('<pacemaker-result api-version="2.25"><status code="0" message="OK"/></pacemaker-result>')).toBe(
      'not-a-cib: cibadmin output is not a CIB: root element is <pacemaker-result>',
    );
    expect(kind('<status/>')).toBe('not-a-cib: cibadmin output is not a CIB: root element is <status>');
    const e = (() => {
      try {
        parseCib('<cib>\n<configuration>\n</cib>');
      } catch (err) {
        return err as CibParseError;
      }
      return null;
    })();
    expect(e?.line).toBe(3);
  });

  it('every truncation of a real CIB either parses or throws CibParseError', () => {
    const xml = fixture('full.xml');
    for (let cut = 0; cut < xml.length; cut += 97) {
      try {
        parseCib(xml.slice(0, cut));
      } catch (e) {
        expect(e).toBeInstanceOf(CibParseError);
      }
    }
  });

  it('odd values are warnings, not failures', () => {
    const xml = fixture('full.xml')
      .replace('replicas="2"', 'replicas="two"')
      .replace('index="2"', 'index="second"')
      .replace('<node id="2" uname="node-2"/>', '<node id="2" uname="node-2" type="wizard"/>')
      .replace('end="2020-01-02 03:04:05Z"', 'end="yesterday"')
      .replace('template="dummy-template"', 'template="no-such-template"')
      .replace('score="50"', 'score="fifty"')
      .replace('<podman ', '<lxc ');
    const r = parseCib(xml, { now: NOW });
    const messages = r.warnings.map((w) => `${w.section}: ${w.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'cib.resources[httpd-bundle]: bundle has no docker, podman or rkt element',
        'cib.fencing-topology[fl-node-1-2]: fencing level index "second" is not a number',
        'cib.nodes[node-2]: unknown node type "wizard", taken as member',
        'cib.constraints[old-ban-vip]: lifetime end "yesterday" is not a date Pacemaker writes',
        'cib.resources[templated-1]: template "no-such-template" does not exist',
        'cib.resources[templated-1]: primitive has no agent class or type',
        'cib.constraints[location-vip-node-1-50]: score "fifty" is not a number or INFINITY',
      ]),
    );
    expect(r.resources.find((x) => x.id === 'httpd-bundle')).toMatchObject({ containerType: 'unknown', replicasConfigured: null });
    expect(r.constraints.location.find((l) => l.id === 'old-ban-vip')).toMatchObject({ expires: null, expired: false });
    const replicas = parseCib(fixture('full.xml').replace('replicas="2"', 'replicas="two"'));
    expect(replicas.warnings.map((w) => w.message)).toEqual(['replicas "two" is not a number']);
  });
});
