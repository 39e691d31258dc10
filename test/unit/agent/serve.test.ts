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
