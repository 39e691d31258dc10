/**
 * The remote command string. An SSH "exec" request is always one string that the remote user's
 * login shell interprets; there is no argv on the wire. Every word is therefore single-quoted
 * (`'it'\''s'`) so the remote shell sees exactly these arguments, and words containing NUL, CR or
 * LF are refused (some login shells do not treat them literally inside quotes).
 */

export class UnsafeArgumentError extends Error {
  constructor(readonly word: string) {
    super(`refusing to pass an argument containing NUL, CR or LF to a remote shell: ${JSON.stringify(word.slice(0, 80))}`);
    this.name = 'UnsafeArgumentError';
  }
}

/** Single-quotes one word for a POSIX shell. Pure. */
export function quoteShellWord(word: string): string {
  if (/[\0\r\n]/.test(word)) throw new UnsafeArgumentError(word);
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command string sent in an SSH exec request for `argv`: every word single-quoted. Pure. */
export function toRemoteCommand(argv: string[]): string {
  if (!argv.length) throw new UnsafeArgumentError('');
  return argv.map(quoteShellWord).join(' ');
}

/**
 * Prefix that makes a remote command report its pid before it becomes argv (same pid via exec), so
 * a timeout or close can kill it with a second exec: OpenSSH's sshd refuses SSH "signal" requests
 * for root sessions, and closing a channel does not stop a command that is not writing.
 */
export const PID_WRAPPER = ['sh', '-c', 'echo "pcmk-pid=$$" >&2; exec "$@"', 'pcmk'];
export const PID_LINE = /^pcmk-pid=(\d+)$/;
