/**
 * `pcmk ipmi`, `pcmk fence-test`, `pcmk fence`: fencing from the console.
 * BMC credentials come from the environment (PCMK_IPMI_USER, PCMK_IPMI_PASSWORD) or a prompt,
 * never from the configuration file, and are never printed.
 */
import { createInterface } from 'node:readline/promises';
import { IpmiError, withIpmi, type CipherSuiteId } from '../fencing/ipmi/index.js';
import { UsageError, type ParsedArgs } from './args.js';
import { printError, terminalText, type Output } from './output.js';
import type { Session } from './session.js';
import { newRequestId, type IpmiPowerChange } from '../model/actions.js';
import { appendAuditLog, auditHost, auditUser, type AuditEntry } from '../agent/actions/audit.js';

/** A direct power change is audited like a cluster change (the cluster does not know about it). */
function auditPower(change: IpmiPowerChange, requestId: string, outcome: { ok: boolean; message: string }): void {
  const entry: AuditEntry = {
    time: new Date().toISOString(),
    user: auditUser(),
    host: auditHost(),
    requestId,
    client: 'pcmk',
    via: `BMC ${change.bmc}`,
    ranOn: change.bmc,
    action: change,
    summary: `power ${change.power} ${change.bmc} through its BMC (IPMI)`,
    plan: null,
    result: { ok: outcome.ok, outcome: outcome.ok ? 'done' : 'failed', message: outcome.message, steps: [], warnings: [] },
  };
  try {
    appendAuditLog(entry);
  } catch (e) {
    printError(`pcmk: could not write the local audit log: ${(e as Error).message}`);
  }
}

async function promptSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) return '';
  const question = terminalText(prompt);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // Do not echo what is typed.
  const out = rl as unknown as { _writeToOutput?: (s: string) => void };
  const orig = out._writeToOutput;
  out._writeToOutput = (s: string) => {
    if (s.includes(question)) orig?.call(rl, s);
  };
  try {
    return await rl.question(question);
  } finally {
    out._writeToOutput = orig;
    rl.close();
    printError('');
  }
}

export async function ipmiCommand(p: ParsedArgs, w: Output): Promise<number> {
  const [, host, verb, what] = p.positional;
  if (!host || !verb) throw new UsageError('ipmi HOST power status|on|off|cycle | ipmi HOST identify');
  const action = verb === 'identify' ? 'identify' : verb === 'power' ? what : undefined;
  if (!action || !['status', 'on', 'off', 'cycle', 'reset', 'soft', 'identify'].includes(action)) {
    throw new UsageError('ipmi HOST power status|on|off|cycle|reset|soft | ipmi HOST identify');
  }
  const destructive = ['off', 'cycle', 'reset', 'soft'].includes(action);
  if (destructive && p.options.readOnly) {
    w.err('pcmk: refusing a power change: --read-only');
    return 67;
  }
  if (destructive && !p.options.yes) {
    w.err(`pcmk: power ${action} on ${host} cuts that machine's power: add --yes to confirm`);
    return 66;
  }
  const username = process.env.PCMK_IPMI_USER ?? (typeof p.flags.user === 'string' ? p.flags.user : 'admin');
  const password = process.env.PCMK_IPMI_PASSWORD ?? (await promptSecret(`IPMI password for ${username}@${host}: `));
  if (!password) {
    w.err('pcmk: no IPMI password: set PCMK_IPMI_PASSWORD or run interactively');
    return 64;
  }
  const cipher = (typeof p.flags.cipher === 'string' ? Number(p.flags.cipher) : 3) as CipherSuiteId;
  const port = typeof p.flags.port === 'string' ? Number(p.flags.port) : undefined;
  const change: IpmiPowerChange | null = ['on', 'off', 'cycle', 'reset', 'soft'].includes(action) ? { name: 'ipmi-power', bmc: host, power: action as IpmiPowerChange['power'] } : null;
  const requestId = change ? newRequestId() : undefined;
  try {
    const r = await withIpmi({ host, port, username, password, cipherSuite: cipher }, async (s) => {
      if (action === 'status') return { power: (await s.getChassisStatus()).power };
      if (action === 'identify') {
        await s.chassisIdentify({ seconds: 15 });
        return { identify: 'on for 15 s' };
      }
      await s.chassisControl(action as 'on' | 'off' | 'cycle' | 'reset' | 'soft');
      return { power: action, requested: true };
    });
    if (change && requestId) auditPower(change, requestId, { ok: true, message: `chassis power ${action} requested` });
    if (p.options.json) w.json({ host, ...r, ...(requestId ? { requestId } : {}) });
    else w.out(r.power !== undefined ? `${host}: chassis power ${'requested' in r ? `${action} requested [${requestId}]` : r.power}` : `${host}: identify ${r.identify}`);
    return 0;
  } catch (e) {
    const msg = e instanceof IpmiError ? e.message : (e as Error).message;
    if (change && requestId) auditPower(change, requestId, { ok: false, message: msg });
    if (p.options.json) w.json({ host, error: { code: e instanceof IpmiError ? e.code : 'error', message: msg } });
    else w.err(`pcmk: ${msg}`);
    return 1;
  }
}

export async function fencingCommand(p: ParsedArgs, w: Output, openSession: () => Session): Promise<number> {
  const cmd = p.positional[0];
  if (cmd === 'ipmi') return ipmiCommand(p, w);
  const { fenceTestCommand } = await import('./fence-check.js');
  return fenceTestCommand(p, w, openSession);
}
