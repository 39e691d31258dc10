import React from 'react';
import { Box } from 'ink';
import { Text } from './Text.js';
import type { HelpLine } from '../keymap.js';
import { toneStyle, useTheme } from './theme.js';

/** The `?` overlay, generated from the keymap. */
export function HelpOverlay({ lines, offset, height, width }: { lines: HelpLine[]; offset: number; height: number; width: number }) {
  const { color } = useTheme();
  const room = Math.max(1, height - 1);
  const visible = lines.slice(offset, offset + room);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">{`Keys${lines.length > room ? ` [${offset + 1}-${offset + visible.length}/${lines.length}]` : ''}  (Esc or ? closes)`}</Text>
      {visible.map((l, i) => (
        <Text key={offset + i} wrap="truncate" {...(l.heading ? { bold: true } : l.danger ? toneStyle('warn', color) : {})}>
          {l.text || ' '}
        </Text>
      ))}
    </Box>
  );
}
