import React from 'react';
import { Box } from 'ink';
import { Text } from './Text.js';
import type { MoveTarget } from '../view-models/resources.js';
import { clampWindow } from '../window.js';

/** Pick the node to move a resource to; Enter shows the preview, Esc cancels. */
export function MovePicker({ resource, candidates, cursor, height, width }: { resource: string; candidates: MoveTarget[]; cursor: number; height: number; width: number }) {
  const room = Math.max(1, height - 1);
  const w = clampWindow(candidates.length, cursor, cursor - room + 1, room);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">{`Move ${resource} to which node? (Enter preview, Esc cancel)`}</Text>
      {candidates.slice(w.start, w.end).map((c, i) => (
        <Text key={c.node} inverse={w.start + i === w.cursor} wrap="truncate">
          {`  ${c.node}${c.note ? `  (${c.note})` : ''}`}
        </Text>
      ))}
    </Box>
  );
}
