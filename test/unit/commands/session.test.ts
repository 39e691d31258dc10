import { describe, expect, it } from 'vitest';
import { reuseSettings } from '../../../src/commands/session.js';
import { defaultReuseDir } from '../../../src/transport/ssh/reuse-dir.js';

describe('reuseSettings: keeping SSH connections between runs', () => {
  it('is on by default, in the per-user directory, 60 s idle', () => {
    expect(reuseSettings({ reuse: true }, {}, 1000, defaultReuseDir)).toEqual({ dir: '/tmp/pcmk-console-1000', idleMs: 60_000 });
  });
  it('is off with --no-reuse or PCMK_NO_REUSE=1 (not with PCMK_NO_REUSE=0)', () => {
    expect(reuseSettings({ reuse: false }, {}, 1000, defaultReuseDir)).toBeNull();
    expect(reuseSettings({ reuse: true }, { PCMK_NO_REUSE: '1' }, 1000, defaultReuseDir)).toBeNull();
    expect(reuseSettings({ reuse: true }, { PCMK_NO_REUSE: '0' }, 1000, defaultReuseDir)).not.toBeNull();
  });
  it('takes the directory and idle seconds from PCMK_REUSE_DIR and PCMK_REUSE_IDLE', () => {
    expect(reuseSettings({ reuse: true }, { PCMK_REUSE_DIR: '/x', PCMK_REUSE_IDLE: '5' }, 0, defaultReuseDir)).toEqual({ dir: '/x', idleMs: 5000 });
    expect(reuseSettings({ reuse: true }, { PCMK_REUSE_IDLE: 'soon' }, 0, defaultReuseDir)?.idleMs).toBe(60_000);
  });
});
