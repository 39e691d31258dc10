/**
 * Pure helpers over a stonith device's configuration: which nodes it claims (as Pacemaker's
 * fencer decides it), how its agent is run directly, and how to reach its BMC. No IO.
 */
import type { CibStonithDevice } from '../../agent/parse/cib.js';
import type { CipherSuiteId, SessionPrivilege } from '../ipmi/index.js';
import { isTrue } from '../../model/values.js';

/** fence_ipmilan and the names it is installed under (same program, different defaults). */
export const IPMI_AGENTS: ReadonlySet<string> = new Set([
  'fence_ipmilan',
  'fence_ipmilanplus',
  'fence_ilo3',
  'fence_ilo4',
  'fence_ilo5',
  'fence_imm',
  'fence_idrac',
]);

const LANPLUS_BY_DEFAULT = new Set(['fence_ipmilanplus', 'fence_ilo3', 'fence_ilo4', 'fence_ilo5']);

/** A fence agent name we are willing to execute directly (fence-agents' naming). */
export const RUNNABLE_AGENT = /^fence_[A-Za-z0-9_]+$/;

/**
 * pcmk_host_check as the fencer applies it: the configured value, else static-list when a host
 * list or map is set, else dynamic-list when the agent can list targets, else status.
 * fence_ipmilan has no list action, so an IPMI device without a host list is checked by status.
 */
export function effectiveHostCheck(d: CibStonithDevice): string {
  if (d.hostCheck) return d.hostCheck.toLowerCase();
  if (d.hostList !== null || d.hostMap !== null) return 'static-list';
  if (IPMI_AGENTS.has(d.agent)) return 'status';
  return 'dynamic-list';
}

/** Agents that power one machine: a status answer says nothing about which node is asked. */
export function isSingleMachineAgent(agent: string): boolean {
  return IPMI_AGENTS.has(agent);
}

/**
 * The nodes this device can fence according to its configuration, among `nodes`; null when only
 * the agent can tell (dynamic-list, or status with an agent that knows its targets).
 */
export function configTargets(d: CibStonithDevice, nodes: string[]): string[] | null {
  const check = effectiveHostCheck(d);
  switch (check) {
    case 'static-list': {
      const names = new Set([...(d.hostList ?? []), ...Object.keys(d.hostMap ?? {})]);
      return [...names];
    }
    case 'none':
      return [...nodes];
    case 'status':
      // fence_ipmilan answers "on" for whatever node is asked: it claims every node.
      return isSingleMachineAgent(d.agent) ? [...nodes] : null;
    default:
      return null;
  }
}

/** True when `node` is in the list of names, compared as Pacemaker does (case-insensitively). */
export function includesNode(list: readonly string[] | null, node: string): boolean {
  if (!list) return false;
  const n = node.toLowerCase();
  return list.some((x) => x.toLowerCase() === n);
}

/** Parameters Pacemaker itself consumes and never passes to the agent. */
function isPacemakerParam(name: string): boolean {
  return name.startsWith('pcmk_') || name === 'provides';
}

/**
 * The stdin text that runs the agent's `action` with the device's configured parameters, as the
 * fencer passes them (`name=value` lines). `secrets` holds the credential values, read on the
 * host; they go only into this text, never into argv. Returns null when a value cannot be passed
 * on one line.
 */
export function agentStdin(d: CibStonithDevice, secrets: Record<string, string>, action: string): string | null {
  const lines = [`action=${action}`];
  const all: Record<string, string> = { ...d.params, ...secrets };
  for (const [name, value] of Object.entries(all)) {
    if (isPacemakerParam(name) || name === 'action' || name === 'port' || name === 'plug') continue;
    if (/[\r\n\0]/.test(value) || /[\r\n\0=]/.test(name)) return null;
    lines.push(`${name}=${value}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface IpmiTarget {
  host: string;
  port: number;
  username: string;
  lanplus: boolean;
  /** Cipher suites to try in order (the configured one, or 17 then 3 when none is set). */
  cipherSuites: CipherSuiteId[];
  privilege: SessionPrivilege;
  /** Name of the password parameter to read on the host, or null when none is set. */
  passwordParam: string | null;
  /** Set when the BMC cannot be checked directly, with the reason. */
  skip: string | null;
}

/** How to reach an IPMI device's BMC, from its (secret-free) configuration. Pure. */
export function ipmiTarget(d: CibStonithDevice): IpmiTarget | null {
  if (!IPMI_AGENTS.has(d.agent)) return null;
  const p = d.params;
  const host = p.ip ?? p.ipaddr ?? '';
  const portText = p.ipport ?? '623';
  const port = Number(portText);
  const username = p.username ?? p.login ?? '';
  const lanplus = p.lanplus !== undefined ? isTrue(p.lanplus) : LANPLUS_BY_DEFAULT.has(d.agent);
  const priv = (p.privlvl ?? 'administrator').toLowerCase();
  const privilege: SessionPrivilege = priv === 'operator' ? 'OPERATOR' : priv === 'user' ? 'USER' : 'ADMINISTRATOR';
  const passwordParam = ['password', 'passwd'].find((n) => d.secretsSet.includes(n)) ?? null;
  const scripted = d.secretsSet.some((n) => /script/.test(n));
  let cipherSuites: CipherSuiteId[] = [17, 3];
  let skip: string | null = null;
  if (p.cipher !== undefined && p.cipher !== '') {
    const c = Number(p.cipher);
    if (c === 3 || c === 17) cipherSuites = [c];
    else skip = `cipher suite ${p.cipher} is not one the direct check speaks (3, 17)`;
  }
  if (!host) skip = 'no BMC address (ip) configured';
  else if (!Number.isInteger(port) || port < 1 || port > 65535) skip = `invalid ipport ${JSON.stringify(portText)}`;
  else if (!lanplus) skip = 'lanplus is off (IPMI 1.5 LAN): not checked directly';
  else if (!passwordParam && scripted) skip = 'the password comes from a script: not run by the check';
  else if (!passwordParam) skip = 'no password configured';
  return { host, port, username, lanplus, cipherSuites, privilege, passwordParam, skip };
}
