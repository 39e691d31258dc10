// Peak RSS of the agent process itself (not of crm_mon, its child) for one snapshot of a CIB file,
// serialized as `pcmk-agent snapshot --json` does.
import { collectSnapshot, LocalToolRunner } from '../dist/agent/index.js';

const file = process.argv[2];
const s = await collectSnapshot({ runner: new LocalToolRunner(), cibFile: file, timeoutMs: 600_000 });
const json = JSON.stringify(s);
console.log(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, jsonBytes: json.length, instances: s.instances.length }));
