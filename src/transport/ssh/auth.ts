/** Which identities to offer, in order: ssh-agent, then the identity files (as OpenSSH does). */
import { readFileSync } from 'node:fs';
import type { AuthenticationType, ParsedKey } from 'ssh2';
import type { ResolvedHost } from '../ssh-config.js';
import type { TransportOptions } from './options.js';

/** Identity material for authentication; key contents never leave this module's closures. */
export interface AuthPlan {
  methods: Array<{ type: AuthenticationType; label: string; key?: unknown; agent?: string }>;
  notes: string[];
}

/** ssh2's key parser (ssh2.utils.parseKey), passed in by the caller that loaded ssh2. */
export type ParseKey = (data: Buffer) => ParsedKey | ParsedKey[] | Error;

export function planAuth(r: ResolvedHost, opts: TransportOptions, env: Record<string, string | undefined>, parseKey: ParseKey): AuthPlan {
  const notes: string[] = [];
  const methods: AuthPlan['methods'] = [];
  const files = [...(opts.identityFiles ?? []), ...r.identityFiles];
  const keyMethods: AuthPlan['methods'] = [];
  for (const file of [...new Set(files)]) {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (e) {
      const explicit = opts.identityFiles?.includes(file) || !r.identityFilesAreDefault;
      if (explicit) notes.push(`identity file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
      continue;
    }
    const parsed = parseKey(data);
    if (parsed instanceof Error) {
      notes.push(
        /encrypt|passphrase/i.test(parsed.message)
          ? `identity file ${file} is encrypted; load it into ssh-agent to use it`
          : `identity file ${file}: not a usable private key (${parsed.message})`,
      );
      continue;
    }
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    keyMethods.push({ type: 'publickey', label: file, key });
  }
  const agent =
    opts.agentSocket !== undefined ? opts.agentSocket : r.identityAgent !== undefined ? r.identityAgent : (env.SSH_AUTH_SOCK ?? null);
  // IdentitiesOnly: only the configured files (the agent is used only when no file is usable).
  if (agent && !(r.identitiesOnly && keyMethods.length)) methods.push({ type: 'agent', label: `ssh-agent (${agent})`, agent });
  methods.push(...keyMethods);
  return { methods, notes };
}
