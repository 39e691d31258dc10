#!/usr/bin/env node
// The cache first: it covers only what is imported after it.
import './compile-cache.js';
await import('../dist/pcmk-top.mjs');
