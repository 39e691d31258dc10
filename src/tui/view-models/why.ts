/** The why panel as a detail screen: the lines `pcmk why` prints, and the key that takes the next action. */
import type { DetailModel } from './detail.js';
import type { Pending } from '../state/ui-state.js';
import type { WhyPanel } from '../types.js';

export function toWhyDetail(o: { resource: string; result: Pending<WhyPanel> }): DetailModel {
  const title = `Why ${o.resource}`;
  switch (o.result.state) {
    case 'loading':
      return { title, found: true, lines: [{ text: 'asking the scheduler (crm_simulate --show-scores on a copy of the CIB)...', tone: 'dim' }] };
    case 'error':
      return { title, found: true, lines: [{ text: o.result.message, tone: 'error' }] };
    case 'done': {
      const next = o.result.value.next;
      const key = next ? { text: `Enter: ${next.command} (preview, then confirm)`, tone: 'info' as const } : { text: 'Enter: no single action fixes this', tone: 'dim' as const };
      return { title: `${title}  (w/Esc close)`, found: true, lines: [key, ...o.result.value.lines] };
    }
  }
}
