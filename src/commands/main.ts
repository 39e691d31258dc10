/**
 * `pcmk`: the scriptable CLI. Text for people, `--json` for scripts, documented exit codes.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs, UsageError, type GlobalOptions, type ParsedArgs } from './args.js';
import { failcountLines, renderConstraints, renderNodes, renderResources, renderStatus, table } from './render.js';
import { createOutput, styleFor, terminalText, type Output, type Style } from './output.js';
import { openTarget, OutcomeUnknownError, Session, SessionError } from './session.js';
import { actionScope, changesCluster, isDestructive, type Action, type OnOff } from '../model/actions.js';
import type { ActionResponse } from '../agent/actions/handle.js';
import type { AuditEntry } from '../agent/actions/audit.js';
import { commandUsage, EXIT, findCommands, globalUsage, helpCommand, unknownCommand } from './usage.js';
import { versionLine } from '../model/version.js';
import type { ClusterView, HostStatus } from '../aggregate/merge-view.js';

export { EXIT };

/** `pcmk help`: rendered from the command table (src/commands/usage.ts), as is every command's usage. */
export const USAGE = globalUsage();

/** Commands that name an action of the table (src/model/actions.ts); toAction builds the request. */
export const ACTION_COMMANDS: ReadonlySet<string> = new Set(['move', 'ban', 'clear', 'cleanup', 'refresh', 'failcount', 'standby', 'unstandby', 'maintenance', 'enable', 'disable', 'restart', 'fence']);

function hostLine(h: { name: string; state: string; mode: string | null; snapshotAgeMs: number | null; lastError: string | null }, st: Style): string {
  const age = h.snapshotAgeMs != null ? ` ${(h.snapshotAgeMs / 1000).toFixed(1)}s` : '';
  const state = h.state === 'live' ? st.green(h.state) : st.red(h.state);
  return `  ${h.name}  ${state}${h.mode ? ` (${h.mode})` : ''}${age}${h.lastError ? `  ${st.red(h.lastError)}` : ''}`;
}

function viewExit(view: ClusterView): number {
  if (!view.primary) return view.hosts.some((h) => h.reachesCluster === false) ? EXIT.notConnected : EXIT.noHost;
  if (view.splitView) return EXIT.splitView;
  if (view.hosts.length && view.hosts.every((h) => h.reachesCluster === false)) return EXIT.notConnected;
  return EXIT.ok;
}

async function readView(session: Session): Promise<{ hosts: HostStatus[]; view: ClusterView }> {
  return session.collect();
}

function printView(io: Output, view: ClusterView, multiHost: boolean): void {
  if (multiHost || !view.primary) {
    io.out(io.style.bold('Hosts'));
    for (const h of view.hosts) io.out(hostLine(h, io.style));
    io.out('');
  }
  for (const issue of view.issues) io.out(io.style.red(`! ${issue.message}`));
  if (view.issues.length) io.out('');
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const a = await rl.question(terminalText(question));
    return /^y(es)?$/i.test(a.trim());
  } finally {
    rl.close();
  }
}

/** Drops undefined fields so requests compare and print cleanly. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Builds the typed action request of an action command from its words and flags. */
export function toAction(p: ParsedArgs): Action {
  const [cmd, a1, a2] = p.positional;
  const f = p.flags;
  const str = (k: string) => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
  const need = (v: string | undefined, what: string): string => {
    if (!v) throw new UsageError(`${cmd} needs ${what}`);
    return v;
  };
  switch (cmd) {
    case 'move':
      return compact({ name: 'move', resource: need(a1, 'a resource'), node: a2 ?? str('node'), keepConstraint: f['keep-constraint'] === true || undefined, lifetime: str('lifetime') });
    case 'ban':
      return compact({ name: 'ban', resource: need(a1, 'a resource'), node: a2 ?? str('node'), lifetime: str('lifetime') });
    case 'clear':
      return compact({ name: 'clear', resource: a1, node: a2 ?? str('node'), expired: f.expired === true || undefined });
    case 'cleanup':
      return compact({ name: 'cleanup', resource: a1, node: str('node'), operation: str('op'), interval: str('interval') });
    case 'refresh':
      return compact({ name: 'refresh', resource: a1, node: str('node') });
    case 'standby':
    case 'unstandby':
      return { name: cmd, node: need(a1 ?? str('node'), 'a node') };
    case 'maintenance': {
      if (a1 !== 'on' && a1 !== 'off') throw new UsageError('maintenance needs on or off');
      const state: OnOff = a1;
      const resource = str('resource');
      const node = a2 ?? str('node');
      const cluster = f['cluster-wide'] === true;
      if ([resource, node, cluster || undefined].filter((x) => x !== undefined).length !== 1) {
        throw new UsageError('maintenance on|off needs exactly one scope: --resource RSC, a NODE, or --cluster (the whole cluster)');
      }
      if (resource) return { name: 'resource-maintenance', resource, state };
      if (node) return { name: 'node-maintenance', node, state };
      return { name: 'cluster-maintenance', state };
    }
    case 'enable':
    case 'disable':
      return { name: cmd, resource: need(a1, 'a resource') };
    case 'restart':
      return compact({ name: 'restart', resource: need(a1, 'a resource'), node: str('node') });
    case 'failcount':
      if (a1 === 'reset') return compact({ name: 'failcount-reset', resource: need(a2, 'a resource'), node: str('node'), operation: str('op'), interval: str('interval') });
      return compact({ name: 'failcount-show', resource: a1 === 'show' ? a2 : a1, node: str('node') });
    case 'fence':
      if (p.positional.length > 2) throw new UsageError(`fence takes one node (got ${p.positional.slice(1).join(' ')})`);
      return compact({ name: 'fence', node: need(a1 ?? str('node'), 'a node'), off: f.off === true || undefined });
    default:
      throw new UsageError(`unknown command ${cmd}`);
  }
}

/** Prints an action's plan/preview/result as returned by the agent. */
export function renderActionResult(res: ActionResponse, st: Style): string[] {
  const out: string[] = [];
  if (res?.plan?.summary) out.push(st.bold(res.plan.summary));
  if (res?.plan) out.push(`Scope: ${res.plan.scope ?? actionScope(res.plan.request)}${res.plan.danger ? '  (destructive: needs confirmation)' : ''}`);
  for (const wmsg of res?.plan?.warnings ?? []) out.push(st.yellow(`! ${wmsg}`));
  if (res?.plan?.steps?.length) {
    out.push('Plan:');
    for (const s of res.plan.steps) out.push(`  ${[s.tool, ...s.args].join(' ')}${s.description ? st.dim(`   # ${s.description}`) : ''}`);
  }
  const prevLines = res?.preview?.lines ?? [];
  if (prevLines.length) {
    out.push('Transition preview (crm_simulate):');
    for (const l of prevLines) out.push(`  ${l}`);
  }
  if (res?.result) {
    out.push(res.result.ok === false ? st.red(`Failed: ${res.result.message ?? ''}`) : st.green(`Done${res.result.message ? `: ${res.result.message}` : ''}`));
  }
  if (res?.requestId) out.push(st.dim(`Request id: ${res.requestId} (pcmk log)`));
  return out;
}

export async function main(argv: string[], io?: { out?: (s: string) => void; err?: (s: string) => void; isTTY?: boolean }): Promise<number> {
  const isTTY = io?.isTTY ?? !!process.stdout.isTTY;
  if (argv[0] === '__complete') {
    // Hidden: what the shell completion scripts ask (`pcmk completion bash|zsh|fish`).
    const { completeCommand } = await import('./completion.js');
    return completeCommand(argv.slice(1), createOutput({ out: io?.out, err: io?.err }, false, styleFor({ isTTY: false })));
  }
  let p: ParsedArgs;
  try {
    p = parseArgs(argv);
  } catch (e) {
    createOutput({ out: io?.out, err: io?.err }, false, styleFor({ isTTY: false })).err(`pcmk: ${(e as Error).message}\n\n${usageFor(commandWordsIn(argv))}`);
    return EXIT.usage;
  }
  const o: GlobalOptions = p.options;
  const st = o.noColor || o.json ? styleFor({ isTTY: false }) : styleFor({ isTTY });
  // Every line and every JSON document of every command is written through this (terminal safety).
  const w = createOutput({ out: io?.out, err: io?.err }, isTTY, st);
  const json = (v: unknown) => w.json(v);
  const cmd = p.positional[0] ?? 'help';

  if (cmd === 'help') return helpCommand(p.positional.slice(1), w);
  if (cmd === 'version') {
    w.out(versionLine('pcmk'));
    return EXIT.ok;
  }
  if (cmd === 'completion') {
    const { completionCommand } = await import('./completion.js');
    return completionCommand(p.positional[1], w);
  }

  try {
    if (cmd === 'cluster') return await clusterCommand(p, w);
    if (cmd === 'log') {
      const { readAuditLog } = await import('../agent/actions/index.js');
      const entries = readAuditLog();
      if (o.json) json(entries);
      else for (const e of entries) w.out(auditLine(e));
      return EXIT.ok;
    }
    if (cmd === 'history') {
      const { historyCommand } = await import('./history.js');
      return await historyCommand(p, w);
    }
    if (cmd === 'ipmi' || cmd === 'fence-test') {
      const { fencingCommand } = await import('./fencing.js');
      const target = await openTarget(o);
      return await fencingCommand(p, w, () => new Session(target, o, false));
    }

    if (cmd === 'why') {
      const { whyCommand } = await import('./why.js');
      const session = new Session(await openTarget(o), o, false);
      try {
        return await whyCommand(p, w, session);
      } finally {
        await session.close();
      }
    }
    const reading = ['status', 'nodes', 'resources', 'constraints'].includes(cmd);
    if (!reading && !ACTION_COMMANDS.has(cmd)) throw new UsageError(unknownCommand(cmd));
    const action = reading ? null : toAction(p);
    const changing = action !== null && changesCluster(action.name);
    if (changing && o.readOnly) {
      w.err(`pcmk: refusing ${cmd}: --read-only`);
      return EXIT.readOnly;
    }

    const session = new Session(await openTarget(o), o, false, cmd === 'status' ? 'status' : 'full');
    try {
      if (!action) {
        const { view } = await readView(session);
        const s = view.primary?.snapshot;
        if (o.json) {
          const body: Record<string, unknown> = { hosts: view.hosts, issues: view.issues, splitView: view.splitView, primaryHost: view.primary?.host ?? null };
          if (cmd === 'status') body.snapshot = s ?? null;
          if (cmd === 'nodes') body.nodes = s?.nodes ?? [];
          if (cmd === 'resources') body.resources = s ? (p.positional[1] ? s.resources.filter((r) => r.id === p.positional[1]) : s.resources) : [];
          if (cmd === 'resources') body.instances = s?.instances ?? [];
          if (cmd === 'constraints') body.constraints = s?.constraints ?? null;
          json(body);
        } else {
          printView(w, view, session.target.hosts.length > 1);
          if (s) {
            const lines =
              cmd === 'status'
                ? renderStatus(s, st)
                : cmd === 'nodes'
                  ? renderNodes(s, st)
                  : cmd === 'resources'
                    ? renderResources(s, st, p.positional[1])
                    : renderConstraints(s, st);
            if (cmd === 'resources' && p.positional[1] && lines.length <= 1) {
              w.err(`pcmk: no resource named ${p.positional[1]}`);
              return 105;
            }
            for (const l of lines) w.out(l);
          }
        }
        return viewExit(view);
      }

      if (action.name === 'fence' && !o.json) {
        // What the fencer will use, from the readiness check (a read): shown before anything runs.
        const { fenceDeviceLines } = await import('./fence-check.js');
        for (const l of await fenceDeviceLines(session, action.node, action.off === true).catch(() => [])) w.err(l);
      }
      if (changing && isDestructive(action.name) && !o.dryRun && !o.yes) {
        // Show the plan first, then ask (or refuse when nobody can answer).
        const preview = await session.action({ action, dryRun: true, client: 'pcmk' });
        for (const l of renderActionResult(preview, st)) w.err(l);
        const ok = w.isTTY && (await confirm(`${cmd} of ${actionScope(action)} is destructive. Proceed? [y/N] `));
        if (!ok) {
          w.err(`pcmk: ${cmd} not done: add --yes to confirm`);
          return EXIT.needsConfirmation;
        }
      }
      const result = await session.action({ action, dryRun: o.dryRun, wait: o.wait, client: 'pcmk' });
      if (o.json) json(result);
      else if (action.name === 'failcount-show') {
        const rows = result.rows ?? [];
        for (const l of failcountLines(rows)) w.out(l);
      } else for (const l of renderActionResult(result, st)) w.out(l);
      return result.result?.ok === false ? EXIT.failed : EXIT.ok;
    } finally {
      await session.close();
    }
  } catch (e) {
    return reportError(e, w, o.json, p.positional);
  }
}

/** One line of `pcmk log`: when, who, from where to where, what, the request id and the outcome. */
export function auditLine(e: AuditEntry): string {
  const route = `${e.user}@${e.host}${e.client ? ` (${e.client})` : ''}${e.via || e.ranOn ? ` -> ${e.ranOn ?? e.via}` : ''}`;
  const r = e.result;
  const outcome = r.outcome === 'unknown' || r.ok === null ? 'OUTCOME UNKNOWN' : r.ok === false ? `FAILED ${r.message}` : 'ok';
  return `${e.time}  ${route}  ${e.summary}${e.requestId ? `  [${e.requestId}]` : ''}  ${outcome}`;
}

/**
 * The command words of an argument list that did not parse: the first run of bare words that names
 * a command (`--host h1 move --bogus` -> move), else none.
 */
function commandWordsIn(argv: readonly string[]): string[] {
  const bare = argv.filter((a) => !a.startsWith('-'));
  for (let i = 0; i < bare.length; i++) if (findCommands(bare.slice(i)).length) return bare.slice(i);
  return [];
}

/** The usage to show after a usage error: the command's own when it names one, else every command's. */
function usageFor(words: readonly string[]): string {
  const specs = words.length ? findCommands(words) : [];
  return specs.length ? commandUsage(specs) : USAGE;
}

export function reportError(e: unknown, w: Pick<Output, 'err' | 'json'>, asJson: boolean, words: readonly string[] = []): number {
  const err = e as { message?: string; exitCode?: number | null; code?: string; agentCode?: string | null };
  if (e instanceof UsageError) {
    w.err(`pcmk: ${e.message}\n\n${usageFor(words)}`);
    return EXIT.usage;
  }
  if ((e as Error)?.name === 'InventoryError') {
    w.err(`pcmk: ${(e as Error).message}`);
    return EXIT.usage;
  }
  const exit = typeof err?.exitCode === 'number' && err.exitCode > 0 ? err.exitCode : e instanceof SessionError ? e.exitCode : EXIT.failed;
  const unknown = e instanceof OutcomeUnknownError ? { host: e.host, requestId: e.requestId, state: e.state } : {};
  if (asJson) w.json({ error: { code: err?.agentCode ?? err?.code ?? 'error', message: err?.message ?? String(e), exitCode: exit, ...unknown } });
  else w.err(`pcmk: ${err?.message ?? String(e)}`);
  return exit;
}

async function clusterCommand(p: ParsedArgs, w: Output): Promise<number> {
  const inv = await (await import('./inventory.js')).openInventory();
  const [, sub, name, ...rest] = p.positional;
  switch (sub) {
    case 'add':
      if (!name || !rest.length) throw new UsageError('cluster add NAME HOST...');
      inv.add(name, {
        hosts: rest.flatMap((h) => h.split(',')).filter(Boolean),
        sshConfig: p.options.sshConfig ?? undefined,
        knownHosts: p.options.knownHosts.length ? p.options.knownHosts : undefined,
      });
      w.out(`added cluster ${name} (${inv.path})`);
      return EXIT.ok;
    case 'remove':
      if (!name) throw new UsageError('cluster remove NAME');
      if (!inv.remove(name)) {
        w.err(`pcmk: no cluster named ${name}`);
        return EXIT.usage;
      }
      w.out(`removed cluster ${name}`);
      return EXIT.ok;
    case 'use':
      if (!name) throw new UsageError('cluster use NAME');
      inv.use(name);
      w.out(`current cluster: ${name}`);
      return EXIT.ok;
    case 'list':
    case undefined: {
      const l = inv.list();
      if (p.options.json) w.json(l);
      else if (!l.length) w.out(`no clusters yet (pcmk cluster add NAME HOST...); config: ${inv.path}`);
      else for (const line of table(l.map((c) => [c.current ? `* ${c.name}` : `  ${c.name}`, c.hosts.join(','), c.sshConfig ?? '']))) w.out(line);
      return EXIT.ok;
    }
    case 'discover': {
      if (!name) throw new UsageError('cluster discover HOST [--name NAME]');
      const o = { ...p.options, hosts: [name], cluster: null, local: false, cib: null };
      const session = new Session(await openTarget(o, inv), o, false);
      try {
        const { view } = await session.collect();
        const s = view.primary?.snapshot;
        const members = s?.corosync?.members.map((m) => m.name).filter((x): x is string => !!x) ?? [];
        const nodes = members.length ? members : (s?.nodes.filter((n) => n.type === 'member').map((n) => n.name) ?? []);
        if (!nodes.length) {
          w.err(`pcmk: ${name} did not report any cluster node (${view.hosts[0]?.lastError ?? 'no snapshot'})`);
          return EXIT.notConnected;
        }
        const cname = typeof p.flags.name === 'string' ? p.flags.name : s?.cluster.name ?? name;
        inv.add(cname, { hosts: nodes, sshConfig: p.options.sshConfig ?? undefined, knownHosts: p.options.knownHosts.length ? p.options.knownHosts : undefined });
        w.out(`added cluster ${cname}: ${nodes.join(', ')}`);
        return EXIT.ok;
      } finally {
        await session.close();
      }
    }
    default:
      throw new UsageError(`unknown cluster command ${sub}`);
  }
}
