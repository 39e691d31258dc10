import React, { memo } from 'react';
import { Box } from 'ink';
import { Text } from './Text.js';
import type { HeaderModel, Segment } from '../view-models/header.js';
import { hostSegments } from '../view-models/header.js';
import { toneStyle, useTheme } from './theme.js';

const MAX_WARNINGS = 2;

/** Lines the header takes: facts, hosts, then up to two warning lines. */
export function headerLineCount(model: HeaderModel): number {
  return 2 + Math.min(model.warnings.length, MAX_WARNINGS);
}

function Line({ segments, sep, prefix }: { segments: Segment[]; sep: string; prefix?: string }) {
  const { color } = useTheme();
  return (
    <Text wrap="truncate">
      {prefix ?? ''}
      {segments.map((s, i) => (
        <Text key={i} {...toneStyle(s.tone, color)}>
          {i ? sep : ''}
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

/** Memoized: a frame that changes neither the model nor the width leaves the header alone. */
export const Header = memo(function Header({ model, width }: { model: HeaderModel; width: number }) {
  const warnings = model.warnings.slice(0, MAX_WARNINGS);
  if (model.warnings.length > MAX_WARNINGS) {
    warnings[MAX_WARNINGS - 1] = { text: `${warnings[MAX_WARNINGS - 1].text} (+${model.warnings.length - MAX_WARNINGS + 1} more)`, tone: 'error' };
  }
  return (
    <Box flexDirection="column" width={width}>
      <Line segments={model.facts.length ? model.facts : [{ text: 'pcmk-top', tone: 'heading' }]} sep="  " />
      <Line segments={model.hosts.length ? hostSegments(model.hosts) : [{ text: 'no hosts', tone: 'dim' }]} sep="  " prefix="hosts: " />
      {warnings.map((w, i) => (
        <Line key={i} segments={[{ text: `! ${w.text}`, tone: w.tone }]} sep="" />
      ))}
    </Box>
  );
});
