import { describe, expect, it } from 'vitest';
import { createViewStore, withCachedSnapshot } from '../../../src/tui/view-source.js';
import { sandboxSnapshot, viewOf } from './fixtures.js';

describe('withCachedSnapshot', () => {
  it('shows the saved snapshot, marked, until the live source has one, then the live view unchanged', () => {
    const saved = sandboxSnapshot();
    const live = createViewStore(viewOf(null));
    const shown = withCachedSnapshot(live, { snapshot: saved, savedAt: 42 });
    const v = shown.getView();
    expect(v.snapshot).toBe(saved);
    expect(v.cachedAt).toBe(42);
    expect(shown.getView()).toBe(v);
    let calls = 0;
    shown.subscribe(() => calls++);
    const fresh = viewOf(sandboxSnapshot());
    live.setView(fresh);
    expect(calls).toBe(1);
    expect(shown.getView()).toBe(fresh);
    expect(withCachedSnapshot(live, null)).toBe(live);
  });
});
