// Builds the three programs into single files with esbuild (run by `npm run build` after tsc):
//  - dist/pcmk-agent.cjs: dependency-free, Node >= 18, so the console can push it to a host that
//    has nothing installed;
//  - dist/pcmk.mjs and dist/pcmk-top.mjs: one file each instead of a hundred modules to resolve
//    and read at start-up. ssh2 (native crypto binding) and conf stay packages, loaded from
//    node_modules by import() only when a command opens an SSH transport or reads the inventory;
//    pcmk-top carries Ink and React inside, evaluated only when the screen starts.
import { build } from 'esbuild';

/** Options every bundle shares. */
const common = { bundle: true, platform: 'node', minify: false, legalComments: 'none', logLevel: 'warning' };

/** CommonJS packages inside an ES module bundle (React, parts of Ink) need a real require(). */
const esm = { format: 'esm', target: 'node20', banner: { js: "import { createRequire as __pcmkCreateRequire } from 'node:module';\nconst require = __pcmkCreateRequire(import.meta.url);" } };

/**
 * Ink imports React's devtools only when DEV=true; they are not shipped. Without this stub esbuild
 * would hoist that import to the top of the bundle and every start would fail to resolve it.
 */
const noDevtools = {
  name: 'no-react-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: "throw new Error('React devtools are not part of pcmk-top');", loader: 'js' }));
  },
};

/** Loaded from node_modules on demand (import() at the seam), never bundled. */
const lazyPackages = ['ssh2', 'conf'];

const bundles = [
  { entryPoints: ['src/bin/pcmk-agent.ts'], outfile: 'dist/pcmk-agent.cjs', target: 'node18', format: 'cjs', banner: { js: '#!/usr/bin/env node' } },
  { ...esm, entryPoints: ['src/bin/pcmk.ts'], outfile: 'dist/pcmk.mjs', external: lazyPackages, plugins: [noDevtools] },
  { ...esm, entryPoints: ['src/bin/pcmk-top.ts'], outfile: 'dist/pcmk-top.mjs', external: lazyPackages, plugins: [noDevtools] },
];

await Promise.all(bundles.map((b) => build({ ...common, ...b })));
