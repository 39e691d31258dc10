/**
 * Starts OpenIPMI's ipmi_sim as a real BMC on a loopback address (127.0.0.2-9, free UDP port)
 * with a generated lan.conf, emulator file and a chassis control script that keeps the power
 * state in a temp file. Also runs ipmitool against it and relays/records its datagrams.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { accessSync, constants as fsConstants } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getChannelAuthCapabilities } from '../../../../src/fencing/ipmi/index.js';

export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** Throws a clear error (the test fails, it does not skip) when a required tool is missing. */
export function requireTool(name: string, pkg: string): string {
  const found = findOnPath(name);
  if (!found) {
    throw new Error(
      `${name} not found in PATH: these IPMI tests need a real ${name}; install the Debian package "${pkg}" ` +
        `(apt-get install -y --no-install-recommends ${pkg})`,
    );
  }
  return found;
}

export async function freeUdpPort(host: string): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, host, () => resolve());
  });
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface SimUser {
  name: string;
  password: string;
  priv: 'admin' | 'operator' | 'user';
}

export interface SimBmc {
  host: string;
  port: number;
  admin: SimUser;
  viewer: SimUser;
  dir: string;
  /** Power state as kept by the chassis control script. */
  readPower(): Promise<'on' | 'off'>;
  writePower(on: boolean): Promise<void>;
  /** Every "set" the simulator asked the chassis script to do, one per line ("power 0", "reset 1", "identify 5 0"). */
  readEvents(): Promise<string[]>;
  output(): string;
  stop(): Promise<void>;
}

const CHASSIS_SCRIPT = `#!/bin/sh
# ipmi_sim chassis_control program: STATE_DIR get|set PARM [VALUE] ...
# ipmi_sim passes each value as one quoted word ("5 0" for identify).
dir="$1"; shift
op="$1"; shift
case "$op" in
  get)
    for p in "$@"; do
      case "$p" in
        power) echo "power:$(cat "$dir/power")" ;;
        boot) echo "boot:default" ;;
        *) echo "Invalid parameter: $p"; exit 1 ;;
      esac
    done ;;
  set)
    while [ $# -ge 2 ]; do
      p="$1"; v="$2"; shift 2
      echo "$p $v" >> "$dir/events"
      case "$p" in
        power) echo "$v" > "$dir/power" ;;
        shutdown) echo 0 > "$dir/power" ;;
        reset|identify|boot) ;;
        *) echo "Invalid parameter: $p"; exit 1 ;;
      esac
    done ;;
  *) echo "Unknown operation: $op"; exit 1 ;;
esac
`;

function quote(s: string): string {
  if (/["\\\n]/.test(s)) throw new Error('value cannot be quoted for lan.conf');
  return `"${s}"`;
}

export async function startIpmiSim(): Promise<SimBmc> {
  const ipmiSim = requireTool('ipmi_sim', 'openipmi');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pcmk-ipmi-sim-'));
  const host = `127.0.0.${randomInt(2, 10)}`;
  const port = await freeUdpPort(host);
  const admin: SimUser = { name: 'admin', password: randomBytes(9).toString('base64url'), priv: 'admin' };
  const viewer: SimUser = { name: 'viewer', password: randomBytes(9).toString('base64url'), priv: 'user' };
  const script = path.join(dir, 'chassis-control.sh');
  await writeFile(script, CHASSIS_SCRIPT);
  await chmod(script, 0o755);
  await writeFile(path.join(dir, 'power'), '1\n');
  await writeFile(path.join(dir, 'events'), '');
  const lanConf = [
    'name "pcmktest"',
    'set_working_mc 0x20',
    '  startlan 1',
    `    addr ${host} ${port}`,
    '    priv_limit admin',
    '    allowed_auths_callback none md2 md5 straight',
    '    allowed_auths_user none md2 md5 straight',
    '    allowed_auths_operator none md2 md5 straight',
    '    allowed_auths_admin none md2 md5 straight',
    '    guid a123456789abcdefa123456789abcdef',
    '  endlan',
    `  chassis_control ${quote(`${script} ${dir}`)}`,
    `  user 2 true ${quote(admin.name)} ${quote(admin.password)} admin 10 none md2 md5 straight`,
    `  user 3 true ${quote(viewer.name)} ${quote(viewer.password)} user 10 none md2 md5 straight`,
    '',
  ].join('\n');
  const emu = [
    'mc_setbmc 0x20',
    'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr',
    'sel_enable 0x20 1000 0x0a',
    'mc_enable 0x20',
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'lan.conf'), lanConf, { mode: 0o600 });
  await writeFile(path.join(dir, 'sim.emu'), emu);
  const stateDir = path.join(dir, 'state');
  await mkdir(stateDir);

  let out = '';
  const child: ChildProcess = spawn(
    ipmiSim,
    ['-c', path.join(dir, 'lan.conf'), '-f', path.join(dir, 'sim.emu'), '-s', stateDir, '-n'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let alive = true;
  void exited.then(() => (alive = false));

  const stop = async (): Promise<void> => {
    if (alive && child.pid !== undefined) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (!alive) {
      await stop();
      throw new Error(`ipmi_sim exited during startup:\n${out}`);
    }
    try {
      await getChannelAuthCapabilities({ host, port, timeoutMs: 200, retries: 0 });
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`ipmi_sim did not answer on ${host}:${port} within 10 s (${(err as Error).message}):\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    host,
    port,
    admin,
    viewer,
    dir,
    readPower: async () => ((await readFile(path.join(dir, 'power'), 'utf8')).trim() === '1' ? 'on' : 'off'),
    writePower: (on) => writeFile(path.join(dir, 'power'), on ? '1\n' : '0\n'),
    readEvents: async () => (await readFile(path.join(dir, 'events'), 'utf8')).split('\n').filter(Boolean),
    output: () => out,
    stop,
  };
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs ipmitool -I lanplus against host:port; the password goes through IPMI_PASSWORD (-E), not argv. */
export function ipmitool(
  host: string,
  port: number,
  user: SimUser | { name: string; password: string },
  args: string[],
  opts: { cipherSuite?: number; privilege?: string; timeoutMs?: number } = {},
): Promise<ToolResult> {
  const tool = requireTool('ipmitool', 'ipmitool');
  const argv = [
    '-I',
    'lanplus',
    '-C',
    String(opts.cipherSuite ?? 3),
    '-H',
    host,
    '-p',
    String(port),
    '-U',
    user.name,
    '-E',
    '-N',
    '1',
    '-R',
    '2',
  ];
  if (opts.privilege) argv.push('-L', opts.privilege);
  return new Promise((resolve) => {
    execFile(
      tool,
      [...argv, ...args],
      { timeout: opts.timeoutMs ?? 20_000, env: { ...process.env, IPMI_PASSWORD: user.password } },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

export interface Datagram {
  from: 'console' | 'bmc';
  bytes: Buffer;
}

/**
 * A UDP relay on 127.0.0.1 between a console and a BMC that records every datagram, so a real
 * ipmitool session can be inspected.
 */
export async function startRelay(bmcHost: string, bmcPort: number): Promise<{
  host: string;
  port: number;
  datagrams: Datagram[];
  close(): Promise<void>;
}> {
  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  const datagrams: Datagram[] = [];
  let consoleAddr: { address: string; port: number } | undefined;
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', () => resolve()));
  await new Promise<void>((resolve) => back.bind(0, '127.0.0.1', () => resolve()));
  front.on('message', (msg, rinfo) => {
    consoleAddr = { address: rinfo.address, port: rinfo.port };
    datagrams.push({ from: 'console', bytes: Buffer.from(msg) });
    back.send(msg, bmcPort, bmcHost);
  });
  back.on('message', (msg) => {
    datagrams.push({ from: 'bmc', bytes: Buffer.from(msg) });
    if (consoleAddr) front.send(msg, consoleAddr.port, consoleAddr.address);
  });
  return {
    host: '127.0.0.1',
    port: front.address().port,
    datagrams,
    close: async () => {
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await new Promise<void>((resolve) => back.close(() => resolve()));
    },
  };
}
