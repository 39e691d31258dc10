/** Composition root of `pcmk-top`. */
import { main } from '../commands/top.js';
import { runMain } from './run-main.js';

runMain('pcmk-top', main);
