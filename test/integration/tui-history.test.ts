/**
 * pcmk-top's History view and time travel in a real terminal (tmux), over SSH to the sandbox:
 * move dregistry with `pcmk move`, open the History view, Enter on the transition that moved it
 * (its scheduler input is the cluster just before the move): the resources view shows dregistry on
 * its old node under the TIME TRAVEL banner, and refuses actions; `]` steps to the next input;
 * Esc returns to the live cluster with dregistry on its new node. Afterwards dregistry is moved
 * back, so the sandbox is left as found.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownHosts, locate, members, root, settled, sshConfig } from './sandbox-env.js';
import { requireBuilt, resourceRow, topConsole, VIEW_HEADERS, type Frame } from './tmux.js';

const S = 'hist';
const { startTop, waitScreen, keys, close, violations, quitting, tmux, at } = topConsole('pcmk-tui-history');
const ssh = ['--host', members.join(','), '-F', sshConfig, '--known-hosts', knownHosts];
const stateHome = mkdtempSync(path.join(tmpdir(), 'pcmk-tui-history-'));

/** `pcmk ARGS` over SSH, with its own audit log; resolves with its exit code and output. */
function pcmk(args: string[], timeoutMs = 240_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin/pcmk.js'), ...args, ...ssh], { env: { ...process.env, XDG_STATE_HOME: stateHome }, timeout: timeoutMs, encoding: 'utf8' }, (e, stdout, stderr) => {
      const code = e ? (typeof (e as { code?: unknown }).code === 'number' ? ((e as { code: number }).code) : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

/** History rows on screen: [line index, time, label, text]. */
function historyRows(f: Frame): Array<{ line: number; label: string; text: string }> {
  const out: Array<{ line: number; label: string; text: string }> = [];
  f.lines.forEach((l, i) => {
    const m = /^[ *]?(?:\d{4}-\d\d-\d\d )?(\d\d:\d\d:\d\d) +>?#(\S+) +\S+ +(.*)$/.exec(l);
    if (m) out.push({ line: i, label: m[2]!, text: m[3]! });
  });
  return out;
}

const banner = (f: Frame): string => f.lines.find((l) => /^! TIME TRAVEL/.test(l)) ?? '';

let from = '';
let moved = false;

beforeAll(async () => {
  requireBuilt();
  await settled();
}, 300_000);

afterAll(async () => {
  close();
  if (moved && from && locate('dregistry')[0] !== from) await pcmk(['move', 'dregistry', from]);
  rmSync(stateHome, { recursive: true, force: true });
}, 300_000);

describe('pcmk-top History view and time travel on the sandbox', () => {
  it('Enter on the transition that moved dregistry shows it on its old node; ] steps; Esc returns to live', async () => {
    from = locate('dregistry')[0]!;
    const to = members.find((m) => m !== from)!;
    const r = await pcmk(['move', 'dregistry', to]);
    moved = true;
    expect(r.code, r.out).toBe(0);
    expect(locate('dregistry')).toEqual([to]);
    await settled();

    // Wide enough for a whole line of the move (it names what moved along with dregistry).
    startTop(S, 240, 40);
    await waitScreen(S, 'the console with dregistry live', (f) => /cluster sandbox/.test(f.lines[0] ?? '') && resourceRow(f, 'dregistry')?.nodes === to, 90_000);
    await keys(S, '6');
    const moveText = `dregistry moved ${from} -> ${to}`;
    const list = await waitScreen(S, `the History view listing "${moveText}"`, (f) => historyRows(f).some((x) => x.text.includes(moveText)), 180_000);
    expect(list.lines[3]).toMatch(/^\s*TIME\s+INPUT\s+DC\s+WHAT HAPPENED/);
    const rows = historyRows(list);
    const at0 = rows.findIndex((x) => x.text.includes(moveText));
    const move = rows[at0]!;
    // Newest first: the input after the move (if any is listed) is the row above it.
    const newer = rows[at0 - 1] ?? null;
    for (let i = 0; i < at0; i++) await keys(S, 'j');
    await keys(S, 'Enter');

    const past = await waitScreen(S, `the resources view as of #${move.label}`, (f) => banner(f).includes(`TIME TRAVEL #${move.label} `) && resourceRow(f, 'dregistry') !== null, 60_000);
    expect(banner(past)).toMatch(new RegExp(`^! TIME TRAVEL #${move.label} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC, DC cluster-\\d: read-only; \\[ older, \\] newer, Esc live$`));
    expect(past.lines.some((l) => VIEW_HEADERS.resources.test(l))).toBe(true);
    // The input before the move: dregistry still on its old node.
    expect(resourceRow(past, 'dregistry')).toEqual({ role: 'Started', nodes: from });
    expect(past.lines[past.rows - 2]).toMatch(/^\[read-only\] \? help {2}\[ older {2}\] newer/);

    // Actions are refused while travelling, with the reason.
    await keys(S, 'm');
    await waitScreen(S, 'the refusal', (f) => f.text.includes(`time travel: the cluster as of #${move.label} is read-only (Esc returns to live)`), 10_000);
    expect((await waitScreen(S, 'no move picker', (f) => !f.text.includes('Move dregistry to which node?'), 5_000)).text).not.toContain('Confirm:');

    if (newer) {
      await keys(S, ']');
      const next = await waitScreen(S, `the next input #${newer.label}`, (f) => banner(f).includes(`TIME TRAVEL #${newer.label} `) && !banner(f).includes('reading'), 60_000);
      expect(resourceRow(next, 'dregistry')).not.toBeNull();
    }

    await keys(S, 'Escape');
    const live = await waitScreen(S, 'the live cluster again', (f) => banner(f) === '' && resourceRow(f, 'dregistry') !== null, 30_000);
    expect(resourceRow(live, 'dregistry')).toEqual({ role: 'Started', nodes: to });
    expect(live.lines[live.rows - 2]).toMatch(/^\? help/);

    quitting.add(S);
    tmux(['send-keys', '-t', at(S), 'q']);
    expect(violations).toEqual([]);
  }, 600_000);
});
