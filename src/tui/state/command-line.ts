/** The `:` command line: `:res NAME`, `:node NAME`, `:ctx [NAME]`, view names, `:help`, `:q`. */
import type { ViewId } from '../keymap.js';
import type { Row } from '../view-models/rows.js';
import { baseResourceId } from '../../model/values.js';

export type CommandLine =
  | { kind: 'quit' }
  | { kind: 'help' }
  | { kind: 'view'; view: ViewId }
  | { kind: 'jump'; view: 'resources' | 'nodes'; name: string }
  | { kind: 'context'; name: string | null }
  | { kind: 'error'; message: string };

const VIEW_WORDS: Record<string, ViewId> = {
  nodes: 'nodes',
  resources: 'resources',
  failures: 'failures',
  fails: 'failures',
  fencing: 'fencing',
  constraints: 'constraints',
  cons: 'constraints',
  history: 'history',
  hist: 'history',
};

export function parseCommandLine(text: string): CommandLine {
  const words = text.trim().replace(/^:/, '').trim().split(/\s+/).filter(Boolean);
  if (!words.length) return { kind: 'error', message: 'empty command' };
  const [verb, ...rest] = words;
  const arg = rest.join(' ') || null;
  switch (verb.toLowerCase()) {
    case 'q':
    case 'q!':
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    case 'help':
    case 'h':
      return { kind: 'help' };
    case 'res':
    case 'resource':
    case 'rsc':
    case 'r':
      return arg ? { kind: 'jump', view: 'resources', name: arg } : { kind: 'view', view: 'resources' };
    case 'node':
    case 'no':
      return arg ? { kind: 'jump', view: 'nodes', name: arg } : { kind: 'view', view: 'nodes' };
    case 'ctx':
    case 'context':
      return { kind: 'context', name: arg };
    default: {
      const view = VIEW_WORDS[verb.toLowerCase()];
      if (view) return { kind: 'view', view };
      return { kind: 'error', message: `unknown command: ${verb} (try :res NAME, :node NAME, :ctx NAME, :q)` };
    }
  }
}

/**
 * Index of the row a jump lands on: an exact id/name match first (top-most), then the base id of
 * a clone instance, then a case-insensitive prefix. -1 when nothing matches.
 */
export function findRowIndex(rows: readonly Row[], name: string): number {
  const idOf = (r: Row) => (r.target?.kind === 'resource' ? r.target.id : r.target?.kind === 'node' ? r.target.name : null);
  let i = rows.findIndex((r) => idOf(r) === name);
  if (i >= 0) return i;
  i = rows.findIndex((r) => {
    const id = idOf(r);
    return id !== null && baseResourceId(id) === name;
  });
  if (i >= 0) return i;
  const lower = name.toLowerCase();
  return rows.findIndex((r) => (idOf(r) ?? '').toLowerCase().startsWith(lower));
}
