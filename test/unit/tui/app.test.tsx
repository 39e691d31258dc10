import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { renderToString, render as inkRender } from 'ink';
import { render, cleanup } from 'ink-testing-library';
import { App, type AppProps } from '../../../src/tui/app.js';
import { createViewStore } from '../../../src/tui/view-source.js';
import { colorEnabled, toneStyle } from '../../../src/tui/components/theme.js';
import type { FenceCheckTable, HistoryHostPage, HistoryMoment, PlanText, ResultText, TuiActions, WhyPanel } from '../../../src/tui/types.js';
import { explainWhy } from '../../../src/model/why.js';
import { whyLines } from '../../../src/model/view/why.js';
import type { Action as TuiAction } from '../../../src/model/actions.js';
import type { ViewId } from '../../../src/tui/keymap.js';
import { NOW, largeSnapshot, realSnapshot, sandboxSnapshot, viewOf } from './fixtures.js';

const KEY = { up: '\u001B[A', down: '\u001B[B', enter: '\r', esc: '\u001B', backspace: '\u007F', tab: '\t', pageDown: '\u001B[6~' };
const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

function frameCheck(out: string, columns: number, rows: number) {
  const lines = out.split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(columns);
  return lines;
}

function staticFrame(props: Partial<AppProps> & { view?: ViewId }, columns: number, rows: number) {
  const source = createViewStore(viewOf(props.source ? null : sandboxSnapshot()));
  const out = renderToString(
    <App source={props.source ?? source} size={{ columns, rows }} tickMs={0} now={() => NOW} color={false} initialView={props.view} readOnly={props.readOnly} />,
    { columns },
  );
  return out;
}

describe('frames at 80x24 and 120x40', () => {
  for (const [columns, rows] of [
    [80, 24],
    [120, 40],
  ] as const) {
    it(`every view fits ${columns}x${rows} and shows its content`, () => {
      const expectations: Record<ViewId, string[]> = {
        nodes: ['cluster-1 (DC)', 'guest-1@cluster-2', 'standby', 'remote'],
        resources: ['dregistry', 'db-clone', 'promotable', 'replica 0', 'Promoted'],
        failures: ['web-srv', 'not installed (5)'],
        fencing: ['cluster-2', 'pending', 'cluster-3'],
        constraints: ['cli-prefer-dregistry', 'cli-ban-web-on-clus', 'move leftover', 'ban leftover'],
        history: ['TIME', 'INPUT', 'WHAT HAPPENED', 'not read yet'],
      };
      for (const view of Object.keys(expectations) as ViewId[]) {
        const out = staticFrame({ view }, columns, rows);
        const lines = frameCheck(out, columns, rows);
        expect(lines.length).toBe(rows - 1);
        expect(lines[0]).toContain('cluster sandbox');
        expect(lines[0]).toContain('DC cluster-1');
        expect(lines[1]).toContain('cluster-3 STALE 42s');
        for (const text of expectations[view]) expect(out, `${view}: ${text}`).toContain(text);
        expect(lines.at(-1)).toContain('? help');
      }
    });
  }

  it('shows the leftover constraint note in full at 120 columns', () => {
    expect(staticFrame({ view: 'constraints' }, 120, 40)).toContain('move leftover');
  });

  it('a 5,000-instance snapshot renders only the visible window', () => {
    const snap = largeSnapshot(5000);
    expect(snap.instances.length).toBeGreaterThanOrEqual(5000);
    const source = createViewStore(viewOf(snap));
    for (const [columns, rows] of [
      [80, 24],
      [120, 40],
    ]) {
      const out = renderToString(<App source={source} size={{ columns, rows }} tickMs={0} now={() => NOW} color={false} />, { columns });
      const lines = frameCheck(out, columns, rows);
      expect(lines.length).toBe(rows - 1);
      expect(out).toContain('rsc-1');
      expect(out).toMatch(/1\/\d{4}/);
    }
  });

  it('before the first snapshot it says it is waiting, without failing', () => {
    const source = createViewStore(viewOf(null, { hosts: [{ name: 'cluster-1', state: 'connecting', snapshotAt: null, lastError: null, mode: null }] }));
    const out = renderToString(<App source={source} size={{ columns: 80, rows: 24 }} tickMs={0} now={() => NOW} color={false} />, { columns: 80 });
    frameCheck(out, 80, 24);
    expect(out).toContain('waiting for the first snapshot');
    expect(out).toContain('no data yet');
  });

  it('read-only shows no changing keys in the footer', () => {
    const out = staticFrame({ view: 'nodes', readOnly: true }, 120, 40);
    expect(out).toContain('[read-only]');
    expect(out).not.toContain('X fence');
    expect(staticFrame({ view: 'nodes' }, 120, 40)).toContain('X fence');
  });
});

describe('NO_COLOR', () => {
  it('is honoured: no colours in any tone, only bold/dim', () => {
    expect(colorEnabled({ NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({})).toBe(true);
    for (const tone of ['normal', 'ok', 'warn', 'error', 'dim', 'info', 'heading'] as const) {
      expect(toneStyle(tone, false).color).toBeUndefined();
    }
    expect(toneStyle('error', true).color).toBe('red');
  });
});

class FakeActions implements TuiActions {
  calls: string[] = [];
  plan: PlanText = { ok: true, lines: ['Transition summary:', '  * Move dregistry ( cluster-1 -> cluster-2 )'] };
  result: ResultText = { ok: true, summary: 'constraint cli-prefer-dregistry created' };
  failRun: Error | null = null;
  async preview(a: TuiAction) {
    this.calls.push(`preview ${JSON.stringify(a)}`);
    return this.plan;
  }
  async run(a: TuiAction) {
    this.calls.push(`run ${JSON.stringify(a)}`);
    if (this.failRun) throw this.failRun;
    return this.result;
  }
  async fenceCheck(): Promise<FenceCheckTable> {
    this.calls.push('fenceCheck');
    return { ok: true, columns: ['NODE', 'DEVICE', 'STATUS'], rows: [['cluster-1', 'fence-ipmi', 'ok']] };
  }
  /** The real explanation of the fixture snapshot (no scheduler scores here), offering a clear as its next step. */
  async why(resource: string): Promise<WhyPanel> {
    this.calls.push(`why ${resource}`);
    const next = { action: { name: 'clear' as const, resource }, command: `pcmk clear ${resource}` };
    return { lines: whyLines(explainWhy(sandboxSnapshot(), null, resource)), next };
  }
  async history(): Promise<HistoryHostPage[]> {
    this.calls.push('history');
    return [];
  }
  async historyShow(): Promise<HistoryMoment> {
    throw new Error('no scheduler inputs in this test');
  }
}

function live(opts: Partial<AppProps> = {}, columns = 100, rows = 30) {
  const source = createViewStore(viewOf(sandboxSnapshot()));
  const actions = new FakeActions();
  let quit = 0;
  const app = render(
    <App source={source} actions={actions} size={{ columns, rows }} tickMs={0} now={() => NOW} color={false} highlightMs={60_000} onQuit={() => quit++} {...opts} />,
  );
  const frame = () => app.lastFrame() ?? '';
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      app.stdin.write(k);
      await tick();
    }
  };
  return { app, source, actions, frame, press, quits: () => quit };
}

describe('keys in a live app (ink-testing-library)', () => {
  afterEach(() => cleanup());

  it('navigates, opens the detail and goes back', async () => {
    const t = live();
    await tick();
    expect(t.frame()).toContain('1/');
    await t.press('j', 'j');
    expect(t.frame()).toContain('3/');
    await t.press(KEY.enter);
    expect(t.frame()).toContain('resource web');
    expect(t.frame()).toContain('(Esc back)');
    await t.press(KEY.esc);
    expect(t.frame()).not.toContain('(Esc back)');
    expect(t.frame()).toContain('3/');
    await t.press('G');
    expect(t.frame()).toMatch(/20\/20/);
    await t.press('1');
    expect(t.frame()).toContain('guest-1@cluster-2');
    await t.press('q');
    expect(t.quits()).toBe(1);
  });

  it('filters as you type, keeps on Enter and clears on Esc', async () => {
    const t = live();
    await tick();
    await t.press('/', 'h', 't', 't', 'p', 'd');
    expect(t.frame()).toContain('/httpd');
    expect(t.frame()).toMatch(/1[01] matches/);
    expect(t.frame()).not.toContain('dregistry');
    await t.press(KEY.enter);
    expect(t.frame()).toContain('/httpd/');
    expect(t.frame()).not.toContain('dregistry');
    await t.press(KEY.esc);
    expect(t.frame()).toContain('dregistry');
    // An invalid regex is a substring and says so.
    await t.press('/', '(');
    expect(t.frame()).toContain('not a regex');
    await t.press(KEY.esc);
    expect(t.frame()).toContain('dregistry');
  });

  it('moves a resource: picker, preview from the actions interface, Enter runs, status shows the result', async () => {
    const t = live();
    await tick();
    await t.press('j', 'm');
    expect(t.frame()).toContain('Move dregistry to which node?');
    expect(t.frame()).toContain('cluster-2');
    expect(t.frame()).toContain('remote-1');
    await t.press(KEY.enter);
    await tick();
    expect(t.frame()).toContain('Confirm: move resource dregistry to node cluster-2');
    expect(t.frame()).toContain('Move dregistry ( cluster-1 -> cluster-2 )');
    expect(t.frame()).toContain('from the CLI: pcmk move dregistry cluster-2');
    expect(t.actions.calls).toEqual(['preview {"name":"move","resource":"dregistry","node":"cluster-2"}']);
    await t.press(KEY.enter);
    await tick();
    expect(t.actions.calls.at(-1)).toBe('run {"name":"move","resource":"dregistry","node":"cluster-2"}');
    expect(t.frame()).toContain('done: move resource dregistry to node cluster-2 - constraint cli-prefer-dregistry created');
  });

  it('w opens the why panel of the selected resource; Enter previews its next action, Esc closes', async () => {
    const t = live();
    await tick();
    await t.press('j', 'w');
    await tick();
    expect(t.actions.calls).toEqual(['why dregistry']);
    expect(t.frame()).toContain('Why dregistry');
    expect(t.frame()).toContain('dregistry runs on cluster-1');
    expect(t.frame()).toContain('Enter: pcmk clear dregistry');
    await t.press(KEY.enter);
    await tick();
    expect(t.frame()).toContain('Confirm: clear dregistry');
    expect(t.actions.calls.at(-1)).toBe('preview {"name":"clear","resource":"dregistry"}');
    await t.press(KEY.esc);
    await t.press('w');
    await tick();
    await t.press(KEY.esc);
    expect(t.frame()).not.toContain('Why dregistry');
  });

  it('a failed action shows the tool error and the screen keeps running', async () => {
    const t = live();
    t.actions.failRun = new Error('crm_resource: Error performing operation: Resource is not running');
    await tick();
    await t.press('j', 'c');
    await tick();
    expect(t.frame()).toContain('Confirm: cleanup resource dregistry');
    await t.press('y');
    await tick();
    expect(t.frame()).toContain('FAILED: cleanup resource dregistry on node cluster-1: crm_resource: Error performing operation');
    await t.press('j');
    expect(t.frame()).toContain('3/');
  });

  it('fence needs the node name typed; Esc cancels without running', async () => {
    const t = live({ initialView: 'nodes' });
    await tick();
    await t.press('j', 'X');
    await tick();
    expect(t.frame()).toContain('Confirm: FENCE node cluster-2');
    expect(t.frame()).toContain('Type "cluster-2" to confirm');
    expect(t.frame()).toContain('from the CLI: pcmk fence cluster-2 --yes');
    await t.press('c', 'l', 'u', KEY.enter);
    expect(t.frame()).toContain('type "cluster-2" to confirm');
    expect(t.actions.calls.filter((c) => c.startsWith('run'))).toEqual([]);
    await t.press(KEY.esc);
    expect(t.frame()).not.toContain('Confirm:');
    expect(t.actions.calls.filter((c) => c.startsWith('run'))).toEqual([]);
    await t.press('X');
    await tick();
    await t.press('cluster-2');
    await t.press(KEY.enter);
    await tick();
    expect(t.actions.calls.at(-1)).toBe('run {"name":"fence","node":"cluster-2"}');
  });

  it('read-only: move, ban, standby and fence keys do nothing; the fencing test runs', async () => {
    const t = live({ readOnly: true });
    await tick();
    await t.press('j', 'm', 'b', 'd', 'c', '1', 'X', 's', 'M');
    expect(t.frame()).not.toContain('Confirm:');
    expect(t.frame()).not.toContain('which node');
    expect(t.actions.calls).toEqual([]);
    await t.press('t');
    await tick();
    expect(t.frame()).toContain('Fencing test: READY');
    expect(t.frame()).toContain('fence-ipmi');
    expect(t.actions.calls).toEqual(['fenceCheck']);
  });

  it("a cached snapshot (an earlier run's) shows its age and offers no action until a host answers", async () => {
    const t = live();
    t.source.setView({ ...viewOf(sandboxSnapshot()), cachedAt: NOW - 3 * 60_000 });
    await tick();
    expect(t.frame()).toContain('CACHED 3m ago');
    await t.press('j', 'm', 'b', 'd', 's');
    expect(t.frame()).not.toContain('Confirm:');
    expect(t.frame()).not.toContain('which node');
    expect(t.actions.calls).toEqual([]);
    // A live snapshot arrives: the marker goes, the keys act again.
    t.source.setView(viewOf(sandboxSnapshot()));
    await tick();
    expect(t.frame()).not.toContain('CACHED');
    await t.press('d');
    expect(t.frame()).toContain('Confirm:');
  });

  it('a new snapshot updates the screen, keeps the selection on its row and marks changed rows', async () => {
    const t = live();
    await tick();
    await t.press('jj');
    const snap = sandboxSnapshot();
    snap.instances = snap.instances.map((i) => (i.id === 'dregistry' ? { ...i, nodes: ['cluster-2'] } : i));
    snap.resources.unshift({ kind: 'primitive', id: 'aaa-new', agent: { class: 'ocf', provider: 'heartbeat', type: 'Dummy' }, params: {}, meta: {}, ops: [] });
    t.source.setView(viewOf(snap));
    await tick(50);
    const f = t.frame();
    expect(f).toContain('aaa-new');
    expect(f).toMatch(/^\*dregistry\s+ocf:heartbeat:podman\s+Started\s+cluster-2/m);
    // Selection followed "web", now the 4th row.
    expect(f).toContain('4/21');
  });

  it('a host going stale keeps its last data on screen with the error', async () => {
    const t = live();
    await tick();
    t.source.update({
      hosts: [
        { name: 'cluster-1', state: 'down', snapshotAt: NOW - 30_000, lastError: 'ssh: connect ETIMEDOUT', mode: null },
        { name: 'cluster-2', state: 'stale', snapshotAt: NOW - 50_000, lastError: null, mode: null },
      ],
    });
    await tick();
    expect(t.frame()).toContain('cluster-1 DOWN 30s (ssh: connect ETIMEDOUT)');
    expect(t.frame()).toContain('STALE: no host reachable');
    expect(t.frame()).toContain('dregistry');
  });

  it(':res and :ctx from the command line', async () => {
    const switched: string[] = [];
    const t = live({ contexts: { list: () => ['prod', 'lab'], switchTo: (n) => void switched.push(n) } });
    await tick();
    await t.press(':', 'res web-srv', KEY.enter);
    expect(t.frame()).toContain('resource web-srv');
    await t.press(':', 'ctx lab', KEY.enter);
    await tick();
    expect(switched).toEqual(['lab']);
    expect(t.frame()).toContain('context lab');
    // Several keys in one read (as tmux send-keys may deliver them).
    await t.press(':ctx\r');
    expect(t.frame()).toContain('Switch context');
    await t.press(KEY.down, KEY.enter);
    await tick();
    expect(switched).toEqual(['lab', 'lab']);
  });

  it('help is generated from the keymap and closes with Esc', async () => {
    const t = live({}, 100, 60);
    await tick();
    await t.press('?');
    expect(t.frame()).toContain('Keys');
    expect(t.frame()).toContain('Fence the node (type its name to confirm)');
    await t.press(KEY.esc);
    expect(t.frame()).not.toContain('Fence the node');
  });
});

describe('real data', () => {
  it('renders the cts-cli cluster at 80x24 with the bundle and promotable clone', () => {
    const source = createViewStore(viewOf(realSnapshot('cts-cli-crm_mon')));
    const out = renderToString(<App source={source} size={{ columns: 80, rows: 24 }} tickMs={0} now={() => NOW} color={false} />, { columns: 80 });
    frameCheck(out, 80, 24);
    expect(out).toContain('cluster test-cluster');
    expect(out).toContain('DC cluster02');
    expect(out).toContain('httpd-bundle');
  });
});

describe('terminal size', () => {
  it('follows a resize of the terminal and stays within its height', async () => {
    class Out extends EventEmitter {
      columns = 80;
      rows = 24;
      isTTY = false;
      last = '';
      write = (s: string) => {
        this.last = s;
        return true;
      };
    }
    class In extends EventEmitter {
      isTTY = true;
      setEncoding() {}
      setRawMode() {}
      resume() {}
      pause() {}
      ref() {}
      unref() {}
      read = () => null;
    }
    const out = new Out();
    const source = createViewStore(viewOf(largeSnapshot(500)));
    const inst = inkRender(<App source={source} tickMs={0} now={() => NOW} color={false} />, {
      stdout: out as unknown as NodeJS.WriteStream,
      stdin: new In() as unknown as NodeJS.ReadStream,
      debug: true,
      patchConsole: false,
      exitOnCtrlC: false,
    });
    await tick();
    const lines = (s: string) => s.replace(/\n$/, '').split('\n');
    expect(lines(out.last)).toHaveLength(23);
    out.columns = 120;
    out.rows = 40;
    out.emit('resize');
    await tick(50);
    expect(lines(out.last)).toHaveLength(39);
    expect(Math.max(...lines(out.last).map((l) => l.length))).toBeLessThanOrEqual(120);
    expect(Math.max(...lines(out.last).map((l) => l.length))).toBeGreaterThan(80);
    inst.unmount();
  });
});
