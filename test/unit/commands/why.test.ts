import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/commands/args.js';
import { toAction } from '../../../src/commands/main.js';
import { pcmkCommand } from '../../../src/model/why.js';
import type { Action } from '../../../src/model/actions.js';

describe('the next command `pcmk why` prints is the one the CLI reads back as the same request', () => {
  const actions: Action[] = [
    { name: 'clear', resource: 'dregistry' },
    { name: 'clear', resource: 'dregistry', node: 'cluster-3' },
    { name: 'cleanup', resource: 'dregistry', node: 'cluster-2' },
    { name: 'enable', resource: 'docker' },
    { name: 'unstandby', node: 'cluster-2' },
    { name: 'resource-maintenance', resource: 'why-um', state: 'off' },
    { name: 'node-maintenance', node: 'cluster-3', state: 'off' },
    { name: 'cluster-maintenance', state: 'off' },
    { name: 'move', resource: 'dregistry', node: 'cluster-3' },
    { name: 'fence', node: 'cluster-3' },
  ];
  for (const a of actions) {
    it(pcmkCommand(a), () => {
      const words = pcmkCommand(a).split(' ');
      expect(words[0]).toBe('pcmk');
      expect(toAction(parseArgs(words.slice(1)))).toEqual(a);
    });
  }
});
