/**
 * `pcmk-agent`: snapshot | serve. Runs on a cluster host (or against a CIB file).
 */
import os from 'node:os';
import { createAgent } from './agent.js';
import { LocalToolRunner } from './run-tool.js';
import { serve, type ServeHandlers } from './serve.js';
import { versionLine } from '../model/version.js';
import { hasClusterState } from './snapshot.js';
import type { ClusterSnapshot } from '../model/snapshot.js';

const USAGE = `usage: pcmk-agent <command> [options]

commands:
  snapshot [--json]   print one cluster snapshot (text summary, or JSON with --json)
  serve               speak the JSON-lines protocol on stdin/stdout (docs/protocol.md)
  version             print the agent version (also --version, -V)

options:
  --cib FILE          read a CIB file with the real tools instead of the live cluster
                      (also taken from the CIB_file environment variable)
  --prefix "CMD ..."  run every tool through this command, e.g. "docker exec pcmk_test"
                      or "nsenter -t 1234 -a" (split on spaces, never run by a shell)
  --timeout MS        per-tool timeout (default 15000; 300000 with --cib)
  --node NAME         name to report as this host (default: the host name)
`;

export interface AgentCliOptions {
  command: string | null;
  json: boolean;
  cib: string | null;
  prefix: string[];
  timeoutMs: number;
  node: string | null;
}

export class UsageError extends Error {}

export function parseAgentArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): AgentCliOptions {
  const o: AgentCliOptions = { command: null, json: false, cib: env.CIB_file ?? null, prefix: [], timeoutMs: 0, node: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const eq = a.indexOf('=');
      if (eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    switch (name) {
      case '--json':
        o.json = true;
        break;
      case '--cib':
        o.cib = value();
        break;
      case '--prefix':
        o.prefix = value().split(/\s+/).filter(Boolean);
        break;
      case '--timeout': {
        const n = Number(value());
        if (!Number.isFinite(n) || n <= 0) throw new UsageError('--timeout needs a positive number of milliseconds');
        o.timeoutMs = n;
        break;
      }
      case '--node':
        o.node = value();
        break;
      case '-h':
      case '--help':
        o.command = 'help';
        break;
      case '-V':
      case '--version':
        o.command = 'version';
        break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        if (o.command) throw new UsageError(`unexpected argument ${a}`);
        o.command = a;
    }
  }
  // A CIB file of a big cluster takes crm_mon seconds; a live cluster that hangs should fail fast.
  if (!o.timeoutMs) o.timeoutMs = o.cib ? 300_000 : 15_000;
  return o;
}

export function summarize(s: ClusterSnapshot): string {
  const c = s.cluster;
  const lines: string[] = [];
  lines.push(`cluster ${c.name ?? '(unnamed)'}  stack ${c.stack ?? '?'}  dc ${c.dc ?? 'NONE'}  ${c.quorate ? 'quorate' : c.quorate === false ? 'NO QUORUM' : 'quorum unknown'}  pacemaker ${c.pacemakerVersion ?? '?'}`);
  const kinds = (t: string) => s.nodes.filter((n) => n.type === t);
  for (const t of ['member', 'remote', 'guest']) {
    const ns = kinds(t);
    if (!ns.length) continue;
    lines.push(`${t} nodes: ${ns.map((n) => `${n.name}${n.host ? `@${n.host}` : ''}(${n.online ? (n.standby ? 'standby' : 'online') : n.unclean ? 'UNCLEAN' : 'offline'})`).join(' ')}`);
  }
  const active = s.instances.filter((i) => i.active).length;
  lines.push(`instances: ${s.instances.length} (${active} active, ${s.instances.filter((i) => i.failed).length} failed)  failures: ${s.failures.length}  fencing events: ${s.fencing.length}`);
  for (const src of s.sources) if (!src.ok) lines.push(`source ${src.tool}: ${src.error}`);
  for (const w of s.warnings) lines.push(`warning [${w.section}] ${w.message}`);
  return lines.join('\n');
}

/** Builds the serve handlers (actions, fencing checks) for the runner the agent uses. */
export type HandlerFactory = (ctx: { runner: LocalToolRunner; cibFile?: string; node: string }) => ServeHandlers;

export async function main(argv: string[], makeHandlers: HandlerFactory = () => ({})): Promise<number> {
  let o: AgentCliOptions;
  try {
    o = parseAgentArgs(argv);
  } catch (e) {
    process.stderr.write(`pcmk-agent: ${(e as Error).message}\n${USAGE}`);
    return 64;
  }
  const runner = new LocalToolRunner(o.prefix);
  const agent = createAgent({
    runner,
    cibFile: o.cib ?? undefined,
    node: o.node ?? os.hostname(),
    timeoutMs: o.timeoutMs,
  });
  switch (o.command) {
    case 'snapshot': {
      const s = await agent.snapshot();
      process.stdout.write(o.json ? `${JSON.stringify(s)}\n` : `${summarize(s)}\n`);
      // 102 mirrors crm_mon: no cluster state could be read.
      return hasClusterState(s) ? 0 : 102;
    }
    case 'serve':
      await serve(agent, process.stdin, process.stdout, makeHandlers({ runner, cibFile: o.cib ?? undefined, node: agent.node }));
      return 0;
    case 'version':
      process.stdout.write(`${versionLine('pcmk-agent')}\n`);
      return 0;
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(o.command ? `pcmk-agent: unknown command ${o.command}\n${USAGE}` : USAGE);
      return 64;
  }
}
