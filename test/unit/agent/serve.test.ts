import { describe, expect, it } from 'vitest';
import { parseRequest, ProtocolError } from '../../../src/agent/serve.js';

describe('parseRequest: why', () => {
  it('reads a why request with and without a node', () => {
    expect(parseRequest('{"id":6,"type":"why","resource":"dregistry","node":"cluster-3"}')).toEqual({ id: '6', type: 'why', resource: 'dregistry', node: 'cluster-3' });
    expect(parseRequest('{"id":"7","type":"why","resource":"dregistry"}')).toEqual({ id: '7', type: 'why', resource: 'dregistry' });
  });

  it('refuses a why without a resource, or with a node that is not a string', () => {
    expect(() => parseRequest('{"id":"8","type":"why"}')).toThrow(ProtocolError);
    expect(() => parseRequest('{"id":"9","type":"why","resource":"dregistry","node":3}')).toThrow(ProtocolError);
  });
});

describe('parseRequest: watch', () => {
  it('reads deferUnlessDc, and refuses one out of range or with what is not a node name', () => {
    expect(parseRequest('{"id":"3","type":"watch","deferUnlessDc":{"ms":2000,"peers":["cluster-1","cluster-2"]}}')).toEqual({
      id: '3',
      type: 'watch',
      minIntervalMs: undefined,
      maxIntervalMs: undefined,
      deferUnlessDc: { ms: 2000, peers: ['cluster-1', 'cluster-2'] },
    });
    expect(parseRequest('{"id":"4","type":"watch"}')).not.toHaveProperty('deferUnlessDc');
    for (const bad of ['{"ms":-1,"peers":[]}', '{"ms":60001,"peers":[]}', '{"ms":"2000","peers":[]}', '{"ms":2000,"peers":"cluster-1"}', '{"ms":2000,"peers":[""]}', '{"ms":2000,"peers":[7]}', 'null']) {
      expect(() => parseRequest(`{"id":"5","type":"watch","deferUnlessDc":${bad}}`), bad).toThrow(/deferUnlessDc/);
    }
  });
});
