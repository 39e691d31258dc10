/** Turn Ink's (input, key) pair into one normalized key name the keymap understands. */
import type { Key } from 'ink';

export type KeyLike = Partial<Pick<Key, 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'ctrl' | 'shift' | 'tab' | 'backspace' | 'delete' | 'meta'>>;

/**
 * Key names: 'up' 'down' 'left' 'right' 'pageup' 'pagedown' 'home' 'end' 'enter' 'escape'
 * 'tab' 'shift-tab' 'backspace' 'ctrl-X' 'meta-X', or the typed text itself ('j', 'G', '/', 'abc'
 * for a paste). Escape is checked before meta: Ink sets key.meta on a plain Esc too.
 */
export function normalizeKey(input: string, key: KeyLike): string {
  if (key.escape) return 'escape';
  if (key.return) return 'enter';
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input) return `ctrl-${input.toLowerCase()}`;
  if (key.meta && input) return `meta-${input}`;
  return input;
}

/** True when a normalized key is printable text (one char or a paste). */
export function isText(name: string): boolean {
  if (!name) return false;
  if (/^(ctrl|meta)-./.test(name)) return false;
  if (
    ['up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end', 'enter', 'escape', 'tab', 'shift-tab', 'backspace'].includes(name)
  ) {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u001f\u007f]/.test(name);
}

export interface KeyEvent {
  /** Normalized key name (see normalizeKey). */
  name: string;
  /** Typed text when the key is printable (a char or a paste), else null. */
  text: string | null;
}

export function keyEvent(input: string, key: KeyLike): KeyEvent {
  const name = normalizeKey(input, key);
  const special =
    key.escape || key.return || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow ||
    key.pageUp || key.pageDown || key.home || key.end || key.backspace || key.delete || key.ctrl || key.meta;
  // eslint-disable-next-line no-control-regex
  const text = !special && input && !/[\u0000-\u001f\u007f]/.test(input) ? input : null;
  return { name, text };
}

/**
 * Split a multi-key read (no escape sequences in it) into single key events: "jj\r" is j, j,
 * Enter. A terminal delivers typed keys one by one, but tmux send-keys and pastes may not.
 */
export function splitKeys(input: string): KeyEvent[] {
  const out: KeyEvent[] = [];
  for (const ch of input) {
    if (ch === '\r' || ch === '\n') out.push({ name: 'enter', text: null });
    else if (ch === '\t') out.push({ name: 'tab', text: null });
    else if (ch === '\u007f' || ch === '\b') out.push({ name: 'backspace', text: null });
    else if (ch === '\u001b') out.push({ name: 'escape', text: null });
    else if (ch < ' ') out.push({ name: `ctrl-${String.fromCharCode(ch.charCodeAt(0) + 96)}`, text: null });
    else out.push({ name: ch, text: ch });
  }
  return out;
}
