#!/usr/bin/env node
// The cache first: it covers only what is imported after it.
import './compile-cache.js';
// The tools of a local `pcmk status` start now and run while the program is read and compiled.
await import('../dist/pcmk-early.mjs');
await import('../dist/pcmk.mjs');
