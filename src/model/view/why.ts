/**
 * The `why` answer as lines with tones: the one view `pcmk why` prints and pcmk-top's why panel
 * shows. Pure; every cluster string goes through visible().
 */
import { pcmkCommand } from '../actions.js';
import type { WhyAnswer } from '../why.js';
import { visible } from './text.js';

export type WhyTone = 'normal' | 'ok' | 'warn' | 'error' | 'dim' | 'info' | 'heading';

export interface WhyLine {
  text: string;
  tone: WhyTone;
}

/** What the host adds to the pure answer (src/agent/actions/why.ts). */
export interface WhyExtras {
  movePreview?: { ok: boolean; lines: string[] };
  scoresError?: string;
}

export function whyLines(a: WhyAnswer & WhyExtras): WhyLine[] {
  const out: WhyLine[] = [];
  const add = (text: string, tone: WhyTone = 'normal') => out.push({ text: visible(text), tone });
  const stopped = a.running.length === 0 || (a.node !== null && !a.running.includes(a.node));
  add(a.verdict, stopped ? (a.unexplained.length && !a.causes.length ? 'warn' : 'error') : a.causes.some((c) => c.kind === 'unmanaged') ? 'warn' : 'ok');
  if (a.next) add(`Next: ${a.next.command}`, 'info');
  else if (stopped) add('Next: no single pcmk command fixes this (see the causes)', 'dim');

  if (a.causes.length) {
    add('');
    add(`Why (${a.resource} as a whole)`, 'heading');
    for (const c of a.causes) {
      add(`  ${c.kind}: ${c.text}`, 'warn');
      for (const ev of c.evidence) add(`      ${ev}`, 'dim');
      if (c.fix) add(`      fix: ${pcmkCommand(c.fix)}`, 'dim');
    }
  }

  add('');
  add(a.scored ? `Scores for ${a.unit} (crm_simulate --show-scores on a copy of the live CIB)` : `Nodes for ${a.unit} (no scheduler scores)`, 'heading');
  if (a.scoresError) add(`  ${a.scoresError}`, 'warn');
  const width = Math.max(4, ...a.nodes.map((n) => n.node.length));
  for (const n of a.nodes) {
    const mark = n.winner ? '*' : ' ';
    const score = n.score ?? '-';
    const state = n.runs ? 'runs here' : n.causes.length ? n.causes.map((c) => c.kind).join(', ') : a.node === n.node ? 'allowed' : '';
    add(`${mark} ${n.node.padEnd(width)}  ${score.padStart(9)}  ${state}`, n.runs || n.winner ? 'ok' : n.causes.some((c) => c.kind === 'unexplained') ? 'warn' : n.causes.length ? 'normal' : 'dim');
    if (a.node === null || a.node === n.node || n.causes.length) {
      for (const c of n.causes) {
        add(`      ${c.kind === 'unexplained' ? 'UNEXPLAINED: ' : ''}${c.text}`, c.kind === 'unexplained' ? 'warn' : 'normal');
        for (const ev of c.evidence) add(`        ${ev}`, 'dim');
      }
    }
    for (const note of n.notes) add(`      note: ${note}`, 'dim');
  }
  if (a.nodes.some((n) => n.winner)) add('  (* where the scheduler places it)', 'dim');
  if (a.unexplained.length) add(`Unexplained -INFINITY on: ${a.unexplained.join(', ')} (our causes do not account for the scheduler's score)`, 'warn');

  if (a.movePreview) {
    add('');
    add(`If moved to ${a.node} (pcmk move ${a.resource} ${a.node} --dry-run)`, 'heading');
    for (const l of a.movePreview.lines) add(`  ${l}`, a.movePreview.ok ? 'normal' : 'warn');
  }
  return out;
}
