/**
 * `pcmk why RSC [NODE]`: where RSC runs, or why it does not. The answer is computed on a cluster
 * host (it needs crm_simulate and the live CIB): in this process in local and CIB-file mode, or by
 * the host's agent over SSH (one read-only `why` request).
 */
import type { WhyResponse } from '../agent/actions/why.js';
import { whyLines, type WhyTone } from '../model/view/why.js';
import { UsageError, type ParsedArgs } from './args.js';
import type { Output, Style } from './output.js';
import { SessionError, type Session } from './session.js';

/** crm_simulate may take a while on a big CIB; twice for "why not on NODE" (scores, then the move preview). */
const WHY_TIMEOUT_MS = 150_000;

export async function whyAnswer(session: Session, resource: string, node?: string): Promise<WhyResponse> {
  const req = { resource, ...(node ? { node } : {}) };
  if (session.runner) {
    const { handleWhy, parseWhyRequest } = await import('../agent/actions/why.js');
    return handleWhy(parseWhyRequest(req), { runner: session.runner, cibFile: session.cibFile });
  }
  const answer = await session.agentRequest({ type: 'why', ...req }, WHY_TIMEOUT_MS);
  if (answer.type === 'why') return answer.result as WhyResponse;
  if (answer.type === 'error') throw new SessionError(answer.message, answer.exitCode ?? 1);
  throw new SessionError(`unexpected answer ${answer.type} from the agent`, 1);
}

export function styleTone(st: Style, tone: WhyTone, text: string): string {
  switch (tone) {
    case 'heading':
      return st.bold(text);
    case 'ok':
      return st.green(text);
    case 'error':
      return st.red(text);
    case 'warn':
      return st.yellow(text);
    case 'dim':
      return st.dim(text);
    default:
      return text;
  }
}

export async function whyCommand(p: ParsedArgs, w: Output, session: Session): Promise<number> {
  const [, resource, node, ...rest] = p.positional;
  if (!resource) throw new UsageError('why needs a resource');
  if (rest.length) throw new UsageError(`why takes a resource and at most one node (got ${rest.join(' ')})`);
  const a = await whyAnswer(session, resource, node);
  if (p.options.json) w.json(a);
  else for (const l of whyLines(a)) w.out(styleTone(w.style, l.tone, l.text));
  return 0;
}
