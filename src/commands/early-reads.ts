/**
 * Which tools `pcmk` can start before its code is loaded (src/agent/started-early.ts): those of a
 * status read of this host, for exactly `pcmk status` aimed at this host (--local, or no target
 * and no current cluster in the inventory). Anything else starts nothing: the program then runs
 * its tools as it always does. Pure but for the inventory lookup it is given.
 */
import { STATUS_READ_CALLS } from '../agent/collect.js';
import { commandLine } from '../agent/started-early.js';
import { parseArgs } from './args.js';

export interface EarlyCall {
  file: string;
  argv: string[];
  timeoutMs: number;
}

/** The calls to start early for this command line; `current()` is the inventory's current cluster (undefined: unknown). */
export function earlyReads(argv: string[], current: () => string | null | undefined): EarlyCall[] {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch {
    return [];
  }
  const { options: o, positional, flags } = parsed;
  if (positional.length !== 1 || positional[0] !== 'status' || Object.keys(flags).length) return [];
  if (o.cib || o.hosts.length || o.cluster) return [];
  if (!o.local && current() !== null) return [];
  return STATUS_READ_CALLS.map(([tool, args]) => ({ ...commandLine(o.prefix, tool, args), timeoutMs: o.timeoutMs }));
}
