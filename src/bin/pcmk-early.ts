/**
 * dist/pcmk-early.mjs, which bin/pcmk.js loads before the program: starts the tools of a local
 * `pcmk status` (src/commands/early-reads.ts) so they run while the program is read and compiled.
 */
import os from 'node:os';
import { startEarly } from '../agent/started-early.js';
import { earlyReads } from '../commands/early-reads.js';
import { currentClusterFromFile, inventoryFile } from '../commands/inventory.js';

for (const c of earlyReads(process.argv.slice(2), () => currentClusterFromFile(inventoryFile(process.env, os.homedir())))) startEarly(c.file, c.argv, c.timeoutMs);
