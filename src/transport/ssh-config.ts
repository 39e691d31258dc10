/**
 * OpenSSH client configuration (ssh_config(5)): a pure parser and resolver, plus a small loader that
 * reads the files the way `ssh` does (`-F FILE`, or ~/.ssh/config then /etc/ssh/ssh_config).
 *
 * Supported: Host blocks with `*`/`?` wildcards and `!` negation, first-value-wins, HostName (%h),
 * User, Port, IdentityFile (several; ~, %-tokens and ${VAR}), IdentitiesOnly, IdentityAgent,
 * UserKnownHostsFile, GlobalKnownHostsFile, StrictHostKeyChecking, HostKeyAlias, ProxyJump
 * (comma list), ConnectTimeout, ServerAliveInterval/CountMax, Include (globs; relative paths resolve
 * against ~/.ssh for the user's file and /etc/ssh for the system one).
 * Match blocks are skipped with a warning (except `Match all`); ProxyCommand is not supported.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import path from 'node:path';

export interface SshConfigOption {
  /** Keyword in lower case ("hostname", "identityfile"...). */
  key: string;
  args: string[];
  file: string;
  line: number;
}

export interface SshConfigSection {
  /** null: applies to every host (options before the first Host line, or `Match all`). */
  patterns: string[] | null;
  /** True for a `Match` section we do not evaluate: its options never apply. */
  ignored: boolean;
  options: SshConfigOption[];
}

export interface SshConfig {
  sections: SshConfigSection[];
  warnings: string[];
  /** Files read, in order (the main file and every Include). */
  files: string[];
}

export interface ParseSshConfigOptions {
  /** Name of the file being parsed (for messages and relative Includes). */
  file?: string;
  /** Directory that relative Include paths resolve against (~/.ssh or /etc/ssh). */
  includeBase?: string;
  /** Home directory for ~ in Include paths. */
  homeDir?: string;
  /** Reads an Include target (an absolute path, possibly with glob characters): every matching file. */
  readInclude?: (absolutePattern: string) => Array<{ path: string; text: string }>;
}

const MAX_INCLUDE_DEPTH = 16;

/** Splits one config line into words like OpenSSH's argv_split: quotes, backslash escapes, `#` comments. */
export function splitConfigWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= n) break;
    if (line[i] === '#') break;
    let word = '';
    let quote: string | null = null;
    while (i < n) {
      const c = line[i]!;
      if (quote) {
        if (c === '\\' && i + 1 < n && (line[i + 1] === quote || line[i + 1] === '\\')) {
          word += line[i + 1];
          i += 2;
          continue;
        }
        if (c === quote) {
          quote = null;
          i++;
          continue;
        }
        word += c;
        i++;
        continue;
      }
      if (c === ' ' || c === '\t') break;
      if (c === '"' || c === "'") {
        quote = c;
        i++;
        continue;
      }
      if (c === '\\' && i + 1 < n && /["'\\ ]/.test(line[i + 1]!)) {
        word += line[i + 1];
        i += 2;
        continue;
      }
      word += c;
      i++;
    }
    words.push(word);
  }
  return words;
}

/** Splits "Keyword value", "Keyword=value" and "Keyword = value". */
function splitKeyword(line: string): { key: string; rest: string } | null {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+|$)(.*)$/.exec(line);
  if (!m) return null;
  return { key: m[1]!.toLowerCase(), rest: m[2]! };
}

function expandTilde(p: string, homeDir: string | undefined): string {
  if (!homeDir) return p;
  if (p === '~') return homeDir;
  if (p.startsWith('~/')) return path.join(homeDir, p.slice(2));
  return p;
}

/** Parses an ssh_config text. Pure: Include files come from `opts.readInclude`. */
export function parseSshConfig(text: string, opts: ParseSshConfigOptions = {}): SshConfig {
  const cfg: SshConfig = { sections: [], warnings: [], files: [opts.file ?? '(config)'] };
  parseInto(cfg, text, opts, { patterns: null, ignored: false }, 0);
  return cfg;
}

function parseInto(
  cfg: SshConfig,
  text: string,
  opts: ParseSshConfigOptions,
  context: { patterns: string[] | null; ignored: boolean },
  depth: number,
): void {
  const file = opts.file ?? '(config)';
  let current: SshConfigSection = { patterns: context.patterns, ignored: context.ignored, options: [] };
  cfg.sections.push(current);
  const lines = text.split(/\r?\n/);
  for (let idx = 0; idx < lines.length; idx++) {
    const raw = lines[idx]!;
    const lineNo = idx + 1;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const kw = splitKeyword(trimmed);
    if (!kw) {
      cfg.warnings.push(`${file}:${lineNo}: cannot parse line: ${trimmed}`);
      continue;
    }
    const args = splitConfigWords(kw.rest);
    if (kw.key === 'host') {
      if (!args.length) cfg.warnings.push(`${file}:${lineNo}: Host without patterns`);
      current = { patterns: args, ignored: false, options: [] };
      cfg.sections.push(current);
      continue;
    }
    if (kw.key === 'match') {
      const all = args.length === 1 && args[0]!.toLowerCase() === 'all';
      if (!all) cfg.warnings.push(`${file}:${lineNo}: Match blocks are not supported; their options are ignored (${trimmed})`);
      current = { patterns: null, ignored: !all, options: [] };
      cfg.sections.push(current);
      continue;
    }
    if (kw.key === 'include') {
      if (depth >= MAX_INCLUDE_DEPTH) {
        cfg.warnings.push(`${file}:${lineNo}: Include nested too deeply; ignored`);
        continue;
      }
      if (!opts.readInclude) {
        cfg.warnings.push(`${file}:${lineNo}: Include not followed (no reader)`);
        continue;
      }
      for (const arg of args) {
        let target = expandTilde(arg, opts.homeDir);
        if (!path.isAbsolute(target)) target = path.join(opts.includeBase ?? '.', target);
        let found: Array<{ path: string; text: string }>;
        try {
          found = opts.readInclude(target);
        } catch (e) {
          cfg.warnings.push(`${file}:${lineNo}: Include ${target}: ${(e as Error).message}`);
          continue;
        }
        for (const inc of found) {
          cfg.files.push(inc.path);
          // Lines of the included file are under the enclosing Host condition until their own Host line.
          parseInto(cfg, inc.text, { ...opts, file: inc.path }, { patterns: current.patterns, ignored: current.ignored }, depth + 1);
        }
      }
      // After the Include, the enclosing block continues.
      current = { patterns: current.patterns, ignored: current.ignored, options: [] };
      cfg.sections.push(current);
      continue;
    }
    current.options.push({ key: kw.key, args, file, line: lineNo });
  }
}

/** OpenSSH wildcard match: `*` any run of characters, `?` exactly one; case-insensitive. */
export function matchWildcard(text: string, pattern: string): boolean {
  let re = '^';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  re += '$';
  return new RegExp(re, 'i').test(text);
}

/** A Host line matches when some positive pattern matches and no negated one does. */
export function hostPatternsMatch(host: string, patterns: string[]): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (matchWildcard(host, p.slice(1))) return false;
    } else if (matchWildcard(host, p)) {
      matched = true;
    }
  }
  return matched;
}

export type StrictHostKeyChecking = 'yes' | 'no' | 'ask' | 'accept-new' | 'off';

export interface JumpSpec {
  /** Host as written (an alias or a host name), resolved again through the config. */
  host: string;
  user: string | null;
  port: number | null;
}

export interface ResolvedHost {
  /** The name the user gave (matched against Host patterns). */
  alias: string;
  hostName: string;
  user: string;
  port: number;
  /** Identity files in order (explicit ones, or the default ones when none is configured). */
  identityFiles: string[];
  /** True when identityFiles are ssh's defaults (missing ones are skipped silently). */
  identityFilesAreDefault: boolean;
  identitiesOnly: boolean;
  /** ssh-agent socket: a path, or null for none; undefined means "use SSH_AUTH_SOCK". */
  identityAgent: string | null | undefined;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  strictHostKeyChecking: StrictHostKeyChecking;
  hostKeyAlias: string | null;
  proxyJump: JumpSpec[];
  connectTimeoutMs: number | null;
  serverAliveIntervalMs: number | null;
  serverAliveCountMax: number | null;
  warnings: string[];
}

export interface ResolveEnv {
  homeDir: string;
  localUser: string;
  localHost?: string;
  uid?: number;
  env?: Record<string, string | undefined>;
}

/** Collects options for a host: first value wins, IdentityFile accumulates. Pure. */
export function collectHostOptions(alias: string, config: SshConfig): Map<string, SshConfigOption[]> {
  const out = new Map<string, SshConfigOption[]>();
  for (const s of config.sections) {
    if (s.ignored) continue;
    if (s.patterns !== null && !hostPatternsMatch(alias, s.patterns)) continue;
    for (const o of s.options) {
      const list = out.get(o.key);
      if (!list) out.set(o.key, [o]);
      else if (o.key === 'identityfile' || o.key === 'certificatefile') list.push(o);
    }
  }
  return out;
}

/**
 * Expands ssh_config %-tokens and ${VAR}. `allowed` lists the tokens valid for the keyword;
 * an unknown token is kept as written and reported.
 */
export function expandTokens(
  value: string,
  tokens: Record<string, string>,
  env: Record<string, string | undefined> = {},
  warnings: string[] = [],
  what = 'value',
): string {
  let out = value.replace(/%(.)/g, (m, t: string) => {
    if (t === '%') return '%';
    const v = tokens[t];
    if (v === undefined) {
      warnings.push(`${what}: unsupported token %${t} left as is`);
      return m;
    }
    return v;
  });
  out = out.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string) => {
    const v = env[name];
    if (v === undefined) {
      warnings.push(`${what}: environment variable ${name} is not set`);
      return m;
    }
    return v;
  });
  return out;
}

function parseBool(v: string | undefined): boolean | null {
  if (v === undefined) return null;
  const l = v.toLowerCase();
  if (l === 'yes' || l === 'true') return true;
  if (l === 'no' || l === 'false') return false;
  return null;
}

/** Parses one ProxyJump element: `[user@]host[:port]` or `ssh://[user@]host[:port]`. */
export function parseJumpSpec(spec: string): JumpSpec | null {
  let s = spec.trim();
  if (!s) return null;
  if (s.startsWith('ssh://')) s = s.slice(6).replace(/\/$/, '');
  let user: string | null = null;
  const at = s.lastIndexOf('@');
  if (at >= 0) {
    user = s.slice(0, at);
    s = s.slice(at + 1);
  }
  let port: number | null = null;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) {
    s = bracket[1]!;
    if (bracket[2]) port = Number(bracket[2]);
  } else {
    const colon = s.lastIndexOf(':');
    if (colon >= 0 && s.indexOf(':') === colon) {
      const p = s.slice(colon + 1);
      if (!/^\d+$/.test(p)) return null;
      port = Number(p);
      s = s.slice(0, colon);
    }
  }
  if (!s || (port !== null && (port < 1 || port > 65535))) return null;
  return { host: s, user: user || null, port };
}

const DEFAULT_IDENTITY_FILES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_dsa'];

/**
 * Resolves everything needed to connect to `alias`, like `ssh -G alias`. Pure when `renv` is
 * given; without it, this process's user and home directory are used.
 */
export function resolveHost(alias: string, config: SshConfig, renv: ResolveEnv = localResolveEnv()): ResolvedHost {
  const warnings: string[] = [];
  const host = alias.toLowerCase();
  const opts = collectHostOptions(host, config);
  const first = (k: string): string | undefined => opts.get(k)?.[0]?.args[0];
  const firstArgs = (k: string): string[] | undefined => opts.get(k)?.[0]?.args;
  const env = renv.env ?? {};

  const hostName = expandTokens(first('hostname') ?? alias, { h: alias }, {}, warnings, 'HostName');

  let port = 22;
  const portRaw = first('port');
  if (portRaw !== undefined) {
    const p = Number(portRaw);
    if (Number.isInteger(p) && p >= 1 && p <= 65535) port = p;
    else warnings.push(`Port ${portRaw} is not a valid port; using 22`);
  }
  const user = first('user') ?? renv.localUser;

  const tokens: Record<string, string> = {
    d: renv.homeDir,
    h: hostName,
    n: alias,
    p: String(port),
    r: user,
    u: renv.localUser,
    l: renv.localHost ?? 'localhost',
    L: (renv.localHost ?? 'localhost').split('.')[0]!,
    i: String(renv.uid ?? 0),
  };
  const expandPath = (v: string, what: string): string =>
    expandTilde(expandTokens(v, tokens, env, warnings, what), renv.homeDir);

  const idOpts = opts.get('identityfile') ?? [];
  const explicit = idOpts.map((o) => o.args[0]).filter((v): v is string => !!v);
  const identityFiles = explicit.length
    ? explicit.map((v) => expandPath(v, 'IdentityFile'))
    : DEFAULT_IDENTITY_FILES.map((f) => path.join(renv.homeDir, '.ssh', f));

  const agentRaw = first('identityagent');
  let identityAgent: string | null | undefined;
  if (agentRaw === undefined || agentRaw === 'SSH_AUTH_SOCK') identityAgent = undefined;
  else if (agentRaw.toLowerCase() === 'none') identityAgent = null;
  else if (agentRaw.startsWith('$')) identityAgent = env[agentRaw.slice(1).replace(/^\{|\}$/g, '')] ?? null;
  else identityAgent = expandPath(agentRaw, 'IdentityAgent');

  const ukh = firstArgs('userknownhostsfile');
  const userKnownHostsFiles =
    ukh && !(ukh.length === 1 && ukh[0]!.toLowerCase() === 'none')
      ? ukh.map((v) => expandPath(v, 'UserKnownHostsFile'))
      : ukh
        ? []
        : [path.join(renv.homeDir, '.ssh', 'known_hosts'), path.join(renv.homeDir, '.ssh', 'known_hosts2')];
  const gkh = firstArgs('globalknownhostsfile');
  const globalKnownHostsFiles =
    gkh && !(gkh.length === 1 && gkh[0]!.toLowerCase() === 'none')
      ? gkh.map((v) => expandPath(v, 'GlobalKnownHostsFile'))
      : gkh
        ? []
        : ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

  let strict: StrictHostKeyChecking = 'ask';
  const shkc = first('stricthostkeychecking')?.toLowerCase();
  if (shkc !== undefined) {
    if (shkc === 'yes' || shkc === 'true') strict = 'yes';
    else if (shkc === 'no' || shkc === 'false') strict = 'no';
    else if (shkc === 'ask' || shkc === 'accept-new' || shkc === 'off') strict = shkc;
    else warnings.push(`StrictHostKeyChecking ${shkc} is not understood`);
  }
  if (strict === 'no' || strict === 'off' || strict === 'accept-new') {
    warnings.push(`StrictHostKeyChecking=${strict} is not honoured: unknown or changed host keys are always refused`);
  }

  let proxyJump: JumpSpec[] = [];
  const pj = first('proxyjump');
  const pc = first('proxycommand');
  const pjLine = opts.get('proxyjump')?.[0]?.line ?? Infinity;
  const pcOpt = opts.get('proxycommand')?.[0];
  if (pc !== undefined && pc.toLowerCase() !== 'none' && (pj === undefined || (pcOpt && pcOpt.line < pjLine))) {
    warnings.push('ProxyCommand is not supported (use ProxyJump); connecting directly');
  }
  if (pj !== undefined && pj.toLowerCase() !== 'none') {
    for (const part of pj.split(',')) {
      const spec = parseJumpSpec(part);
      if (spec) proxyJump.push(spec);
      else warnings.push(`ProxyJump element "${part}" is not valid; ignored`);
    }
  }

  const seconds = (k: string, name: string): number | null => {
    const v = first(k);
    if (v === undefined || v.toLowerCase() === 'none') return null;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) {
      warnings.push(`${name} ${v} is not a number of seconds; ignored`);
      return null;
    }
    return n === 0 ? null : n * 1000;
  };
  const countMaxRaw = first('serveralivecountmax');
  const countMax = countMaxRaw !== undefined && /^\d+$/.test(countMaxRaw) ? Number(countMaxRaw) : null;

  const identitiesOnly = parseBool(first('identitiesonly')) ?? false;
  return {
    alias,
    hostName,
    user,
    port,
    identityFiles,
    identityFilesAreDefault: explicit.length === 0,
    identitiesOnly,
    identityAgent,
    userKnownHostsFiles,
    globalKnownHostsFiles,
    strictHostKeyChecking: strict,
    hostKeyAlias: first('hostkeyalias') ?? null,
    proxyJump: proxyJump,
    connectTimeoutMs: seconds('connecttimeout', 'ConnectTimeout'),
    serverAliveIntervalMs: seconds('serveraliveinterval', 'ServerAliveInterval'),
    serverAliveCountMax: countMax,
    warnings: [...config.warnings, ...warnings],
  };
}

/** Expands a path that may contain `*`, `?` or `[...]` in any component; sorted like glob(3). */
export function expandPathGlob(pattern: string): string[] {
  const parts = pattern.split('/');
  let bases = [parts[0] === '' ? '/' : parts[0]!];
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part) continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?[]/.test(part)) {
        next.push(path.join(base, part));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(base);
      } catch {
        continue;
      }
      const re = new RegExp(
        '^' +
          part
            .replace(/[.+^${}()|\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]') +
          '$',
      );
      for (const name of names.sort()) {
        if (name.startsWith('.') && !part.startsWith('.')) continue;
        if (re.test(name)) next.push(path.join(base, name));
      }
    }
    bases = next;
  }
  return bases;
}

function readIncludeFromDisk(pattern: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const p of expandPathGlob(pattern)) {
    try {
      if (!statSync(p).isFile()) continue;
      out.push({ path: p, text: readFileSync(p, 'utf8') });
    } catch {
      // A missing Include target is not an error for ssh either.
    }
  }
  return out;
}

export interface LoadSshConfigOptions {
  /** `-F FILE`: read only this file (like ssh). */
  file?: string;
  homeDir?: string;
  /** System-wide file; default /etc/ssh/ssh_config. Not read when `file` is given. */
  systemFile?: string | null;
}

/** Reads ssh_config the way ssh does: `-F FILE` alone, or ~/.ssh/config then the system file. */
export function loadSshConfig(opts: LoadSshConfigOptions = {}): SshConfig {
  const homeDir = opts.homeDir ?? homedir();
  const userDir = path.join(homeDir, '.ssh');
  const readOne = (file: string, includeBase: string, required: boolean): SshConfig | null => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if (required) throw new Error(`cannot read ssh config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return null;
    }
    return parseSshConfig(text, { file, includeBase, homeDir, readInclude: readIncludeFromDisk });
  };
  if (opts.file) {
    return readOne(path.resolve(opts.file), userDir, true)!;
  }
  const merged: SshConfig = { sections: [], warnings: [], files: [] };
  const systemFile = opts.systemFile === undefined ? '/etc/ssh/ssh_config' : opts.systemFile;
  for (const [file, base] of [
    [path.join(userDir, 'config'), userDir],
    ...(systemFile ? [[systemFile, path.dirname(systemFile)]] : []),
  ] as Array<[string, string]>) {
    const c = readOne(file, base, false);
    if (!c) continue;
    merged.sections.push(...c.sections);
    merged.warnings.push(...c.warnings);
    merged.files.push(...c.files);
  }
  return merged;
}

/** The local identity used for defaults (%u, %d, User). */
export function localResolveEnv(homeDirOverride?: string): ResolveEnv {
  let localUser = process.env.USER ?? 'root';
  let uid = 0;
  try {
    const u = userInfo();
    localUser = u.username;
    uid = u.uid;
  } catch {
    // no passwd entry: keep $USER
  }
  return {
    homeDir: homeDirOverride ?? homedir(),
    localUser,
    localHost: hostname(),
    uid,
    env: process.env,
  };
}
