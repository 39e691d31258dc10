/**
 * Terminal safety in `pcmk`: a real snapshot whose cluster strings carry ESC, BEL, a C1 CSI and a
 * bidi override goes through the text renderers, a real plan, fail counts, the fencing check, a
 * host's error and `pcmk log`, printed through the one writer every command uses. No raw control
 * character may reach the terminal (a newline still ends a line); with colour on, only the
 * console's own colour sequences do. `--json` stays JSON that parses to the same values.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutput, ansi, plain, type Output, type Style } from '../../../src/commands/output.js';
import { failcountLines, renderConstraints, renderNodes, renderResources, renderStatus } from '../../../src/commands/render.js';
import { main, renderActionResult, reportError } from '../../../src/commands/main.js';
import { renderFenceReport } from '../../../src/commands/fence-check.js';
import { planAction, showFailcounts } from '../../../src/agent/actions/plan.js';
import { appendAuditLog, readAuditLog, type AuditEntry } from '../../../src/agent/actions/audit.js';
import type { ActionResponse } from '../../../src/agent/actions/handle.js';
import { ActionError } from '../../../src/agent/actions/errors.js';
import { parseCib } from '../../../src/agent/parse/cib.js';
import { analyzeFencing } from '../../../src/fencing/readiness/analyze.js';
import { HOSTILE, HOSTILE_NODE, HOSTILE_SHOWN, NOW, hostileSnapshot } from '../tui/fixtures.js';

// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const OWN_SGR = /\u001b\[(?:0|1|2|31|32|33)m/g;
const SHOWN_NODE = `cluster02${HOSTILE_SHOWN}`;
/** An SGR sequence in the data: shown, never obeyed, even with colour on. */
const FAKE_RED = 'evil\u001b[31mred';
const here = path.dirname(fileURLToPath(import.meta.url));
const CTS_CIB = path.resolve(here, '../../../../shared/corpus/pacemaker-cts/cli/crm_mon.xml');

function capture(style: Style): { o: Output; text: () => string } {
  const lines: string[] = [];
  return { o: createOutput({ out: (s) => lines.push(s), err: (s) => lines.push(s) }, true, style), text: () => lines.join('\n') };
}

function rawLines(text: string): string[] {
  return text.split('\n').filter((l) => RAW.test(l)).map((l) => JSON.stringify(l));
}

function printEverything(o: Output): void {
  const snap = hostileSnapshot();
  const plan = planAction(snap, { name: 'move', resource: 'Fencing', node: HOSTILE_NODE });
  if (plan instanceof ActionError) throw new Error(`move plan refused: ${plan.message}`);
  const response = {
    ok: false,
    dryRun: false,
    action: 'move',
    plan,
    preview: { lines: [`* Move Fencing ( cluster01 -> ${HOSTILE_NODE} )`, `? ${HOSTILE}`] },
    result: { ok: false, message: `crm_resource: ${HOSTILE} ${FAKE_RED}` },
    requestId: 'r-1',
  } as unknown as ActionResponse;
  const fails = showFailcounts(snap, { name: 'failcount-show' });
  if (fails instanceof ActionError) throw new Error(`failcount show refused: ${fails.message}`);
  const fence = analyzeFencing({
    cib: parseCib(readFileSync(CTS_CIB, 'utf8'), { now: new Date(NOW) }),
    snapshot: snap,
    mode: 'live',
    checkedFrom: HOSTILE_NODE,
    fencerLists: {},
    registered: [],
    statusChecks: { Fencing: { ok: false, method: 'agent monitor', detail: `agent error: ${HOSTILE}`, durationMs: 5 } },
    ipmi: {},
    takenAt: new Date(NOW).toISOString(),
    durationMs: 7,
  });
  for (const lines of [
    renderStatus(snap, o.style),
    renderNodes(snap, o.style),
    renderResources(snap, o.style),
    renderConstraints(snap, o.style),
    renderActionResult(response, o.style),
    failcountLines([...fails, { resource: 'dummy', node: HOSTILE_NODE, count: 3, migrationThreshold: null, lastFailure: null, operations: [{ task: `start${HOSTILE}`, interval: '0', rc: '5', lastRcChange: null }] }]),
    renderFenceReport(fence, o.style),
  ]) {
    for (const l of lines) o.out(l);
  }
  reportError(new Error(`ssh: ${HOSTILE_NODE}: ${HOSTILE} connection reset`), o, false);
}

describe('pcmk shows control characters from the cluster in their visible form', () => {
  it('without colour: no control character at all', () => {
    const { o, text } = capture(plain);
    printEverything(o);
    const out = text();
    expect(rawLines(out), 'lines with a raw control character').toEqual([]);
    expect(out).toContain(`DC ${SHOWN_NODE}`);
    expect(out).toContain(`bad config${HOSTILE_SHOWN}`);
    expect(out).toContain(`r1${HOSTILE_SHOWN}`);
    expect(out).toMatch(new RegExp(`crm_resource .*${SHOWN_NODE.replace(/[\^[\]+<>]/g, '\\$&')}`));
    expect(out).toContain(`? ${HOSTILE_SHOWN}`);
    expect(out).toContain(`Failed: crm_resource: ${HOSTILE_SHOWN} evil^[[31mred`);
    // failcount show prints its operations as JSON text: ESC and BEL are \u escapes there.
    expect(out).toContain('"task":"start\\u001b]0;pwned\\u0007M-^[2J<U+202E>"');
    expect(out).toContain(`checked from ${SHOWN_NODE}`);
    expect(out).toContain(`pcmk: ssh: ${SHOWN_NODE}: ${HOSTILE_SHOWN} connection reset`);
  });

  it('with colour: the console styles its own text, the data cannot', () => {
    const { o, text } = capture(ansi);
    printEverything(o);
    const out = text();
    expect(out).toMatch(OWN_SGR);
    expect(out).toContain('\u001b[31mFailed: crm_resource: ^[]0;pwned^GM-^[2J<U+202E> evil^[[31mred\u001b[0m');
    expect(rawLines(out.replace(OWN_SGR, '')), 'lines with a control character the console did not put there').toEqual([]);
  });
});

describe('pcmk log', () => {
  let dir: string;
  const saved = process.env.XDG_STATE_HOME;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pcmk-log-'));
    process.env.XDG_STATE_HOME = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.XDG_STATE_HOME;
    else process.env.XDG_STATE_HOME = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  const entry: AuditEntry = {
    time: '2024-05-01T12:00:00.000Z',
    user: 'ops',
    host: 'console',
    requestId: 'r-2',
    client: 'pcmk',
    via: 'prod',
    ranOn: HOSTILE_NODE,
    action: { name: 'standby', node: HOSTILE_NODE },
    summary: `put node ${HOSTILE_NODE} in standby`,
    plan: null,
    result: { ok: false, outcome: 'failed', message: `crm_attribute: ${HOSTILE}`, steps: [], warnings: [] },
  };

  async function run(args: string[]): Promise<{ code: number; out: string }> {
    const lines: string[] = [];
    const code = await main(args, { out: (s) => lines.push(s), err: (s) => lines.push(s), isTTY: false });
    return { code, out: lines.join('\n') };
  }

  it('text: the entry in its visible form', async () => {
    appendAuditLog(entry);
    const { code, out } = await run(['log']);
    expect(code).toBe(0);
    expect(rawLines(out)).toEqual([]);
    expect(out).toContain(`-> ${SHOWN_NODE}  put node ${SHOWN_NODE} in standby  [r-2]  FAILED crm_attribute: ${HOSTILE_SHOWN}`);
  });

  it('--json: JSON with no raw control character that parses to the same entry', async () => {
    appendAuditLog(entry);
    const { code, out } = await run(['log', '--json']);
    expect(code).toBe(0);
    expect(rawLines(out)).toEqual([]);
    expect(out).toContain('\\u009b2J\\u202e');
    expect(JSON.parse(out)).toEqual(readAuditLog());
    expect(JSON.parse(out)[0].summary).toBe(`put node ${HOSTILE_NODE} in standby`);
  });
});
