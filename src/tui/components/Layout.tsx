/** The frame: header, tabs, body (view, detail or overlay), status line, footer. */
import React from 'react';
import { Box } from 'ink';
import { useTui } from './TuiProvider.js';
import { Header } from './Header.js';
import { TabBar } from './TabBar.js';
import { TableView } from './TableView.js';
import { DetailView } from './DetailView.js';
import { HelpOverlay } from './HelpOverlay.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { MovePicker } from './MovePicker.js';
import { FenceCheckView } from './FenceCheckView.js';
import { ContextPicker } from './ContextPicker.js';
import { FilterPrompt } from './FilterPrompt.js';
import { CommandLine } from './CommandLine.js';
import { StatusLine } from './StatusLine.js';
import { Footer } from './Footer.js';
import { helpLines, VIEWS } from '../keymap.js';
import { toWhyDetail } from '../view-models/why.js';
import { historySummary } from '../state/history.js';

function emptyText(view: string, filter: string, hasSnapshot: boolean): string {
  if (!hasSnapshot) return 'no data yet';
  if (filter) return `nothing matches /${filter}/ (Esc clears the filter)`;
  return `no ${view}`;
}

function Body() {
  const m = useTui();
  const { ui, layout, size } = m;
  const o = ui.overlay;
  switch (o.kind) {
    case 'help':
      return <HelpOverlay lines={helpLines(m.readOnly, undefined, m.offline)} offset={o.offset} height={layout.body} width={size.columns} />;
    case 'confirm':
      return <ConfirmDialog overlay={o} height={layout.body} width={size.columns} />;
    case 'move':
      return <MovePicker resource={o.resource} candidates={o.candidates} cursor={o.cursor} height={layout.body} width={size.columns} />;
    case 'fenceCheck':
      return <FenceCheckView result={o.result} offset={o.offset} height={layout.body} width={size.columns} />;
    case 'why':
      return <DetailView model={toWhyDetail(o)} offset={o.offset} height={layout.body} width={size.columns} />;
    case 'contexts':
      return <ContextPicker names={o.names} cursor={o.cursor} current={m.view.context} height={layout.body} width={size.columns} />;
    default:
      break;
  }
  if (ui.detail && m.detail) {
    return <DetailView model={m.detail} offset={ui.detail.offset} height={layout.body} width={size.columns} />;
  }
  const title = VIEWS.find((v) => v.id === ui.view)?.title.toLowerCase() ?? ui.view;
  const empty =
    ui.view === 'history' && !ui.filters.history
      ? ui.history.loading || ui.history.error || !ui.history.loaded
        ? historySummary(ui.history)
        : 'no scheduler inputs on the hosts'
      : ui.travel && !ui.travel.shown
        ? `reading #${ui.travel.at.label} on ${ui.travel.at.host}...`
        : emptyText(title, ui.filters[ui.view], !!(ui.travel ? ui.travel.shown : m.view.snapshot));
  return (
    <TableView
      table={m.table}
      width={size.columns}
      height={layout.list}
      window={m.window}
      changed={m.changed}
      empty={empty}
    />
  );
}

function Bottom() {
  const m = useTui();
  const o = m.ui.overlay;
  if (o.kind === 'filter') return <FilterPrompt text={m.ui.filters[m.ui.view]} matches={m.table.rows.length} />;
  if (o.kind === 'command') return <CommandLine text={o.text} />;
  return <StatusLine status={m.ui.status} running={m.ui.running?.label ?? null} />;
}

export function Layout() {
  const m = useTui();
  const { ui, layout, size } = m;
  const filter = ui.filters[ui.view];
  const info = [
    m.table.rows.length ? `${m.window.cursor + 1}/${m.table.rows.length}` : '0/0',
    filter ? `/${filter}/` : '',
    ui.view === 'resources' && ui.groupByNode ? 'by node' : '',
    ui.view === 'history' && ui.history.loaded ? historySummary(ui.history) : '',
  ]
    .filter(Boolean)
    .join(' ');
  // Clipped by line only (overflowY): every line is already cut to the width (each box is the
  // terminal's width, each text truncates or wraps to it), and Ink's horizontal clip re-slices
  // every written line on every frame.
  return (
    <Box flexDirection="column" width={size.columns} height={layout.total} overflowY="hidden">
      <Box height={layout.header} flexDirection="column" overflowY="hidden">
        <Header model={m.header} width={size.columns} />
      </Box>
      <TabBar view={ui.view} detailTitle={ui.detail ? (m.detail?.title ?? null) : null} counts={m.counts} info={info} width={size.columns} />
      <Box height={layout.body} flexDirection="column" overflowY="hidden">
        <Body />
      </Box>
      <Bottom />
      <Footer hints={m.hints} readOnly={m.readOnly || m.travelling || m.offline} />
    </Box>
  );
}
