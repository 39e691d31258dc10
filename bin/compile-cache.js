// V8's compile cache (Node >= 22.1): the compiled code of the bundles is kept on disk, so a start
// after the first skips most of the parsing and compiling. A no-op on Node 20, and when
// NODE_DISABLE_COMPILE_CACHE is set. The cache lives in the user's cache directory:
// $XDG_CACHE_HOME/pcmk-console/v8, else ~/.cache/pcmk-console/v8.
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';

if (typeof module.enableCompileCache === 'function') {
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  try {
    module.enableCompileCache(path.join(base, 'pcmk-console', 'v8'));
  } catch {
    // No cache is no error: the program runs as it would on Node 20.
  }
}
