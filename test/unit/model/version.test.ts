import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VERSION, versionLine } from '../../../src/model/version.js';
import { AGENT_VERSION } from '../../../src/agent/serve.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('version', () => {
  it("is package.json's version", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  it('is the one the agent reports', () => {
    expect(AGENT_VERSION).toBe(VERSION);
  });

  it('prints as "program version"', () => {
    expect(versionLine('pcmk')).toBe(`pcmk ${VERSION}`);
    expect(versionLine('pcmk-agent')).toBe(`pcmk-agent ${VERSION}`);
  });
});
