import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, DEFAULT_PACKET_BYTES, resolveLimits, type Limits } from '@convene/protocol';

describe('limits', () => {
  it('has safe defaults', () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxFrameBytes: 2 * 1024 * 1024,
      maxMessageBytes: 16 * 1024 * 1024,
      messagesPerSecond: 200,
      messageBurst: 2000,
      participantsPerRoom: 500,
      maxBufferedBytes: 64 * 1024 * 1024,
      maxOpenDocuments: 128,
    });
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
    expect(DEFAULT_PACKET_BYTES).toBe(64 * 1024);
    // A default-sized data packet plus its 12-byte prefix fits a default frame.
    expect(DEFAULT_PACKET_BYTES + 12).toBeLessThanOrEqual(DEFAULT_LIMITS.maxFrameBytes);
  });

  it('resolveLimits() returns a mutable copy of the defaults', () => {
    const limits = resolveLimits();
    expect(limits).toEqual(DEFAULT_LIMITS);
    limits.messageBurst = 1;
    expect(DEFAULT_LIMITS.messageBurst).toBe(2000);
    expect(resolveLimits({})).toEqual(DEFAULT_LIMITS);
  });

  it('applies overrides and keeps the other defaults', () => {
    const limits = resolveLimits({ participantsPerRoom: 3, maxMessageBytes: 1024 });
    expect(limits.participantsPerRoom).toBe(3);
    expect(limits.maxMessageBytes).toBe(1024);
    expect(limits.messagesPerSecond).toBe(200);
  });

  it('ignores overrides that are undefined', () => {
    expect(resolveLimits({ messageBurst: undefined })).toEqual(DEFAULT_LIMITS);
  });

  it('rejects 0, negative, non-integer and non-number values with TypeError', () => {
    for (const value of [0, -1, 1.5, Number.NaN, Infinity, -Infinity, '100', null, true]) {
      expect(() => resolveLimits({ messagesPerSecond: value as number })).toThrow(TypeError);
    }
    expect(() => resolveLimits({ participantsPerRoom: 0 })).toThrow(/participantsPerRoom.*positive integer/);
  });

  it('rejects unknown keys with TypeError, including inherited Object property names', () => {
    for (const key of ['maxFrames', 'MaxFrameBytes', 'toString', 'constructor', 'hasOwnProperty', '__proto__']) {
      const overrides = JSON.parse(`{"${key}": 5}`) as Partial<Limits>;
      expect(() => resolveLimits(overrides), key).toThrow(TypeError);
      expect(() => resolveLimits(overrides), key).toThrow(/unknown limit/);
    }
  });

  it('rejects a maxFrameBytes too small to hold a frame header', () => {
    expect(() => resolveLimits({ maxFrameBytes: 63 })).toThrow(TypeError);
    expect(resolveLimits({ maxFrameBytes: 64 }).maxFrameBytes).toBe(64);
  });
});
