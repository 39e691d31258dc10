/**
 * Every changing action of the action table, run from pcmk-top as an operator runs it: keys in a
 * real terminal (tmux), over SSH to the sandbox cluster. For each one the confirmation must name
 * exactly its scope (the "Scope: ..." line) and its plan (the exact commands), a destructive one
 * must ask for the target's name, the console must report "done: ...", and the CIB read with
 * cibadmin before and after must show that only what the preview named changed. Then the inverse
 * action runs from the console too, and the CIB is back (an "off" the inverse writes is the only
 * difference left; the test removes it so the sandbox is left exactly as found). Each change is in
 * the console's audit log as made by pcmk-top, under the request id the console showed, and in
 * the audit log of the host that ran it.
 *
 * Covered here: node maintenance (M on a node), cluster maintenance (Z), ban (b) and clear (C on
 * the constraint), standby and unstandby (s), disable (d) and enable (e), cleanup (c), fail-count
 * reset (F), restart (R) and refresh (r). Elsewhere: move and resource maintenance in
 * tui-e2e.test.ts, fence in the fencing tests (fence-real.test.ts), which power a node off.
 * The CLI side of the same contract is actions-contract.test.ts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { changedEntries, cibSection, configEntries, dropEmptySet, entryId, entryPath, expectOnly, hasElement, nodeId } from './cib-diff.js';
import { attrsOf, countInPacemakerLogs, crmMonNodes, locate, members, onMember, onNode, pending, sandboxScript, settled, waitFor } from './sandbox-env.js';
import { hostBadge, requireBuilt, resourceRow, topConsole, VIEW_HEADERS, type Frame } from './tmux.js';

const MAIN = 'actions';
// Wide enough for the whole result line: "done: <label> - <result> [<request id>]".
const { startTop, waitScreen, keys, type, reset, showView, filterTo, auditEntries, close, violations } = topConsole('pcmk-tui-actions', { cols: 250, rows: 40 });

const REQUEST_ID = /\[(\d{8}T\d{6}Z-[0-9a-f]{8})\]\s*$/;

/** What the confirmation of one action must show, and how the operator confirms it. */
interface Expected {
  /** The dialog's title after "Confirm: ". */
  label: string;
  /** The preview's scope, in the action table's words. */
  scope: string;
  /** The plan's commands, exactly (tool and arguments, without the descriptions). */
  plan: string[];
  /** Destructive: the name the operator must type; null: y runs it. */
  typeName: string | null;
}

/** The scope line and the plan's commands of the confirmation on screen (below its title). */
function dialogOf(f: Frame, label: string): { scope: string | null; plan: string[]; refused: string | null } {
  const indent = (l: string) => l.length - l.trimStart().length;
  const top = f.lines.findIndex((l) => l.trimStart().startsWith(`Confirm: ${label}`));
  const body = f.lines.slice(top + 1);
  const scope = body.find((l) => l.trimStart().startsWith('Scope: '))?.trim() ?? null;
  const refused = body.find((l) => /^\s*(refused|preview failed): /.test(l))?.trim() ?? null;
  const at = body.findIndex((l) => l.trim() === 'Plan:');
  const plan: string[] = [];
  if (at >= 0) {
    for (const l of body.slice(at + 1)) {
      if (!l.trim() || indent(l) <= indent(body[at]!)) break;
      plan.push(l.trim().split(/ {3}# /)[0]!.trim());
    }
  }
  return { scope, plan, refused };
}

/**
 * Presses `key` on the current selection, checks the confirmation (scope, plan, what confirming
 * takes), confirms as an operator does and waits for "done: <label>". Returns the request id the
 * console showed with the result.
 */
async function run(key: string, e: Expected): Promise<string> {
  await keys(MAIN, key);
  const dialog = await waitScreen(
    MAIN,
    `the confirmation "${e.label}" with its plan`,
    (s) => s.lines.some((l) => l.trimStart().startsWith(`Confirm: ${e.label}`)) && s.lines.some((l) => l.trim() === 'Plan:' || /^\s*(refused|preview failed): /.test(l)),
    60_000,
  );
  const d = dialogOf(dialog, e.label);
  expect(d.refused, dialog.text).toBeNull();
  expect(d.scope, `the scope line of "${e.label}"`).toBe(`Scope: ${e.scope}${e.typeName ? '  (destructive: needs confirmation)' : ''}`);
  expect(d.plan, `the plan of "${e.label}"`).toEqual(e.plan);
  if (e.typeName) {
    expect(dialog.text).toContain(`Type "${e.typeName}" to confirm (Esc cancels):`);
    await type(MAIN, e.typeName);
    await keys(MAIN, 'Enter');
  } else {
    expect(dialog.text).toContain('Enter or y: run');
    await keys(MAIN, 'y');
  }
  const done = await waitScreen(MAIN, `"done: ${e.label}"`, (s) => s.lines.some((l) => l.includes(`done: ${e.label}`) || l.includes(`FAILED: ${e.label}`)), 180_000);
  const line = done.lines.find((l) => l.includes(`done: ${e.label}`) || l.includes(`FAILED: ${e.label}`))!;
  expect(line, done.text).toContain(`done: ${e.label} - `);
  const id = REQUEST_ID.exec(line)?.[1];
  expect(id, `the request id at the end of: ${line}`).toBeDefined();
  return id!;
}

/**
 * Each change is in the console's audit log once, as made by pcmk-top, and once in the audit log
 * of the host that ran it under the same request id (the host's entries name that host, not the console).
 */
function expectAudited(changes: Array<{ requestId: string; action: Record<string, unknown> }>): void {
  const entries = auditEntries();
  for (const c of changes) {
    const mine = entries.filter((x) => x.requestId === c.requestId);
    expect(mine, `entries of ${c.requestId} in the console's audit log`).toHaveLength(1);
    expect(mine[0]).toMatchObject({ client: 'pcmk-top', action: c.action, result: { outcome: 'done' } });
    const ranOn = mine[0]!.ranOn!;
    const hostLines = onNode(ranOn, ['sh', '-c', 'grep -F -- "$1" /root/.local/state/pcmk-console/audit.log || true', 'sh', `"requestId":"${c.requestId}"`])
      .split('\n')
      .filter(Boolean);
    expect(hostLines, `${c.requestId} in the audit log of ${ranOn}`).toHaveLength(1);
    expect(JSON.parse(hostLines[0]!)).toMatchObject({ requestId: c.requestId, host: ranOn, action: c.action, result: { outcome: 'done' } });
  }
}

/** A node's row in the nodes view: its state word. */
function nodeStateOn(f: Frame, node: string): string | null {
  return new RegExp(`^[ *]?${node}( \\(DC\\))?\\s+member\\s+(\\S+)`, 'm').exec(f.text)?.[2] ?? null;
}

/**
 * The member whose standby or maintenance disturbs the least: not running dregistry, the docker
 * group, the guest's container or the remote connection, then the fewest resources, not the DC.
 */
function quietMember(): string {
  const xml = onMember(['crm_mon', '--one-shot', '--output-as=xml']);
  const nodes = crmMonNodes(xml);
  const dc = attrsOf(/<current_dc\b[^>]*>/.exec(xml)?.[0] ?? '').name;
  const busy = new Set(['dregistry', 'dockerIP', 'guest-1-vm', 'remote-1'].flatMap((r) => locate(r)));
  const score = (m: string) => (busy.has(m) ? 1000 : 0) + (m === dc ? 100 : 0) + Number(nodes.get(m)?.resources_running ?? 0);
  return [...members].sort((a, b) => score(a) - score(b))[0]!;
}

/** The one node a resource runs on. */
function runningOn(resource: string): string {
  const where = locate(resource);
  expect(where, `where ${resource} runs`).toHaveLength(1);
  return where[0]!;
}

/** Transient node attributes (status section) as entries. */
function transientEntries(): string[] {
  return cibSection('status').filter((e) => e.includes('/transient_attributes'));
}

function failCounts(resource: string, node: string): string[] {
  const nid = nodeId(node);
  return transientEntries().filter((e) => e.includes(`node_state#${nid}/`) && new RegExp(`fail-count-${resource}[#.]`).test(e) && !e.includes(' @'));
}

function failuresOf(resource: string, node: string): string[] {
  const xml = onMember(['crm_mon', '--one-shot', '--output-as=xml']);
  return [...xml.matchAll(/<failure\b[^>]*>/g)]
    .map((m) => attrsOf(m[0]))
    .filter((a) => a.op_key?.startsWith(`${resource}_`) && a.node === node)
    .map((a) => `${a.op_key} on ${a.node}`);
}

/** Makes the next monitor of `resource` fail (where it runs) and waits until the cluster recorded it and recovered. */
async function injectFailure(resource: string): Promise<string> {
  const node = runningOn(resource);
  execFileSync('bash', [sandboxScript, 'fail', resource, node], { encoding: 'utf8', timeout: 60_000 });
  await waitFor(
    `a failure of ${resource} on ${node} and its fail count`,
    () => (failuresOf(resource, node).length && failCounts(resource, node).length) || pending(`failures [${failuresOf(resource, node).join(', ')}]`),
    90_000,
    1000,
  );
  await settled();
  return node;
}

const isRefreshStamp = (c: string) => entryId(c) === 'cib-bootstrap-options-last-lrm-refresh';

/** One direction of a round trip: the key, what its confirmation must show, the value it writes, what the console then shows. */
interface Way {
  key: string;
  expected: Expected;
  value: string;
  /** The console shows the new state (the next key toggles from it). */
  shown: { what: string; pred: (f: Frame) => boolean };
  /** The action as the audit logs must have it. */
  action: Record<string, unknown>;
}

/**
 * An attribute set by one action and set back by its inverse, both from the console. After the
 * first, only `nvpair` (and the attribute set `container`, created with it if it was missing)
 * changed, to `there.value`; after the second, only its value changed back, to `back.value`;
 * against the start, that value is the only difference. `restore` then puts the attribute back
 * as it was (`undefined`: it did not exist) and the CIB is exactly as found.
 */
async function roundTrip(t: { what: string; nvpair: string; container: string | null; there: Way; back: Way; restore: (value: string | undefined) => void }): Promise<void> {
  const nvpairId = t.nvpair.slice(t.nvpair.lastIndexOf('#') + 1);
  const containers = t.container ? [t.container] : [];
  const before = configEntries();
  try {
    const there = await run(t.there.key, t.there.expected);
    const changed = configEntries();
    const diff = changedEntries(before, changed);
    expectOnly(diff, nvpairId, `${t.there.key} on ${t.what}`, containers);
    expect(diff).toContain(`+ ${t.nvpair} @value=${t.there.value}`);
    await waitScreen(MAIN, t.there.shown.what, t.there.shown.pred, 60_000);

    const back = await run(t.back.key, t.back.expected);
    const after = configEntries();
    expect(changedEntries(changed, after)).toEqual([`- ${t.nvpair} @value=${t.there.value}`, `+ ${t.nvpair} @value=${t.back.value}`]);
    const left = changedEntries(before, after).filter((c) => !(entryPath(c) === t.nvpair || containers.includes(entryId(c) ?? '')) || c.endsWith(`@value=${t.there.value}`));
    expect(left, `${t.what} as before but for ${nvpairId}=${t.back.value}`).toEqual([]);
    await waitScreen(MAIN, t.back.shown.what, t.back.shown.pred, 60_000);
    expectAudited([
      { requestId: there, action: t.there.action },
      { requestId: back, action: t.back.action },
    ]);
  } finally {
    t.restore(before.find((e) => e.startsWith(`${t.nvpair} @value=`))?.split('@value=')[1]);
    if (t.container && !hasElement(before, t.container)) dropEmptySet(t.container);
  }
  expect(changedEntries(before, configEntries())).toEqual([]);
}

/** A node attribute (standby, maintenance) toggled by one key on the nodes view. */
async function nodeAttributeRoundTrip(node: string, name: 'standby' | 'maintenance', key: string, labels: [string, string], state: string, backTyped: boolean): Promise<void> {
  const id = nodeId(node);
  await filterTo(MAIN, '1', VIEW_HEADERS.nodes, `^${node}\\b`);
  await waitScreen(MAIN, `${node} alone on the nodes view, online`, (s) => / 1\/1 \//.test(s.lines[2] ?? '') && nodeStateOn(s, node) === 'online', 30_000);
  const plan = (v: string) => [`crm_attribute --node ${node} --name ${name} --update ${v} --lifetime forever`];
  const action = (on: boolean) => (name === 'standby' ? { name: on ? 'standby' : 'unstandby', node } : { name: 'node-maintenance', node, state: on ? 'on' : 'off' });
  await roundTrip({
    what: `node ${node}`,
    nvpair: `configuration/nodes/node#${id}/instance_attributes#nodes-${id}/nvpair#nodes-${id}-${name}`,
    container: `nodes-${id}`,
    there: {
      key,
      expected: { label: labels[0], scope: `node ${node}`, plan: plan('on'), typeName: node },
      value: 'on',
      shown: { what: `${node} ${state} on screen`, pred: (s) => nodeStateOn(s, node) === state },
      action: action(true),
    },
    back: {
      key,
      expected: { label: labels[1], scope: `node ${node}`, plan: plan('off'), typeName: backTyped ? node : null },
      value: 'off',
      shown: { what: `${node} online again on screen`, pred: (s) => nodeStateOn(s, node) === 'online' },
      action: action(false),
    },
    restore: (v) => onMember(['crm_attribute', '--node', node, '--name', name, ...(v !== undefined ? ['--update', v] : ['--delete']), '--lifetime', 'forever']),
  });
}

beforeAll(async () => {
  requireBuilt();
  startTop(MAIN);
  await waitScreen(MAIN, 'the header with every host live', (s) => /cluster sandbox/.test(s.lines[0] ?? '') && members.every((h) => hostBadge(s, h).startsWith(`${h} live`)), 60_000);
}, 300_000);

afterAll(() => {
  close();
});

// Each test starts on a settled cluster; every frame it drew must be well laid out.
beforeEach(async () => {
  await settled();
}, 300_000);

afterEach(() => {
  expect(violations).toEqual([]);
});

describe('pcmk-top changes only what its confirmation names (cibadmin --query before and after)', () => {
  it('M on a node: maintenance of that node only, and M again takes it out', async () => {
    const node = quietMember();
    await nodeAttributeRoundTrip(node, 'maintenance', 'M', [`enter maintenance on node ${node} (every resource on it)`, `leave maintenance on node ${node} (every resource on it)`], 'maintenance', true);
  }, 300_000);

  it('Z on the nodes view: maintenance-mode of the whole cluster only, and Z again turns it off', async () => {
    await showView(MAIN, '1', VIEW_HEADERS.nodes);
    await waitScreen(MAIN, 'the cluster not in maintenance', (s) => /maintenance off/.test(s.lines[0] ?? ''), 30_000);
    const plan = (v: string) => [`crm_attribute --type crm_config --name maintenance-mode --update ${v}`];
    await roundTrip({
      what: 'the cluster',
      nvpair: 'configuration/crm_config/cluster_property_set#cib-bootstrap-options/nvpair#cib-bootstrap-options-maintenance-mode',
      container: null,
      there: {
        key: 'Z',
        expected: { label: 'enter maintenance mode for the WHOLE cluster sandbox', scope: 'the whole cluster', plan: plan('true'), typeName: 'sandbox' },
        value: 'true',
        shown: { what: 'maintenance ON in the header', pred: (s) => /maintenance ON/.test(s.lines[0] ?? '') },
        action: { name: 'cluster-maintenance', state: 'on' },
      },
      back: {
        key: 'Z',
        expected: { label: 'leave maintenance mode for the WHOLE cluster sandbox', scope: 'the whole cluster', plan: plan('false'), typeName: 'sandbox' },
        value: 'false',
        shown: { what: 'maintenance off in the header', pred: (s) => /maintenance off/.test(s.lines[0] ?? '') },
        action: { name: 'cluster-maintenance', state: 'off' },
      },
      restore: (v) => onMember(['crm_attribute', '--type', 'crm_config', '--name', 'maintenance-mode', ...(v !== undefined ? ['--update', v] : ['--delete'])]),
    });
  }, 300_000);

  it('b bans dregistry from its node (only that cli-ban constraint), C on the constraint clears it', async () => {
    const node = runningOn('dregistry');
    const ban = `cli-ban-dregistry-on-${node}`;
    const before = configEntries();
    try {
      await filterTo(MAIN, '2', VIEW_HEADERS.resources, 'dregistry');
      await waitScreen(MAIN, `dregistry on ${node} on screen`, (s) => / 1\/1 \//.test(s.lines[2] ?? '') && resourceRow(s, 'dregistry')?.nodes === node, 30_000);
      const banned = await run('b', {
        label: `ban resource dregistry from node ${node}`,
        scope: `resource dregistry on node ${node}`,
        plan: [`crm_resource --ban --resource dregistry --node ${node}`],
        typeName: 'dregistry',
      });
      const changed = changedEntries(before, configEntries());
      expectOnly(changed, ban, `b on dregistry`);
      expect(changed).toContain(`+ configuration/constraints/rsc_location#${ban}`);
      expect(changed).toContain(`+ configuration/constraints/rsc_location#${ban} @rsc=dregistry`);
      expect(changed).toContain(`+ configuration/constraints/rsc_location#${ban} @node=${node}`);
      await waitScreen(MAIN, `dregistry off ${node} on screen`, (s) => resourceRow(s, 'dregistry')?.nodes !== node, 60_000);

      await filterTo(MAIN, '5', VIEW_HEADERS.constraints, ban);
      await waitScreen(MAIN, `${ban} on the constraints view`, (s) => / 1\/1 \//.test(s.lines[2] ?? '') && new RegExp(`^[ *]?\\s*loc\\s+${ban}\\s+dregistry\\s+${node}\\b`, 'm').test(s.text), 30_000);
      const cleared = await run('C', {
        label: `clear move/ban constraints of resource dregistry on node ${node}`,
        scope: `move/ban constraints of resource dregistry on node ${node}`,
        plan: [`crm_resource --clear --resource dregistry --node ${node}`],
        typeName: null,
      });
      expect(changedEntries(before, configEntries())).toEqual([]);
      expectAudited([
        { requestId: banned, action: { name: 'ban', resource: 'dregistry', node } },
        { requestId: cleared, action: { name: 'clear', resource: 'dregistry', node } },
      ]);
    } finally {
      if (configEntries().some((e) => e.includes(`#${ban}`))) onMember(['crm_resource', '--clear', '--resource', 'dregistry', '--node', node]);
    }
  }, 300_000);

  it('s puts a node in standby (only its standby attribute), s again brings it back', async () => {
    const node = quietMember();
    await nodeAttributeRoundTrip(node, 'standby', 's', [`put node ${node} in standby (its resources move away)`, `bring node ${node} out of standby`], 'standby', false);
  }, 300_000);

  it('d disables dregistry (only its target-role), e enables it again', async () => {
    await filterTo(MAIN, '2', VIEW_HEADERS.resources, 'dregistry');
    await waitScreen(MAIN, 'dregistry started on screen', (s) => / 1\/1 \//.test(s.lines[2] ?? '') && resourceRow(s, 'dregistry')?.role === 'Started', 30_000);
    const plan = (v: string) => [`crm_resource --resource dregistry --meta --set-parameter target-role --parameter-value ${v}`];
    await roundTrip({
      what: 'dregistry',
      nvpair: 'configuration/resources/primitive#dregistry/meta_attributes#dregistry-meta_attributes/nvpair#dregistry-meta_attributes-target-role',
      container: 'dregistry-meta_attributes',
      there: {
        key: 'd',
        expected: { label: 'disable (stop) resource dregistry', scope: 'resource dregistry', plan: plan('Stopped'), typeName: 'dregistry' },
        value: 'Stopped',
        shown: { what: 'dregistry stopped on screen', pred: (s) => resourceRow(s, 'dregistry')?.role === 'Stopped' },
        action: { name: 'disable', resource: 'dregistry' },
      },
      back: {
        key: 'e',
        expected: { label: 'enable resource dregistry', scope: 'resource dregistry', plan: plan('Started'), typeName: null },
        value: 'Started',
        shown: { what: 'dregistry started again on screen', pred: (s) => resourceRow(s, 'dregistry')?.role === 'Started' },
        action: { name: 'enable', resource: 'dregistry' },
      },
      restore: (v) => onMember(['crm_resource', '--resource', 'dregistry', '--meta', ...(v !== undefined ? ['--set-parameter', 'target-role', '--parameter-value', v] : ['--delete-parameter', 'target-role'])]),
    });
  }, 300_000);

  for (const [key, name, label, scope] of [
    ['c', 'cleanup', (n: string) => `cleanup resource dregistry on node ${n}`, (n: string) => `failures of resource dregistry on node ${n}`],
    ['F', 'failcount-reset', (n: string) => `reset the fail count of resource dregistry on node ${n}`, (n: string) => `fail count of resource dregistry on node ${n}`],
  ] as const) {
    it(`${key} on a failure of dregistry (${name}): only that failure and its fail count go, the configuration stays`, async () => {
      const node = await injectFailure('dregistry');
      const nid = nodeId(node);
      try {
        const config = configEntries();
        const transient = transientEntries();
        await filterTo(MAIN, '3', VIEW_HEADERS.failures, `^dregistry ${node}\\b`);
        await waitScreen(MAIN, `the monitor failure of dregistry on ${node}`, (s) => / 1\/1 \//.test(s.lines[2] ?? '') && new RegExp(`^[ *]?dregistry\\s+${node}\\s+monitor`, 'm').test(s.text), 30_000);
        const requestId = await run(key, { label: label(node), scope: scope(node), plan: [`crm_resource --cleanup --resource dregistry --node ${node}`], typeName: null });
        await waitFor(
          `no failure and no fail count of dregistry on ${node}`,
          () =>
            (failuresOf('dregistry', node).length === 0 && failCounts('dregistry', node).length === 0) ||
            pending(`failures [${failuresOf('dregistry', node).join(', ')}], fail counts [${failCounts('dregistry', node).join(', ')}]`),
          60_000,
          1000,
        );
        // The configuration is untouched (but for the time stamp of the last refresh the cluster keeps).
        expect(changedEntries(config, configEntries()).filter((c) => !isRefreshStamp(c))).toEqual([]);
        // Of the node attributes, only dregistry's fail count and last failure on that node went.
        const changed = changedEntries(transient, transientEntries());
        expectOnly(changed, (c) => entryPath(c).includes(`/node_state#${nid}/`) && /-(fail-count|last-failure)-dregistry[#.]/.test(entryId(c) ?? ''), `${key} on dregistry`);
        expect(changed.every((c) => c.startsWith('- '))).toBe(true);
        await reset(MAIN);
        expectAudited([{ requestId, action: { name, resource: 'dregistry', node } }]);
      } finally {
        if (failuresOf('dregistry', node).length) onMember(['crm_resource', '--cleanup', '--resource', 'dregistry', '--node', node]);
      }
    }, 300_000);
  }

  it('R restarts dregistry once: one stop, one start, no attribute left in the configuration', async () => {
    const before = configEntries();
    const stops = countInPacemakerLogs('Result of stop operation for dregistry on');
    const starts = countInPacemakerLogs('Result of start operation for dregistry on');
    try {
      await filterTo(MAIN, '2', VIEW_HEADERS.resources, 'dregistry');
      await waitScreen(MAIN, 'dregistry started on screen', (s) => / 1\/1 \//.test(s.lines[2] ?? '') && resourceRow(s, 'dregistry')?.role === 'Started', 30_000);
      const requestId = await run('R', {
        label: 'restart resource dregistry (and what depends on it)',
        scope: 'resource dregistry',
        plan: ['crm_resource --restart --resource dregistry --timeout 120s'],
        typeName: null,
      });
      await settled();
      expect(countInPacemakerLogs('Result of stop operation for dregistry on') - stops).toBe(1);
      expect(countInPacemakerLogs('Result of start operation for dregistry on') - starts).toBe(1);
      // crm_resource --restart sets target-role and removes it again: at most the empty set it
      // creates is left, never an attribute.
      expect(changedEntries(before, configEntries()).filter((c) => c !== '+ configuration/resources/primitive#dregistry/meta_attributes#dregistry-meta_attributes')).toEqual([]);
      expectAudited([{ requestId, action: { name: 'restart', resource: 'dregistry' } }]);
    } finally {
      if (!hasElement(before, 'dregistry-meta_attributes')) dropEmptySet('dregistry-meta_attributes');
    }
    expect(changedEntries(before, configEntries())).toEqual([]);
  }, 300_000);

  it("r refreshes dregistry's history where it runs: the configuration and the node attributes stay", async () => {
    const node = runningOn('dregistry');
    const config = configEntries();
    const transient = transientEntries();
    await filterTo(MAIN, '2', VIEW_HEADERS.resources, 'dregistry');
    await waitScreen(MAIN, `dregistry on ${node} on screen`, (s) => / 1\/1 \//.test(s.lines[2] ?? '') && resourceRow(s, 'dregistry')?.nodes === node, 30_000);
    const requestId = await run('r', {
      label: `refresh resource dregistry on node ${node}`,
      scope: `history of resource dregistry on node ${node}`,
      plan: [`crm_resource --refresh --resource dregistry --node ${node}`],
      typeName: null,
    });
    await settled();
    expect(changedEntries(config, configEntries()).filter((c) => !isRefreshStamp(c))).toEqual([]);
    expect(changedEntries(transient, transientEntries())).toEqual([]);
    expect(locate('dregistry')).toEqual([node]);
    expectAudited([{ requestId, action: { name: 'refresh', resource: 'dregistry', node } }]);
  }, 300_000);
});
