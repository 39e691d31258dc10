// A vitest reporter that writes what the closing line needs, exactly, to $PCMK_TEST_TOTALS_FILE:
// every test with its state and retries, every block or file that failed on its own (a failed
// hook, a file that did not load), and the errors thrown outside any test.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const message = (e) => String(e?.message ?? e).split('\n')[0];

export default class TestTotalsReporter {
  onTestRunEnd(testModules, unhandledErrors, reason) {
    const file = process.env.PCMK_TEST_TOTALS_FILE;
    if (!file) return;
    const tests = [];
    const blocks = [];
    for (const m of testModules) {
      for (const s of [m, ...m.children.allSuites()]) {
        const errors = s.errors();
        if (errors.length) blocks.push({ name: s.type === 'module' ? m.relativeModuleId : `${m.relativeModuleId} > ${s.fullName}`, error: message(errors[0]) });
      }
      for (const t of m.children.allTests()) {
        tests.push({ name: `${m.relativeModuleId} > ${t.fullName}`, state: t.result().state, retries: t.diagnostic()?.retryCount ?? 0 });
      }
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ reason, tests, blocks, unhandled: unhandledErrors.map(message) }));
  }
}
