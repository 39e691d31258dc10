/**
 * Conformance over Pacemaker's own regression CIBs (shared/corpus/pacemaker-cts, 809 files).
 *
 * With each Pacemaker our users run (2.0.5, 2.1.5 installed, 3.0; cts-harness.ts PACEMAKERS), for
 * every CIB: run that real crm_mon (the agent's CRM_MON_ARGS) on a temporary copy with CIB_file
 * and TZ=UTC, parse its XML with parseCrmMon, and check the result against
 *  - a second, independent reading of the same XML (fast-xml-parser, walked here in the test),
 *    where each node's type (member, remote, guest) and a guest's host are crm_mon's own
 *    statement in its text output with --show-detail ("GuestNode name@host: state"), not a
 *    rule of ours re-derived from the XML,
 *  - the node and resource counts crm_mon 2.1.5 gave when MANIFEST.tsv was made,
 *  - for every 8th file, the legacy `--as-xml` output of the same crm_mon (LEGACY_CRM_MON_ARGS;
 *    3.0.0 still accepts it, as a deprecated option).
 * Files that crm_mon rejects (non-zero exit) must give a CrmMonParseError, never a crash; they are
 * counted and listed in the totals. The totals are asserted per version against
 * test/conformance-totals{,-pacemaker-2.0,-pacemaker-3.0}.json (PCMK_UPDATE_TOTALS=1 rewrites them).
 * crm_mon runs through test/unit/cts-harness.ts (bounded parallelism, cached per CIB and args).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  CRM_MON_ARGS,
  CrmMonParseError,
  LEGACY_CRM_MON_ARGS,
  parseCrmMon,
  type CrmMonResult,
} from '../../../../src/agent/parse/crm-mon.js';
import {
  crmMon,
  crmMonVersion,
  PACEMAKERS,
  parseNodeList,
  pool,
  readManifest,
  TEXT_NODE_ARGS,
  itOn,
  WORKERS,
  type PacemakerUnderTest,
  type TextNode,
} from '../../cts-harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const totalsFile = (p: PacemakerUnderTest) => path.resolve(here, `../../../conformance-totals${p.totalsSuffix}.json`);
const LEGACY_EVERY = 8;

// ---- the independent reading: fast-xml-parser in document order, walked here -------------------

interface El {
  name: string;
  attrs: Record<string, string>;
  kids: El[];
}

const fxp = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
});

function toEl(raw: Record<string, unknown>): El | null {
  const name = Object.keys(raw).find((k) => k !== ':@' && k !== '#text');
  if (name === undefined) return null;
  const kids = (raw[name] as Record<string, unknown>[]).map(toEl).filter((k): k is El => k !== null);
  return { name, attrs: (raw[':@'] as Record<string, string>) ?? {}, kids };
}

interface RefInstance {
  id: string;
  agent: string;
  role: string;
  nodes: string[];
  parent: string | null;
}

interface RefNode {
  name: string;
  id: string;
  type: string;
  flags: Record<string, boolean>;
  resourcesRunning: number;
  /** undefined when crm_mon's text does not state it (Pacemaker 2.0; counted in the totals). */
  host: string | null | undefined;
  container: string | null;
}

const FLAG_ATTRS: Record<string, string> = {
  online: 'online',
  standby: 'standby',
  standbyOnFail: 'standby_onfail',
  maintenance: 'maintenance',
  pending: 'pending',
  unclean: 'unclean',
  shutdown: 'shutdown',
  expectedUp: 'expected_up',
  isDc: 'is_dc',
};

function referenceReading(xml: string, text: readonly TextNode[]): { nodes: RefNode[]; instances: RefInstance[]; notInText: number; guestHostsUnstated: number } {
  const doc = (fxp.parse(xml) as Record<string, unknown>[]).map(toEl).filter((e): e is El => e !== null);
  const root = doc.find((e) => e.name === 'pacemaker-result' || e.name === 'crm_mon');
  if (!root) throw new Error('reference reading: no crm_mon root element');
  const instances: RefInstance[] = [];
  const walk = (el: El, parent: string | null) => {
    for (const k of el.kids) {
      if (k.name === 'resource') {
        const role = k.attrs.role === 'Master' ? 'Promoted' : k.attrs.role === 'Slave' ? 'Unpromoted' : k.attrs.role;
        instances.push({
          id: k.attrs.id,
          agent: k.attrs.resource_agent.replace('::', ':'),
          role,
          nodes: k.kids.filter((n) => n.name === 'node').map((n) => n.attrs.name),
          parent,
        });
      } else if (k.name === 'group' || k.name === 'clone' || k.name === 'bundle') {
        walk(k, k.attrs.id);
      } else if (k.name === 'replica') {
        walk(k, parent);
      }
    }
  };
  const resources = root.kids.find((k) => k.name === 'resources');
  if (resources) walk(resources, null);

  const nodes: RefNode[] = [];
  let notInText = 0;
  let guestHostsUnstated = 0;
  for (const n of root.kids.find((k) => k.name === 'nodes')?.kids ?? []) {
    if (n.name !== 'node') continue;
    // Type and guest host: crm_mon's own words in its text output (Node / RemoteNode / GuestNode name@host).
    const said = text.find((t) => t.name === n.attrs.name);
    // crm_mon 2.0's text leaves out an offline guest node of a stopped bundle: there the XML's
    // own words are the statement (type="remote" with id_as_resource is a guest), and the test
    // counts those nodes so the number cannot grow unseen.
    if (!said) notInText++;
    // Nor does 2.0 state a guest's container host: its lists' "@HOST" is the connection's node.
    const hostUnstated = !said || said.fromList;
    if (hostUnstated && n.attrs.id_as_resource) guestHostsUnstated++;
    const type = said?.type ?? (n.attrs.type === 'remote' && n.attrs.id_as_resource ? 'guest' : `not in crm_mon's text output (XML type ${n.attrs.type})`);
    const host = hostUnstated ? undefined : (said?.host ?? null);
    const container = type === 'guest' ? (n.attrs.id_as_resource ?? n.attrs.container_id ?? null) : null;
    const flags: Record<string, boolean> = {};
    for (const [k, attr] of Object.entries(FLAG_ATTRS)) flags[k] = n.attrs[attr] === 'true';
    nodes.push({ name: n.attrs.name, id: n.attrs.id, type, flags, resourcesRunning: Number(n.attrs.resources_running), host, container });
  }
  return { nodes, instances, notInText, guestHostsUnstated };
}

// ---- comparison ---------------------------------------------------------------------------------

function compare(file: string, r: CrmMonResult, ref: ReturnType<typeof referenceReading>, problems: string[]): void {
  const p = (msg: string) => problems.push(`${file}: ${msg}`);
  if (r.nodes.length !== ref.nodes.length) p(`${r.nodes.length} nodes parsed, ${ref.nodes.length} in the XML`);
  ref.nodes.forEach((rn, k) => {
    const n = r.nodes[k];
    if (!n) return;
    const got = {
      name: n.name, id: n.id, type: n.type, resourcesRunning: n.resourcesRunning, host: n.host, container: n.container,
      flags: Object.fromEntries(Object.keys(FLAG_ATTRS).map((f) => [f, n[f as keyof typeof n]])),
    };
    const want = { name: rn.name, id: rn.id, type: rn.type, resourcesRunning: rn.resourcesRunning, host: rn.host === undefined ? n.host : rn.host, container: rn.container, flags: rn.flags };
    if (JSON.stringify(got) !== JSON.stringify(want)) p(`node ${rn.name}: parsed ${JSON.stringify(got)}, XML says ${JSON.stringify(want)}`);
  });
  if (r.instances.length !== ref.instances.length) p(`${r.instances.length} instances parsed, ${ref.instances.length} in the XML`);
  ref.instances.forEach((ri, k) => {
    const i = r.instances[k];
    if (!i) return;
    const got = { id: i.id, role: i.role, nodes: i.nodes, parent: i.parent };
    const want = { id: ri.id, role: ri.role, nodes: ri.nodes, parent: ri.parent };
    if (JSON.stringify(got) !== JSON.stringify(want)) p(`instance #${k}: parsed ${JSON.stringify(got)}, XML says ${JSON.stringify(want)}`);
  });
}

for (const pcmk of PACEMAKERS) describe(`conformance: crm_mon ${pcmk.series} (${pcmk.debian}) on every Pacemaker regression CIB`, () => {
  itOn(pcmk, 'agrees with crm_mon on every node and every resource instance', 1_800_000, async () => {
    const manifest = readManifest();
    const version = await crmMonVersion(pcmk);
    const problems: string[] = [];
    const totals = {
      pacemaker: version,
      crmMonArgs: CRM_MON_ARGS,
      files: 0,
      parsed: 0,
      crmMonRejected: 0,
      crmMonRejectedFiles: [] as string[],
      nodes: 0,
      memberNodes: 0,
      remoteNodes: 0,
      guestNodes: 0,
      instances: 0,
      bundles: 0,
      failures: 0,
      failcounts: 0,
      operations: 0,
      tickets: 0,
      bans: 0,
      legacyFilesCompared: 0,
      nodesOnlyInXml: 0,
      guestHostsNotStated: 0,
      crmMonErrorWithExit0: 0,
      parseMs: 0,
      wallMs: 0,
    };
    const started = performance.now();
    {
      await pool(manifest, WORKERS, async (row, index) => {
        const run = await crmMon(pcmk, row.file, CRM_MON_ARGS);
        totals.files++;
        if (run.code === null) {
          problems.push(`${row.file}: crm_mon did not run: ${run.stderr || run.signal}`);
          return;
        }
        if (run.code !== 0) {
          totals.crmMonRejected++;
          totals.crmMonRejectedFiles.push(row.file);
          try {
            parseCrmMon(run.stdout);
            problems.push(`${row.file}: crm_mon exited ${run.code} but the output parsed without an error`);
          } catch (e) {
            if (!(e instanceof CrmMonParseError)) problems.push(`${row.file}: crash on rejected output: ${String(e)}`);
            else if (e.message.length < 20) problems.push(`${row.file}: unclear error message: ${e.message}`);
          }
          return;
        }
        let r: CrmMonResult;
        const t0 = performance.now();
        try {
          r = parseCrmMon(run.stdout);
        } catch (e) {
          if (e instanceof CrmMonParseError && /^crm_mon printed no cluster status: \S/.test(e.message)) {
            // crm_mon 3.0.0 exits 0 with <status code="0" message="OK"> and its error inside
            // <errors> when it rejects a CIB: a rejection, which the parser reports as crm_mon's error.
            totals.crmMonRejected++;
            totals.crmMonRejectedFiles.push(row.file);
            totals.crmMonErrorWithExit0++;
            return;
          }
          problems.push(`${row.file}: parse failed: ${String(e)}`);
          return;
        }
        totals.parseMs += performance.now() - t0;
        totals.parsed++;
        if (r.warnings.length > 0) problems.push(`${row.file}: warnings ${JSON.stringify(r.warnings)}`);
        const text = await crmMon(pcmk, row.file, TEXT_NODE_ARGS);
        if (text.code !== 0) {
          problems.push(`${row.file}: crm_mon text exited ${text.code}: ${text.stderr.slice(0, 200)}`);
          return;
        }
        const ref = referenceReading(run.stdout, parseNodeList(text.stdout));
        totals.nodesOnlyInXml += ref.notInText;
        totals.guestHostsNotStated += ref.guestHostsUnstated;
        compare(row.file, r, ref, problems);
        if (r.cluster.counts.nodes !== row.nodes || r.cluster.counts.resources !== row.resources) {
          problems.push(`${row.file}: counts ${JSON.stringify(r.cluster.counts)} differ from MANIFEST (${row.nodes} nodes, ${row.resources} resources)`);
        }
        const guests = r.nodes.filter((n) => n.type === 'guest').length;
        const remotes = r.nodes.filter((n) => n.type === 'remote').length;
        if ((guests > 0) !== row.features.has('mon:guest-node')) problems.push(`${row.file}: ${guests} guest nodes but MANIFEST mon:guest-node=${row.features.has('mon:guest-node')}`);
        if ((remotes > 0) !== row.features.has('mon:remote-node')) problems.push(`${row.file}: ${remotes} remote nodes but MANIFEST mon:remote-node=${row.features.has('mon:remote-node')}`);
        for (const n of r.nodes) {
          if (n.type === 'guest' && n.online && n.host === null && r.instances.some((i) => i.id === n.container && i.active)) {
            problems.push(`${row.file}: guest ${n.name} is online, its container is active, but no host`);
          }
        }

        totals.nodes += r.nodes.length;
        totals.memberNodes += r.nodes.filter((n) => n.type === 'member').length;
        totals.remoteNodes += remotes;
        totals.guestNodes += guests;
        totals.instances += r.instances.length;
        totals.bundles += r.tree.filter((t) => t.kind === 'bundle').length;
        totals.failures += r.failures.length;
        totals.failcounts += r.failcounts.length;
        totals.operations += r.operations.length;
        totals.tickets += r.tickets.length;
        totals.bans += r.bans.length;

        if (index % LEGACY_EVERY === 0) {
          const legacy = await crmMon(pcmk, row.file, LEGACY_CRM_MON_ARGS);
          if (legacy.code !== 0) {
            problems.push(`${row.file}: legacy crm_mon exited ${legacy.code}: ${legacy.stderr.slice(0, 200)}`);
          } else {
            try {
              const l = parseCrmMon(legacy.stdout);
              if (l.format !== 'legacy-crm_mon') problems.push(`${row.file}: legacy output not detected as legacy`);
              if (JSON.stringify(l.nodes) !== JSON.stringify(r.nodes)) problems.push(`${row.file}: legacy nodes differ`);
              if (JSON.stringify(l.instances) !== JSON.stringify(r.instances)) problems.push(`${row.file}: legacy instances differ`);
              totals.legacyFilesCompared++;
            } catch (e) {
              problems.push(`${row.file}: legacy parse failed: ${String(e)}`);
            }
          }
        }
      });
    }
    totals.wallMs = Math.round(performance.now() - started);
    totals.parseMs = Math.round(totals.parseMs);
    totals.crmMonRejectedFiles.sort();
    // The committed file keeps the counts only (timings differ run to run and are printed).
    const { parseMs: _p, wallMs: _w, ...counts } = totals;
    if (process.env.PCMK_UPDATE_TOTALS === '1') writeFileSync(totalsFile(pcmk), `${JSON.stringify(counts, null, 2)}\n`);
    console.log(`conformance totals (Pacemaker ${pcmk.series}): ${JSON.stringify({ ...totals, crmMonRejectedFiles: totals.crmMonRejectedFiles.length })}`);

    expect(problems.slice(0, 50)).toEqual([]);
    expect(manifest.length).toBe(809);
    expect(totals.files).toBe(809);
    expect(totals.parsed + totals.crmMonRejected).toBe(809);
    expect(totals.guestNodes).toBeGreaterThan(0);
    expect(totals.remoteNodes).toBeGreaterThan(0);
    expect(totals.bundles).toBeGreaterThan(0);
    // The totals are part of the claim: a file, node or instance that stops being read shows here.
    expect(counts).toEqual(JSON.parse(readFileSync(totalsFile(pcmk), 'utf8')));
  });
});
