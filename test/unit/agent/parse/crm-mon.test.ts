import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CRM_MON_ARGS,
  CrmMonParseError,
  LEGACY_CRM_MON_ARGS,
  isFailedOp,
  parseAgent,
  parseCrmMon,
  parseOpKey,
  type CrmMonResult,
} from '../../../../src/agent/parse/crm-mon.js';
import { parseXml, XmlSyntaxError } from '../../../../src/agent/parse/xml.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../../../../shared/corpus/tool-output');
const cts = path.resolve(here, '../../../../../shared/corpus/pacemaker-cts');
const fixtures = path.resolve(here, '../../../fixtures/crm_mon');

const NOW = new Date('2026-01-01T00:00:00Z');
const read = (p: string) => readFileSync(p, 'utf8');
const corpusFile = (rel: string) => read(path.join(corpus, rel));
const fixture = (name: string) => read(path.join(fixtures, name));
const parse = (xml: string) => parseCrmMon(xml, { now: NOW });

function parseError(xml: string): CrmMonParseError {
  try {
    parse(xml);
  } catch (e) {
    expect(e).toBeInstanceOf(CrmMonParseError);
    return e as CrmMonParseError;
  }
  throw new Error('expected a CrmMonParseError');
}

function xmlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...xmlFiles(p));
    else if (name.endsWith('.xml')) out.push(p);
  }
  return out.sort();
}

/** <resource ...> start tags inside the top-level <resources> section, counted on the raw text. */
function rawInstanceIds(xml: string): string[] {
  const start = xml.indexOf('<resources>');
  if (start === -1) return [];
  const end = xml.indexOf('</resources>', start);
  const body = xml.slice(start, end);
  return [...body.matchAll(/<resource id="([^"]*)"/g)].map((m) => m[1]);
}

const inst = (r: CrmMonResult, id: string) => r.instances.filter((i) => i.id === id);
const node = (r: CrmMonResult, name: string) => {
  const n = r.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name}`);
  return n;
};

describe('the whole tool-output corpus (Pacemaker 1.1, 2.0, 2.1, 3.0)', () => {
  const files = xmlFiles(corpus);

  it('has samples of every version', () => {
    for (const v of ['pacemaker-1.1', 'pacemaker-2.0', 'pacemaker-2.1', 'pacemaker-3.0']) {
      expect(files.filter((f) => f.includes(`/${v}/`)).length, v).toBeGreaterThan(2);
    }
  });

  it.each(files.map((f) => [path.relative(corpus, f), f]))('%s: parses, one instance per <resource>', (_rel, file) => {
    const xml = read(file);
    const r = parse(xml);
    expect(r.format).toBe(xml.includes('<pacemaker-result') ? 'pacemaker-result' : 'legacy-crm_mon');
    expect(r.instances.map((i) => i.id)).toEqual(rawInstanceIds(xml));
    const rawNodes = (xml.match(/<node name="[^"]*" id="[^"]*" online=/g) ?? []).length;
    expect(r.nodes.length).toBe(rawNodes);
    for (const i of r.instances) {
      expect(i.agent).not.toContain('::');
      expect(i.role).not.toBe('Unknown');
    }
    // Real output carries no odd values: the only warnings are for sections crm_mon was told to
    // leave out and for the DC name the regression suite's sanitizer deleted (NOTES.md §0).
    for (const w of r.warnings) {
      expect(w.message).toMatch(/^no <(nodes|resources)> section|current_dc is present but has no name/);
    }
  });
});

describe('Pacemaker 1.1 legacy --as-xml (pcs 0.9.170 fixture, crm_mon 1.1.12)', () => {
  const xml = corpusFile('pacemaker-1.1/pcs-0.9.170-crm1.xml');
  const r = parse(xml);

  it('reads the summary', () => {
    expect(r.format).toBe('legacy-crm_mon');
    expect(r.apiVersion).toBe('1.1.12');
    expect(r.cluster).toMatchObject({
      stack: 'corosync',
      dc: 'node3',
      dcPresent: true,
      quorate: true,
      partition: 'partition with quorum',
      pacemakerVersion: '1.1.12-a9c8177',
      lastUpdate: '2015-07-05T12:52:15.000Z',
      lastChange: '2015-07-05T12:47:19.000Z',
      lastChangeBy: null,
      counts: { nodes: 3, resources: 24, disabled: 0, blocked: 0 },
    });
    expect(r.warnings).toEqual([]);
  });

  it('maps Master/Slave to Promoted/Unpromoted and normalises the agent', () => {
    expect(inst(r, 'ms').map((i) => i.role)).toEqual(['Promoted', 'Unpromoted', 'Unpromoted']);
    expect(inst(r, 'ms')[0].agent).toBe('ocf:pacemaker:Stateful');
    expect(inst(r, 'ms1').map((i) => i.parent)).toEqual(['group3:0', 'group3:1', 'group3:2']);
    expect(inst(r, 'dummy1')[0]).toMatchObject({ parent: null, nodes: ['node1'], blocked: false, managed: true });
  });

  it('builds the tree: cloned groups and promotable clones', () => {
    const g2 = r.tree.find((t) => t.id === 'group2-clone');
    expect(g2).toMatchObject({ kind: 'clone', promotable: false, unique: false });
    expect(g2?.kind === 'clone' && g2.child).toMatchObject({ kind: 'group', id: 'group2' });
    const child = g2?.kind === 'clone' && g2.child?.kind === 'group' ? g2.child.children.map((c) => c.id) : [];
    expect(child).toEqual(['dummy6', 'dummy5']);
    expect(r.tree.find((t) => t.id === 'ms-master')).toMatchObject({ kind: 'clone', promotable: true });
    expect(r.tree.find((t) => t.id === 'group1')).toMatchObject({
      kind: 'group',
      children: [{ id: 'dummy3' }, { id: 'dummy4' }],
    });
  });
});

describe('Pacemaker 2.0 legacy <crm_mon version="2.0.0"> (hawk fixture)', () => {
  const r = parse(corpusFile('pacemaker-2.0/legacy/hawk-apiserver-crm-mon-1.xml'));

  it('reads fail counts at INFINITY, failures with escaped reasons, and last change by', () => {
    expect(r.cluster.lastChangeBy).toBe('root via cibadmin on Hawk3-2');
    expect(r.failcounts.length).toBeGreaterThan(0);
    for (const fc of r.failcounts) {
      expect(fc).toMatchObject({ resource: 'ddd', count: Number.MAX_SAFE_INTEGER, migrationThreshold: 3 });
    }
    const f = r.failures.find((x) => x.node === 'Hawk3-2');
    expect(f).toEqual({
      opKey: 'ddd_start_0',
      resource: 'ddd',
      node: 'Hawk3-2',
      task: 'start',
      interval: '0',
      exitStatus: 'not installed',
      exitCode: 5,
      exitReason: "Setup problem: couldn't find command: /usr/bin/safe_mysqld",
      call: '16',
      status: 'complete',
      lastRcChange: '2019-01-15T22:19:59.000Z',
    });
  });

  it('reads 2.0 fence history (state= rather than status=)', () => {
    const all = ['1', '2', '3', '4'].flatMap((n) => parse(corpusFile(`pacemaker-2.0/legacy/hawk-apiserver-crm-mon-${n}.xml`)).fencing);
    expect(all.length).toBeGreaterThan(0);
    expect(all[0]).toMatchObject({ target: 'node1', action: 'reboot', status: 'success', delegate: 'webui', completed: '2019-03-08T10:49:39.000Z' });
  });
});

describe('Pacemaker 2.0.5 --output-as=xml (regression output)', () => {
  const r = parse(corpusFile('pacemaker-2.0/Pacemaker-2.0.5/xml-output.xml'));

  it('normalises "ocf::" agents and keeps sanitised empty times as null without a warning', () => {
    expect(r.apiVersion).toBe('X');
    expect(inst(r, 'httpd-bundle-ip-192.168.122.131')[0].agent).toBe('ocf:heartbeat:IPaddr2');
    expect(r.cluster.lastUpdate).toBeNull();
    expect(r.warnings.map((w) => w.message)).toEqual(['current_dc is present but has no name']);
    expect(r.cluster.dcPresent).toBe(true);
  });

  it('recognises bundle replicas as guest nodes', () => {
    expect(node(r, 'httpd-bundle-0')).toMatchObject({ type: 'guest', container: 'httpd-bundle-docker-0' });
  });
});

describe('Pacemaker 2.1.11 --output-as=xml (regression output)', () => {
  const r = parse(corpusFile('pacemaker-2.1/Pacemaker-2.1.11/xml-output.xml'));

  it('reads options, counts and node flags as crm_mon prints them', () => {
    expect(r.cluster.options).toEqual({
      'stonith-enabled': 'true',
      'symmetric-cluster': 'true',
      'no-quorum-policy': 'stop',
      'maintenance-mode': 'false',
      'stop-all-resources': 'false',
      'stonith-timeout-ms': '60000',
      'priority-fencing-delay-ms': '0',
    });
    expect(r.cluster.counts).toEqual({ nodes: 5, resources: 32, disabled: 4, blocked: 0 });
    expect(node(r, 'cluster02')).toEqual({
      name: 'cluster02', id: '2', type: 'member', online: true, standby: false, standbyOnFail: false,
      maintenance: false, pending: false, unclean: false, shutdown: false, expectedUp: true, isDc: true,
      resourcesRunning: 9, health: 'green', featureSet: '<3.15.1', host: null, container: null, connection: null,
    });
  });

  it('gives guest nodes their container and the node the container runs on', () => {
    expect(node(r, 'httpd-bundle-0')).toMatchObject({
      type: 'guest', container: 'httpd-bundle-docker-0', host: 'cluster01', connection: 'httpd-bundle-0', online: true,
    });
    expect(node(r, 'httpd-bundle-2')).toMatchObject({ type: 'guest', container: 'httpd-bundle-docker-2', host: null, online: false });
  });

  it('lists instances in document order with their parents', () => {
    expect(r.instances.slice(0, 4).map((i) => [i.id, i.parent, i.nodes])).toEqual([
      ['ping', 'ping-clone', ['cluster02']],
      ['ping', 'ping-clone', ['cluster01']],
      ['Fencing', null, ['cluster01']],
      ['dummy', null, ['cluster02']],
    ]);
    expect(inst(r, 'mysql-proxy').map((i) => i.parent)).toEqual(['mysql-group:0', 'mysql-group:1', 'mysql-group:2', 'mysql-group:3', 'mysql-group:4']);
    expect(inst(r, 'httpd').map((i) => [i.parent, i.nodes])).toEqual([
      ['httpd-bundle', ['httpd-bundle-0']],
      ['httpd-bundle', ['httpd-bundle-1']],
      ['httpd-bundle', []],
    ]);
    expect(inst(r, 'inactive-dhcpd')[0]).toMatchObject({ targetRole: 'stopped', active: false, role: 'Stopped' });
    expect(inst(r, 'promotable-rsc').map((i) => i.role)).toEqual(['Promoted', 'Unpromoted', 'Stopped', 'Stopped', 'Stopped']);
  });

  it('builds bundle replicas from crm_mon\'s parts', () => {
    const b = r.tree.find((t) => t.id === 'httpd-bundle');
    if (b?.kind !== 'bundle') throw new Error('no bundle');
    expect(b).toMatchObject({ containerType: 'docker', image: 'pcmk:http', replicasConfigured: 3 });
    expect(b.primitive).toMatchObject({ id: 'httpd', agent: { class: 'ocf', provider: 'heartbeat', type: 'apache' } });
    expect(b.replicas[0]).toEqual({
      index: '0', ip: 'httpd-bundle-ip-192.168.122.131', container: 'httpd-bundle-docker-0',
      remote: 'httpd-bundle-0', child: 'httpd', node: 'cluster01', guestNode: 'httpd-bundle-0',
    });
    expect(b.replicas[2]).toMatchObject({ index: '2', node: null });
  });

  it('reads node attributes, operation history and bans', () => {
    expect(r.nodeAttributes).toEqual({
      cluster01: { location: 'office', pingd: '1000' },
      cluster02: { pingd: '1000' },
    });
    const mon = r.operations.find((o) => o.node === 'cluster02' && o.resource === 'ping' && o.task === 'monitor');
    expect(mon).toEqual({
      node: 'cluster02', resource: 'ping', task: 'monitor', interval: '10000', callId: '12', rc: '0', rcText: 'ok',
      lastRcChange: null, execTimeMs: 2031, queueTimeMs: 0,
    });
    // rc 8 (promoted) on a monitor is not a failure
    expect(r.operations.some((o) => o.rc === '8')).toBe(true);
    expect(r.failcounts).toEqual([]);
    // -1000000 is Pacemaker's -INFINITY
    expect(r.bans).toEqual([{ id: 'not-on-cluster1', resource: 'dummy', node: 'cluster01', weight: -Number.MAX_SAFE_INTEGER, promotedOnly: false }]);
  });

  it('feature-set output: a remote node without a connection resource and a stopped bundle guest', () => {
    const f = parse(corpusFile('pacemaker-2.1/Pacemaker-2.1.11/feature-set--xml-output-no-mixed-status.xml'));
    expect(node(f, 'remote01')).toMatchObject({ type: 'remote', id: '4', connection: null, container: null, host: null });
    expect(node(f, 'guest01-0')).toMatchObject({ type: 'guest', container: 'guest01-docker-0', host: null });
  });
});

describe('Pacemaker 3.0.2 --output-as=xml (regression output)', () => {
  const r = parse(corpusFile('pacemaker-3.0/Pacemaker-3.0.2/basic-output-xml.xml'));

  it('accepts 3.0 additions (removed=, fencing-* options) and 3.0 result strings', () => {
    expect(r.cluster.options['fencing-enabled']).toBeDefined();
    expect(r.cluster.options['stonith-enabled']).toBeDefined();
    expect(r.instances.length).toBeGreaterThan(10);
    expect(r.instances.every((i) => i.orphaned === false)).toBe(true);
    expect(r.warnings).toEqual([]);
  });
});

describe('crm_mon 2.1.5 captures (test/fixtures/crm_mon, from Pacemaker\'s regression CIBs)', () => {
  it('bundle-connection-with-container: a guest\'s host is where its container runs, not its connection', () => {
    const r = parse(fixture('crm_mon-2.1.5-xml-bundle-connection-with-container.xml'));
    expect(r.apiVersion).toBe('2.25');
    // The replica-2 container runs on the remote node; its connection resource runs on rhel8-1.
    expect(inst(r, 'httpd-bundle-2')[0].nodes).toEqual(['rhel8-1']);
    expect(node(r, 'httpd-bundle-2')).toMatchObject({
      type: 'guest', container: 'httpd-bundle-podman-2', host: 'remote-rhel8-2', connection: 'httpd-bundle-2',
    });
    expect(node(r, 'remote-rhel8-2')).toMatchObject({ type: 'remote', connection: 'remote-rhel8-2', host: null, container: null });
    const b = r.tree.find((t) => t.kind === 'bundle');
    expect(b).toMatchObject({ containerType: 'podman' });
    expect(b?.kind === 'bundle' && b.replicas[2]).toMatchObject({ container: 'httpd-bundle-podman-2', node: 'remote-rhel8-2', guestNode: 'httpd-bundle-2' });
    expect(r.cluster.counts.nodes).toBe(9);
  });

  it('bug-cl-5247: VM guest nodes (remote-node meta) with their container primitives', () => {
    const r = parse(fixture('crm_mon-2.1.5-xml-bug-cl-5247.xml'));
    expect(node(r, 'pgsr01')).toMatchObject({ type: 'guest', container: 'prmDB1', host: 'bl460g8n3', connection: 'pgsr01' });
    expect(node(r, 'pgsr02')).toMatchObject({ type: 'guest', container: 'prmDB2', online: false });
    expect(r.nodes.filter((n) => n.type === 'member').map((n) => n.name)).toEqual(['bl460g8n3', 'bl460g8n4']);
    expect(r.failures.length).toBeGreaterThan(0);
  });

  it('whitebox-orphaned: orphaned instances, and fail counts with their failed operations', () => {
    const r = parse(fixture('crm_mon-2.1.5-xml-whitebox-orphaned.xml'));
    expect(inst(r, 'container1')[0]).toMatchObject({ orphaned: true, active: true });
    expect(inst(r, 'M').map((i) => i.orphaned)).toEqual([false, false, false, false, true]);
    expect(node(r, 'lxc1')).toMatchObject({ type: 'guest', container: 'container1', host: '18node2', shutdown: true });
    expect(r.failcounts.length).toBeGreaterThan(0);
    for (const fc of r.failcounts) {
      expect(fc.count).toBeGreaterThan(0);
      const failedOps = r.operations.filter(
        (o) => o.node === fc.node && o.resource === fc.resource && isFailedOp(o.task, o.interval, o.rc),
      );
      expect(fc.operations.map((o) => o.callId)).toEqual(failedOps.map((o) => o.callId));
    }
  });

  it('promoted-demote-block: a failure keyed by id, a zoned time, a fail count at the threshold', () => {
    const r = parse(fixture('crm_mon-2.1.5-xml-promoted-demote-block.xml'));
    expect(r.failures).toEqual([
      {
        opKey: 'dummy:0_demote_0', resource: 'dummy:0', node: 'dl380g5c', task: 'demote', interval: '0',
        exitStatus: 'error', exitCode: 1, exitReason: 'none', call: '4', status: 'complete',
        lastRcChange: '2013-01-10T09:26:58.000Z',
      },
    ]);
    expect(r.failcounts).toHaveLength(1);
    expect(r.failcounts[0]).toMatchObject({
      resource: 'dummy', node: 'dl380g5c', count: 1, migrationThreshold: 1, lastFailure: '2013-01-10T09:26:59.000Z',
    });
    expect(r.failcounts[0].operations.map((o) => [o.task, o.rc])).toEqual([['demote', '1']]);
  });

  it('migrate-partial-4: tickets and bans', () => {
    const r = parse(fixture('crm_mon-2.1.5-xml-migrate-partial-4.xml'));
    expect(r.tickets).toContainEqual({ id: 'drbd-testfs-local', status: 'revoked', standby: false, lastGranted: '2012-03-13T20:15:36.000Z' });
    expect(r.tickets).toHaveLength(7);
    expect(r.bans.length).toBe(26);
    expect(r.bans[0]).toEqual({ id: 'rule-testfs-ost0003-placement', resource: 'testfs-ost0003', node: 'lustre01-left', weight: -Number.MAX_SAFE_INTEGER, promotedOnly: false });
  });

  it('797: pending actions, a multiply-active instance, unclean and shutting-down nodes', () => {
    const r = parse(fixture('crm_mon-2.1.5-xml-797.xml'));
    const fencing = inst(r, 'child_DoFencing:0')[0];
    expect(fencing).toMatchObject({ pending: 'Monitoring', parent: 'DoFencing' });
    expect(fencing.nodes).toHaveLength(2);
    expect(node(r, 'c001n08')).toMatchObject({ online: false, unclean: true });
    expect(node(r, 'c001n02')).toMatchObject({ shutdown: true, expectedUp: false });
    const clone = r.tree.find((t) => t.id === 'DoFencing');
    expect(clone).toMatchObject({ kind: 'clone', unique: true, child: { kind: 'primitive', id: 'child_DoFencing', agent: { class: 'stonith', provider: null, type: 'ssh' } } });
  });

  it('the legacy --as-xml output of 2.1.5 gives the same nodes and instances as --output-as=xml', () => {
    const modern = parse(fixture('crm_mon-2.1.5-xml-cts-cli-crm_mon.xml'));
    const legacy = parse(fixture('crm_mon-2.1.5-as-xml-cts-cli-crm_mon.xml'));
    expect(legacy.format).toBe('legacy-crm_mon');
    expect(legacy.apiVersion).toBe('2.1.5');
    expect(modern.format).toBe('pacemaker-result');
    expect(legacy.nodes).toEqual(modern.nodes);
    expect(legacy.instances).toEqual(modern.instances);
    expect(legacy.tree).toEqual(modern.tree);
    expect(legacy.operations).toEqual(modern.operations);
    expect(legacy.bans).toEqual(modern.bans);
    expect(legacy.nodeAttributes).toEqual(modern.nodeAttributes);
    expect(modern.cluster.lastChange).toBe('2020-05-05T12:04:36.000Z');
    expect(modern.cluster.lastChangeBy).toBe('hacluster via crmd on cluster01');
    expect(modern.cluster.pacemakerVersion).toBe('2.0.4-1.e97f9675f.git.el7-e97f9675f');
    expect(modern.operations.find((o) => o.resource === 'ping')?.lastRcChange).toBe('2020-05-08T15:21:03.000Z');
  });
});

describe('documents that cannot be used throw a CrmMonParseError', () => {
  it('empty output', () => {
    for (const xml of ['', '   \n\t ']) {
      const e = parseError(xml);
      expect(e.kind).toBe('empty');
      expect(e.message).toMatch(/^crm_mon printed nothing \(empty output\)/);
    }
  });

  it('truncated output, wherever it is cut', () => {
    const xml = corpusFile('pacemaker-2.1/Pacemaker-2.1.11/xml-output.xml');
    const cuts = [20, xml.indexOf('resource_agent="ocf:') + 12, Math.floor(xml.length / 2), xml.length - 12, xml.length - 3];
    for (const cut of cuts) {
      const e = parseError(xml.slice(0, cut));
      expect(e.kind).toBe('malformed');
      expect(e.message).toMatch(/^crm_mon output is not well-formed XML \(truncated or corrupted\?\): .*\(line \d+, column \d+\)$/);
      expect(e.cause).toBeInstanceOf(XmlSyntaxError);
    }
    const betweenTags = xml.lastIndexOf('>', Math.floor(xml.length / 2)) + 1;
    expect(parseError(xml.slice(0, betweenTags)).message).toMatch(/is not closed \(truncated\?\)/);
  });

  it('text that is not XML (an error message on stdout)', () => {
    const e = parseError('Error: cluster is not currently running on this node\n');
    expect(e.kind).toBe('malformed');
    expect(e.message).toContain('text outside the root element');
  });

  it('mismatched tags', () => {
    const e = parseError('<pacemaker-result api-version="2.25">\n  <summary>\n  </nodes>\n</pacemaker-result>');
    expect(e.message).toContain('end tag </nodes> does not match <summary> opened on line 2 (line 3, column 3)');
  });

  it('a document that is not crm_mon output: a CIB, or another tool\'s result', () => {
    const cib = parseError(read(path.join(cts, 'cli/crm_mon.xml')));
    expect(cib.kind).toBe('not-crm-mon');
    expect(cib.message).toContain('the root element is <cib>');
    expect(cib.message).toContain('CIB_file');
    const other = parseError('<pacemaker-result api-version="2.25" request="crm_resource --list --output-as=xml"><resources/><status code="0" message="OK"/></pacemaker-result>');
    expect(other.kind).toBe('not-crm-mon');
    expect(other.message).toContain('"crm_resource"');
    const bare = parseError('<pacemaker-result api-version="2.25"><status code="0" message="OK"/></pacemaker-result>');
    expect(bare.kind).toBe('not-crm-mon');
  });

  it('not connected: crm_mon 2.1.5 on a host where the cluster is not running (status 102)', () => {
    const e = parseError(fixture('crm_mon-2.1.5-xml-not-connected.xml'));
    expect(e.kind).toBe('disconnected');
    expect(e.code).toBe(102);
    expect(e.errors).toEqual([
      'error: Could not connect to launcher: Connection refused',
      'crm_mon: Connection to cluster failed: Connection refused',
    ]);
    expect(e.message).toBe(
      'crm_mon could not connect to the cluster; is Pacemaker running on this host? (status 102 "Not connected": ' +
        'error: Could not connect to launcher: Connection refused; crm_mon: Connection to cluster failed: Connection refused)',
    );
  });

  it('not connected: the legacy --as-xml answer is an empty <crm_mon/>', () => {
    const e = parseError(fixture('crm_mon-2.1.5-as-xml-not-connected.xml'));
    expect(e.kind).toBe('disconnected');
    expect(e.message).toContain('crm_mon 2.1.5 printed an empty <crm_mon/> document');
  });

  it('<crm-mon-disconnected> (2.1+ while pacemakerd is starting or stopping) names the pacemakerd state', () => {
    // Element and attributes as in the crm_mon API schema (xml/api/crm_mon-2.*.rng).
    const xml = `<pacemaker-result api-version="2.25" request="crm_mon --output-as=xml">
  <crm-mon-disconnected description="Pacemaker daemons shutting down" pacemakerd-state="shutting_down"/>
  <status code="102" message="Not connected"/>
</pacemaker-result>`;
    const e = parseError(xml);
    expect(e.kind).toBe('disconnected');
    expect(e.pacemakerdState).toBe('shutting_down');
    expect(e.message).toBe(
      'crm_mon is not connected to the cluster: the cluster is not running or not reachable on this host ' +
        '(Pacemaker daemons shutting down); pacemakerd state: shutting_down',
    );
  });

  it('an error status carries its message and errors', () => {
    const xml = `<pacemaker-result api-version="2.25" request="crm_mon --output-as=xml">
  <status code="65" message="Invalid data given">
    <errors><error>crm_mon: Could not read CIB &amp; its schema</error></errors>
  </status>
</pacemaker-result>`;
    const e = parseError(xml);
    expect(e.kind).toBe('failed');
    expect(e.code).toBe(65);
    expect(e.message).toBe('crm_mon reported an error: status 65 "Invalid data given": crm_mon: Could not read CIB & its schema');
  });

  it('CIB_file naming a missing file: status 0 with an error and no sections (real 2.1.5 output)', () => {
    const e = parseError(fixture('crm_mon-2.1.5-xml-cib-file-missing.xml'));
    expect(e.kind).toBe('failed');
    expect(e.message).toBe('crm_mon printed no cluster status: Could not connect to the CIB: No such device or address');
  });
});

describe('odd values inside a good document become warnings, never a throw', () => {
  const base = corpusFile('pacemaker-2.1/Pacemaker-2.1.11/xml-output.xml');

  it('unknown roles', () => {
    const xml = base.replace('<resource id="dummy" resource_agent="ocf:pacemaker:Dummy" role="Started"', '<resource id="dummy" resource_agent="ocf:pacemaker:Dummy" role="Sleeping"');
    const r = parse(xml);
    expect(inst(r, 'dummy')[0].role).toBe('Unknown');
    expect(r.warnings).toContainEqual({ section: 'crm_mon.resources[dummy]', message: 'unknown role "Sleeping"; shown as Unknown' });
  });

  it('garbage numbers, booleans and times', () => {
    const xml = base
      .replace('resources_running="9"', 'resources_running="lots"')
      .replace('<nodes_configured number="5"/>', '<nodes_configured number="five"/>')
      .replace('online="true" standby="false" standby_onfail="false" maintenance="false" pending="false" unclean="false" health="green" feature_set="&lt;3.15.1" shutdown="false" expected_up="true" is_dc="true"', 'online="maybe" standby="false" standby_onfail="false" maintenance="false" pending="false" unclean="false" health="green" feature_set="&lt;3.15.1" shutdown="false" expected_up="true" is_dc="true"')
      .replace('<last_update time=""/>', '<last_update time="yesterday"/>')
      .replace('exec-time="2031ms"', 'exec-time="slow"')
      .replace('weight="-1000000"', 'weight="very negative"')
      .replace('<resource_history id="dummy" orphan="false" migration-threshold="1000000">', '<resource_history id="dummy" orphan="false" migration-threshold="x" fail-count="2">');
    const r = parse(xml);
    expect(node(r, 'cluster02')).toMatchObject({ resourcesRunning: 0, online: false, isDc: true });
    expect(r.cluster.counts.nodes).toBe(0);
    expect(r.cluster.lastUpdate).toBeNull();
    expect(r.operations.find((o) => o.resource === 'ping' && o.task === 'monitor' && o.node === 'cluster02')?.execTimeMs).toBeNull();
    expect(r.bans[0].weight).toBe(-Number.MAX_SAFE_INTEGER);
    expect(r.failcounts).toEqual([
      { resource: 'dummy', node: 'cluster02', count: 2, migrationThreshold: null, lastFailure: null, operations: [] },
    ]);
    expect(r.warnings).toEqual([
      { section: 'crm_mon.summary', message: 'last_update time is not a time crm_mon prints: "yesterday"' },
      { section: 'crm_mon.summary', message: 'nodes_configured number is not an integer: "five"' },
      { section: 'crm_mon.nodes[cluster02]', message: 'resources_running is not an integer: "lots"' },
      { section: 'crm_mon.nodes[cluster02]', message: 'attribute "online" of <node> is not a boolean: "maybe"; assuming false' },
      { section: 'crm_mon.node_history[cluster02][ping]', message: 'exec-time is not a duration in milliseconds: "slow"' },
      { section: 'crm_mon.node_history[cluster02][dummy]', message: 'migration-threshold is not an integer: "x"' },
      { section: 'crm_mon.bans[not-on-cluster1]', message: 'ban weight is not an integer: "very negative"' },
    ]);
  });

  it('missing attributes', () => {
    const xml = base.replace('<resource id="Fencing" resource_agent="stonith:fence_xvm" role="Started"', '<resource id="Fencing" resource_agent="stonith:fence_xvm"');
    expect(xml).not.toBe(base);
    const r = parse(xml);
    expect(inst(r, 'Fencing')[0].role).toBe('Unknown');
    expect(r.warnings).toContainEqual({ section: 'crm_mon.resources[Fencing]', message: 'missing attribute "role" on <resource>' });
  });

  it('an unknown node type is kept as a member, with a warning', () => {
    const r = parse(base.replace('resources_running="7" type="member"', 'resources_running="7" type="ping"'));
    expect(node(r, 'cluster01').type).toBe('member');
    expect(r.warnings).toContainEqual({ section: 'crm_mon.nodes[cluster01]', message: 'node type "ping" is not member or remote; treated as a cluster member' });
  });

  it('caps the number of warnings', () => {
    const many = base.replace(/role="Started"/g, 'role="Bogus"');
    const r = parse(many);
    expect(r.warnings.length).toBeLessThanOrEqual(201);
  });
});

describe('times', () => {
  const at = (t: string) => parse(`<crm_mon version="1.1.12"><summary><last_update time="${t}"/></summary><nodes/><resources/></crm_mon>`);
  it.each([
    ['Tue May  5 12:04:36 2020', '2020-05-05T12:04:36.000Z'],
    ['Sun Jul  5 12:52:15 2015', '2015-07-05T12:52:15.000Z'],
    ['Wed Oct 23 12:37:22 2019', '2019-10-23T12:37:22.000Z'],
    ['1588951263', '2020-05-08T15:21:03.000Z'],
    ['2013-01-10 09:26:58Z', '2013-01-10T09:26:58.000Z'],
    ['2022-12-08 10:11:12 +02:00', '2022-12-08T08:11:12.000Z'],
    ['2022-12-08 10:11:12.123456 -05:00', '2022-12-08T15:11:12.123Z'],
    ['2022-12-08T10:11:12Z', '2022-12-08T10:11:12.000Z'],
    ['Dec 24 10:00:00', '2025-12-24T10:00:00.000Z'],
    ['', null],
    ['0', null],
  ])('%j -> %j', (t, iso) => {
    const r = at(t);
    expect(r.cluster.lastUpdate).toBe(iso);
    expect(r.warnings.filter((w) => w.message.includes('last_update'))).toEqual([]);
  });
  it.each(['Feb 30 10:00:00 2020', 'Tue May  5 25:04:36 2020', 'tomorrow', '2020-13-01 00:00:00Z'])('%j is a warning', (t) => {
    const r = at(t);
    expect(r.cluster.lastUpdate).toBeNull();
    expect(r.warnings).toEqual([{ section: 'crm_mon.summary', message: `last_update time is not a time crm_mon prints: ${JSON.stringify(t)}` }]);
  });
});

describe('helpers', () => {
  it('parseOpKey splits resource, task and interval like Pacemaker', () => {
    expect(parseOpKey('dregistry_monitor_10000')).toEqual({ resource: 'dregistry', task: 'monitor', interval: '10000' });
    expect(parseOpKey('my_db_rsc_start_0')).toEqual({ resource: 'my_db_rsc', task: 'start', interval: '0' });
    expect(parseOpKey('vm_1_migrate_to_0')).toEqual({ resource: 'vm_1', task: 'migrate_to', interval: '0' });
    expect(parseOpKey('ms_rsc_post_notify_promote_0')).toEqual({ resource: 'ms_rsc', task: 'notify', interval: '0' });
    expect(parseOpKey('rsc1_last_failure_0', true)).toEqual({ resource: 'rsc1', task: null, interval: null });
    expect(parseOpKey('nonsense')).toEqual({ resource: 'nonsense', task: null, interval: null });
  });

  it('parseAgent', () => {
    expect(parseAgent('ocf::heartbeat:IPaddr2')).toEqual({ class: 'ocf', provider: 'heartbeat', type: 'IPaddr2' });
    expect(parseAgent('stonith:fence_ipmilan')).toEqual({ class: 'stonith', provider: null, type: 'fence_ipmilan' });
    expect(parseAgent('systemd:getty@tty1')).toEqual({ class: 'systemd', provider: null, type: 'getty@tty1' });
  });

  it('isFailedOp: probes that find nothing and promoted monitors are not failures', () => {
    expect(isFailedOp('monitor', '0', '7')).toBe(false);
    expect(isFailedOp('monitor', '10000', '7')).toBe(true);
    expect(isFailedOp('monitor', '5000', '8')).toBe(false);
    expect(isFailedOp('probe', '0', '8')).toBe(false);
    expect(isFailedOp('probe', '0', '7')).toBe(false);
    expect(isFailedOp('probe', '0', '5')).toBe(true);
    expect(isFailedOp('start', '0', '1')).toBe(true);
    expect(isFailedOp('start', '0', '0')).toBe(false);
  });

  it('exports the crm_mon argument lists the agent runs', () => {
    expect(CRM_MON_ARGS).toEqual(['--one-shot', '--output-as=xml', '--inactive', '--include=all']);
    expect(LEGACY_CRM_MON_ARGS).toContain('--as-xml');
    expect(LEGACY_CRM_MON_ARGS).not.toContain('--output-as=xml');
  });
});

describe('xml reader', () => {
  it('decodes entities and character references, keeps CDATA, skips comments and declarations', () => {
    const root = parseXml('<?xml version="1.0"?>\n<!-- c --><a x="&lt;&amp;&gt;&quot;&apos;&#65;&#x42;" y=\'1\'><b>t &amp; u</b><![CDATA[<raw>]]></a>');
    expect(root.attrs).toEqual({ x: '<&>"\'AB', y: '1' });
    expect(root.children[0]).toMatchObject({ name: 'b', text: 't & u' });
    expect(root.text).toBe('<raw>');
  });

  it('keeps values as strings', () => {
    expect(parseXml('<n id="007" w="-INFINITY"/>').attrs).toEqual({ id: '007', w: '-INFINITY' });
  });

  it.each([
    ['<a>', /<a> opened on line 1 is not closed/],
    ['<a x="1><b y="2"/></a>', /"<" in the value of attribute "x"/],
    ['<a x=1/>', /is not quoted/],
    ['<a>&bogus;</a>', /invalid entity/],
    ['<a/><b/>', /a second root element <b>/],
    ['', /empty document/],
    ['<a><b></a></b>', /end tag <\/a> does not match <b>/],
  ])('rejects %j', (xml, re) => {
    expect(() => parseXml(xml)).toThrow(re);
  });

  it('recover mode reads the CIB that libxml2 accepts although one element is never closed', () => {
    const xml = read(path.join(cts, 'cli/crm_mon-feature_set.xml'));
    expect(() => parseXml(xml)).toThrow(XmlSyntaxError);
    const root = parseXml(xml, { recover: true });
    expect(root.name).toBe('cib');
    const status = root.children.find((c) => c.name === 'status');
    expect(status?.children.filter((c) => c.name === 'node_state').length).toBeGreaterThan(3);
  });
});
