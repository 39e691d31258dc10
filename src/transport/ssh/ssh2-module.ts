/**
 * ssh2 loads when the first SSH connection opens, not with the transport's modules: a command that
 * never opens one (help, --local, --cib) does not pay for it. The bundles keep this import() as it
 * is, so ssh2 (with its native crypto binding) comes from node_modules only then.
 */
import type * as Ssh2 from 'ssh2';

export type Ssh2Module = typeof Ssh2;

let loading: Promise<Ssh2Module> | null = null;

export function loadSsh2(): Promise<Ssh2Module> {
  // ssh2 is CommonJS: Node's ESM loader does not see all of its named exports (utils), so take the default.
  loading ??= import('ssh2').then((m) => (m as unknown as { default: Ssh2Module }).default);
  return loading;
}
