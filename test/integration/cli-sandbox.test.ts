/**
 * `pcmk` end to end: the real CLI (node bin/pcmk.js) over real SSH to the sandbox members, checked
 * against the cluster itself (crm_resource / cibadmin / crm_attribute run inside a member).
 * Reads, changes with their exit codes, dry runs and refusals that leave the CIB unchanged, the
 * audit log, the inventory, and transport faults (sshd stopped, changed host key, a silent host).
 *
 * Every test starts from a settled cluster (waited for, bounded), and every changing test puts
 * the cluster back the way it found it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NOT_READ_ON_PEER } from '../../src/model/snapshot.js';
import { attrsOf, crmMonNodes, knownHosts, locate, members, onMemberAsync, onNode, pending, root, sandboxScript, sshConfig, waitFor, whyUnsettled } from './sandbox-env.js';

const bin = path.join(root, 'bin/pcmk.js');
const ssh = ['--host', members.join(','), '-F', sshConfig, '--known-hosts', knownHosts];

let tmp: string;
/** The CLI's own HOME / state / config: the test owns its audit log and inventory. */
let cliEnv: NodeJS.ProcessEnv;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'pcmk-cli-'));
  cliEnv = {
    ...process.env,
    HOME: path.join(tmp, 'home'),
    XDG_STATE_HOME: path.join(tmp, 'state'),
    PCMK_CONFIG_DIR: path.join(tmp, 'config'),
    NO_COLOR: '1',
  };
  return () => rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the real CLI with stdin a pipe (no TTY), a timeout, and the test's HOME. */
function pcmk(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { cwd: root, env: opts.env ?? cliEnv, timeout: opts.timeoutMs ?? 120_000, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 },
      (e, stdout, stderr) => {
        const err = e as (Error & { code?: number | string; killed?: boolean; signal?: string }) | null;
        if (err && (err.killed || err.signal)) {
          reject(new Error(`pcmk ${args.join(' ')} was killed (${err.signal ?? 'timeout'}) after ${Date.now() - t0} ms\n${stderr}`));
          return;
        }
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - t0 });
      },
    );
    child.stdin?.end();
  });
}

function parseJson<T = Record<string, unknown>>(r: Run): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 500)}\nstderr: ${r.stderr.slice(0, 500)}`);
  }
}

/**
 * Null when the cluster has settled (sandbox-env) and is as these tests expect it to start: no
 * node in standby, dregistry, dockerIP and dockerd started, no failure of dregistry; else why not.
 */
async function unsettledReason(): Promise<string | null> {
  const why = await whyUnsettled();
  if (why) return why;
  const xml = await onMemberAsync(['crm_mon', '-1', '--output-as=xml'], 15_000);
  const standby = [...crmMonNodes(xml)].filter(([, a]) => a.standby === 'true').map(([n]) => n);
  if (standby.length) return `in standby: ${standby.join(', ')}`;
  for (const r of ['dregistry', 'dockerIP', 'dockerd']) {
    const a = attrsOf(new RegExp(`<resource id="${r}"[^>]*>`).exec(xml)?.[0] ?? '');
    if (a.role !== 'Started' || a.active !== 'true' || a.failed !== 'false') return `${r} not started (role ${a.role}, failed ${a.failed})`;
  }
  if (/<failure\b[^>]*op_key="dregistry_/.test(xml)) return 'a failure of dregistry is recorded';
  return null;
}

async function settle(): Promise<void> {
  await waitFor(
    'a settled cluster with dregistry started, no failure of it and no node in standby',
    async () => {
      const why = await unsettledReason();
      return why === null || pending(why);
    },
    240_000,
    1000,
  );
}

/** Everything a refused or dry-run command must leave alone. */
function cibState(): { epoch: string; configuration: string; constraints: string } {
  const head = onNode('cluster-1', ['cibadmin', '--query', '--xpath', '/cib', '--no-children']);
  const a = attrsOf(head);
  return {
    epoch: `${a.admin_epoch}:${a.epoch}`,
    configuration: onNode('cluster-1', ['cibadmin', '--query', '--scope', 'configuration']),
    constraints: onNode('cluster-1', ['cibadmin', '--query', '--scope', 'constraints']),
  };
}

/**
 * Runs fn (a refused or dry-run command and its own checks) once and asserts it left the CIB
 * unchanged, configuration and epoch. Once, never again on a difference: a refused command that
 * wrongly writes (standby on, a ban) changes the CIB the first time and may change nothing when
 * repeated.
 */
async function expectCibUnchangedBy(fn: () => Promise<void>): Promise<void> {
  const before = cibState();
  await fn();
  expect(cibState()).toEqual(before);
}

function cliConstraints(): string[] {
  const xml = onNode('cluster-1', ['cibadmin', '--query', '--scope', 'constraints']);
  return [...xml.matchAll(/id="(cli-(?:prefer|ban)-[^"]+)"/g)].map((m) => m[1]!).sort();
}

function standbyOf(node: string): string {
  try {
    const out = onNode('cluster-1', ['crm_attribute', '--node', node, '--name', 'standby', '--query', '--lifetime', 'forever']);
    return /value=(\S+)/.exec(out)?.[1] ?? '';
  } catch (e) {
    // Never set on this node (a fresh cluster): crm_attribute exits 6, "No such device or address".
    if (/No such device or address/.test(String((e as { stderr?: unknown }).stderr ?? ''))) return '';
    throw e;
  }
}

/** Guest nodes of the podman bundle (dummy-bundle-N), when the sandbox runs it. */
const BUNDLE_NODE = /^dummy-bundle-\d+$/;

/** Put back what the changing tests may leave: our constraints, standby, failures; then settle. */
function restoreCluster(standbyNodes: string[] = []): void {
  for (const r of ['dregistry', 'docker']) onNode('cluster-1', ['crm_resource', '--clear', '--resource', r], 60_000);
  for (const n of standbyNodes) onNode('cluster-1', ['crm_attribute', '--node', n, '--name', 'standby', '--update', 'off', '--lifetime', 'forever']);
  onNode('cluster-1', ['crm_resource', '--cleanup', '--resource', 'dregistry'], 60_000);
  onNode('cluster-1', ['crm_resource', '--wait', '--timeout', '120s'], 150_000);
}

function otherMember(than: string): string {
  return members.find((m) => m !== than)!;
}

function sandbox(args: string[], timeout = 60_000): string {
  return execFileSync('bash', [sandboxScript, ...args], { encoding: 'utf8', timeout });
}

beforeEach(settle, 300_000);

describe('reading over SSH from three hosts', () => {
  it('status --json: every host live, no split view, the snapshot types every node', async () => {
    const r = await pcmk(['status', '--json', ...ssh]);
    expect(r.code, r.stderr).toBe(0);
    const j = parseJson<{
      hosts: Array<{ name: string; state: string; lastError: string | null; reachesCluster: boolean | null }>;
      splitView: boolean;
      primaryHost: string | null;
      snapshot: { cluster: { name: string; dc: string; quorate: boolean }; nodes: Array<{ name: string; type: string; online: boolean; host: string | null }> } | null;
    }>(r);
    expect(j.hosts.map((h) => [h.name, h.state, h.lastError, h.reachesCluster])).toEqual(members.map((m) => [m, 'live', null, true]));
    expect(j.splitView).toBe(false);
    expect(members).toContain(j.primaryHost);
    const s = j.snapshot!;
    expect(s.cluster.name).toBe('sandbox');
    expect(s.cluster.quorate).toBe(true);
    const dc = /Designated Controller is: (\S+)/.exec(onNode('cluster-1', ['crmadmin', '-D']))?.[1];
    expect(s.cluster.dc).toBe(dc);
    const types = Object.fromEntries(s.nodes.filter((n) => !BUNDLE_NODE.test(n.name)).map((n) => [n.name, `${n.type}:${n.online}`]));
    for (const n of s.nodes.filter((x) => BUNDLE_NODE.test(x.name))) expect(n.type).toBe('guest');
    expect(types).toEqual({
      'cluster-1': 'member:true',
      'cluster-2': 'member:true',
      'cluster-3': 'member:true',
      'remote-1': 'remote:true',
      'guest-1': 'guest:true',
    });
    expect(s.nodes.find((n) => n.name === 'guest-1')!.host).toBe(locate('guest-1-vm')[0]);
  });

  it('status --json: the first host is read whole and shown, the others read crm_mon alone and are compared', async () => {
    const r = await pcmk(['status', '--json', ...ssh]);
    expect(r.code, r.stderr).toBe(0);
    const j = parseJson<{ primaryHost: string | null; hosts: Array<{ name: string; dc: string | null; online: string[] }>; snapshot: { corosync: unknown; constraints: { location: unknown[] }; sources: Array<{ tool: string; error?: string }> } }>(r);
    expect(j.primaryHost).toBe(members[0]);
    expect(j.snapshot.corosync).not.toBeNull();
    expect(j.snapshot.sources.filter((x) => x.error === NOT_READ_ON_PEER)).toEqual([]);
    // Every host's DC and membership, the peer reads' included.
    const dc = /Designated Controller is: (\S+)/.exec(onNode('cluster-1', ['crmadmin', '-D']))?.[1];
    expect(j.hosts.map((h) => [h.name, h.dc, h.online])).toEqual(members.map((m) => [m, dc, members]));
  });

  it('status text names every host and node, DC and where dregistry runs', async () => {
    const r = await pcmk(['status', '--no-color', ...ssh]);
    expect(r.code, r.stderr).toBe(0);
    for (const m of members) expect(r.stdout).toMatch(new RegExp(`^\\s+${m}\\s+live\\b`, 'm'));
    const dc = /Designated Controller is: (\S+)/.exec(onNode('cluster-1', ['crmadmin', '-D']))?.[1];
    expect(r.stdout).toContain(`DC ${dc}`);
    expect(r.stdout).toMatch(new RegExp(`^\\s+dregistry\\s+ocf:pacemaker:Dummy\\s+Started\\s+${locate('dregistry')[0]}\\b`, 'm'));
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('nodes: members, the remote node and the guest with its host', async () => {
    const r = await pcmk(['nodes', '--no-color', ...ssh]);
    expect(r.code, r.stderr).toBe(0);
    for (const m of members) expect(r.stdout).toMatch(new RegExp(`^\\s+${m}(?: \\(DC\\))?\\s+member\\s+online\\b`, 'm'));
    expect(r.stdout).toMatch(/^\s+remote-1\s+remote\s+online\b/m);
    expect(r.stdout).toMatch(new RegExp(`^\\s+guest-1\\s+guest\\s+online\\s+\\d+\\s+${locate('guest-1-vm')[0]} \\(guest-1-vm\\)`, 'm'));
  });

  it('resources: the tree, one resource by id, and 105 for an unknown one', async () => {
    const all = await pcmk(['resources', '--no-color', ...ssh]);
    expect(all.code, all.stderr).toBe(0);
    for (const id of ['dlm-clone', 'docker', 'dockerIP', 'dockerd', 'dregistry', 'remote-1-dummy', 'guest-1-vm', 'guest-1-dummy']) {
      expect(all.stdout).toMatch(new RegExp(`^\\s+${id}\\s`, 'm'));
    }
    const one = await pcmk(['resources', 'dregistry', '--json', ...ssh]);
    expect(one.code).toBe(0);
    expect(parseJson<{ resources: Array<{ id: string }> }>(one).resources.map((x) => x.id)).toEqual(['dregistry']);
    const none = await pcmk(['resources', 'dregistri', ...ssh]);
    expect(none.code).toBe(105);
    expect(none.stderr).toContain('dregistri');
  });

  it('constraints: every constraint of the CIB is listed (location, order, colocation)', async () => {
    const ids = [...onNode('cluster-1', ['cibadmin', '--query', '--scope', 'constraints']).matchAll(/<rsc_\w+ id="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids).toContain('colocation-dregistry-with-docker');
    expect(ids).toContain('order-docker-then-dregistry');
    const r = await pcmk(['constraints', '--no-color', ...ssh]);
    expect(r.code, r.stderr).toBe(0);
    const listed = ids.filter((id) => r.stdout.includes(id));
    expect(listed).toEqual(ids);
    const j = parseJson<{ constraints: { location: unknown[]; order: unknown[]; colocation: unknown[] } }>(await pcmk(['constraints', '--json', ...ssh]));
    expect(j.constraints.location.length + j.constraints.order.length + j.constraints.colocation.length).toBe(ids.length);
  });
});

describe('changes over SSH', () => {
  afterEach(() => restoreCluster(), 200_000);

  it('move with auto-clear: dregistry runs on the target and no cli-prefer is left', async () => {
    const from = locate('dregistry')[0]!;
    const to = otherMember(from);
    const r = await pcmk(['move', 'dregistry', to, '--json', ...ssh]);
    expect(r.code, r.stderr + r.stdout.slice(0, 2000)).toBe(0);
    const j = parseJson<{ ok: boolean; result: { ok: boolean; steps: Array<{ status: string }> } }>(r);
    expect(j.ok).toBe(true);
    expect(j.result.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok']);
    expect(locate('dregistry')).toEqual([to]);
    expect(locate('dockerd')).toEqual([to]);
    expect(cliConstraints()).toEqual([]);
  });

  it('move --keep-constraint leaves cli-prefer-dregistry for the target until clear', async () => {
    const from = locate('dregistry')[0]!;
    const to = otherMember(from);
    const r = await pcmk(['move', 'dregistry', to, '--keep-constraint', '--wait=90', ...ssh]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Done');
    expect(locate('dregistry')).toEqual([to]);
    expect(cliConstraints()).toEqual(['cli-prefer-dregistry']);
    const c = onNode('cluster-1', ['cibadmin', '--query', '--scope', 'constraints']);
    expect(attrsOf(/<rsc_location id="cli-prefer-dregistry"[^>]*>/.exec(c)![0])).toMatchObject({ rsc: 'dregistry', node: to, score: 'INFINITY' });
    const cl = await pcmk(['clear', 'dregistry', ...ssh]);
    expect(cl.code, cl.stderr).toBe(0);
    expect(cliConstraints()).toEqual([]);
    expect(locate('dregistry')).toEqual([to]);
  });

  it('ban needs --yes without a TTY (66, CIB unchanged); with --yes it bans, clear removes the ban', async () => {
    const from = locate('dregistry')[0]!;
    await expectCibUnchangedBy(async () => {
      const refused = await pcmk(['ban', 'dregistry', ...ssh]);
      expect(refused.code).toBe(66);
      expect(refused.stderr).toContain('--yes');
      expect(refused.stderr).toContain(`cli-ban-dregistry-on-${from}`);
    });

    const r = await pcmk(['ban', 'dregistry', '--yes', '--wait=90', ...ssh]);
    expect(r.code, r.stderr).toBe(0);
    expect(cliConstraints()).toEqual([`cli-ban-dregistry-on-${from}`]);
    const now = locate('dregistry');
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(from);
    const cl = await pcmk(['clear', 'dregistry', from, ...ssh]);
    expect(cl.code, cl.stderr).toBe(0);
    expect(cliConstraints()).toEqual([]);
  });

  async function injectFailure(): Promise<void> {
    sandbox(['fail', 'dregistry']);
    await waitFor(
      'the failure of dregistry in pcmk status --json',
      async () => {
        const j = parseJson<{ snapshot: { failures: Array<{ resource: string }>; failcounts: Array<{ resource: string; count: number }> } }>(await pcmk(['status', '--json', ...ssh]));
        return (
          (j.snapshot.failures.some((f) => f.resource === 'dregistry') && j.snapshot.failcounts.some((f) => f.resource === 'dregistry' && f.count > 0)) ||
          pending(`failures ${JSON.stringify(j.snapshot.failures)}, fail counts ${JSON.stringify(j.snapshot.failcounts)}`)
        );
      },
      90_000,
      1000,
    );
  }

  it('cleanup after an injected failure clears the failure and the fail count', async () => {
    await injectFailure();
    const r = await pcmk(['cleanup', 'dregistry', '--wait=60', ...ssh]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('crm_resource --cleanup --resource dregistry');
    await waitFor('no failure of dregistry', async () => {
      const j = parseJson<{ snapshot: { failures: Array<{ resource: string }>; failcounts: Array<{ resource: string; count: number }> } }>(await pcmk(['status', '--json', ...ssh]));
      const failures = j.snapshot.failures.filter((f) => f.resource === 'dregistry');
      const counts = j.snapshot.failcounts.filter((f) => f.resource === 'dregistry' && f.count > 0);
      return (!failures.length && !counts.length) || pending(`failures ${JSON.stringify(failures)}, fail counts ${JSON.stringify(counts)}`);
    });
    expect(onNode('cluster-1', ['crm_mon', '-1', '--output-as=xml'])).not.toMatch(/<failure\b[^>]*op_key="dregistry_/);
  });

  it('failcount show lists the failed monitor; failcount reset removes it', async () => {
    await injectFailure();
    const shown = await pcmk(['failcount', 'show', 'dregistry', '--json', ...ssh]);
    expect(shown.code, shown.stderr).toBe(0);
    const rows = parseJson<{ rows: Array<{ resource: string; node: string; count: number; operations: Array<{ task: string }> }> }>(shown).rows;
    const row = rows.find((x) => x.resource === 'dregistry')!;
    expect(row.count).toBeGreaterThanOrEqual(1);
    expect(row.operations.map((o) => o.task)).toContain('monitor');
    const fromTool = onNode('cluster-1', ['crm_failcount', '--query', '--resource', 'dregistry', '--node', row.node]);
    expect(Number(/value=(\d+)/.exec(fromTool)?.[1])).toBe(row.count);

    const text = await pcmk(['failcount', 'show', 'dregistry', '--no-color', ...ssh]);
    expect(text.stdout).toMatch(new RegExp(`dregistry\\s+${row.node}\\s+${row.count}\\b`));

    const reset = await pcmk(['failcount', 'reset', 'dregistry', '--node', row.node, '--wait=60', ...ssh]);
    expect(reset.code, reset.stderr).toBe(0);
    await waitFor('fail count reset', async () => {
      const j = parseJson<{ rows: Array<{ count: number }> }>(await pcmk(['failcount', 'show', 'dregistry', '--json', ...ssh]));
      return j.rows.every((x) => x.count === 0) || pending(`rows ${JSON.stringify(j.rows)}`);
    });
    expect(onNode('cluster-1', ['crm_failcount', '--query', '--resource', 'dregistry', '--node', row.node])).toMatch(/value=0\b/);
  });

  it('standby (needs --yes) moves resources off the node; unstandby takes it back', async () => {
    const node = locate('dregistry')[0]!;
    try {
      const refused = await pcmk(['standby', node, ...ssh]);
      expect(refused.code).toBe(66);
      expect(standbyOf(node)).not.toBe('on');
      const r = await pcmk(['standby', node, '--yes', '--wait=90', ...ssh]);
      expect(r.code, r.stderr).toBe(0);
      expect(standbyOf(node)).toBe('on');
      await waitFor(`dregistry on one node other than ${node}`, () => {
        const at = locate('dregistry');
        return (at.length === 1 && at[0] !== node) || pending(`dregistry on [${at.join(', ')}]`);
      });
      const u = await pcmk(['unstandby', node, '--wait=90', ...ssh]);
      expect(u.code, u.stderr).toBe(0);
      expect(standbyOf(node)).toBe('off');
    } finally {
      restoreCluster([node]);
    }
  });

  it('--dry-run prints the plan and leaves the CIB unchanged', async () => {
    const from = locate('dregistry')[0]!;
    const to = otherMember(from);
    await expectCibUnchangedBy(async () => {
      const mv = await pcmk(['move', 'dregistry', to, '--dry-run', ...ssh]);
      expect(mv.code, mv.stderr).toBe(0);
      expect(mv.stdout).toContain(`crm_resource --move --resource dregistry --node ${to}`);
      expect(mv.stdout).toContain(`Move       dregistry`);
      expect(mv.stdout).not.toContain('Done');
      const ban = await pcmk(['ban', 'dregistry', '--dry-run', '--json', ...ssh]);
      expect(ban.code, ban.stderr).toBe(0);
      expect(parseJson<{ dryRun: boolean; result?: unknown }>(ban)).toMatchObject({ dryRun: true });
      expect(parseJson<{ result?: unknown }>(ban).result).toBeUndefined();
      const sb = await pcmk(['standby', from, '--dry-run', ...ssh]);
      expect(sb.code, sb.stderr).toBe(0);
      const cu = await pcmk(['cleanup', 'dregistry', '--dry-run', ...ssh]);
      expect(cu.code, cu.stderr).toBe(0);
    });
    expect(locate('dregistry')).toEqual([from]);
  });

  it('refusals: their exit codes and messages, and the CIB unchanged', async () => {
    const here = locate('dregistry')[0]!;
    const cases: Array<{ args: string[]; code: number; says: RegExp }> = [
      { args: ['move', 'dregistri', otherMember(here)], code: 105, says: /did you mean dregistry\?/ },
      { args: ['move', 'dregistry', 'cluster-9'], code: 80, says: /cluster-9/ },
      { args: ['move', 'dregistry', here], code: 108, says: new RegExp(`already runs on ${here}`) },
      { args: ['move', 'x;rm -rf /', otherMember(here)], code: 65, says: /resource id "x;rm -rf \/"/ },
      { args: ['ban', '$(id)', '--yes'], code: 65, says: /resource id "\$\(id\)"/ },
      { args: ['standby', 'cluster-1`id`', '--yes'], code: 65, says: /cluster-1`id`/ },
      { args: ['--read-only', 'move', 'dregistry', otherMember(here)], code: 67, says: /read-only/ },
      { args: ['--read-only', 'cleanup', 'dregistry'], code: 67, says: /read-only/ },
      { args: ['--read-only', 'standby', here, '--yes'], code: 67, says: /read-only/ },
    ];
    for (const c of cases) {
      await expectCibUnchangedBy(async () => {
        const r = await pcmk([...c.args, ...ssh]);
        expect({ args: c.args, code: r.code }).toEqual({ args: c.args, code: c.code });
        expect(r.stderr).toMatch(c.says);
      });
    }
    const j = await pcmk(['move', 'dregistri', otherMember(here), '--json', ...ssh]);
    expect(j.code).toBe(105);
    expect(parseJson<{ error: unknown }>(j).error).toMatchObject({ code: 'unknown-resource', exitCode: 105 });
    expect(locate('dregistry')).toEqual([here]);
    // Reading is allowed in read-only mode.
    expect((await pcmk(['--read-only', 'status', '--json', ...ssh])).code).toBe(0);
  });

  interface HistoryEntryJson {
    facts: { host: string; seq: number; kind: string; time: string; dc: string; failures: string[]; actions: Array<{ verb: string; resource: string; fromNode: string | null; toNode: string | null }> };
    changes: { config: { added: string[]; removed: string[]; changed: string[] } | null; newFailures: string[]; resources: string[]; nodes: string[] };
  }

  /**
   * A real fence: the member is powered off at its BMC, the cluster sees it lost and fences it
   * through that BMC (fence_ipmilan), the BMC powers it on again and it rejoins. Waits until it is
   * back and the cluster settled; a member the cluster failed to fence is powered on here.
   */
  async function fenceMember(victim: string): Promise<void> {
    const done = new RegExp(`(reboot|turning off) of ${victim} successful`, 'g');
    const fences = (): { n: number; text: string } => {
      // --verbose: without it stonith_admin shows only the latest successful fence of a node, so
      // a fence earlier in the run (another test's) would hide this one from the count.
      const h = onNode('cluster-1', ['stonith_admin', '--history', victim, '--verbose']);
      return { n: h.match(done)?.length ?? 0, text: h };
    };
    const before = fences().n;
    sandbox(['power', victim, 'off']);
    try {
      await waitFor(
        `a new successful fence of ${victim} in the fencing history`,
        () => {
          const h = fences();
          return h.n > before || pending(h.text.trim().split('\n').slice(-2).join(' | '));
        },
        180_000,
        2000,
      );
    } finally {
      if (!/is on/.test(sandbox(['power', victim, 'status']))) sandbox(['power', victim, 'on']);
    }
    await settle();
  }

  it('lists the move, the failure, its cleanup and a fence in order; history show of the input before the move has dregistry on its old node', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const from = locate('dregistry')[0]!;
    const to = otherMember(from);
    const moved = await pcmk(['move', 'dregistry', to, ...ssh]);
    expect(moved.code, moved.stderr).toBe(0);
    await injectFailure();
    const cleaned = await pcmk(['cleanup', 'dregistry', '--wait=60', ...ssh]);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    await settle();
    // Fence a member that is neither the DC (its inputs stay on one host) nor cluster-1 (the helpers ask it first).
    const dc = /<current_dc [^>]*name="([^"]+)"/.exec(onNode('cluster-1', ['crm_mon', '--one-shot', '--output-as=xml']))![1]!;
    const victim = members.find((m) => m !== dc && m !== 'cluster-1')!;
    await fenceMember(victim);

    const until = new Date().toISOString();
    const r = await pcmk(['history', '--since', since, '--until', until, '--json', ...ssh], { timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    const body = parseJson<{ hosts: Array<{ host: string; error: string | null }>; entries: HistoryEntryJson[] }>(r);
    expect(body.hosts.map((h) => h.host).sort()).toEqual([...members].sort());
    expect(body.hosts.filter((h) => h.error)).toEqual([]);
    const e = body.entries;
    const times = e.map((x) => Date.parse(x.facts.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // The move: the input whose transition moves dregistry, made after cli-prefer-dregistry appeared.
    const move = e.findIndex((x) => x.facts.actions.some((a) => a.verb === 'Move' && a.resource === 'dregistry' && a.fromNode === from && a.toNode === to));
    expect(move, JSON.stringify(e.map((x) => x.facts.actions))).toBeGreaterThanOrEqual(0);
    expect(e[move]!.changes.config?.added).toContain('cli-prefer-dregistry');
    // The failure appears after the move, on the new node, and the scheduler recovers it there.
    const failed = e.findIndex((x) => x.changes.newFailures.some((f) => f.startsWith(`dregistry monitor on ${to}`)));
    expect(failed, JSON.stringify(e.map((x) => x.changes.newFailures))).toBeGreaterThan(move);
    expect(e[failed]!.facts.actions.some((a) => a.verb === 'Recover' && a.resource === 'dregistry')).toBe(true);
    // The cleanup: the first input after the failure without dregistry's failure record.
    const cleanedUp = e.findIndex((x, i) => i > failed && !x.facts.failures.some((f) => f.startsWith('dregistry ')));
    expect(cleanedUp, JSON.stringify(e.map((x) => x.facts.failures))).toBeGreaterThan(failed);
    // The fence: the scheduler decided it (the member was lost), after the cleanup; later inputs
    // show the member offline and then online again.
    const fence = e.findIndex((x) => x.facts.actions.some((a) => a.verb === 'Fence' && a.toNode === victim));
    expect(fence, JSON.stringify(e.map((x) => x.facts.actions.map((a) => `${a.verb} ${a.toNode}`)))).toBeGreaterThan(cleanedUp);
    const back = e.findIndex((x, i) => i > fence && x.changes.nodes.some((n) => n.startsWith(`${victim} `) && / -> online$/.test(n)));
    expect(back, JSON.stringify(e.map((x) => x.changes.nodes))).toBeGreaterThan(fence);

    const text = await pcmk(['history', '--since', since, '--resource', 'dregistry', ...ssh], { timeoutMs: 300_000 });
    expect(text.code, text.stderr).toBe(0);
    // The CIB names the client that changed it: crm_resource on 2.1, the user (root) on 3.0.
    expect(text.stdout).toMatch(new RegExp(`#${e[move]!.facts.seq} DC \\S+: .*dregistry moved ${from} -> ${to}.*config changed by root via (?:crm_resource|root) .*\\+cli-prefer-dregistry`));

    const show = await pcmk(['history', 'show', `${e[move]!.facts.host}:${e[move]!.facts.seq}`, '--no-color', ...ssh], { timeoutMs: 120_000 });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`^\\s+dregistry\\s.*Started\\s+${from}$`, 'm'));
    expect(show.stdout).toContain(`dregistry moved ${from} -> ${to}`);

    // Offline: a crm_report-style archive (<report>/<node>/pengine/) of the members' own inputs
    // gives the same timeline.
    const report = path.join(tmp, 'report');
    for (const m of members) {
      const dir = path.join(report, 'sandbox-report', m);
      mkdirSync(dir, { recursive: true });
      const tarred = execFileSync('bash', [sandboxScript, 'exec', m, '--', 'tar', '-C', '/var/lib/pacemaker', '-cf', '-', 'pengine'], { timeout: 60_000, maxBuffer: 256 << 20 });
      execFileSync('tar', ['-xf', '-', '-C', dir], { input: tarred, timeout: 60_000 });
    }
    const archive = path.join(tmp, 'sandbox-report.tar.bz2');
    execFileSync('tar', ['-cjf', archive, '-C', report, 'sandbox-report'], { timeout: 60_000 });
    const offline = await pcmk(['history', '--from', archive, '--since', since, '--until', until, '--json'], { timeoutMs: 300_000 });
    expect(offline.code, offline.stderr).toBe(0);
    const key = (x: HistoryEntryJson): string => `${x.facts.host}#${x.facts.seq} ${x.facts.time} ${x.facts.actions.map((a) => `${a.verb} ${a.resource}`).join(',')} ${JSON.stringify(x.changes)}`;
    expect(parseJson<{ entries: HistoryEntryJson[] }>(offline).entries.map(key)).toEqual(e.map(key));
  }, 600_000);
});

describe('audit log', () => {
  afterEach(() => restoreCluster(), 200_000);

  it('pcmk log shows the changes made with pcmk over SSH (and not dry runs)', async () => {
    const logEnv = { ...cliEnv, XDG_STATE_HOME: mkdtempSync(path.join(tmp, 'log-')) };
    const empty = await pcmk(['log', '--json'], { env: logEnv });
    expect(empty.code).toBe(0);
    expect(parseJson<unknown[]>(empty)).toEqual([]);

    const from = locate('dregistry')[0]!;
    const to = otherMember(from);
    expect((await pcmk(['move', 'dregistry', to, '--dry-run', ...ssh], { env: logEnv })).code).toBe(0);
    const mv = await pcmk(['move', 'dregistry', to, ...ssh], { env: logEnv });
    expect(mv.code, mv.stderr).toBe(0);
    expect(locate('dregistry')).toEqual([to]);

    const r = await pcmk(['log', '--json'], { env: logEnv });
    expect(r.code).toBe(0);
    const entries = parseJson<Array<{ action: { name: string; resource?: string; node?: string }; result: { ok: boolean } }>>(r);
    expect(entries.map((e) => e.action)).toEqual([{ name: 'move', resource: 'dregistry', node: to }]);
    expect(entries[0]!.result.ok).toBe(true);
    const text = await pcmk(['log'], { env: logEnv });
    expect(text.stdout).toContain('move');
  });

  it('pcmk log --local inside a member shows its own changes', async () => {
    const state = `/tmp/pcmk-cli-log-${process.pid}`;
    const inNode = (args: string[]) => onNode('cluster-1', ['env', `XDG_STATE_HOME=${state}`, 'NO_COLOR=1', process.execPath, bin, ...args], 120_000);
    try {
      inNode(['cleanup', 'dregistry', '--local']);
      const entries = JSON.parse(inNode(['log', '--json'])) as Array<{ action: { name: string; resource?: string }; host: string }>;
      expect(entries.map((e) => e.action)).toEqual([{ name: 'cleanup', resource: 'dregistry' }]);
      expect(entries[0]!.host).toBe('cluster-1');
    } finally {
      onNode('cluster-1', ['rm', '-rf', state]);
    }
  });
});

describe('inventory', () => {
  it('cluster add / list / use / remove in PCMK_CONFIG_DIR', async () => {
    const env = { ...cliEnv, PCMK_CONFIG_DIR: mkdtempSync(path.join(tmp, 'inv-')) };
    const l0 = await pcmk(['cluster', 'list', '--json'], { env });
    expect(l0.code).toBe(0);
    expect(parseJson<unknown[]>(l0)).toEqual([]);
    expect((await pcmk(['cluster', 'add', 'prod', 'db-1,db-2', 'db-3', '-F', sshConfig], { env })).code).toBe(0);
    expect((await pcmk(['cluster', 'add', 'lab', 'cluster-1'], { env })).code).toBe(0);
    const l1 = parseJson<Array<{ name: string; current: boolean; hosts: string[]; sshConfig?: string }>>(await pcmk(['cluster', 'list', '--json'], { env }));
    expect(l1).toEqual([
      { name: 'prod', current: true, hosts: ['db-1', 'db-2', 'db-3'], sshConfig },
      { name: 'lab', current: false, hosts: ['cluster-1'] },
    ]);
    expect((await pcmk(['cluster', 'use', 'lab'], { env })).code).toBe(0);
    expect((await pcmk(['cluster', 'use', 'nope'], { env })).code).toBe(64);
    expect((await pcmk(['cluster', 'remove', 'prod'], { env })).code).toBe(0);
    expect((await pcmk(['cluster', 'remove', 'prod'], { env })).code).toBe(64);
    expect((await pcmk(['cluster', 'add', 'bad name', 'h'], { env })).code).toBe(64);
    expect((await pcmk(['cluster', 'add', 'x', 'h;reboot'], { env })).code).toBe(64);
    const l2 = parseJson<Array<{ name: string; current: boolean }>>(await pcmk(['cluster', 'list', '--json'], { env }));
    expect(l2.map((c) => [c.name, c.current])).toEqual([['lab', true]]);
    const file = JSON.parse(readFileSync(path.join(env.PCMK_CONFIG_DIR, 'config.json'), 'utf8')) as { current: string };
    expect(file.current).toBe('lab');
  });

  it('cluster discover cluster-1 adds cluster sandbox with its three members, usable with --cluster', async () => {
    const env = { ...cliEnv, PCMK_CONFIG_DIR: mkdtempSync(path.join(tmp, 'inv-')) };
    const d = await pcmk(['cluster', 'discover', 'cluster-1', '-F', sshConfig], { env });
    expect(d.code, d.stderr).toBe(0);
    const l = parseJson<Array<{ name: string; hosts: string[]; sshConfig?: string }>>(await pcmk(['cluster', 'list', '--json'], { env }));
    expect(l.map((c) => [c.name, [...c.hosts].sort(), c.sshConfig])).toEqual([['sandbox', members, sshConfig]]);
    const s = await pcmk(['status', '--cluster', 'sandbox', '--json'], { env });
    expect(s.code, s.stderr).toBe(0);
    const j = parseJson<{ hosts: Array<{ name: string; state: string }> }>(s);
    expect(j.hosts.map((h) => h.state)).toEqual(['live', 'live', 'live']);
  });

  it('cluster discover HOST --name NAME names the cluster (as the usage says)', async () => {
    const env = { ...cliEnv, PCMK_CONFIG_DIR: mkdtempSync(path.join(tmp, 'inv-')) };
    const d = await pcmk(['cluster', 'discover', 'cluster-2', '--name', 'lab', '-F', sshConfig], { env });
    expect(d.code, d.stderr).toBe(0);
    const l = parseJson<Array<{ name: string; hosts: string[] }>>(await pcmk(['cluster', 'list', '--json'], { env }));
    expect(l.map((c) => [c.name, [...c.hosts].sort()])).toEqual([['lab', members]]);
  });
});

describe('faults', () => {
  it('one member without sshd: status answers from the others and marks it down, naming it', async () => {
    sandbox(['sshd', 'cluster-3', 'stop']);
    try {
      const r = await pcmk(['status', '--json', '--timeout', '5', ...ssh]);
      expect(r.code, r.stderr).toBe(0);
      const j = parseJson<{ hosts: Array<{ name: string; state: string; lastError: string | null }>; splitView: boolean; issues: Array<{ kind: string; hosts: string[] }>; snapshot: { nodes: Array<{ name: string }> } | null }>(r);
      expect(j.hosts.map((h) => [h.name, h.state])).toEqual([
        ['cluster-1', 'live'],
        ['cluster-2', 'live'],
        ['cluster-3', 'down'],
      ]);
      expect(j.hosts[2]!.lastError).toMatch(/cluster-3/);
      expect(j.hosts[2]!.lastError).toMatch(/refused|198\.51\.100\.13/);
      expect(j.splitView).toBe(false);
      expect(j.issues).toContainEqual(expect.objectContaining({ kind: 'host-down', hosts: ['cluster-3'] }));
      expect(j.snapshot!.nodes.filter((n) => !BUNDLE_NODE.test(n.name))).toHaveLength(5);
      // The first host is the one read whole; when it is down, the host shown is read whole after.
      const first = await pcmk(['status', '--json', '--timeout', '5', '--host', 'cluster-3,cluster-1,cluster-2', '-F', sshConfig, '--known-hosts', knownHosts]);
      expect(first.code, first.stderr).toBe(0);
      const f = parseJson<{ primaryHost: string | null; snapshot: { corosync: unknown; sources: Array<{ tool: string; error?: string }> } }>(first);
      expect(['cluster-1', 'cluster-2']).toContain(f.primaryHost);
      expect(f.snapshot.corosync).not.toBeNull();
      expect(f.snapshot.sources.filter((x) => x.error === NOT_READ_ON_PEER)).toEqual([]);
      const text = await pcmk(['status', '--no-color', '--timeout', '5', ...ssh]);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^\s+cluster-3\s+down\s+.*cluster-3/m);
      // An action tries the next host when the first cannot be reached.
      const dry = await pcmk(['move', 'dregistry', otherMember(locate('dregistry')[0]!), '--dry-run', '--host', 'cluster-3,cluster-1', '-F', sshConfig, '--timeout', '5']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('crm_resource --move --resource dregistry');
    } finally {
      sandbox(['sshd', 'cluster-3', 'start']);
    }
  });

  it('a changed host key: a clear error naming cluster-2 and the offered SHA256 fingerprint, nothing accepted', async () => {
    const dir = mkdtempSync(path.join(tmp, 'hostkey-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'other', '-f', path.join(dir, 'other')], { timeout: 10_000 });
    const otherKey = readFileSync(path.join(dir, 'other.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    const lines = readFileSync(knownHosts, 'utf8').split('\n');
    const c2 = lines.find((l) => l.startsWith('cluster-2,'))!;
    const kh = path.join(dir, 'known_hosts');
    const khText = lines.map((l) => (l === c2 ? `${l.split(' ')[0]} ${otherKey}` : l)).join('\n');
    writeFileSync(kh, khText);
    const cfg = path.join(dir, 'ssh_config');
    writeFileSync(cfg, readFileSync(sshConfig, 'utf8').replace(/UserKnownHostsFile .*/g, `UserKnownHostsFile ${kh}`));
    // The real key's fingerprint, as ssh-keygen computes it.
    writeFileSync(path.join(dir, 'real'), `${c2}\n`);
    const realFp = /(SHA256:\S+)/.exec(execFileSync('ssh-keygen', ['-l', '-f', path.join(dir, 'real')], { encoding: 'utf8', timeout: 10_000 }))![1]!;

    const r = await pcmk(['status', '--json', '--host', members.join(','), '-F', cfg]);
    expect(r.code, r.stderr).toBe(0);
    const j = parseJson<{ hosts: Array<{ name: string; state: string; lastError: string | null }> }>(r);
    expect(j.hosts.map((h) => [h.name, h.state])).toEqual([
      ['cluster-1', 'live'],
      ['cluster-2', 'down'],
      ['cluster-3', 'live'],
    ]);
    const err = j.hosts[1]!.lastError!;
    expect(err).toContain('cluster-2');
    expect(err).toMatch(/CHANGED/i);
    expect(err).toContain(realFp);

    const only = await pcmk(['status', '--host', 'cluster-2', '-F', cfg]);
    expect(only.code).toBe(69);
    expect(only.stdout + only.stderr).toContain(realFp);

    const act = await pcmk(['move', 'dregistry', 'cluster-1', '--dry-run', '--host', 'cluster-2', '-F', cfg]);
    expect(act.stderr).toContain('cluster-2');
    expect(act.stderr).toContain(realFp);
    // Nothing was reached: the documented "no host answered", not "a step failed".
    expect(act.code).toBe(69);
    // No silent accept: the known_hosts file is as it was.
    expect(readFileSync(kh, 'utf8')).toBe(khText);
  });

  describe('a host that accepts and never speaks', () => {
    let server: net.Server;
    let accepted = 0;
    let cfg: string;
    const sockets = new Set<net.Socket>();

    beforeAll(async () => {
      server = net.createServer((s) => {
        accepted++;
        sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => sockets.delete(s));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as net.AddressInfo).port;
      cfg = path.join(mkdtempSync(path.join(tmp, 'hang-')), 'ssh_config');
      writeFileSync(cfg, `Host hang-1\n    HostName 127.0.0.1\n    Port ${port}\n    User root\n    UserKnownHostsFile ${knownHosts}\n\n${readFileSync(sshConfig, 'utf8')}`);
    });

    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('status answers within --timeout, from the other host, naming the silent one', async () => {
      const before = accepted;
      const r = await pcmk(['status', '--json', '--timeout', '3', '--host', 'cluster-1,hang-1', '-F', cfg], { timeoutMs: 30_000 });
      expect(accepted).toBeGreaterThan(before);
      expect(r.ms).toBeLessThan(3000 + 4000);
      expect(r.code, r.stderr).toBe(0);
      const j = parseJson<{ hosts: Array<{ name: string; state: string; lastError: string | null }>; snapshot: unknown }>(r);
      expect(j.hosts.map((h) => [h.name, h.state])).toEqual([
        ['cluster-1', 'live'],
        ['hang-1', 'down'],
      ]);
      expect(j.hosts[1]!.lastError).toMatch(/hang-1/);
      expect(j.hosts[1]!.lastError).toMatch(/timed out/);
      expect(j.snapshot).not.toBeNull();
    });

    it('alone: no host answered (69) within --timeout', async () => {
      const r = await pcmk(['status', '--timeout', '2', '--host', 'hang-1', '-F', cfg], { timeoutMs: 30_000 });
      expect(r.ms).toBeLessThan(2000 + 4000);
      expect(r.code).toBe(69);
      expect(r.stdout + r.stderr).toMatch(/hang-1/);
    });

    it('an action to it answers within --timeout, naming it, and exits 69', async () => {
      const r = await pcmk(['move', 'dregistry', 'cluster-1', '--dry-run', '--timeout', '2', '--host', 'hang-1', '-F', cfg], { timeoutMs: 30_000 });
      expect(r.ms).toBeLessThan(2000 + 4000);
      expect(r.stderr).toMatch(/hang-1/);
      expect(r.code).toBe(69);
    });
  });
});
