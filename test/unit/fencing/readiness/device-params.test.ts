/**
 * The small pure parts of the fencing readiness check: stonith_admin's XML answers (captured on
 * the sandbox, test/fixtures/fencing), Pacemaker's host-check defaults, the agent's stdin and how a
 * BMC is reached.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCib, type CibStonithDevice } from '../../../../src/agent/parse/cib.js';
import {
  agentStdin,
  cleanToolText,
  configTargets,
  effectiveHostCheck,
  ipmiTarget,
  parseStonithAdmin,
  statusText,
} from '../../../../src/fencing/readiness/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const read = (f: string) => readFileSync(path.resolve(here, '../../../fixtures', f), 'utf8');
const sandboxDevices = parseCib(read('sandbox/cib-configuration.xml')).stonithDevices;
const dev = (over: Partial<CibStonithDevice>): CibStonithDevice => ({ ...sandboxDevices[0]!, ...over });

describe('parseStonithAdmin (stonith_admin 2.1.5 --output-as=xml)', () => {
  it('device lists', () => {
    expect(parseStonithAdmin(read('fencing/list-registered.cluster-1.xml')).items).toEqual(['fence-cluster-3', 'fence-remote-1', 'fence-cluster-2']);
    expect(parseStonithAdmin(read('fencing/list-cluster-3.cluster-1.xml')).items).toEqual(['fence-cluster-3']);
    const none = parseStonithAdmin(read('fencing/list-guest-1.cluster-1.xml'));
    expect(none.items).toEqual([]);
    expect(none.status).toEqual({ code: 0, message: 'OK', errors: [] });
  });

  it('an error answer', () => {
    const a = parseStonithAdmin(read('fencing/query-not-registered.cluster-1.xml'));
    expect(a.status).toEqual({ code: 105, message: 'No such object', errors: [] });
    expect(statusText(a.status)).toBe('No such object');
  });

  it('what --list-targets makes of fence_ipmilan (it cannot list): words of a notice', () => {
    const a = parseStonithAdmin(read('fencing/list-targets-fence-cluster-3.cluster-1.xml'));
    expect(a.items.slice(0, 3)).toEqual(['NOTICE', 'List', 'option']);
  });

  it('fence history events (after pcmk fence cluster-3 on the sandbox)', () => {
    expect(parseStonithAdmin(read('fencing/history-cluster-3.cluster-1.xml')).events).toEqual([
      { target: 'cluster-3', action: 'reboot', status: 'success', delegate: 'cluster-2', client: 'stonith_admin.14448', origin: 'cluster-1', completed: '2026-11-23 21:28:10Z', exitReason: null },
    ]);
  });

  it('rejects what is not a pacemaker-result', () => {
    expect(() => parseStonithAdmin('<cib/>')).toThrow(/expected <pacemaker-result>/);
    expect(() => parseStonithAdmin('<pacemaker-result>')).toThrow();
  });
});

describe('host check and targets, as the fencer decides them', () => {
  const nodes = ['cluster-1', 'cluster-2', 'cluster-3', 'remote-1'];
  it('static-list from pcmk_host_list and pcmk_host_map', () => {
    expect(effectiveHostCheck(sandboxDevices[0]!)).toBe('static-list');
    expect(configTargets(sandboxDevices[0]!, nodes)).toEqual(['cluster-1']);
    const mapped = dev({ hostList: null, hostCheck: null, hostMap: { 'cluster-1': 'port1', 'cluster-2': 'port2' } });
    expect(effectiveHostCheck(mapped)).toBe('static-list');
    expect(configTargets(mapped, nodes)).toEqual(['cluster-1', 'cluster-2']);
  });
  it('fence_ipmilan without a host list is checked by status and so claims every node', () => {
    const d = dev({ hostList: null, hostCheck: null, hostMap: null });
    expect(effectiveHostCheck(d)).toBe('status');
    expect(configTargets(d, nodes)).toEqual(nodes);
  });
  it('an agent that can list its targets decides itself', () => {
    const d = dev({ agent: 'fence_xvm', hostList: null, hostCheck: null, hostMap: null });
    expect(effectiveHostCheck(d)).toBe('dynamic-list');
    expect(configTargets(d, nodes)).toBeNull();
    expect(configTargets(dev({ hostCheck: 'none', hostList: null }), nodes)).toEqual(nodes);
  });
});

describe('agentStdin', () => {
  it('passes the configured parameters and the secrets, never Pacemaker own parameters', () => {
    const d = sandboxDevices.find((x) => x.id === 'fence-cluster-2')!;
    expect(agentStdin(d, { password: 's3cret' }, 'monitor')).toBe('action=monitor\nip=198.51.100.112\nusername=admin\nlanplus=1\ncipher=3\npassword=s3cret\n');
  });
  it('drops a deprecated action= parameter and refuses multi-line values', () => {
    expect(agentStdin(dev({ params: { ip: '198.51.100.1', action: 'off' } }), {}, 'monitor')).toBe('action=monitor\nip=198.51.100.1\n');
    expect(agentStdin(dev({ params: { ip: '198.51.100.1' } }), { password: 'a\nb' }, 'monitor')).toBeNull();
  });
});

describe('ipmiTarget', () => {
  it('the sandbox devices', () => {
    expect(ipmiTarget(sandboxDevices[0]!)).toEqual({
      host: '198.51.100.111',
      port: 623,
      username: 'admin',
      lanplus: true,
      cipherSuites: [3],
      privilege: 'ADMINISTRATOR',
      passwordParam: 'password',
      skip: null,
    });
  });
  it('old parameter names, no cipher: try 17 then 3', () => {
    const d = dev({ params: { ipaddr: '198.51.100.7', ipport: '6230', login: 'root', lanplus: 'true', privlvl: 'operator' }, secretsSet: ['passwd'] });
    expect(ipmiTarget(d)).toMatchObject({ host: '198.51.100.7', port: 6230, username: 'root', cipherSuites: [17, 3], privilege: 'OPERATOR', passwordParam: 'passwd', skip: null });
  });
  it('what cannot be checked directly says why', () => {
    expect(ipmiTarget(dev({ params: { ip: '198.51.100.7' } }))?.skip).toBe('lanplus is off (IPMI 1.5 LAN): not checked directly');
    expect(ipmiTarget(dev({ agent: 'fence_ilo4', params: { ip: '198.51.100.7' } }))?.skip).toBeNull();
    expect(ipmiTarget(dev({ params: { ip: '198.51.100.7', lanplus: '1' }, secretsSet: ['password_script'] }))?.skip).toBe('the password comes from a script: not run by the check');
    expect(ipmiTarget(dev({ params: { ip: '198.51.100.7', lanplus: '1', cipher: '1' } }))?.skip).toBe('cipher suite 1 is not one the direct check speaks (3, 17)');
    expect(ipmiTarget(dev({ agent: 'fence_xvm' }))).toBeNull();
  });
});

describe('cleanToolText', () => {
  it('drops interpreter warnings and log timestamps', () => {
    const stderr = `/usr/sbin/fence_ipmilan:5: DeprecationWarning: 'pipes' is deprecated and slated for removal in Python 3.13
  from pipes import quote
2026-11-23 21:08:55,533 ERROR: Failed: Unable to obtain correct plug status or plug is not available


`;
    expect(cleanToolText(stderr)).toBe('ERROR: Failed: Unable to obtain correct plug status or plug is not available');
  });
});
