import { describe, expect, it } from 'vitest';
import { hasControl, visible } from '../../../../src/model/view/text.js';

describe('visible: control characters from cluster data are shown, not obeyed', () => {
  it('shows C0 controls and DEL in caret notation, ESC as ^[', () => {
    expect(visible('\u001b[2J\u001b]0;owned\u0007')).toBe('^[[2J^[]0;owned^G');
    expect(visible('a\tb\nc\rd\u0000e\u007f')).toBe('a^Ib^Jc^Md^@e^?');
  });

  it('shows C1 controls (8-bit CSI, OSC) with an M- prefix', () => {
    expect(visible('\u009b31m\u009d0;x\u009c')).toBe('M-^[31mM-^]0;xM-^\\');
  });

  it('names bidirectional overrides and line separators instead of obeying them', () => {
    expect(visible('exit\u202Egnp.exe\u2028x')).toBe('exit<U+202E>gnp.exe<U+2028>x');
  });

  it('leaves printable text alone, including non-ASCII letters, and is idempotent', () => {
    const s = 'Grüße dlm:0 ✓ 10.0.0.1/24 "quoted" ^[ already';
    expect(visible(s)).toBe(s);
    const once = visible('\u001b[31mred');
    expect(visible(once)).toBe(once);
    expect(hasControl('\u001b')).toBe(true);
    expect(hasControl('plain')).toBe(false);
  });
});
