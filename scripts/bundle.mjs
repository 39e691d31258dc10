// Builds the three programs with esbuild (run by `npm run build` after tsc):
//  - dist/pcmk-agent.cjs: dependency-free, Node >= 18, so the console can push it to a host that
//    has nothing installed;
//  - dist/pcmk.mjs and dist/pcmk-top.mjs: small entries over shared chunks (dist/chunks/) instead
//    of a hundred modules to resolve and read at start-up; what a command imports on demand (the
//    SSH transport, actions, history, pcmk-top's screen with Ink and React) is a chunk of its own;
//  - dist/pcmk-early.mjs: loaded before pcmk's entry, starts the tools of a local `pcmk status`.
//  ssh2 (native crypto binding) and conf stay packages, loaded from node_modules by import() only
//  when a command opens an SSH transport or reads the inventory.
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

/**
 * Options every bundle shares. NODE_ENV is fixed to production at build time: React, its reconciler
 * and scheduler then ship only their production builds (the development ones doubled the bundle
 * and were parsed at every start, although never run).
 */
const common = { bundle: true, platform: 'node', minify: false, legalComments: 'none', logLevel: 'warning', define: { 'process.env.NODE_ENV': '"production"' } };

/** CommonJS packages inside an ES module bundle (React, parts of Ink) need a real require(). */
const esm = { format: 'esm', target: 'node20', banner: { js: "import { createRequire as __pcmkCreateRequire } from 'node:module';\nconst require = __pcmkCreateRequire(import.meta.url);" } };

/**
 * Ink imports React's devtools (and its own devtools module) only when DEV=true; they are not shipped. Without this stub esbuild
 * would hoist that import to the top of the bundle and every start would fail to resolve it.
 */
const noDevtools = {
  name: 'no-react-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    // Ink's devtools module (and the WebSocket package it brings) is imported only when DEV=true.
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (a) => (/[\\/]ink[\\/]/.test(a.importer) ? { path: 'ink-devtools', namespace: 'stub' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: "throw new Error('React devtools are not part of pcmk-top');", loader: 'js' }));
  },
};

/**
 * Yoga (Ink's layout engine) ships its WebAssembly as a base64 data: URL and loads it with fetch()
 * whenever fetch exists: on Node that loads and starts undici, Node's HTTP client, for 60-80 ms of
 * pcmk-top's start. Yoga's own fallback decodes the base64 directly; the bundle takes it. The build
 * fails if the test it rewrites is not there (a Yoga release that loads differently).
 */
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (a) => {
      const text = await readFile(a.path, 'utf8');
      const test = '"function"!=typeof fetch';
      if (!text.includes(test)) throw new Error(`${a.path}: no ${test} to rewrite; check how this Yoga release loads its WebAssembly`);
      return { contents: text.replaceAll(test, 'true'), loader: 'js' };
    });
  },
};

/** Loaded from node_modules on demand (import() at the seam), never bundled. */
const lazyPackages = ['ssh2', 'conf'];

const bundles = [
  { entryPoints: ['src/bin/pcmk-agent.ts'], outfile: 'dist/pcmk-agent.cjs', target: 'node18', format: 'cjs', banner: { js: '#!/usr/bin/env node' } },
  // What bin/pcmk.js loads first: the tools of a local `pcmk status` start while dist/pcmk.mjs is
  // read and compiled. Small by design: the argument parser and the list of a status read's tools.
  { ...esm, entryPoints: ['src/bin/pcmk-early.ts'], outfile: 'dist/pcmk-early.mjs' },
  // pcmk and pcmk-top in chunks (dist/chunks/, shared by both): each entry holds what its common
  // commands run, and what a command reaches through import() (the SSH transport, actions,
  // history, completion; pcmk-top's screen: Ink, React) is read and compiled only when it runs.
  // pcmk-top starts its hosts' connections from its entry while the screen's chunks load.
  {
    ...esm,
    entryPoints: ['src/bin/pcmk.ts', 'src/bin/pcmk-top.ts'],
    outdir: 'dist',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    external: lazyPackages,
    plugins: [noDevtools, yogaWithoutFetch],
  },
];
rmSync('dist/chunks', { recursive: true, force: true });

await Promise.all(bundles.map((b) => build({ ...common, ...b })));
