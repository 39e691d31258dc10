/**
 * `pcmk-top`: the composition root of the live console. It takes the same connection options as
 * `pcmk`, keeps one aggregator over every host, and hands the TUI a view source and the actions,
 * which go to a host's agent exactly as `pcmk` sends them (one plan for preview and run).
 * With `--from DIR|ARCHIVE` it opens saved scheduler inputs instead: no connection at all.
 */
// The bundle has NODE_ENV fixed at build time (scripts/bundle.mjs); this covers running the tsc
// output directly. Through a local name, so the bundler's define leaves the assignment alone.
const env = process.env;
env.NODE_ENV ??= 'production';

import { parseArgs, UsageError, type GlobalOptions } from './args.js';
import { renderActionResult } from './main.js';
import os from 'node:os';
import { createOutput, plain, printError, printText } from './output.js';
import { topUsage } from './usage.js';
import { versionLine } from '../model/version.js';
import { openTarget, OutcomeUnknownError, Session, SessionError, type Target } from './session.js';
import { actionScope, changesCluster, type Action } from '../model/actions.js';
import type { FenceCheckTable, PlanText, ResultText, TuiActions, WhyPanel } from '../tui/types.js';

/** From the option table `pcmk help` is rendered from (src/commands/usage.ts). */
const USAGE = topUsage();

function errorText(e: unknown): string {
  const err = e as { message?: string; details?: { blockers?: Array<{ detail: string }> } };
  const blockers = err?.details?.blockers?.map((b) => b.detail) ?? [];
  return [err?.message ?? String(e), ...blockers].join('\n');
}

export function makeActions(session: Session, o: GlobalOptions): TuiActions {
  return {
    async preview(a: Action): Promise<PlanText> {
      try {
        const r = await session.action({ action: a, dryRun: true, client: 'pcmk-top' });
        let devices: string[] = [];
        if (a.name === 'fence') {
          const { fenceDeviceLines } = await import('./fence-check.js');
          devices = await fenceDeviceLines(session, a.node, a.off === true).catch(() => []);
        }
        return { ok: true, lines: [...renderActionResult(r, plain), ...devices] };
      } catch (e) {
        return { ok: false, lines: [], error: errorText(e) };
      }
    },
    async run(a: Action): Promise<ResultText> {
      if (o.readOnly && changesCluster(a.name)) return { ok: false, summary: 'refused: --read-only' };
      try {
        const r = await session.action({ action: a, wait: o.wait, client: 'pcmk-top' });
        const ok = r.result?.ok !== false && r.ok !== false;
        const id = r.requestId ? ` [${r.requestId}]` : '';
        // The confirmation's label already names the action and its scope.
        return { ok, summary: `${r.result?.message ?? r.plan?.summary ?? (ok ? 'done' : 'failed')}${id}`, error: ok ? undefined : r.result?.message };
      } catch (e) {
        if (e instanceof OutcomeUnknownError) return { ok: false, summary: `OUTCOME UNKNOWN on ${e.host} [${e.requestId}]: not sent again`, error: e.message };
        return { ok: false, summary: `${a.name} of ${actionScope(a)} refused`, error: errorText(e) };
      }
    },
    async fenceCheck(): Promise<FenceCheckTable> {
      const { fenceCheckTable } = await import('./fence-check.js');
      return fenceCheckTable(session);
    },
    async why(resource: string, node?: string): Promise<WhyPanel> {
      const { whyAnswer } = await import('./why.js');
      const { whyLines } = await import('../model/view/why.js');
      const a = await whyAnswer(session, resource, node);
      return { lines: whyLines(a), next: a.next ? { action: a.next.action, command: a.next.command } : null };
    },
    async history(q) {
      const { consoleHistory } = await import('./history.js');
      return consoleHistory(session, o).history(q);
    },
    async historyShow(input) {
      const { consoleHistory } = await import('./history.js');
      return consoleHistory(session, o).historyShow(input);
    },
  };
}

/**
 * `pcmk-top --from DIR|ARCHIVE`: the saved scheduler inputs, read as `pcmk history --from` reads
 * them. It opens on the History view: what happened is what the inputs are for, and the other
 * views can only show the newest input (which a CIB file would show as well); Enter travels from
 * there. What an archive was unpacked into is removed on quit, and on a signal.
 */
function needsTerminal(): number {
  printError('pcmk-top: needs a terminal; for scripts use `pcmk status --json`');
  return 64;
}

async function offlineTop(o: GlobalOptions, from: string): Promise<number> {
  const tty = !!process.stdout.isTTY;
  // The screen's modules load while the inputs are read.
  const screen = tty ? import('../tui/app.js') : null;
  screen?.catch(() => undefined);
  const { openOfflineConsole } = await import('./history.js');
  let offline: Awaited<ReturnType<typeof openOfflineConsole>>;
  try {
    offline = await openOfflineConsole(o, from);
  } catch (e) {
    if (!(e instanceof SessionError)) throw e;
    printError(`pcmk-top: ${e.message}`);
    return e.exitCode;
  }
  if (!screen) {
    await offline.close();
    return needsTerminal();
  }
  // `on`, not `once`: Ink's exit hook kills the process again on a signal when no other listener
  // is left, which would cut the removal short.
  const signals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
  const onSignal = (sig: NodeJS.Signals): void => void offline.close().finally(() => process.exit(128 + (os.constants.signals[sig] ?? 0)));
  for (const sig of signals) process.on(sig, onSignal);
  try {
    const { runTui } = await screen;
    await runTui({ source: offline.source, actions: offline.actions, readOnly: o.readOnly, contexts: null, initialView: 'history', color: !o.noColor && !process.env.NO_COLOR });
  } finally {
    for (const sig of signals) process.off(sig, onSignal);
    await offline.close();
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === '__complete') {
    // Hidden: what the shell completion scripts ask (`pcmk completion bash|zsh|fish`).
    const { completeCommand } = await import('./completion.js');
    return completeCommand(argv.slice(1), createOutput({}, false, plain));
  }
  let o: GlobalOptions;
  let from: string | null;
  try {
    const p = parseArgs(argv);
    if (p.positional[0] === 'help') {
      printText(USAGE);
      return 0;
    }
    if (p.positional[0] === 'version') {
      printText(versionLine('pcmk-top'));
      return 0;
    }
    if (p.positional.length) throw new UsageError(`unexpected argument ${p.positional[0]}`);
    o = p.options;
    from = typeof p.flags.from === 'string' ? p.flags.from : null;
    if (from && (o.cib || o.local || o.hosts.length || o.cluster)) throw new UsageError('--from opens saved scheduler inputs, with no connection: it takes no --cib, --local, --host or --cluster');
  } catch (e) {
    printError(`pcmk-top: ${(e as Error).message}\n${USAGE}`);
    return 64;
  }
  // Offline, what --from names is checked first: a wrong path is the message to see, terminal or not.
  if (from) return offlineTop(o, from);
  if (!process.stdout.isTTY) return needsTerminal();
  // The hosts are connected to first (small modules: the target, the transport, the view source),
  // then the screen's modules (Ink, React: most of the code, a few hundred ms of compiling) are
  // read while the hosts answer: the first frame does not wait for a host. Until a host answers,
  // the screen shows the last snapshot an earlier run saved of the same hosts, marked CACHED with
  // its age. The inventory (conf) loads only when the target comes from it, or when the operator
  // opens the context picker.
  (await import('../transport/trace-live.js')).traceFrames(process.stdout);
  const fromInventory = !o.cib && !o.local && !o.hosts.length;
  let inventory = fromInventory ? await (await import('./inventory.js')).openInventory() : null;
  const { aggregatorViewSource } = await import('../tui/aggregate-source.js');
  const { withCachedSnapshot } = await import('../tui/view-source.js');
  const cache = await import('./snapshot-cache.js');

  /** A session watching `target`: its aggregator started, its view (a cached snapshot until a host answers). */
  const watch = (t: Target, context: string) => {
    const session = new Session(t, o, true);
    const agg = session.aggregator();
    agg.start();
    const live = aggregatorViewSource(agg, { context });
    const file = t.kind === 'ssh' ? cache.defaultSnapshotCacheFile(t) : null;
    const keeper = file ? cache.keepSnapshotCached(file, { getSnapshot: () => live.getView().snapshot, subscribe: (l) => live.subscribe(l) }) : null;
    const source = withCachedSnapshot(live, file ? cache.readCachedSnapshot(file) : null);
    return {
      session,
      source,
      async close() {
        keeper?.close();
        live.close();
        await agg.stop();
        await session.close();
      },
    };
  };
  const first = await openTarget(o, inventory ?? undefined, { live: true });
  let current = watch(first, o.cluster ?? inventory?.current() ?? first.label);
  const { runTui } = await import('../tui/app.js');
  const openedInventory = async () => (inventory ??= await (await import('./inventory.js')).openInventory());
  // For the context picker (its list is read synchronously): loaded once the first screen is up.
  if (!inventory) setTimeout(() => void openedInventory().catch(() => null), 3000).unref();

  // A view source that follows context switches (:ctx NAME) by swapping the session underneath.
  const listeners = new Set<() => void>();
  let unsub = current.source.subscribe(() => listeners.forEach((l) => l()));
  const view = {
    getView: () => current.source.getView(),
    subscribe(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const proxyActions: TuiActions | null = o.cib
    ? null
    : {
        preview: (a) => makeActions(current.session, o).preview(a),
        run: (a) => makeActions(current.session, o).run(a),
        fenceCheck: () => makeActions(current.session, o).fenceCheck(),
        why: (r, n) => makeActions(current.session, o).why(r, n),
        history: (q) => makeActions(current.session, o).history(q),
        historyShow: (i) => makeActions(current.session, o).historyShow(i),
      };
  const contexts = {
    list: () => inventory?.list().map((c) => c.name) ?? [],
    async switchTo(name: string) {
      const next = await openTarget({ ...o, cluster: name, hosts: [], local: false, cib: null }, await openedInventory(), { live: true });
      unsub();
      await current.close();
      current = watch(next, name);
      unsub = current.source.subscribe(() => listeners.forEach((l) => l()));
      listeners.forEach((l) => l());
    },
  };
  try {
    const historyUnavailable = o.cib ? (await import('./history.js')).cibHistoryMessage('pcmk-top') : null;
    await runTui({ source: view, actions: proxyActions, readOnly: o.readOnly, contexts, historyUnavailable, color: !o.noColor && !process.env.NO_COLOR });
  } finally {
    unsub();
    await current.close();
  }
  return 0;
}
