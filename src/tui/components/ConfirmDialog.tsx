import React from 'react';
import { Box } from 'ink';
import { Text } from './Text.js';
import type { Overlay } from '../state/ui-state.js';
import { isDestructive, pcmkCommand } from '../../model/actions.js';
import { toneStyle, useTheme } from './theme.js';

type Confirm = Extract<Overlay, { kind: 'confirm' }>;

/** Plan lines the dialog shows for a confirm overlay (loading, error or the plan). */
export function confirmLines(o: Confirm): { text: string; tone: 'normal' | 'error' | 'dim' }[] {
  if (o.plan.state === 'loading') return [{ text: 'preparing the plan...', tone: 'dim' }];
  if (o.plan.state === 'error') return [{ text: `preview failed: ${o.plan.message}`, tone: 'error' }];
  const plan = o.plan.value;
  const lines: { text: string; tone: 'normal' | 'error' | 'dim' }[] = plan.lines.map((text) => ({ text, tone: 'normal' }));
  if (!plan.ok) lines.unshift({ text: `refused: ${plan.error ?? 'the plan is not valid'}`, tone: 'error' });
  if (!lines.length) lines.push({ text: '(empty plan)', tone: 'dim' });
  // The same request from a runbook.
  if (plan.ok) lines.push({ text: `from the CLI: ${pcmkCommand(o.action)}${isDestructive(o.action.name) ? ' --yes' : ''}`, tone: 'dim' });
  return lines;
}

/**
 * Confirmation of an action with its plan. Dangerous actions ask the operator to type the
 * target's name; the others take Enter or y. Esc cancels.
 */
export function ConfirmDialog({ overlay, height, width }: { overlay: Confirm; height: number; width: number }) {
  const { color } = useTheme();
  const lines = confirmLines(overlay);
  const room = Math.max(1, height - 3);
  const visible = lines.slice(overlay.offset, overlay.offset + room);
  const ready = overlay.plan.state === 'done' && overlay.plan.value.ok;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate" {...toneStyle(overlay.expected ? 'error' : 'heading', color)}>
        {`Confirm: ${overlay.label}`}
      </Text>
      {visible.map((l, i) => (
        <Text key={overlay.offset + i} wrap="truncate" {...toneStyle(l.tone, color)}>
          {`  ${l.text}`}
        </Text>
      ))}
      <Box flexGrow={1} />
      {lines.length > room ? <Text dimColor wrap="truncate">{`  [${overlay.offset + 1}-${overlay.offset + visible.length}/${lines.length}] PgUp/PgDn scroll`}</Text> : <Text> </Text>}
      {overlay.expected !== null ? (
        <Text wrap="truncate">
          <Text bold>{`Type "${overlay.expected}" to confirm (Esc cancels): `}</Text>
          {overlay.typed}
          <Text inverse> </Text>
        </Text>
      ) : (
        <Text wrap="truncate" bold>
          {ready ? 'Enter or y: run   n or Esc: cancel' : 'Esc: cancel'}
        </Text>
      )}
    </Box>
  );
}
