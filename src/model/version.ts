/**
 * The product's version, the one place it is written down: `pcmk --version`, `pcmk-top --version`,
 * `pcmk-agent --version` and the agent's hello all print this. It lives in the model layer so the
 * agent bundle (pushed to hosts without package.json) carries it too; a unit test keeps it equal
 * to package.json's version.
 */
export const VERSION = '0.1.0';

/** "pcmk 0.1.0": what `--version` prints for each program. */
export function versionLine(program: 'pcmk' | 'pcmk-top' | 'pcmk-agent'): string {
  return `${program} ${VERSION}`;
}
