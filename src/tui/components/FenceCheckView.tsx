import React, { useMemo } from 'react';
import { Box } from 'ink';
import { Text } from './Text.js';
import type { FenceCheckTable } from '../types.js';
import type { Pending } from '../state/ui-state.js';
import { formatCells, layoutColumns, type Column } from '../view-models/rows.js';
import { toneStyle, useTheme } from './theme.js';

/** The fencing readiness check as a table. */
export function FenceCheckView({ result, offset, height, width }: { result: Pending<FenceCheckTable>; offset: number; height: number; width: number }) {
  const { color } = useTheme();
  const table = result.state === 'done' ? result.value : null;
  const columns: Column[] = useMemo(
    () =>
      (table?.columns ?? []).map((title, i) => ({
        title,
        min: Math.min(24, Math.max(title.length, ...(table?.rows ?? []).map((r) => (r[i] ?? '').length))),
        weight: 1,
      })),
    [table],
  );
  const widths = layoutColumns(columns, Math.max(1, width - 1));
  const room = Math.max(1, height - 3);
  const title =
    result.state === 'loading'
      ? 'Fencing test: running...'
      : result.state === 'error'
        ? `Fencing test failed: ${result.message}`
        : `Fencing test: ${table?.ok ? 'READY' : 'NOT READY'}${table?.summary ? ` - ${table.summary}` : ''}`;
  const tone = result.state === 'loading' ? 'info' : result.state === 'error' || !table?.ok ? 'error' : 'ok';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" bold {...toneStyle(tone, color)}>
        {`${title}  (Esc closes)`}
      </Text>
      {table ? (
        <>
          <Text bold wrap="truncate">{` ${formatCells(columns.map((c) => c.title), columns, widths)}`}</Text>
          {table.rows.slice(offset, offset + room).map((r, i) => (
            <Text key={offset + i} wrap="truncate">{` ${formatCells(r, columns, widths)}`}</Text>
          ))}
        </>
      ) : null}
    </Box>
  );
}
