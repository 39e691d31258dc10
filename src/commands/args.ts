/**
 * Argument parsing shared by `pcmk` and `pcmk-top`: the same connection options everywhere.
 * Pure: argv in, options out; a UsageError for anything it does not understand.
 */
export class UsageError extends Error {}

export interface ConnectionOptions {
  local: boolean;
  cib: string | null;
  cluster: string | null;
  hosts: string[];
  sshConfig: string | null;
  knownHosts: string[];
  /** Per-host connect and command timeout in ms. */
  timeoutMs: number;
  /** Run the tools of every host through this prefix (split on spaces, no shell). */
  prefix: string[];
  /** Keep SSH connections between runs in the connection holder (off with --no-reuse). */
  reuse: boolean;
}

export interface GlobalOptions extends ConnectionOptions {
  json: boolean;
  yes: boolean;
  dryRun: boolean;
  /** Seconds to wait for the cluster to settle after a change; null = do not wait. */
  wait: number | null;
  readOnly: boolean;
  noColor: boolean;
}

export interface ParsedArgs {
  options: GlobalOptions;
  /** Command words and their own positional arguments, e.g. ["move", "dregistry", "cluster-2"]. */
  positional: string[];
  /** Command-specific flags: --node N, --op OP, --interval I, --lifetime L, --keep-constraint, --expired... */
  flags: Record<string, string | true>;
}

const VALUE_FLAGS = new Set(['name', 'node', 'resource', 'op', 'interval', 'lifetime', 'action', 'cipher', 'user', 'port', 'since', 'until', 'from', 'limit', 'ctx', 'bmc']);
const BOOL_FLAGS = new Set(['keep-constraint', 'expired', 'force', 'all', 'cluster-wide', 'off', 'reboot', 'follow', 'group-by-node']);

export function defaultOptions(): GlobalOptions {
  return {
    local: false,
    cib: null,
    cluster: null,
    hosts: [],
    sshConfig: null,
    knownHosts: [],
    timeoutMs: 10_000,
    prefix: [],
    reuse: true,
    json: false,
    yes: false,
    dryRun: false,
    wait: null,
    readOnly: false,
    noColor: false,
  };
}

export function parseArgs(argv: string[]): ParsedArgs {
  const options = defaultOptions();
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') ? (eq > 0 ? a.slice(2, eq) : a.slice(2)) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (name) {
      case 'json':
        options.json = true;
        break;
      case 'yes':
      case '-y':
        options.yes = true;
        break;
      case 'dry-run':
      case '-n':
        options.dryRun = true;
        break;
      case 'read-only':
        options.readOnly = true;
        break;
      case 'no-color':
        options.noColor = true;
        break;
      case 'local':
        options.local = true;
        break;
      case 'no-reuse':
        options.reuse = false;
        break;
      case 'cib':
        options.cib = value();
        break;
      case 'cluster':
      case '-c': {
        // `pcmk maintenance on --cluster` (no value) means the whole cluster; elsewhere it names one.
        const next = inline ?? argv[i + 1];
        if (next === undefined || next.startsWith('-')) {
          flags['cluster-wide'] = true;
        } else {
          options.cluster = value();
        }
        break;
      }
      case 'host':
      case '-H':
        options.hosts.push(...value().split(',').map((h) => h.trim()).filter(Boolean));
        break;
      case '-F':
      case 'ssh-config':
        options.sshConfig = value();
        break;
      case 'known-hosts':
        options.knownHosts.push(value());
        break;
      case 'timeout': {
        const n = Number(value());
        if (!Number.isFinite(n) || n <= 0) throw new UsageError('--timeout needs a positive number of seconds');
        options.timeoutMs = n * 1000;
        break;
      }
      case 'prefix':
        options.prefix = value().split(/\s+/).filter(Boolean);
        break;
      case 'wait': {
        if (inline === undefined) {
          options.wait = 60;
        } else {
          const n = Number(inline);
          if (!Number.isFinite(n) || n <= 0) throw new UsageError('--wait=S needs a positive number of seconds');
          options.wait = n;
        }
        break;
      }
      case '-h':
      case 'help':
        // `pcmk move --help` is `pcmk help move`.
        positional.unshift('help');
        break;
      case '-V':
      case 'version':
        positional.unshift('version');
        break;
      default:
        if (VALUE_FLAGS.has(name)) flags[name] = value();
        else if (BOOL_FLAGS.has(name)) flags[name] = true;
        else throw new UsageError(`unknown option ${a}`);
    }
  }
  const targets = [options.cib !== null && '--cib', options.local && '--local', options.hosts.length > 0 && '--host', options.cluster !== null && '--cluster'].filter((t): t is string => !!t);
  if (targets.length > 1) {
    throw new UsageError(`${targets.join(' and ')} name different places to read: give one of --cib FILE, --local, --host H,... or --cluster NAME`);
  }
  return { options, positional, flags };
}
