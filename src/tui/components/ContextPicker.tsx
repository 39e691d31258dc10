import React from 'react';
import { Box } from 'ink';
import { Text } from './Text.js';
import { clampWindow } from '../window.js';

export function ContextPicker({ names, cursor, current, height, width }: { names: string[]; cursor: number; current: string | null; height: number; width: number }) {
  const room = Math.max(1, height - 1);
  const w = clampWindow(names.length, cursor, cursor - room + 1, room);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">Switch context (Enter select, Esc cancel)</Text>
      {names.slice(w.start, w.end).map((n, i) => (
        <Text key={n} inverse={w.start + i === w.cursor} wrap="truncate">
          {`  ${n}${n === current ? '  (current)' : ''}`}
        </Text>
      ))}
    </Box>
  );
}
