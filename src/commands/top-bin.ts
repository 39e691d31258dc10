import { runMain } from './run-main.js';
import { main } from './top.js';

runMain('pcmk-top', main);
