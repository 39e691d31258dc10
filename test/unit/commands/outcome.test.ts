import { describe, expect, it } from 'vitest';
import { describeScopeState, OUTCOME_UNKNOWN_EXIT, unknownOutcomeMessage } from '../../../src/commands/outcome.js';
import { EXIT } from '../../../src/commands/main.js';
import { sandboxSnapshot } from '../tui/fixtures.js';

describe('the unknown outcome of a change', () => {
  const s = sandboxSnapshot();

  it('says what the cluster now reports about exactly the action\'s scope', () => {
    expect(describeScopeState(s, { name: 'restart', resource: 'dregistry' })).toBe('dregistry is Started on cluster-1');
    expect(describeScopeState(s, { name: 'disable', resource: 'web' })).toBe('web is Started on cluster-2; Stopped');
    expect(describeScopeState(s, { name: 'standby', node: 'cluster-3' })).toBe('node cluster-3 is online, standby');
    expect(describeScopeState(s, { name: 'resource-maintenance', resource: 'dregistry', state: 'on' })).toBe('dregistry is Started on cluster-1; its maintenance meta attribute is not set');
    expect(describeScopeState(s, { name: 'cluster-maintenance', state: 'on' })).toMatch(/^cluster maintenance-mode is /);
    expect(describeScopeState(s, { name: 'restart', resource: 'gone' })).toBe("gone is not in the cluster's status");
  });

  it('names the host, says it was not resent, and shows the state read back (exit 103)', () => {
    expect(unknownOutcomeMessage({ name: 'restart', resource: 'db' }, 'cluster-1', 'no answer to action within 300000 ms', { host: 'cluster-2', state: 'db is Started on cluster-1' })).toBe(
      'restart of resource db: outcome unknown on cluster-1 (no answer to action within 300000 ms); it was not sent again; now, as cluster-2 reports it: db is Started on cluster-1',
    );
    expect(unknownOutcomeMessage({ name: 'fence', node: 'cluster-3' }, 'cluster-1', 'agent ended (channel closed)', { error: 'no host answered' })).toBe(
      'fence of node cluster-3: outcome unknown on cluster-1 (agent ended (channel closed)); it was not sent again; the cluster state could not be read back: no host answered',
    );
    expect(EXIT.outcomeUnknown).toBe(OUTCOME_UNKNOWN_EXIT);
    expect(Object.values(EXIT).filter((c) => c === OUTCOME_UNKNOWN_EXIT)).toHaveLength(1);
  });
});
