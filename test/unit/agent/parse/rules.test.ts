import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateLocationRules, type RuleNode } from '../../../../src/agent/parse/rules.js';
import { CORPUS_SCHEDULER } from '../actions/helpers.js';

const member = (name: string, attributes: Record<string, string> = {}): RuleNode => ({ name, id: name, type: 'member', attributes });

describe('evaluateLocationRules', () => {
  it('a #uname rule of a CTS CIB matches on that node only', () => {
    const cib = readFileSync(path.join(CORPUS_SCHEDULER, '1494.xml'), 'utf8');
    expect(evaluateLocationRules(cib, ['hb1', 'hb2', 'hb3'].map((n) => member(n)))).toEqual({ place_ima_cloneid: { hb1: true, hb2: false, hb3: false } });
  });

  it('#kind, node attributes, and/or; a date expression stays undecided', () => {
    const cib = `<cib><configuration><constraints>
      <rsc_location id="members-only" rsc="a"><rule id="r1" score="-INFINITY"><expression id="e1" attribute="#kind" operation="ne" value="cluster"/></rule></rsc_location>
      <rsc_location id="ssd" rsc="b"><rule id="r2" score="-INFINITY" boolean-op="or"><expression id="e2" attribute="disk" operation="ne" value="ssd"/><expression id="e3" attribute="rack" operation="not_defined"/></rule></rsc_location>
      <rsc_location id="dated" rsc="c"><rule id="r3" score="-INFINITY"><expression id="e4" attribute="#uname" operation="eq" value="n1"/><date_expression id="d1" operation="lt" end="2030-01-01"/></rule></rsc_location>
      <rsc_location id="plain" rsc="d" node="n1" score="-INFINITY"/>
    </constraints></configuration></cib>`;
    const nodes: RuleNode[] = [member('n1', { disk: 'ssd', rack: '1' }), member('n2', { disk: 'hdd', rack: '2' }), { name: 'r1', id: 'r1', type: 'remote', attributes: { disk: 'ssd' } }];
    expect(evaluateLocationRules(cib, nodes)).toEqual({
      'members-only': { n1: false, n2: false, r1: true },
      ssd: { n1: false, n2: true, r1: true },
      dated: { n1: null, n2: false, r1: false },
    });
  });
});
