import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, captured } from '../../../src/agent/snapshot.js';
import { parseArgs, UsageError } from '../../../src/commands/args.js';
import { toAction } from '../../../src/commands/main.js';
import { renderConstraints, renderNodes, renderStatus } from '../../../src/commands/render.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/sandbox');
const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
const snap = buildSnapshot(
  {
    crmMon: captured('crm_mon', read('crm_mon.xml')),
    cib: captured('cibadmin', read('cib-configuration.xml')),
    quorumtool: captured('corosync-quorumtool', read('corosync-quorumtool-s.txt')),
    cmapctl: captured('corosync-cmapctl', read('corosync-cmapctl.txt')),
    cfgtool: captured('corosync-cfgtool', read('corosync-cfgtool-s.txt')),
  },
  { now: new Date('2026-11-23T21:00:00Z') },
);

describe('pcmk text rendering', () => {
  it('prints the status of the sandbox cluster', () => {
    const text = renderStatus(snap).join('\n');
    expect(text).toMatch(/^Cluster sandbox {2}corosync {2}DC cluster-\d {2}partition with quorum/);
    expect(text).toContain('stonith enabled');
    const guest = snap.nodes.find((n) => n.name === 'guest-1')!;
    expect(text).toMatch(new RegExp(`guest-1\\s+guest\\s+online\\s+\\d+\\s+${guest.host} \\(guest-1-vm\\)`));
    expect(text).toMatch(/remote-1\s+remote\s+online/);
    expect(text).toMatch(/ {2}docker\s+group\s+2\/2 up\s+cluster-\d\n {4}dockerIP/);
    expect(text).toContain('votes 3/3 (quorum 2)');
    // dlm-clone is kept off remote and guest nodes by a rule: its two stopped instances cannot
    // run anywhere and say so; the clone is fully up.
    expect(text).toMatch(/ {2}dlm-clone\s+clone\s+3\/3 up \(2 not allowed on any node\)/);
    const stopped = text.split('\n').filter((l) => /^\s+dlm\s.*Stopped/.test(l));
    expect(stopped).toHaveLength(2);
    for (const l of stopped) expect(l).toContain('(not allowed on any node)');
  });

  it('marks the DC and lists no leftovers on a clean cluster', () => {
    const nodes = renderNodes(snap).join('\n');
    expect(nodes).toContain(`${snap.cluster.dc} (DC)`);
    expect(renderConstraints(snap, undefined, true)).toEqual([]);
  });
});

describe('pcmk arguments', () => {
  it('turns command words into named action requests', () => {
    expect(toAction(parseArgs(['move', 'dregistry', 'cluster-2', '--keep-constraint']))).toMatchObject({ name: 'move', resource: 'dregistry', node: 'cluster-2', keepConstraint: true });
    expect(toAction(parseArgs(['maintenance', 'on', '--cluster']))).toEqual({ name: 'cluster-maintenance', state: 'on' });
    expect(toAction(parseArgs(['maintenance', 'on', '--resource', 'db']))).toEqual({ name: 'resource-maintenance', resource: 'db', state: 'on' });
    expect(toAction(parseArgs(['maintenance', 'off', 'cluster-2']))).toEqual({ name: 'node-maintenance', node: 'cluster-2', state: 'off' });
    expect(() => toAction(parseArgs(['maintenance', 'on', 'cluster-2', '--cluster']))).toThrow(/exactly one scope/);
    expect(toAction(parseArgs(['failcount', 'reset', 'dregistry', '--node', 'cluster-1']))).toMatchObject({ name: 'failcount-reset', resource: 'dregistry', node: 'cluster-1' });
    expect(() => toAction(parseArgs(['maintenance', 'on']))).toThrow(UsageError);
    expect(() => toAction(parseArgs(['move']))).toThrow(/needs a resource/);
  });

  it('parses connection options the same way for every command', () => {
    const p = parseArgs(['--host', 'a,b', '--host', 'c', '-F', 'cfg', '--known-hosts', 'kh', '--timeout', '3', '--wait=30', 'status']);
    expect(p.options).toMatchObject({ hosts: ['a', 'b', 'c'], sshConfig: 'cfg', knownHosts: ['kh'], timeoutMs: 3000, wait: 30 });
    expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown option --frobnicate/);
    expect(() => parseArgs(['--timeout', 'x'])).toThrow(UsageError);
  });

  it('refuses two places to read at once instead of choosing one silently', () => {
    expect(() => parseArgs(['status', '--host', 'cluster-1', '--cib', 'cib.xml'])).toThrow(
      '--cib and --host name different places to read: give one of --cib FILE, --local, --host H,... or --cluster NAME',
    );
    expect(() => parseArgs(['--local', '--cluster', 'prod', 'status'])).toThrow(/^--local and --cluster name different places/);
    // `maintenance on --cluster` (no value) is the whole cluster, not a target.
    expect(parseArgs(['maintenance', 'on', '--cluster', '--host', 'cluster-1']).options.hosts).toEqual(['cluster-1']);
  });
});
