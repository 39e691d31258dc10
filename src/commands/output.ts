/**
 * What `pcmk` (and pcmk-top before and after its screen) writes to the terminal goes through here:
 * the one place that turns rendered text into bytes, so a command cannot print a control
 * character from the cluster or a host (an ESC in an exit reason, a C1 CSI in a node name, a
 * bidi override in an SSH error) by forgetting to clean it.
 *
 * - Text lines: every control character is shown by visible() (`^[`, `M-^[`, `<U+202E>`).
 * - Our own styling survives: Style does not put ESC sequences into the text but markers carrying
 *   a per-process random token, which visible() leaves alone and the writer turns into SGR
 *   sequences afterwards. Cluster data cannot forge a marker (it does not know the token), and an
 *   ESC sequence in the data is shown, never obeyed, even when colour is on.
 * - `--json`: the JSON text as is, except that the control characters JSON.stringify leaves raw
 *   (DEL, C1, bidi controls, U+2028/U+2029) are written as \u escapes: the same JSON value, and
 *   nothing a terminal obeys when a person pipes it to the screen.
 */
import { randomBytes } from 'node:crypto';
import { visible } from '../model/view/text.js';

export interface Style {
  bold(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
}

export const plain: Style = { bold: (s) => s, red: (s) => s, yellow: (s) => s, green: (s) => s, dim: (s) => s };

const TOKEN = randomBytes(6).toString('hex');
const OPEN = '\ue000';
const CLOSE = '\ue001';
const MARK = new RegExp(`${OPEN}${TOKEN}(\\d+)${CLOSE}`, 'g');
const mark = (code: string) => (s: string) => `${OPEN}${TOKEN}${code}${CLOSE}${s}${OPEN}${TOKEN}0${CLOSE}`;

/** Colour and weight for a terminal; the writer turns it into SGR sequences. */
export const ansi: Style = { bold: mark('1'), red: mark('31'), yellow: mark('33'), green: mark('32'), dim: mark('2') };

export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  return stream.isTTY && !env.NO_COLOR ? ansi : plain;
}

/** Columns a rendered string takes on the screen (style markers take none). */
export function displayWidth(s: string): number {
  return s.replace(MARK, '').length;
}

/**
 * Rendered text as the terminal gets it: control characters visible (a newline still ends a
 * line), then our styling as SGR sequences.
 */
export function terminalText(text: string): string {
  return text
    .split('\n')
    .map((line) => visible(line).replace(MARK, (_m, code: string) => `\u001b[${code}m`))
    .join('\n');
}

// eslint-disable-next-line no-control-regex
const JSON_RAW = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `value` as indented JSON text, with no character a terminal would obey (see the module comment). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(JSON_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Where a command writes: lines of text for people, or JSON for scripts. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  json(value: unknown): void;
  isTTY: boolean;
  style: Style;
}

/** Raw sinks: one call per line, the newline added by the sink. */
export interface Sinks {
  out?: (s: string) => void;
  err?: (s: string) => void;
}

export function createOutput(sinks: Sinks, isTTY: boolean, style: Style): Output {
  const out = sinks.out ?? ((s: string) => process.stdout.write(`${s}\n`));
  const err = sinks.err ?? ((s: string) => process.stderr.write(`${s}\n`));
  return {
    out: (line) => out(terminalText(line)),
    err: (line) => err(terminalText(line)),
    json: (value) => out(jsonText(value)),
    isTTY,
    style,
  };
}

/** Text to stderr outside a command's Output (usage errors, pcmk-top before its screen). */
export function printError(text: string): void {
  process.stderr.write(`${terminalText(text)}\n`);
}

/** Text to stdout outside a command's Output (pcmk-top's help). */
export function printText(text: string): void {
  process.stdout.write(`${terminalText(text)}\n`);
}
