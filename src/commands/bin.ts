import { main } from './main.js';
import { runMain } from './run-main.js';

runMain('pcmk', main);
