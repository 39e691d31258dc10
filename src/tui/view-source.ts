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
