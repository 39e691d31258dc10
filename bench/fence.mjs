// Fencing readiness check on the sandbox cluster: wall time (target < 5 s), fired no shot.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureSandbox, fmt, knownHosts, median, onNode, printTable, root, sshConfig, timeCommand } from './lib.mjs';

const N = Number(process.env.BENCH_N ?? 5);
ensureSandbox();
const pcmk = path.join(root, 'bin/pcmk.js');
const local = median(timeCommand([...onNode('cluster-1'), 'node', pcmk, 'fence-test', '--local', '--json'], { n: N }));
const ssh = median(timeCommand(['node', pcmk, '--host', 'cluster-1', '-F', sshConfig, '--known-hosts', knownHosts, 'fence-test', '--json'], { n: N }));
const report = JSON.parse(execFileSync(onNode('cluster-1')[0], [...onNode('cluster-1').slice(1), 'node', pcmk, 'fence-test', '--local', '--json'], { encoding: 'utf8' }));
const nodes = report.nodes?.length ?? 0;
const devices = report.devices?.length ?? 0;
printTable(`Fencing readiness check (median of ${N}; ${nodes} nodes, ${devices} devices, every BMC session opened)`, [
  ['how', 'wall', 'target'],
  ['pcmk fence-test --local (inside cluster-1)', fmt(local), '< 5 s'],
  ['pcmk --host cluster-1 fence-test (over SSH, pushed agent)', fmt(ssh), '< 5 s'],
]);
writeFileSync(path.join(root, 'bench/last-fence.json'), `${JSON.stringify({ localMs: local, sshMs: ssh, nodes, devices, ok: report.ok }, null, 2)}\n`);
