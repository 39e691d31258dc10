/** Tones to Ink text styles; without colour (NO_COLOR) only bold/dim/inverse are used. */
import { createContext, useContext } from 'react';
import type { Tone } from '../view-models/rows.js';

export interface Theme {
  color: boolean;
}

export const ThemeContext = createContext<Theme>({ color: true });

export const useTheme = (): Theme => useContext(ThemeContext);

export interface ToneStyle {
  color?: string;
  bold?: boolean;
  dimColor?: boolean;
}

const COLORS: Record<Tone, ToneStyle> = {
  normal: {},
  ok: { color: 'green' },
  warn: { color: 'yellow' },
  error: { color: 'red', bold: true },
  dim: { color: 'gray' },
  info: { color: 'cyan' },
  heading: { bold: true },
};

const PLAIN: Record<Tone, ToneStyle> = {
  normal: {},
  ok: {},
  warn: {},
  error: { bold: true },
  dim: { dimColor: true },
  info: {},
  heading: { bold: true },
};

export function toneStyle(tone: Tone, color: boolean): ToneStyle {
  return (color ? COLORS : PLAIN)[tone];
}

/** NO_COLOR (any non-empty value) turns colour off, per no-color.org. */
export function colorEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}
