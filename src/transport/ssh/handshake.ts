/**
 * One authenticated ssh2 client, over TCP or over a stream forwarded by a jump host: TCP connect,
 * SSH handshake with the host key checked against known_hosts (never a silent accept), then
 * authentication; each phase inside the connect timeout and named when it fails.
 */
import type { Readable } from 'node:stream';
import type { Client, ConnectConfig } from 'ssh2';
import { HostKeyError, TransportError } from '../errors.js';
import { knownHostsName, knownKeyTypes, verifyHostKey, type KnownHostsFile } from '../known-hosts.js';
import type { ResolvedHost } from '../ssh-config.js';
import { planAuth } from './auth.js';
import { loadSsh2 } from './ssh2-module.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_KEEPALIVE_MS, targetOf, type TransportOptions } from './options.js';

/** Host key algorithm names for a known_hosts key type. */
function algorithmsForKeyType(t: string): string[] {
  if (t === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [t];
}

const DEFAULT_HOST_KEY_ALGOS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Prefer host key algorithms we already have keys for (as OpenSSH does), so a known host verifies. */
export function orderHostKeyAlgorithms(knownTypes: string[]): string[] {
  const first = knownTypes.flatMap(algorithmsForKeyType).filter((a) => DEFAULT_HOST_KEY_ALGOS.includes(a));
  return [...new Set([...first, ...DEFAULT_HOST_KEY_ALGOS])];
}

function mapSocketError(e: NodeJS.ErrnoException, r: ResolvedHost, host: string): TransportError {
  const where = `${r.hostName}:${r.port}`;
  const code = e.code;
  const detail =
    code === 'ECONNREFUSED'
      ? `connection refused by ${where} (is sshd running and listening on port ${r.port}?)`
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `cannot resolve host name ${r.hostName}`
        : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
          ? `no route to ${where}`
          : code === 'ETIMEDOUT'
            ? `TCP connection to ${where} timed out`
            : code === 'ECONNRESET'
              ? `connection reset by ${where}`
              : `cannot connect to ${where}: ${e.message}`;
  return new TransportError({ host, stage: 'connect', detail, target: targetOf(r), code, cause: e });
}

export interface ConnectStep {
  host: string;
  resolved: ResolvedHost;
  knownHosts: KnownHostsFile[];
  opts: TransportOptions;
  env: Record<string, string | undefined>;
  sock?: Readable;
}

/** Opens one ssh2 client (TCP or over a given stream) and authenticates it. */
export async function openClient(step: ConnectStep): Promise<Client> {
  const ssh2 = await loadSsh2();
  const { host, resolved: r, opts } = step;
  const timeoutMs = opts.connectTimeoutMs ?? r.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const lookupHost = r.hostKeyAlias ?? r.hostName;
  const lookupPort = r.hostKeyAlias ? 22 : r.port;
  const knownTypes = knownKeyTypes(knownHostsName(lookupHost, lookupPort), step.knownHosts);
  const auth = planAuth(r, opts, step.env, ssh2.utils.parseKey);
  for (const n of auth.notes) opts.onWarning?.(host, n);
  const target = targetOf(r);

  return new Promise<Client>((resolve, reject) => {
    const client = new ssh2.Client();
    let phase: 'tcp' | 'handshake' | 'auth' = step.sock ? 'handshake' : 'tcp';
    let settled = false;
    let hostKeyError: HostKeyError | null = null;
    const tried: string[] = [];
    const fail = (err: TransportError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeAllListeners('ready');
      client.on('error', () => {});
      client.destroy();
      reject(err);
    };
    const timer = setTimeout(() => {
      const waiting =
        phase === 'tcp'
          ? `the TCP connection to ${r.hostName}:${r.port}`
          : phase === 'handshake'
            ? 'the SSH handshake (the server accepted the connection but did not complete the handshake)'
            : 'authentication';
      fail(new TransportError({ host, stage: 'timeout', detail: `timed out after ${timeoutMs} ms waiting for ${waiting}`, target }));
    }, timeoutMs);

    client.on('connect', () => {
      phase = 'handshake';
    });
    client.on('handshake', () => {
      phase = 'auth';
    });
    client.on('ready', () => {
      if (settled) {
        client.end();
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve(client);
    });
    client.on('error', (e: Error & { level?: string; code?: string }) => {
      if (hostKeyError) return fail(hostKeyError);
      if (e.level === 'client-socket' || e.level === 'client-dns' || (e.code && !e.level)) {
        return fail(mapSocketError(e as NodeJS.ErrnoException, r, host));
      }
      if (e.level === 'client-authentication') {
        const what = tried.length ? tried.join(', ') : 'no method available (no ssh-agent, no readable identity file)';
        const notes = auth.notes.length ? `; ${auth.notes.join('; ')}` : '';
        return fail(new TransportError({ host, stage: 'auth', detail: `authentication as ${r.user} failed; tried: ${what}${notes}`, target, cause: e }));
      }
      if (e.level === 'client-timeout') {
        return fail(new TransportError({ host, stage: 'timeout', detail: `timed out: ${e.message}`, target, cause: e }));
      }
      fail(new TransportError({ host, stage: 'connect', detail: `SSH ${phase} failed: ${e.message}`, target, cause: e }));
    });
    client.on('close', () => {
      if (hostKeyError) return fail(hostKeyError);
      fail(new TransportError({ host, stage: 'closed', detail: `connection closed by ${r.hostName}:${r.port} during the ${phase}`, target }));
    });

    const queue = [...auth.methods];
    const authHandler = (_left: unknown, _partial: unknown, next: (m: unknown) => void): void => {
      const m = queue.shift();
      if (!m) {
        next(false);
        return;
      }
      tried.push(m.label);
      if (m.type === 'agent') next({ type: 'agent', username: r.user, agent: m.agent });
      else next({ type: 'publickey', username: r.user, key: m.key });
    };

    const cfg: ConnectConfig = {
      host: r.hostName,
      port: r.port,
      username: r.user,
      readyTimeout: timeoutMs + 1000,
      keepaliveInterval: opts.keepaliveIntervalMs ?? r.serverAliveIntervalMs ?? DEFAULT_KEEPALIVE_MS,
      keepaliveCountMax: opts.keepaliveCountMax ?? r.serverAliveCountMax ?? 3,
      algorithms: { serverHostKey: orderHostKeyAlgorithms(knownTypes) as never },
      authHandler: authHandler as never,
      hostVerifier: (key: Buffer): boolean => {
        const v = verifyHostKey(lookupHost, lookupPort, key, step.knownHosts);
        if (v.ok) return true;
        hostKeyError = new HostKeyError({
          host,
          lookupName: v.lookupName,
          target,
          status: v.status,
          keyType: v.keyType,
          fingerprint: v.fingerprint,
          file: v.file,
          line: v.line,
          searched: v.searched,
        });
        return false;
      },
    };
    if (step.sock) cfg.sock = step.sock;
    try {
      client.connect(cfg);
    } catch (e) {
      fail(new TransportError({ host, stage: 'connect', detail: (e as Error).message, target, cause: e }));
    }
  });
}
