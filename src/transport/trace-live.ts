/**
 * PCMK_TRACE_LIVE=FILE (or =1 for ./pcmk-trace-live.jsonl): one JSON line per watch snapshot the
 * console receives (with the agent's timing: event, collection, send) and per frame it writes,
 * so the time from a cluster change to the screen can be split into its stages. Off by default;
 * epoch ms on each host's clock.
 */
import { appendFileSync } from 'node:fs';

const target = process.env.PCMK_TRACE_LIVE;
export const liveTraceFile = target && target !== '0' ? (target === '1' ? 'pcmk-trace-live.jsonl' : target) : null;

export function traceLive(record: Record<string, unknown>): void {
  if (!liveTraceFile) return;
  try {
    appendFileSync(liveTraceFile, `${JSON.stringify({ at: Date.now(), ...record })}\n`);
  } catch {
    // A trace never stops the console.
  }
}

/** Records every write to the terminal as a frame (call once, before the console draws). */
export function traceFrames(stream: NodeJS.WriteStream): void {
  if (!liveTraceFile) return;
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((...args: unknown[]) => {
    traceLive({ frame: String(args[0]).length });
    return write(...args);
  }) as typeof stream.write;
}
