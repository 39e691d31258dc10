/**
 * Shell completion for `pcmk` and `pcmk-top` in bash, zsh and fish. The scripts are thin: on each
 * Tab they ask the program itself (`pcmk __complete line PROGRAM WORD... CURRENT`), which reads
 * the command table (src/commands/usage.ts) to know what the cursor's position takes: a command
 * word, an option, a choice (on|off), or a name of a kind (a resource, a node, a cluster of the
 * inventory, a file). Resource and node names come from the cluster, reached with the connection
 * options typed on the line, within a short timeout; a cluster that does not answer completes
 * nothing and is not an error.
 *
 * `pcmk __complete resources|nodes|clusters [connection options]` prints one name per line.
 */
import { parseArgs, type GlobalOptions } from './args.js';
import { CHANGE_OPTIONS, COMMANDS, CONNECTION_OPTIONS, EXIT, OTHER_OPTIONS, TOP_OPTIONS, commandWords, type CommandSpec, type OptionSpec, type ValueKind } from './usage.js';
import type { Output } from './output.js';

/** How long completion waits for the cluster (unless --timeout is on the line). */
export const COMPLETION_TIMEOUT_MS = 2000;

/** What the cursor's position takes: these words, and names of these kinds. */
export interface Expected {
  words: string[];
  kinds: ValueKind[];
}

/** Short spellings the parser (src/commands/args.ts) takes besides the table's flags. */
const ALIASES: Record<string, string> = { '-c': '--cluster', '-H': '--host', '-y': '--yes', '-n': '--dry-run', '-h': '--help', '-V': '--version', '--ssh-config': '-F' };

function optionsOf(specs: readonly CommandSpec[]): OptionSpec[] {
  return specs.flatMap((c) => [...c.options, ...(c.changes ? CHANGE_OPTIONS : [])]);
}

function byFlag(options: readonly OptionSpec[]): Map<string, OptionSpec> {
  const m = new Map<string, OptionSpec>();
  for (const o of options) if (!m.has(o.flag)) m.set(o.flag, o);
  return m;
}

/** Does spec `c` accept `words` as its first positional words? */
function accepts(c: CommandSpec, words: readonly string[]): boolean {
  return words.every((w, i) => {
    if (i < c.words.length) return c.words[i] === w;
    const arg = c.args[i - c.words.length] ?? (c.args[c.args.length - 1]?.repeats ? c.args[c.args.length - 1] : undefined);
    return !!arg && (!arg.choices || arg.choices.includes(w));
  });
}

/** What position `i` (0-based among the positional words) of spec `c` takes. */
function takesAt(c: CommandSpec, i: number, into: Expected): void {
  if (i < c.words.length) {
    into.words.push(c.words[i]!);
    return;
  }
  const last = c.args[c.args.length - 1];
  const arg = c.args[i - c.words.length] ?? (last?.repeats ? last : undefined);
  if (!arg) return;
  if (arg.choices) into.words.push(...arg.choices);
  else into.kinds.push(arg.kind);
}

/**
 * Pure: what `program` expects at the cursor, given the words before it (without the program
 * name) and the word being typed. Option values are recognized from the table, so in
 * `pcmk --host h1 move d` the cursor is move's first argument, a resource.
 */
export function expectedAtCursor(program: string, before: readonly string[], current: string): Expected {
  const top = /pcmk-top/.test(program);
  // bash splits --flag=value into three words.
  const words: string[] = [];
  for (let i = 0; i < before.length; i++) {
    if (before[i] === '=' && words.length && words[words.length - 1]!.startsWith('-')) words[words.length - 1] += `=${before[++i] ?? ''}`;
    else words.push(before[i]!);
  }
  const global = top ? TOP_OPTIONS : [...CONNECTION_OPTIONS, ...OTHER_OPTIONS];
  const all = byFlag([...global, ...optionsOf(top ? [] : COMMANDS)]);
  const positional: string[] = [];
  let valueOf: OptionSpec | null = null;
  for (const w of words) {
    if (valueOf) {
      valueOf = null;
      continue;
    }
    if (w.startsWith('-') && w !== '-') {
      const o = all.get(ALIASES[w] ?? w);
      // --cluster is a switch in `maintenance on --cluster` and a value elsewhere; the parser
      // decides by the next word, and so does this.
      if (o?.value && !o.inlineValue && !w.includes('=')) valueOf = o;
      continue;
    }
    positional.push(w);
  }
  if (valueOf) return { words: [], kinds: valueOf.kind ? [valueOf.kind] : [] };

  const specs = top ? [] : COMMANDS.filter((c) => accepts(c, positional));
  if (current.startsWith('-')) {
    const options = [...global, ...optionsOf(specs)];
    return { words: [...new Set(options.map((o) => o.flag))], kinds: [] };
  }
  const out: Expected = { words: [], kinds: [] };
  if (top) return out;
  if (!positional.length) {
    out.words.push(...commandWords());
    return out;
  }
  for (const c of specs) takesAt(c, positional.length, out);
  if (out.kinds.includes('command')) out.words.push(...commandWords());
  out.words = [...new Set(out.words)];
  out.kinds = [...new Set(out.kinds)].filter((k) => k !== 'command');
  return out;
}

/** Names of a kind from the cluster (resources, nodes) or the inventory (clusters); [] when nobody answers in time. */
export async function namesOf(kind: ValueKind, o: GlobalOptions, timeoutMs: number): Promise<string[]> {
  if (kind === 'cluster') {
    const { openInventory } = await import('./inventory.js');
    return (await openInventory()).list().map((c) => c.name);
  }
  if (kind !== 'resource' && kind !== 'node') return [];
  const { openTarget, Session } = await import('./session.js');
  const { indexResources } = await import('../model/resource-index.js');
  const opts = { ...o, timeoutMs: Math.min(o.timeoutMs, timeoutMs) };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  let session: InstanceType<typeof Session> | null = null;
  const read = (async () => {
    session = new Session(await openTarget(opts), opts, false);
    const { view } = await session.collect();
    return view.primary?.snapshot ?? null;
  })().catch(() => null);
  try {
    const s = await Promise.race([read, late]);
    if (!s) return [];
    return kind === 'resource' ? indexResources(s).ids : s.nodes.map((n) => n.name);
  } finally {
    clearTimeout(timer);
    // Not awaited: a host that did not answer must not hold the shell's Tab.
    void (session as InstanceType<typeof Session> | null)?.close().catch(() => undefined);
  }
}

const KINDS: Record<string, ValueKind> = { resources: 'resource', nodes: 'node', clusters: 'cluster' };

/** Connection options as typed on the line; a line the parser refuses still completes (defaults). */
function lineOptions(words: readonly string[]): { options: GlobalOptions; timeoutMs: number } {
  let options: GlobalOptions;
  try {
    options = parseArgs(words.filter((w) => w !== '--help' && w !== '-h')).options;
  } catch {
    options = parseArgs([]).options;
  }
  const explicit = words.some((w) => w === '--timeout' || w.startsWith('--timeout='));
  return { options, timeoutMs: explicit ? options.timeoutMs : COMPLETION_TIMEOUT_MS };
}

/**
 * `__complete line PROGRAM WORD... CURRENT`: the candidates for CURRENT, one per line; a single
 * line ":files" asks the shell to complete file names.
 * `__complete resources|nodes|clusters [options]`: every name of that kind.
 * Never a usage error: a shell must not print errors on Tab.
 */
export async function completeCommand(argv: readonly string[], w: Pick<Output, 'out'>): Promise<number> {
  const [mode, ...rest] = argv;
  if (mode && KINDS[mode]) {
    const { options, timeoutMs } = lineOptions(rest);
    for (const n of await namesOf(KINDS[mode]!, options, timeoutMs)) w.out(n);
    return EXIT.ok;
  }
  if (mode !== 'line' || rest.length < 2) return EXIT.ok;
  const [program, ...words] = rest as [string, ...string[]];
  const current = words.pop() ?? '';
  const exp = expectedAtCursor(program, words, current);
  if (exp.kinds.includes('file')) {
    w.out(':files');
    return EXIT.ok;
  }
  const names = [...exp.words];
  for (const k of exp.kinds) {
    const { options, timeoutMs } = lineOptions(words);
    names.push(...(await namesOf(k, options, timeoutMs)));
  }
  for (const n of [...new Set(names)].filter((n) => n.startsWith(current)).sort()) w.out(n);
  return EXIT.ok;
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The script `pcmk completion SHELL` prints; each registers pcmk and pcmk-top. */
export function completionScript(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return `# pcmk and pcmk-top completion for bash. Load it with:  source <(pcmk completion bash)
_pcmk_complete() {
    local cur=\${COMP_WORDS[COMP_CWORD]} prog=\${COMP_WORDS[0]} out
    COMPREPLY=()
    out=$("$prog" __complete line "\${prog##*/}" "\${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null) || return 0
    if [[ $out == ":files" ]]; then
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    elif [[ -n $out ]]; then
        mapfile -t COMPREPLY <<< "$out"
    fi
    return 0
}
complete -F _pcmk_complete pcmk pcmk-top
`;
    case 'zsh':
      return `#compdef pcmk pcmk-top
# pcmk and pcmk-top completion for zsh. Load it with:  source <(pcmk completion zsh)
_pcmk_complete() {
    local out
    local -a names
    out=$("\${words[1]}" __complete line "\${words[1]:t}" "\${(@)words[2,CURRENT-1]}" "\${words[CURRENT]}" 2>/dev/null) || return 1
    if [[ $out == ":files" ]]; then
        _files
        return
    fi
    [[ -n $out ]] || return 1
    names=("\${(@f)out}")
    compadd -- "\${names[@]}"
}
if ! (( $+functions[compdef] )); then
    autoload -Uz compinit && compinit
fi
compdef _pcmk_complete pcmk pcmk-top
`;
    case 'fish':
      return `# pcmk and pcmk-top completion for fish. Load it with:  pcmk completion fish | source
function __pcmk_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l prog $tokens[1]
    set -e tokens[1]
    set -l out ($prog __complete line (string replace -r '.*/' '' -- $prog) $tokens "$cur" 2>/dev/null)
    if test "$out" = ":files"
        __fish_complete_path "$cur"
        return
    end
    printf '%s\\n' $out
end
complete -c pcmk -f -a '(__pcmk_complete)'
complete -c pcmk-top -f -a '(__pcmk_complete)'
`;
  }
}

/** `pcmk completion bash|zsh|fish`. */
export function completionCommand(shell: string | undefined, w: Pick<Output, 'out' | 'err'>): number {
  if (!SHELLS.includes(shell as Shell)) {
    w.err(`pcmk: completion needs a shell: ${SHELLS.join(', ')}${shell ? ` (not ${shell})` : ''}`);
    return EXIT.usage;
  }
  w.out(completionScript(shell as Shell).trimEnd());
  return EXIT.ok;
}
