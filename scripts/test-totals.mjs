// The closing line over the reports of scripts/test-totals-reporter.mjs: "N passed, N failed[, N skipped]".
// Usage: node scripts/test-totals.mjs REPORT.json[=EXIT_CODE] ...
// Counted as failed, each named on stderr: a failed test; a test that passed only after a retry; a
// block or file that failed on its own (a failed hook, a file that did not load: one each, however
// many tests it held); an error thrown outside any test; a report that is missing or ran no test;
// a vitest run that exited non-zero with nothing else failed. A block that failed only because a
// test in it failed is not counted again.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let skipped = 0;
const failures = [];
for (const arg of process.argv.slice(2)) {
  const m = /^(.*?)(?:=(\d+))?$/.exec(arg);
  const file = m[1];
  const exitCode = m[2] === undefined ? null : Number(m[2]);
  if (!existsSync(file)) {
    failures.push(`${file}: missing (that run did not reach its end)`);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const before = failures.length;
  for (const t of r.tests) {
    if (t.state === 'failed') failures.push(`failed: ${t.name}`);
    else if (t.state === 'passed' && t.retries > 0) failures.push(`passed only after ${t.retries} retr${t.retries === 1 ? 'y' : 'ies'}: ${t.name}`);
    else if (t.state === 'passed') passed += 1;
    else skipped += 1;
  }
  for (const b of r.blocks) failures.push(`did not run: ${b.name}: ${b.error}`);
  for (const u of r.unhandled) failures.push(`error outside any test: ${u}`);
  if (!r.tests.length && !r.blocks.length) failures.push(`${file}: ran no test`);
  if (r.reason === 'interrupted') failures.push(`${file}: the run was interrupted`);
  if (exitCode && failures.length === before) failures.push(`${file}: vitest exited ${exitCode} with no failure recorded (see its output above)`);
}
for (const f of failures) console.error(`test-totals: ${f}`);
console.log(`${passed} passed, ${failures.length} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failures.length ? 1 : 0);
