/**
 * Terminal safety for strings that come from the cluster (ids, exit reasons, attribute values,
 * descriptions). Such a string may carry control characters that a terminal would obey: an ESC
 * sequence can recolour, move the cursor, retitle the window or hide text. Every renderer (the
 * `pcmk` text output and pcmk-top) shows cluster strings through `visible()`, which prints each
 * control character in caret notation instead, as `cat -v` does:
 *   C0 controls  U+0000..U+001F  ->  ^@ .. ^_   (ESC is ^[, TAB ^I, LF ^J, CR ^M)
 *   DEL          U+007F          ->  ^?
 *   C1 controls  U+0080..U+009F  ->  M-^@ .. M-^_   (CSI U+009B is M-^[)
 *   bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069), which reorder what
 *   the eye reads, and the line/paragraph separators U+2028, U+2029  ->  <U+202E> ...
 * Printable text, including non-ASCII letters, is left as it is. The function is idempotent.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function caret(code: number): string {
  return code === 0x7f ? '^?' : `^${String.fromCharCode(code + 0x40)}`;
}

/** `s` with every control character shown in caret notation (see the module comment). */
export function visible(s: string): string {
  return s.replace(UNSAFE, (ch) => {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return caret(code);
    if (code <= 0x9f) return `M-${caret(code - 0x80)}`;
    return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
}

/** True when `s` holds a character `visible()` would rewrite. */
export function hasControl(s: string): boolean {
  UNSAFE.lastIndex = 0;
  const hit = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return hit;
}
