import React, { memo, useMemo } from 'react';
import { Box } from 'ink';
import { Text } from './Text.js';
import type { Row, Table } from '../view-models/rows.js';
import { contentWidths, formatCells, layoutColumns } from '../view-models/rows.js';
import type { WindowRange } from '../window.js';
import { toneStyle, useTheme } from './theme.js';

export interface TableViewProps {
  table: Table;
  width: number;
  /** Data rows visible (the column header takes one more line). */
  height: number;
  window: WindowRange;
  /** Keys of rows that changed recently (highlighted, marked "*"). */
  changed?: ReadonlyMap<string, number>;
  /** Shown when there are no rows. */
  empty: string;
}

/**
 * One data row: its line already formatted to the column widths. Memoized on plain values, so a
 * frame re-renders only the rows whose text, selection or highlight changed (a `j` touches two).
 */
const TableRow = memo(function TableRow({ line, selected, isChanged, tone }: { line: string; selected: boolean; isChanged: boolean; tone: Row['tone'] }) {
  const { color } = useTheme();
  const style = isChanged ? (color ? { color: 'magentaBright', bold: true } : { bold: true }) : toneStyle(tone, color);
  // Only the selected row keeps its padding (a full-width bar); the others drop trailing
  // blanks, which keeps Ink's per-frame work small.
  return (
    <Text wrap="truncate" inverse={selected} {...style}>
      {selected ? line : line.trimEnd()}
    </Text>
  );
});

/** A table that renders only its visible window: one header line plus at most `height` rows. */
export function TableView({ table, width, height, window, changed, empty }: TableViewProps) {
  const inner = Math.max(1, width - 1);
  const ideal = useMemo(() => contentWidths(table), [table]);
  const widths = useMemo(() => layoutColumns(table.columns, inner, ideal), [table.columns, inner, ideal]);
  const header = ` ${formatCells(table.columns.map((c) => c.title), table.columns, widths)}`;
  const visible = table.rows.slice(window.start, Math.min(window.end, window.start + height));
  return (
    <Box flexDirection="column" width={width} height={height + 1}>
      <Text bold wrap="truncate">
        {header}
      </Text>
      {visible.length === 0 ? (
        <Text dimColor wrap="truncate">
          {` ${empty}`}
        </Text>
      ) : (
        visible.map((row, i) => {
          const isChanged = changed?.has(row.key) ?? false;
          const line = `${isChanged ? '*' : ' '}${formatCells(row.cells, table.columns, widths)}`;
          return <TableRow key={row.key} line={line} selected={window.start + i === window.cursor} isChanged={isChanged} tone={row.tone} />;
        })
      )}
    </Box>
  );
}
