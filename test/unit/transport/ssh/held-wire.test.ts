import { describe, expect, it } from 'vitest';
import { HostKeyError, TransportError } from '../../../../src/transport/errors.js';
import { encodeFrame, encodeJson, errorFromWire, errorToWire, FRAME, FrameReader } from '../../../../src/transport/ssh/held-wire.js';

describe('held-wire frames', () => {
  it('reassembles frames split anywhere and several in one chunk', () => {
    const bytes = Buffer.concat([encodeFrame(FRAME.OUT, 3, 'hello'), encodeJson(FRAME.EXIT, 3, { code: 0 }), encodeFrame(FRAME.EOF, 7)]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const r = new FrameReader();
      const frames = [...r.push(bytes.subarray(0, cut)), ...r.push(bytes.subarray(cut))];
      expect(frames.map((f) => [f.type, f.channel, f.payload.toString()])).toEqual([
        [FRAME.OUT, 3, 'hello'],
        [FRAME.EXIT, 3, '{"code":0}'],
        [FRAME.EOF, 7, ''],
      ]);
    }
  });

  it('refuses a frame length that cannot be right', () => {
    const bad = Buffer.from([0xff, 0xff, 0xff, 0xff, 1]);
    expect(() => new FrameReader().push(bad)).toThrow('bad frame length');
  });

  it('carries a host key refusal and a transport error across unchanged', () => {
    const hk = new HostKeyError({
      host: 'n1',
      lookupName: '[10.0.0.1]:22',
      target: 'root@10.0.0.1:22',
      status: 'changed',
      keyType: 'ssh-ed25519',
      fingerprint: 'SHA256:abc',
      file: '/kh',
      line: 2,
      searched: ['/kh'],
    });
    const back = errorFromWire(JSON.parse(JSON.stringify(errorToWire(hk))), 'n1');
    expect(back).toBeInstanceOf(HostKeyError);
    expect(back.message).toBe(hk.message);
    expect(back).toMatchObject({ status: 'changed', file: '/kh', line: 2, stage: 'hostkey' });
    const te = new TransportError({ host: 'n2', stage: 'auth', detail: 'authentication as root failed', target: 'root@n2:22', code: 'X' });
    const te2 = errorFromWire(errorToWire(te), 'n2');
    expect(te2).not.toBeInstanceOf(HostKeyError);
    expect([te2.message, te2.stage, te2.code]).toEqual([te.message, 'auth', 'X']);
    expect(errorFromWire(errorToWire(new Error('boom')), 'n3').message).toBe('ssh n3: boom');
  });
});
