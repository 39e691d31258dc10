import React, { memo } from 'react';
import { Text } from './Text.js';
import type { StatusLine as Status } from '../state/ui-state.js';
import { toneStyle, useTheme } from './theme.js';

/** Action progress and results; a failed action shows the tool's error (first line). */
export const StatusLine = memo(function StatusLine({ status, running }: { status: Status | null; running: string | null }) {
  const { color } = useTheme();
  if (!status && !running) return <Text> </Text>;
  const tone = status?.tone ?? 'info';
  const detail = status?.detail ? `: ${status.detail.split('\n').find((l) => l.trim()) ?? ''}` : '';
  const text = status ? `${status.text}${detail}` : '';
  return (
    <Text wrap="truncate" {...toneStyle(tone, color)}>
      {running && !(status?.text ?? '').includes(running) ? `[running: ${running}] ` : ''}
      {text}
    </Text>
  );
});
