// `npm run bench`: every benchmark in one run, one after the other, each printing its own figures
// and ratios against crm_mon, crm and pcs (or ipmitool) measured in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { root } from './lib.mjs';

const benches = [
  ['agent: snapshot vs crm_mon / crm / pcs, big CIB, watch CPU', 'bench/agent.mjs'],
  ['cli: pcmk status local and over SSH vs crm / pcs / crm_mon', 'bench/cli.mjs'],
  ['xml: our XML reader vs fast-xml-parser, 8 MB crm_mon output and the corpus', 'bench/xml.mjs'],
  ['tui: first screen, change-to-screen latency, frame time, RSS', 'bench/tui.mjs'],
  ['live: cluster change -> on screen vs crm_mon interactive, idle watch CPU', 'bench/live.mjs'],
  ['fencing: readiness check time', 'bench/fence.mjs'],
  ['ipmi: power status round trip vs ipmitool', 'bench/ipmi.mjs'],
  ['history: reading 1,000 scheduler inputs vs crm_simulate / crm_mon alone', 'bench/history.mjs'],
];
const only = process.argv.slice(2);
let failed = 0;
for (const [title, file] of benches) {
  if (only.length && !only.some((o) => file.includes(o))) continue;
  if (!existsSync(path.join(root, file))) {
    console.log(`\n=== ${title}: ${file} is missing`);
    failed++;
    continue;
  }
  console.log(`\n=== ${title} (${file})`);
  const r = spawnSync('node', [path.join(root, file)], { stdio: 'inherit', cwd: root, timeout: 20 * 60_000 });
  if (r.status !== 0) {
    console.log(`=== ${file} failed (exit ${r.status ?? r.signal})`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
