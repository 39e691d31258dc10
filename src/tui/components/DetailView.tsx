import React from 'react';
import { Box } from 'ink';
import { Text } from './Text.js';
import type { DetailModel } from '../view-models/detail.js';
import { toneStyle, useTheme } from './theme.js';

/** Detail of a resource or node: a title line plus the visible window of its lines. */
export function DetailView({ model, offset, height, width }: { model: DetailModel; offset: number; height: number; width: number }) {
  const { color } = useTheme();
  const room = Math.max(1, height - 1);
  const lines = model.lines.slice(offset, offset + room);
  const more = model.lines.length > room ? ` [${offset + 1}-${offset + lines.length}/${model.lines.length}]` : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">{`${model.title}${more}  (Esc back)`}</Text>
      {lines.map((l, i) => (
        <Text key={offset + i} wrap="truncate" {...toneStyle(l.tone, color)}>
          {l.text || ' '}
        </Text>
      ))}
    </Box>
  );
}
