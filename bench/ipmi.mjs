#!/usr/bin/env node
/**
 * IPMI power status round trip: our client vs `ipmitool -I lanplus -C 3 ... chassis power status`
 * on the same ipmi_sim BMC (started here on a loopback address, stopped at the end).
 *
 *   npm run build && node bench/ipmi.mjs [iterations=30]
 *
 * Prints medians and p90 for: our client with a new session per status (what ipmitool does per
 * invocation), our client inside one open session, and ipmitool; plus the ratio.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { accessSync, constants as fsConstants } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const iterations = Number(process.argv[2] ?? 30);
if (!Number.isInteger(iterations) || iterations < 1) {
  console.error('usage: node bench/ipmi.mjs [iterations]');
  process.exit(2);
}

let ipmi;
try {
  ipmi = await import(path.join(root, 'dist/fencing/ipmi/index.js'));
} catch (err) {
  console.error(`cannot load dist/fencing/ipmi/index.js (${err.message}); run "npm run build" first`);
  process.exit(2);
}
const { withIpmi, IpmiSession, getChannelAuthCapabilities } = ipmi;

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    try {
      accessSync(path.join(dir, name), fsConstants.X_OK);
      return path.join(dir, name);
    } catch {
      // next
    }
  }
  console.error(`${name} not found in PATH (Debian packages: openipmi, ipmitool)`);
  process.exit(2);
}

const ipmiSim = which('ipmi_sim');
const ipmitoolBin = which('ipmitool');

async function freePort(host) {
  const s = dgram.createSocket('udp4');
  await new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, host, resolve);
  });
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function startSim() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pcmk-bench-ipmi-'));
  const host = `127.0.0.${randomInt(2, 10)}`;
  const port = await freePort(host);
  const password = randomBytes(9).toString('base64url');
  const script = path.join(dir, 'chassis-control.sh');
  await writeFile(
    script,
    [
      '#!/bin/sh',
      'dir="$1"; shift; op="$1"; shift',
      'case "$op" in',
      '  get) for p in "$@"; do case "$p" in power) echo "power:$(cat "$dir/power")";; *) echo "Invalid parameter: $p"; exit 1;; esac; done;;',
      '  set) while [ $# -ge 2 ]; do [ "$1" = power ] && echo "$2" > "$dir/power"; shift 2; done;;',
      'esac',
      '',
    ].join('\n'),
  );
  await chmod(script, 0o755);
  await writeFile(path.join(dir, 'power'), '1\n');
  await mkdir(path.join(dir, 'state'));
  await writeFile(
    path.join(dir, 'lan.conf'),
    [
      'name "pcmkbench"',
      'set_working_mc 0x20',
      '  startlan 1',
      `    addr ${host} ${port}`,
      '    priv_limit admin',
      '    allowed_auths_admin none md2 md5 straight',
      '    guid a123456789abcdefa123456789abcdef',
      '  endlan',
      `  chassis_control "${script} ${dir}"`,
      `  user 2 true "admin" "${password}" admin 10 none md2 md5 straight`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  await writeFile(
    path.join(dir, 'sim.emu'),
    'mc_setbmc 0x20\nmc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr\nmc_enable 0x20\n',
  );
  const child = spawn(
    ipmiSim,
    ['-c', path.join(dir, 'lan.conf'), '-f', path.join(dir, 'sim.emu'), '-s', path.join(dir, 'state'), '-n'],
    { stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await getChannelAuthCapabilities({ host, port, timeoutMs: 200, retries: 0 });
      break;
    } catch (err) {
      if (Date.now() > deadline || child.exitCode !== null) {
        await stop();
        throw new Error(`ipmi_sim did not come up on ${host}:${port}: ${err.message}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { host, port, password, stop };
}

function ipmitoolStatus(bmc) {
  return new Promise((resolve, reject) => {
    execFile(
      ipmitoolBin,
      ['-I', 'lanplus', '-C', '3', '-H', bmc.host, '-p', String(bmc.port), '-U', 'admin', '-E', 'chassis', 'power', 'status'],
      { timeout: 20_000, env: { ...process.env, IPMI_PASSWORD: bmc.password } },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`ipmitool failed: ${String(stderr).trim() || err.message}`));
        else resolve(/Chassis Power is (on|off)/.exec(String(stdout))?.[1]);
      },
    );
  });
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median, p90: at(0.9), min: s[0] };
};

const bmc = await startSim();
try {
  const opts = { host: bmc.host, port: bmc.port, username: 'admin', password: bmc.password, cipherSuite: 3 };
  const ours = [];
  const tool = [];
  const inSession = [];
  // warm-up (page cache, first exec of ipmitool)
  await withIpmi(opts, (s) => s.getPowerState());
  await ipmitoolStatus(bmc);
  for (let i = 0; i < iterations; i++) {
    const runOurs = async () => {
      const t0 = performance.now();
      const state = await withIpmi(opts, (s) => s.getPowerState());
      ours.push(performance.now() - t0);
      return state;
    };
    const runTool = async () => {
      const t0 = performance.now();
      const state = await ipmitoolStatus(bmc);
      tool.push(performance.now() - t0);
      return state;
    };
    const [a, b] = i % 2 === 0 ? [await runOurs(), await runTool()] : [await runTool(), await runOurs()].reverse();
    if (a !== b) throw new Error(`power state disagrees: ours ${a}, ipmitool ${b}`);
  }
  const session = await IpmiSession.open(opts);
  try {
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      await session.getPowerState();
      inSession.push(performance.now() - t0);
    }
  } finally {
    await session.close();
  }
  const o = stats(ours);
  const t = stats(tool);
  const s = stats(inSession);
  const fmt = (x) => `${x.toFixed(2).padStart(8)} ms`;
  console.log(`IPMI power status round trip, ipmi_sim on ${bmc.host}:${bmc.port}, cipher suite 3, ${iterations} runs each`);
  console.log(`                                            median        p90        min`);
  console.log(`  ours, new session per status         ${fmt(o.median)} ${fmt(o.p90)} ${fmt(o.min)}`);
  console.log(`  ipmitool -I lanplus -C 3 (process)   ${fmt(t.median)} ${fmt(t.p90)} ${fmt(t.min)}`);
  console.log(`  ours, inside one open session        ${fmt(s.median)} ${fmt(s.p90)} ${fmt(s.min)}`);
  console.log(`  ratio ipmitool / ours (new session): ${(t.median / o.median).toFixed(2)}x`);
  if (o.median > t.median) {
    console.log('  WARNING: our client was slower than ipmitool');
    process.exitCode = 1;
  }
} finally {
  await bmc.stop();
}
