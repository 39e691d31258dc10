/**
 * pcmk-top: the live console. `App` is a provider plus a layout; `runTui` mounts it on a terminal.
 */
import React from 'react';
import { render } from 'ink';
import { TuiProvider, type TuiOptions } from './components/TuiProvider.js';
import { Layout } from './components/Layout.js';
import { colorEnabled } from './components/theme.js';

export type AppProps = TuiOptions;

export function App(props: AppProps) {
  return (
    <TuiProvider {...props}>
      <Layout />
    </TuiProvider>
  );
}

export interface RunTuiOptions extends Omit<TuiOptions, 'onQuit'> {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Use the terminal's alternate screen (default: when stdout is a TTY). */
  alternateScreen?: boolean;
  /** Ink's incremental line updates (off by default: it left stale lines in tmux with Ink 6.8). */
  incrementalRendering?: boolean;
}

const ENTER_ALT = '\u001b[?1049h\u001b[H';
const LEAVE_ALT = '\u001b[?1049l';

/** Mount the console and resolve when the operator quits. */
export async function runTui(options: RunTuiOptions): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const alt = options.alternateScreen ?? !!stdout.isTTY;
  if (alt) stdout.write(ENTER_ALT);
  const { stdout: _o, stdin: _i, alternateScreen: _a, incrementalRendering: _r, ...props } = options;
  void _o;
  void _i;
  void _a;
  void _r;
  const instance = render(<App {...props} color={options.color ?? colorEnabled()} />, {
    stdout,
    stdin,
    exitOnCtrlC: false,
    patchConsole: true,
    incrementalRendering: options.incrementalRendering ?? false,
  });
  try {
    await instance.waitUntilExit();
  } finally {
    instance.cleanup();
    if (alt) stdout.write(LEAVE_ALT);
  }
}
