/**
 * known_hosts files (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): a pure parser and a verifier that
 * never accepts an unknown or changed key. Handles plain names, `[host]:port`, comma lists with
 * wildcards and `!` negation, hashed `|1|salt|hash` entries and `@revoked`; `@cert-authority` lines
 * are skipped with a note (host certificates are not supported).
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { matchWildcard } from './ssh-config.js';

export type KnownHostMarker = 'revoked' | 'cert-authority' | null;

export interface KnownHostEntry {
  file: string;
  line: number;
  marker: KnownHostMarker;
  /** Plain patterns (comma list split), or null for a hashed entry. */
  patterns: string[] | null;
  hashed: { salt: Buffer; hash: Buffer } | null;
  keyType: string;
  key: Buffer;
}

export interface KnownHostsFile {
  path: string;
  entries: KnownHostEntry[];
  warnings: string[];
}

/** The key type embedded in an SSH public key blob (first string), or null. */
export function keyTypeOfBlob(blob: Buffer): string | null {
  if (blob.length < 4) return null;
  const len = blob.readUInt32BE(0);
  if (len <= 0 || len > 64 || blob.length < 4 + len) return null;
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** OpenSSH's SHA256 fingerprint: "SHA256:" + unpadded base64 of sha256(blob). */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The name OpenSSH looks up: "host" on port 22, "[host]:port" otherwise. */
export function knownHostsName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** `|1|salt|hash` as written by `ssh-keygen -H` / HashKnownHosts. */
export function hashKnownHostName(name: string, salt: Buffer): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses a known_hosts text. Pure. */
export function parseKnownHosts(text: string, file = '(known_hosts)'): KnownHostsFile {
  const out: KnownHostsFile = { path: file, entries: [], warnings: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const trimmed = lines[i]!.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const words = trimmed.split(/\s+/);
    let marker: KnownHostMarker = null;
    if (words[0]!.startsWith('@')) {
      const m = words.shift()!.toLowerCase();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else {
        out.warnings.push(`${file}:${lineNo}: unknown marker ${m}; line ignored`);
        continue;
      }
    }
    if (words.length < 3) {
      out.warnings.push(`${file}:${lineNo}: too few fields; line ignored`);
      continue;
    }
    const [hostsField, keyType, keyB64] = words as [string, string, string];
    if (/^\d+$/.test(keyType)) {
      out.warnings.push(`${file}:${lineNo}: SSH protocol 1 key; line ignored`);
      continue;
    }
    if (!BASE64.test(keyB64)) {
      out.warnings.push(`${file}:${lineNo}: key is not base64; line ignored`);
      continue;
    }
    const key = Buffer.from(keyB64, 'base64');
    const embedded = keyTypeOfBlob(key);
    if (embedded !== keyType) {
      out.warnings.push(`${file}:${lineNo}: key type ${keyType} does not match the key (${embedded ?? 'unreadable'}); line ignored`);
      continue;
    }
    if (marker === 'cert-authority') {
      out.warnings.push(`${file}:${lineNo}: @cert-authority entries are not supported (host certificates); line ignored`);
      continue;
    }
    let patterns: string[] | null = null;
    let hashed: KnownHostEntry['hashed'] = null;
    if (hostsField.startsWith('|1|')) {
      const parts = hostsField.split('|');
      if (parts.length !== 4 || !BASE64.test(parts[2]!) || !BASE64.test(parts[3]!)) {
        out.warnings.push(`${file}:${lineNo}: malformed hashed host name; line ignored`);
        continue;
      }
      hashed = { salt: Buffer.from(parts[2]!, 'base64'), hash: Buffer.from(parts[3]!, 'base64') };
    } else if (hostsField.startsWith('|')) {
      out.warnings.push(`${file}:${lineNo}: unsupported hashed host name format; line ignored`);
      continue;
    } else {
      patterns = hostsField.split(',').filter(Boolean);
    }
    out.entries.push({ file, line: lineNo, marker, patterns, hashed, keyType, key });
  }
  return out;
}

/** Does the entry's host field match the looked-up name ("host" or "[host]:port")? */
export function entryMatches(entry: KnownHostEntry, lookupName: string): boolean {
  if (entry.hashed) {
    const h = createHmac('sha1', entry.hashed.salt).update(lookupName).digest();
    return h.length === entry.hashed.hash.length && h.equals(entry.hashed.hash);
  }
  let matched = false;
  for (const p of entry.patterns ?? []) {
    if (p.startsWith('!')) {
      if (matchWildcard(lookupName, p.slice(1))) return false;
    } else if (matchWildcard(lookupName, p)) {
      matched = true;
    }
  }
  return matched;
}

export type VerifyResult =
  | { ok: true; file: string; line: number; keyType: string; fingerprint: string }
  | {
      ok: false;
      status: 'unknown' | 'changed' | 'revoked';
      lookupName: string;
      keyType: string;
      fingerprint: string;
      /** The conflicting or revoking entry; null for 'unknown'. */
      file: string | null;
      line: number | null;
      /** Files that were searched. */
      searched: string[];
      /** Key types known for this host (an 'unknown' key may have other types on file). */
      knownTypes: string[];
    };

/** Key types recorded for a host (used to ask the server for a key we can check). */
export function knownKeyTypes(lookupName: string, files: KnownHostsFile[]): string[] {
  const types: string[] = [];
  for (const f of files)
    for (const e of f.entries)
      if (e.marker === null && entryMatches(e, lookupName) && !types.includes(e.keyType)) types.push(e.keyType);
  return types;
}

/**
 * Checks a server's host key blob against known_hosts files. Pure. A revoked key always fails; a
 * matching entry succeeds; an entry of the same type with another key is 'changed'; otherwise
 * 'unknown'. There is no accept path.
 */
export function verifyHostKey(host: string, port: number, keyBlob: Buffer, files: KnownHostsFile[]): VerifyResult {
  const lookupName = knownHostsName(host, port);
  const keyType = keyTypeOfBlob(keyBlob) ?? 'unknown-key-type';
  const fingerprint = fingerprintOf(keyBlob);
  const searched = files.map((f) => f.path);
  let match: KnownHostEntry | null = null;
  let conflict: KnownHostEntry | null = null;
  const knownTypes: string[] = [];
  for (const f of files) {
    for (const e of f.entries) {
      if (!entryMatches(e, lookupName)) continue;
      if (e.marker === 'revoked') {
        if (e.key.equals(keyBlob)) {
          return { ok: false, status: 'revoked', lookupName, keyType, fingerprint, file: e.file, line: e.line, searched, knownTypes };
        }
        continue;
      }
      if (!knownTypes.includes(e.keyType)) knownTypes.push(e.keyType);
      if (e.keyType === keyType) {
        if (e.key.equals(keyBlob)) match ??= e;
        else conflict ??= e;
      }
    }
  }
  if (match) return { ok: true, file: match.file, line: match.line, keyType, fingerprint };
  if (conflict) {
    return { ok: false, status: 'changed', lookupName, keyType, fingerprint, file: conflict.file, line: conflict.line, searched, knownTypes };
  }
  return { ok: false, status: 'unknown', lookupName, keyType, fingerprint, file: null, line: null, searched, knownTypes };
}

/** Reads known_hosts files; a missing file is an empty one (as for ssh). */
export function loadKnownHosts(paths: string[]): KnownHostsFile[] {
  const out: KnownHostsFile[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    if (seen.has(p)) continue;
    seen.add(p);
    let text: string;
    try {
      text = readFileSync(p, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A missing file is empty, but stays listed so messages say where we looked.
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        out.push({ path: p, entries: [], warnings: [] });
        continue;
      }
      out.push({ path: p, entries: [], warnings: [`${p}: cannot read (${code ?? (e as Error).message})`] });
      continue;
    }
    out.push(parseKnownHosts(text, p));
  }
  return out;
}
