#!/usr/bin/env -S node --max-semi-space-size=2
// V8's young generation kept at 2 MiB per semi-space (default 16): less short-lived garbage held
// between frames, a lower RSS while scrolling a big cluster (README, Performance). It must be given when
// Node starts (v8.setFlagsFromString at run time does not shrink it), hence the shebang: run as
// `pcmk-top` (or bin/pcmk-top.js), not as `node bin/pcmk-top.js`. Needs an env with -S (GNU
// coreutils >= 8.30, BSD, macOS).
// The cache first: it covers only what is imported after it.
import './compile-cache.js';
await import('../dist/pcmk-top.mjs');
