import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCorosyncInfo, parseCfgtool, parseCmapctl, parseQuorumtool } from '../../../../src/agent/parse/corosync.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.resolve(here, '../../../../../shared/corpus/tool-output');
const FIXTURES = path.resolve(here, '../../../fixtures/corosync');

/** The corpus lives outside the repository; its absence is a failure, never a skip. */
function corpus(file: string): string {
  const p = path.join(CORPUS, file);
  if (!existsSync(p)) {
    throw new Error(
      `corosync tool-output corpus file missing: ${p}. These tests read ../shared/corpus/tool-output/ ` +
        '(next to the project checkout); restore it before running the tests.',
    );
  }
  return readFileSync(p, 'utf8');
}
const fixture = (file: string): string => readFileSync(path.join(FIXTURES, file), 'utf8');

/** Rows of a corpus INDEX.tsv: file name and the tool_command column. */
function index(dir: string): { file: string; command: string; fidelity: string }[] {
  const [head, ...rows] = corpus(`${dir}/INDEX.tsv`).trim().split('\n');
  const cols = head.split('\t');
  const at = (c: string[], name: string): string => c[cols.indexOf(name)] ?? '';
  return rows.map((r) => {
    const c = r.split('\t');
    return { file: `${dir}/${at(c, 'file')}`, command: at(c, 'tool_command'), fidelity: at(c, 'fidelity') };
  });
}

/** Independent reading of a membership table: the rows under "Membership information". */
function membershipRows(text: string): string[][] {
  const at = text.indexOf('Membership information');
  return text
    .slice(at)
    .split('\n')
    .slice(2)
    .map((l) => l.trim())
    .filter((l) => /^(\d+|0x[0-9a-f]+)\s/.test(l))
    .map((l) => l.split(/\s+/));
}

describe('every corosync output in the corpus', () => {
  it('parses without warnings and agrees with a plain reading of the text', () => {
    const rows = [...index('corosync-2'), ...index('corosync-3')];
    expect(rows.length).toBe(19);
    for (const { file, command, fidelity } of rows) {
      const text = corpus(file);
      if (command.includes('quorumtool')) {
        const r = parseQuorumtool(text);
        expect(r.warnings, file).toEqual([]);
        const table = membershipRows(text).filter((t) => t[0] !== '0');
        expect(r.members.map((m) => m.nodeId), file).toEqual(table.map((t) => String(Number(t[0]))));
        expect(r.members.filter((m) => m.local).length, file).toBe(1);
        // Fixtures whose values were altered by hand can disagree with themselves here.
        if (!fidelity.includes('values altered')) expect(r.members.find((m) => m.local)?.nodeId, file).toBe(r.quorum.nodeId);
        const quorate = /^Quorate:\s+(\w+)/m.exec(text)?.[1];
        expect(r.quorum.quorate, file).toBe(quorate === undefined ? null : quorate === 'Yes');
        const total = /^Total votes:\s+(\d+)/m.exec(text)?.[1];
        expect(r.quorum.totalVotes, file).toBe(total === undefined ? null : Number(total));
        expect(r.quorum.ringId, file).toBe(/^Ring ID:\s+(\S+)/m.exec(text)?.[1] ?? null);
      } else if (command.includes('cmapctl')) {
        const r = parseCmapctl(text);
        expect(r.warnings, file).toEqual([]);
        expect(r.members.length, file).toBe(count(text, /members\.\d+\.status /g));
        for (const m of r.members) {
          expect(m.status, file).toBe('joined');
          expect(m.addresses.length, file).toBe(1);
        }
      } else {
        const r = parseCfgtool(text);
        expect(r.warnings, file).toEqual([]);
        expect(new Set(r.links.map((l) => l.linkId)).size, file).toBe(count(text, /^(RING|LINK|Link) ID \d+/gm));
        expect(r.localNodeId, file).toBe(/^Local node ID (\d+)/m.exec(text)?.[1]);
      }
    }
  });
});

function count(text: string, re: RegExp): number {
  return (text.match(re) ?? []).length;
}

describe('parseQuorumtool', () => {
  it('corosync 3.1.7 -s (sandbox)', () => {
    const r = parseQuorumtool(fixture('3.1.7-quorumtool-s.txt'));
    expect(r).toEqual({
      quorum: { quorate: true, expectedVotes: 3, highestExpected: 3, totalVotes: 3, quorum: 2, flags: ['Quorate'], ringId: '1.1f', nodeId: '1' },
      members: [
        { nodeId: '1', name: 'cluster-1', addresses: [], status: 'joined', votes: 1, local: true },
        { nodeId: '2', name: 'cluster-2', addresses: [], status: 'joined', votes: 1, local: false },
        { nodeId: '3', name: 'cluster-3', addresses: [], status: 'joined', votes: 1, local: false },
      ],
      provider: 'corosync_votequorum',
      nodeCount: 3,
      activityBlocked: false,
      qdeviceStates: {},
      qdevice: null,
      warnings: [],
    });
  });

  it('corosync 3.1.7 -s -p, -s -H -a (hex ids), -s -i (addresses), -l', () => {
    const p = parseQuorumtool(fixture('3.1.7-quorumtool-s-p.txt'));
    expect(p.qdeviceStates).toEqual({ 1: 'NR', 2: 'NR', 3: 'NR' });
    expect(p.members.find((m) => m.local)?.name).toBe('cluster-2');
    const hex = parseQuorumtool(fixture('3.1.7-quorumtool-s-H-a.txt'));
    expect(hex.quorum.nodeId).toBe('3');
    expect(hex.members.map((m) => [m.nodeId, m.name, m.local])).toEqual([
      ['1', 'cluster-1', false],
      ['2', 'cluster-2', false],
      ['3', 'cluster-3', true],
    ]);
    const ip = parseQuorumtool(fixture('3.1.7-quorumtool-s-i.txt'));
    expect(ip.members.map((m) => m.addresses)).toEqual([['198.51.100.11'], ['198.51.100.12'], ['198.51.100.13']]);
    const l = parseQuorumtool(fixture('3.1.7-quorumtool-l.txt'));
    expect(l.quorum).toEqual({ quorate: null, expectedVotes: null, highestExpected: null, totalVotes: null, quorum: null, flags: [], ringId: null, nodeId: '1' });
    expect(l.members.map((m) => m.name)).toEqual(['cluster-1', 'cluster-2', 'cluster-3']);
    for (const r of [p, hex, ip, l]) expect(r.warnings).toEqual([]);
  });

  it('no quorum: Activity blocked, empty flags', () => {
    const r = parseQuorumtool(corpus('corosync-2/pcs-test-no-quorate-no-qdevice-quorumtool-s-p.txt'));
    expect(r.quorum).toMatchObject({ quorate: false, quorum: 2, expectedVotes: 3, totalVotes: 1, flags: [], ringId: '19868' });
    expect(r.activityBlocked).toBe(true);
  });

  it('quorum device rows, casting or not', () => {
    expect(parseQuorumtool(corpus('corosync-2/pcs-test-quorate-with-qdevice-quorumtool-s-p.txt')).qdevice).toEqual({ name: 'Qdevice', votes: 4, castingVote: true });
    const lost = parseQuorumtool(corpus('corosync-2/pcs-test-quorate-with-qdevice-lost-quorumtool-s-p.txt'));
    expect(lost.qdevice).toEqual({ name: 'Qdevice', votes: 4, castingVote: false });
    expect(lost.qdeviceStates).toEqual({ 1: 'NA,V,MNW', 2: 'NA,V,MNW', 3: 'NA,V,MNW' });
    expect(lost.quorum.flags).toEqual(['Quorate', 'Qdevice']);
    const fake = parseQuorumtool(corpus('corosync-2/ha_cluster_exporter-fake_corosync-quorumtool.txt'));
    expect(fake.qdeviceStates['1084783376']).toBe('A,V,NMW');
    expect(fake.members.map((m) => m.nodeId)).toEqual(['1084783375', '1084783376']);
  });

  it('corosync 2.x flags and ring ids', () => {
    const r = parseQuorumtool(corpus('corosync-2/ha_cluster_exporter-AnotherExample-quorumtool.txt'));
    expect(r.quorum).toEqual({ quorate: true, expectedVotes: 2, highestExpected: 2, totalVotes: 2, quorum: 1, flags: ['2Node', 'Quorate', 'WaitForAll'], ringId: '1/8', nodeId: '2' });
    expect(r.members.map((m) => [m.name, m.addresses])).toEqual([
      ['192.168.127.20', ['192.168.127.20']],
      ['192.168.127.21', ['192.168.127.21']],
    ]);
  });
});

describe('parseCmapctl', () => {
  it('full corosync 3.1.7 map (sandbox)', () => {
    const text = fixture('3.1.7-cmapctl.txt');
    const r = parseCmapctl(text);
    expect(r.clusterName).toBe('sandbox');
    expect(r.transport).toBe('knet');
    expect(r.localNodeId).toBe('1');
    expect(r.members).toEqual([
      { nodeId: '1', name: 'cluster-1', addresses: ['198.51.100.11'], status: 'joined', votes: 1, local: true },
      { nodeId: '2', name: 'cluster-2', addresses: ['198.51.100.12'], status: 'joined', votes: 1, local: false },
      { nodeId: '3', name: 'cluster-3', addresses: ['198.51.100.13'], status: 'joined', votes: 1, local: false },
    ]);
    expect(r.nodelist.map((n) => [n.position, n.nodeId, n.name, n.addresses])).toEqual([
      ['0', '1', 'cluster-1', ['198.51.100.11']],
      ['1', '2', 'cluster-2', ['198.51.100.12']],
      ['2', '3', 'cluster-3', ['198.51.100.13']],
    ]);
    expect(r.votequorum).toMatchObject({ this_node_id: '1', two_node: '0', ev_barrier: '3' });
    expect(r.quorumConfig).toEqual({ provider: 'corosync_votequorum' });
    expect(r.warnings).toEqual([]);
  });

  it('corosync 2 member keys (runtime.totem.pg.mrp.srp.members)', () => {
    const r = parseCmapctl(corpus('corosync-2/pacemaker-doc-1.1.24-cmapctl-members.txt'));
    expect(r.members.map((m) => [m.nodeId, m.addresses, m.status])).toEqual([
      ['1', ['192.168.122.101'], 'joined'],
      ['2', ['192.168.122.102'], 'joined'],
    ]);
  });

  it('a member that left, a node never seen, two rings (real lines rearranged)', () => {
    const lines = fixture('3.1.7-cmapctl.txt')
      .split('\n')
      .filter((l) => !l.startsWith('runtime.members.3.'))
      .map((l) => l.replace('runtime.members.2.status (str) = joined', 'runtime.members.2.status (str) = left'))
      .map((l) => l.replace('runtime.members.1.ip (str) = r(0) ip(198.51.100.11) ', 'runtime.members.1.ip (str) = r(0) ip(198.51.100.11) r(1) ip(198.51.100.111) '));
    const r = parseCmapctl(lines.join('\n'));
    expect(r.members.map((m) => [m.nodeId, m.status, m.addresses])).toEqual([
      ['1', 'joined', ['198.51.100.11', '198.51.100.111']],
      ['2', 'left', ['198.51.100.12']],
      ['3', null, ['198.51.100.13']],
    ]);
  });
});

describe('parseCfgtool', () => {
  it('corosync 3.1.7 -s: one entry per node on each knet link', () => {
    const r = parseCfgtool(fixture('3.1.7-cfgtool-s.txt'));
    expect(r).toEqual({
      localNodeId: '1',
      transport: 'knet',
      links: [
        { linkId: '0', nodeId: '1', address: '198.51.100.11', status: 'localhost', connected: true },
        { linkId: '0', nodeId: '2', address: null, status: 'connected', connected: true },
        { linkId: '0', nodeId: '3', address: null, status: 'connected', connected: true },
      ],
      warnings: [],
    });
  });

  it('corosync 3.1.7 -s -b: brief status per link', () => {
    expect(parseCfgtool(fixture('3.1.7-cfgtool-s-b.txt')).links).toEqual([
      { linkId: '0', nodeId: null, address: '198.51.100.12', status: '3n3', connected: true },
    ]);
    const down = fixture('3.1.7-cfgtool-s-b.txt').replace('3n3', '1n3');
    expect(parseCfgtool(down).links[0].connected).toBe(false);
  });

  it('corosync 3.1.7 with a disconnected peer', () => {
    const text = fixture('3.1.7-cfgtool-s.txt').replace(/(nodeid:\s+3:\t)connected/, '$1disconnected');
    const r = parseCfgtool(text);
    expect(r.links[2]).toEqual({ linkId: '0', nodeId: '3', address: null, status: 'disconnected', connected: false });
  });

  it('corosync 2 rings: FAULTY is not connected', () => {
    const r = parseCfgtool(corpus('corosync-2/ha_cluster_exporter-fake_corosync-cfgtool.txt'));
    expect(r.links.map((l) => [l.linkId, l.address, l.connected])).toEqual([
      ['0', '10.0.0.1', false],
      ['1', '172.16.0.1', true],
    ]);
  });

  it('corosync 3.0.2-3.1.0 node lines ("nodeid  2:")', () => {
    const r = parseCfgtool(corpus('corosync-3/pacemaker-doc-2.1.4-cfgtool-s.txt'));
    expect(r.links.map((l) => [l.nodeId, l.status])).toEqual([
      ['1', 'localhost'],
      ['2', 'connected'],
    ]);
    expect(r.transport).toBeNull();
  });
});

describe('buildCorosyncInfo', () => {
  const all = {
    quorumtool: fixture('3.1.7-quorumtool-s.txt'),
    cmapctl: fixture('3.1.7-cmapctl.txt'),
    cfgtool: fixture('3.1.7-cfgtool-s.txt'),
  };

  it('combines the three tools of one node', () => {
    const { info, warnings } = buildCorosyncInfo(all);
    expect(warnings).toEqual([]);
    expect(info.clusterName).toBe('sandbox');
    expect(info.transport).toBe('knet');
    expect(info.members.map((m) => [m.nodeId, m.name, m.addresses, m.status, m.votes, m.local])).toEqual([
      ['1', 'cluster-1', ['198.51.100.11'], 'joined', 1, true],
      ['2', 'cluster-2', ['198.51.100.12'], 'joined', 1, false],
      ['3', 'cluster-3', ['198.51.100.13'], 'joined', 1, false],
    ]);
    expect(info.quorum).toMatchObject({ quorate: true, quorum: 2, totalVotes: 3, nodeId: '1' });
    // Peer addresses on each link come from cmapctl's per-ring addresses.
    expect(info.links.map((l) => [l.nodeId, l.address, l.connected])).toEqual([
      ['1', '198.51.100.11', true],
      ['2', '198.51.100.12', true],
      ['3', '198.51.100.13', true],
    ]);
  });

  it('works with any subset, and with nothing', () => {
    const onlyQuorum = buildCorosyncInfo({ quorumtool: all.quorumtool });
    expect(onlyQuorum.info.members.map((m) => m.name)).toEqual(['cluster-1', 'cluster-2', 'cluster-3']);
    expect(onlyQuorum.info.links).toEqual([]);
    const onlyLinks = buildCorosyncInfo({ cfgtool: all.cfgtool });
    expect(onlyLinks.info.quorum.nodeId).toBe('1');
    expect(onlyLinks.info.transport).toBe('knet');
    expect(buildCorosyncInfo({})).toEqual({
      info: {
        clusterName: null,
        transport: null,
        members: [],
        quorum: { quorate: null, expectedVotes: null, highestExpected: null, totalVotes: null, quorum: null, flags: [], ringId: null, nodeId: null },
        links: [],
      },
      warnings: [],
    });
  });
});

describe('garbage in: warnings, never a crash', () => {
  const garbage = ['', '\n\n', '\u0000\u0001binary\uffff', '{"json": true}', '<pacemaker-result/>', 'Could not initialize corosync configuration API error 2', 'Cannot initialize CMAP service'];

  it('each parser tolerates garbage', () => {
    for (const g of garbage) {
      for (const parse of [parseQuorumtool, parseCmapctl, parseCfgtool]) {
        const r = parse(g);
        if (g.trim() === '') expect(r.warnings).toEqual([]);
        else expect(r.warnings.length, `${parse.name}(${JSON.stringify(g)})`).toBeGreaterThan(0);
      }
    }
    expect(parseCfgtool('Cannot initialise CFG service').warnings).toEqual([{ section: 'corosync.cfgtool', message: 'output is not corosync-cfgtool output' }]);
    expect(parseQuorumtool(null as unknown as string).members).toEqual([]);
  });

  it('garbage numbers become warnings and null fields', () => {
    const text = fixture('3.1.7-quorumtool-s.txt').replace('Expected votes:   3', 'Expected votes:   three').replace('Quorate:          Yes', 'Quorate:          Maybe');
    const r = parseQuorumtool(text);
    expect(r.quorum.expectedVotes).toBeNull();
    expect(r.quorum.quorate).toBeNull();
    expect(r.quorum.totalVotes).toBe(3);
    expect(r.warnings).toEqual([
      { section: 'corosync.quorumtool', message: 'Quorate "Maybe" is neither Yes nor No' },
      { section: 'corosync.quorumtool', message: 'Expected votes "three" is not a number' },
    ]);
  });

  it('every truncation of every real capture parses without throwing', () => {
    const files = ['3.1.7-quorumtool-s.txt', '3.1.7-quorumtool-s-p.txt', '3.1.7-cmapctl.txt', '3.1.7-cfgtool-s.txt', '3.1.7-cfgtool-s-b.txt'];
    for (const f of files) {
      const text = fixture(f);
      for (let cut = 0; cut <= text.length; cut += 7) {
        const part = text.slice(0, cut);
        expect(() => buildCorosyncInfo({ quorumtool: part, cmapctl: part, cfgtool: part })).not.toThrow();
      }
    }
  });
});
