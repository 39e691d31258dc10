/**
 * Ink's screen builder (its Output class) as pcmk-top installs it: patches/ink+6.8.0.patch keeps
 * its caches from one frame to the next and writes no style change between two cells of the same
 * style. The frames must stay exactly Ink's own: the expected strings below are what the
 * unpatched Ink 6.8.0 builds from the same writes (colour runs, bold and dim together, inverse,
 * wide characters, a write over another, one colour right after another, a clip by line).
 */
import { describe, expect, it } from 'vitest';
// The module Ink itself renders with (not part of Ink's public exports, hence the path).
import Output from '../../../node_modules/ink/build/output.js';

const E = '\u001b[';

type Write = [x: number, y: number, text: string];

const FRAME_1: Write[] = [
  [0, 0, `${E}32m fence-node-01   stonith:fence_ipmilan   Started node-01${E}39m`],
  [0, 1, `${E}1m${E}31m rsc-7 FAILED${E}39m${E}22m ${E}2mdim${E}22m ${E}1m${E}2mboth${E}22m plain`],
  [0, 2, `${E}7m selected row padded to the width                     ${E}27m`],
  [0, 3, `${E}36m节点-1 ✓ 🔥 wide${E}39m after`],
  [4, 1, `${E}33mOVER${E}39m`],
  [2, 4, 'trailing   '],
  [0, 5, `${E}32mStarted${E}39m${E}33mStopped${E}39m ${E}1mbold${E}22m${E}2mdim${E}22m`],
];
const FRAME_1_SCREEN =
  '\u001b[32m fence-node-01   stonith:fence_ipmilan   Started node-01\u001b[39m\n\u001b[1m\u001b[31m rsc\u001b[22m\u001b[33mOVER\u001b[1m\u001b[31mAILED\u001b[39m\u001b[22m \u001b[2mdim\u001b[22m \u001b[1m\u001b[2mboth\u001b[22m plain\n\u001b[7m selected row padded to the width                     \u001b[27m\n\u001b[36m节点-1 ✓ 🔥 wide\u001b[39m after\n  trailing\n\u001b[32mStarted\u001b[33mStopped\u001b[39m \u001b[1mbold\u001b[22m\u001b[2mdim\u001b[22m';

// The next frame: one line changed, the selection moved, a line moved down.
const FRAME_2: Write[] = [
  [0, 0, `${E}32m fence-node-02   stonith:fence_ipmilan   Stopped${E}39m`],
  [0, 1, `${E}1m${E}31m rsc-7 FAILED${E}39m${E}22m ${E}2mdim${E}22m ${E}1m${E}2mboth${E}22m plain`],
  [0, 3, `${E}7m selected moved here${E}27m`],
  [0, 4, `${E}36m节点-1 ✓ 🔥 wide${E}39m after`],
];
const FRAME_2_SCREEN =
  '\u001b[32m fence-node-02   stonith:fence_ipmilan   Stopped\u001b[39m\n\u001b[1m\u001b[31m rsc-7 FAILED\u001b[39m\u001b[22m \u001b[2mdim\u001b[22m \u001b[1m\u001b[2mboth\u001b[22m plain\n\n\u001b[7m selected moved here\u001b[27m\n\u001b[36m节点-1 ✓ 🔥 wide\u001b[39m after\n';

function frame(writes: Write[], width = 48, height = 6): string {
  const o = new Output({ width, height });
  // Clipped by line, as pcmk-top's layout clips (y2 is exclusive, as Ink computes it).
  o.clip({ x1: undefined, x2: undefined, y1: 0, y2: height });
  for (const [x, y, text] of writes) o.write(x, y, text, { transformers: [] });
  o.unclip();
  return o.get().output;
}

interface Caches {
  styledChars: Map<string, unknown>;
  lastFrameStyledChars: Map<string, unknown>;
  widths: Map<string, number>;
}
const cachesOf = (o: Output) => (o as unknown as { caches: Caches }).caches;
const caches = () => cachesOf(new Output({ width: 1, height: 1 }));

describe("Ink's Output as installed", () => {
  it('builds the frames the unpatched Ink builds, in any order (lines kept from the frame before)', () => {
    expect(frame(FRAME_1)).toBe(FRAME_1_SCREEN);
    expect(frame(FRAME_2)).toBe(FRAME_2_SCREEN);
    expect(frame(FRAME_2)).toBe(FRAME_2_SCREEN);
    expect(frame(FRAME_1)).toBe(FRAME_1_SCREEN);
    expect(frame(FRAME_1)).toBe(FRAME_1_SCREEN);
  });

  it('keeps the lines of the frame before, and nothing older', () => {
    expect(caches()).toBe(caches());
    const line = FRAME_2[1][2];
    frame(FRAME_2);
    const kept = caches().styledChars.get(line);
    expect(kept).toBeDefined();
    frame(FRAME_2);
    expect(caches().styledChars.get(line)).toBe(kept);
    // A long session: a clock ticking in the header makes a new line every second.
    for (let i = 0; i < 10_000; i++) frame([[0, 0, `${E}2mup ${i}s${E}22m`]], 20, 1);
    expect(caches().styledChars.size + caches().lastFrameStyledChars.size).toBe(2);
    expect(caches().widths.size).toBeLessThanOrEqual(256);
    expect(frame([[0, 0, `${E}2mup 10000s${E}22m`]], 20, 1)).toBe(`${E}2mup 10000s${E}22m`);
  });
});
