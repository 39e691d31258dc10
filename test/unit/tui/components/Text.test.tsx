/**
 * Terminal safety in pcmk-top: a real snapshot whose cluster strings carry ESC, BEL, a C1 CSI and
 * a bidi override is rendered in every view, detail, picker, confirmation, result and error line;
 * no frame Ink writes may carry a raw control character (colour is off, so even an ESC is a leak),
 * and the strings appear in their visible form.
 */
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../../../src/tui/app.js';
import { createViewStore } from '../../../../src/tui/view-source.js';
import type { Action } from '../../../../src/model/actions.js';
import type { FenceCheckTable, HistoryHostPage, HistoryMoment, PlanText, ResultText, TuiActions, WhyPanel } from '../../../../src/tui/types.js';
import { HOSTILE, HOSTILE_NODE, HOSTILE_SHOWN, NOW, hostileSnapshot, viewOf } from '../fixtures.js';

const KEY = { enter: '\r', esc: '\u001B' };
const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));
// Every control character but the newline between frame lines, plus the bidi controls and separators.
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const SHOWN_NODE = `cluster02${HOSTILE_SHOWN}`;

class HostileActions implements TuiActions {
  failRun: Error | null = null;
  async preview(a: Action): Promise<PlanText> {
    return { ok: true, lines: [`crm_resource --move --resource ${'resource' in a ? a.resource : '?'} --node ${HOSTILE_NODE}`, `  * Move dummy ( cluster01 -> ${HOSTILE_NODE} )`, `exit reason: ${HOSTILE}`] };
  }
  async run(): Promise<ResultText> {
    if (this.failRun) throw this.failRun;
    return { ok: true, summary: `constraint cli-prefer-Fencing created on ${HOSTILE_NODE}` };
  }
  async fenceCheck(): Promise<FenceCheckTable> {
    return { ok: false, columns: ['NODE', 'DEVICE', 'STATUS'], rows: [[HOSTILE_NODE, `fence${HOSTILE}`, `agent error: ${HOSTILE}`]], summary: `NOT READY: ${HOSTILE_NODE}` };
  }
  async why(): Promise<WhyPanel> {
    return { lines: [{ text: `dummy runs on ${HOSTILE_NODE}`, tone: 'ok' }], next: null };
  }
  async history(): Promise<HistoryHostPage[]> {
    return [{ host: HOSTILE_NODE, inputs: [], error: `ssh: ${HOSTILE}` }];
  }
  async historyShow(): Promise<HistoryMoment> {
    throw new Error(`no input ${HOSTILE}`);
  }
}

function live() {
  const source = createViewStore(
    viewOf(hostileSnapshot(), {
      hosts: [
        { name: 'cluster01', state: 'live', snapshotAt: NOW - 1000, lastError: null, mode: null },
        { name: HOSTILE_NODE, state: 'down', snapshotAt: NOW - 30_000, lastError: `ssh: ${HOSTILE} ETIMEDOUT`, mode: null },
      ],
    }),
  );
  const actions = new HostileActions();
  const contexts = { list: () => ['prod', `lab${HOSTILE}`], switchTo: () => undefined };
  const app = render(<App source={source} actions={actions} contexts={contexts} size={{ columns: 200, rows: 40 }} tickMs={0} now={() => NOW} color={false} highlightMs={60_000} />);
  const frame = () => app.lastFrame() ?? '';
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      app.stdin.write(k);
      await tick();
    }
  };
  return { app, actions, frame, press };
}

function leaks(frames: readonly string[]): string[] {
  return frames.filter((f) => RAW.test(f)).map((f) => JSON.stringify(f.split('\n').find((l) => RAW.test(l))));
}

describe('pcmk-top shows control characters from the cluster in their visible form', () => {
  afterEach(() => cleanup());

  it('in every view, the details, the pickers, the confirmation, the result and the errors', async () => {
    const t = live();
    await tick();
    const seen: Record<string, string> = {};
    const look = (name: string) => (seen[name] = t.frame());

    // Every view; the header carries the host's error.
    for (const [key, name] of [['1', 'nodes'], ['2', 'resources'], ['3', 'failures'], ['4', 'fencing'], ['5', 'constraints']] as const) {
      await t.press(key);
      look(name);
    }
    // A paste into the command line is echoed in its visible form.
    await t.press(':', `node ${HOSTILE_NODE}`);
    look('command line');
    // Details of the renamed node and of the resource whose parameter carries the characters.
    await t.press(KEY.esc, KEY.esc, '1', '/', 'cluster02', KEY.enter, KEY.enter);
    look('node detail');
    await t.press(KEY.esc, KEY.esc, ':', 'res dummy', KEY.enter, KEY.enter);
    look('resource detail');
    // The move picker lists the renamed node; the confirmation shows the plan; the run's result.
    await t.press(KEY.esc, '2', '/', 'Fencing', KEY.enter, 'm');
    look('move picker');
    await t.press('G', KEY.enter);
    await tick();
    look('confirm');
    await t.press(KEY.enter);
    await tick();
    look('result');
    // A failed run shows the host's error text.
    t.actions.failRun = new Error(`crm_resource: ${HOSTILE} on ${HOSTILE_NODE}`);
    await t.press('c');
    await tick();
    await t.press('y');
    await tick();
    look('error');
    // The fencing readiness check and the context picker.
    await t.press(KEY.esc, '1', 't');
    await tick();
    look('fence check');
    await t.press(KEY.esc, ':ctx\r');
    look('context picker');

    expect(leaks(t.app.frames), 'frames with a raw control character').toEqual([]);
    expect(seen.nodes).toContain(SHOWN_NODE);
    expect(seen.nodes).toContain(`ssh: ${HOSTILE_SHOWN} ETIMEDOUT`);
    expect(seen.failures).toContain(`bad config${HOSTILE_SHOWN}`);
    expect(seen.fencing).toContain(SHOWN_NODE);
    expect(seen.constraints).toContain('not-on-cluster1');
    // Ink's input reader drops the ESC and the BEL of a paste; the C1 CSI and the override stay.
    expect(seen['command line']).toContain(':node cluster02]0;pwnedM-^[2J<U+202E>');
    expect(seen['node detail']).toContain(`r1${HOSTILE_SHOWN}`);
    expect(seen['resource detail']).toContain(`db ${HOSTILE_SHOWN} primary`);
    expect(seen['move picker']).toContain('Move Fencing to which node?');
    expect(seen['move picker']).toContain(SHOWN_NODE);
    expect(seen.confirm).toContain(`--node ${SHOWN_NODE}`);
    expect(seen.confirm).toContain(`exit reason: ${HOSTILE_SHOWN}`);
    expect(seen.result).toContain(`created on ${SHOWN_NODE}`);
    expect(seen.error).toContain(`crm_resource: ${HOSTILE_SHOWN} on ${SHOWN_NODE}`);
    expect(seen['fence check']).toContain(`agent error: ${HOSTILE_SHOWN}`);
    expect(seen['context picker']).toContain(`lab${HOSTILE_SHOWN}`);
  });
});
