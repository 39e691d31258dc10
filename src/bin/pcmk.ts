/** Composition root of `pcmk`. */
import { main } from '../commands/main.js';
import { runMain } from './run-main.js';

runMain('pcmk', main);
