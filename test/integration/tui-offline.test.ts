/**
 * pcmk-top --from DIR in a real terminal (tmux), no cluster needed (run it alone with
 * PCMK_SANDBOX=none): a pengine directory made with the real tools from a CTS scheduler input
 * (test/unit/agent/history/inputs.ts). The console opens on the History view listing the four
 * inputs, Enter on #2 travels there (B still on 18node2), an action key is refused with the
 * reason, Esc returns to the newest input (#4, B on 18node3) under the OFFLINE banner.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuilt, resourceRow, topConsole, VIEW_HEADERS, type Frame } from './tmux.js';
import { makePengineDir } from '../unit/agent/history/inputs.js';

const S = 'offline';
const { startTop, waitScreen, keys, capture, close, violations, quitting, tmux, at } = topConsole('pcmk-tui-offline');
let dir = '';

const rowsOf = (f: Frame): string[] => f.lines.flatMap((l) => /^[ *]?(?:\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d +>?(#\d+)/.exec(l)?.[1] ?? []);
const warning = (f: Frame, re: RegExp): string => f.lines.find((l) => re.test(l)) ?? '';

beforeAll(() => {
  requireBuilt();
  dir = makePengineDir();
}, 60_000);
afterAll(() => {
  close();
  rmSync(dir, { recursive: true, force: true });
});

describe('pcmk-top --from DIR', () => {
  it('opens on the History view; Enter travels, an action is refused, Esc returns to the newest input', async () => {
    startTop(S, 160, 30, ['--from', dir]);
    const list = await waitScreen(S, 'the History view listing the four inputs', (f) => rowsOf(f).length === 4, 60_000);
    expect(rowsOf(list)).toEqual(['#4', '#3', '#2', '#1']);
    expect(list.lines[1]).toMatch(/^hosts: pcmk-history-test-\S+ offline$/);
    expect(warning(list, /^! OFFLINE/)).toMatch(/^! OFFLINE INPUT #4 2026-12-06 14:04:00 UTC, DC 18node3, the newest in /);
    expect(list.lines[list.rows - 2]).toMatch(/^\[read-only\] \? help {2}Enter travel/);

    await keys(S, 'j', 'j', 'Enter');
    const past = await waitScreen(S, 'the resources view as of #2', (f) => /^! TIME TRAVEL #2 /.test(f.lines[2] ?? '') && resourceRow(f, 'B') !== null, 30_000);
    expect(past.lines[2]).toBe('! TIME TRAVEL #2 2026-12-06 14:02:00 UTC, DC 18node3: read-only; [ older, ] newer, Esc newest');
    expect(past.lines.some((l) => VIEW_HEADERS.resources.test(l))).toBe(true);
    expect(resourceRow(past, 'B')).toEqual({ role: 'Started', nodes: '18node2' });

    await keys(S, 'Escape');
    const newest = await waitScreen(S, 'the newest input again', (f) => /^! OFFLINE INPUT #4 /.test(f.lines[2] ?? '') && resourceRow(f, 'B')?.nodes === '18node3', 10_000);
    expect(newest.text).toContain('back to the newest input, #4');

    await keys(S, 'c');
    await waitScreen(S, 'the refusal', (f) => f.text.includes('offline: saved scheduler inputs, there is no cluster to change or ask'), 10_000);
    expect(capture(S).text).not.toContain('Confirm:');

    quitting.add(S);
    tmux(['send-keys', '-t', at(S), 'q']);
    await waitScreen(S, 'pcmk-top to exit', (f) => f.text.includes('[pcmk-top exited with status 0]'), 10_000);
    expect(violations).toEqual([]);
  }, 180_000);
});

