/** A settable in-memory view source: for --cib files, demos and tests. */
import type { ClusterSnapshot } from '../model/snapshot.js';
import type { ClusterView, ViewSource } from './types.js';

export interface ViewStore extends ViewSource {
  setView(view: ClusterView): void;
  update(patch: Partial<ClusterView>): void;
}

export function createViewStore(initial: ClusterView): ViewStore {
  let view = initial;
  const listeners = new Set<() => void>();
  const emit = () => {
    for (const l of [...listeners]) l();
  };
  return {
    getView: () => view,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setView(next) {
      view = next;
      emit();
    },
    update(patch) {
      view = { ...view, ...patch };
      emit();
    },
  };
}

/** A one-host view of a snapshot (e.g. from an offline CIB file). */
export function singleSnapshotView(snapshot: ClusterSnapshot, mode: string, at: number, context: string | null = null): ClusterView {
  return {
    context,
    hosts: [{ name: snapshot.source, state: 'live', snapshotAt: at, lastError: null, mode }],
    snapshot,
    disagreements: [],
  };
}

/**
 * A view source that shows a saved snapshot (marked with cachedAt) until the live source has a
 * snapshot of its own; from then on it is the live source unchanged.
 */
export function withCachedSnapshot(live: ViewSource, cached: { snapshot: ClusterSnapshot; savedAt: number } | null): ViewSource {
  if (!cached) return live;
  let from: ClusterView | null = null;
  let shown: ClusterView | null = null;
  return {
    getView() {
      const v = live.getView();
      if (v.snapshot) return v;
      // The same object until the live view changes (useSyncExternalStore compares identity).
      if (v !== from || !shown) {
        from = v;
        shown = { ...v, snapshot: cached.snapshot, cachedAt: cached.savedAt };
      }
      return shown;
    },
    subscribe: (listener) => live.subscribe(listener),
  };
}
