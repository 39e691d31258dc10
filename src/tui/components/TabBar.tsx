import React, { memo } from 'react';
import { Box } from 'ink';
import { Text } from './Text.js';
import { VIEWS, type ViewId } from '../keymap.js';
import { useTheme } from './theme.js';

export interface TabBarProps {
  view: ViewId;
  detailTitle: string | null;
  /** Counts shown next to tab titles (e.g. failures), omitted when 0. */
  counts: Partial<Record<ViewId, number>>;
  /** "12/340" position, filter and grouping notes on the right. */
  info: string;
  width: number;
}

/** Memoized on its props (`counts` is memoized per snapshot). */
export const TabBar = memo(function TabBar({ view, detailTitle, counts, info, width }: TabBarProps) {
  const { color } = useTheme();
  return (
    <Box width={width}>
      <Text wrap="truncate">
        {VIEWS.map((v) => {
          const n = counts[v.id];
          const label = ` ${v.key} ${v.title}${n ? `(${n})` : ''} `;
          const current = v.id === view;
          return (
            <Text key={v.id} inverse={current} bold={current} color={color && !current && n && (v.id === 'failures' || v.id === 'fencing') ? 'red' : undefined}>
              {label}
            </Text>
          );
        })}
        {detailTitle ? <Text bold>{` > ${detailTitle}`}</Text> : null}
        <Text dimColor>{info ? `  ${info}` : ''}</Text>
      </Text>
    </Box>
  );
});
