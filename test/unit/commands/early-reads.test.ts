import { describe, expect, it } from 'vitest';
import { STATUS_READ_CALLS } from '../../../src/agent/collect.js';
import { earlyReads } from '../../../src/commands/early-reads.js';

const none = () => null;
const plain = STATUS_READ_CALLS.map(([tool, args]) => ({ file: tool, argv: [...args], timeoutMs: 10_000 }));

describe('earlyReads: what pcmk starts before its code is loaded', () => {
  it('pcmk status --local: the status read, with the default timeout', () => {
    expect(earlyReads(['status', '--local'], none)).toEqual(plain);
    expect(earlyReads(['--local', '--no-color', 'status', '--json'], none)).toEqual(plain);
  });

  it('through --prefix and with --timeout, as the program will run them', () => {
    expect(earlyReads(['status', '--local', '--prefix', 'nsenter -t 1 -a', '--timeout', '3'], none)).toEqual(
      STATUS_READ_CALLS.map(([tool, args]) => ({ file: 'nsenter', argv: ['-t', '1', '-a', tool, ...args], timeoutMs: 3000 })),
    );
  });

  it('pcmk status with no target: only while the inventory has no current cluster', () => {
    expect(earlyReads(['status'], none)).toEqual(plain);
    expect(earlyReads(['status'], () => 'prod')).toEqual([]);
    // An inventory that cannot be read: the program will say why; start nothing.
    expect(earlyReads(['status'], () => undefined)).toEqual([]);
    // --local does not ask.
    expect(earlyReads(['status', '--local'], () => 'prod')).toEqual(plain);
  });

  it('anything else starts nothing', () => {
    for (const argv of [
      ['status', '--host', 'h1'],
      ['status', '--cluster', 'prod'],
      ['status', '--cib', '/tmp/cib.xml'],
      ['status', '--help'],
      ['help', 'status'],
      ['nodes', '--local'],
      ['move', 'dregistry', 'cluster-2', '--local'],
      ['status', 'extra', '--local'],
      ['status', '--local', '--timeout', 'soon'],
      [],
    ]) {
      expect(earlyReads(argv, none), argv.join(' ')).toEqual([]);
    }
  });
});
