import { describe, expect, it } from 'vitest';
import { CloseCode, encodeCloseReason, ERROR_STATUS, parseCloseReason, type ErrorCode } from '@convene/protocol';
import { onlyProtocolErrors, Rng } from './fuzz-helpers.js';

const utf8 = new TextEncoder();
const strict = new TextDecoder('utf-8', { fatal: true });
const byteLength = (text: string) => utf8.encode(text).length;
/** Well-formed UTF-16 (no lone surrogates): encoding then strictly decoding gives the same text. */
const wellFormed = (text: string) => strict.decode(utf8.encode(text)) === text;
const CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

describe('CloseCode', () => {
  it('keeps 1000 as the only terminal code MeshAgent clients do not retry', () => {
    expect(CloseCode.Normal).toBe(1000);
    const others = Object.entries(CloseCode).filter(([name]) => name !== 'Normal').map(([, code]) => code);
    expect(others).not.toContain(1000);
    expect(new Set(Object.values(CloseCode)).size).toBe(Object.values(CloseCode).length);
    expect(CloseCode).toMatchObject({ GoingAway: 1001, ProtocolError: 1002, PolicyViolation: 1008, MessageTooBig: 1009, InternalError: 1011, TryAgainLater: 1013, Replaced: 4000 });
  });
});

describe('encodeCloseReason', () => {
  it('writes "<code>: <message>"', () => {
    expect(encodeCloseReason('room_full', 'the room is full')).toBe('room_full: the room is full');
    expect(encodeCloseReason('unauthorized', '')).toBe('unauthorized: ');
  });

  it('truncates long ASCII to exactly 123 bytes', () => {
    const reason = encodeCloseReason('internal', 'x'.repeat(500));
    expect(byteLength(reason)).toBe(123);
    expect(reason).toBe(`internal: ${'x'.repeat(113)}`);
  });

  it('keeps a message that fits exactly', () => {
    const message = 'y'.repeat(123 - 'internal: '.length);
    expect(encodeCloseReason('internal', message)).toBe(`internal: ${message}`);
  });

  it('truncates multi-byte text to at most 123 bytes without cutting a character', () => {
    for (const char of ['é', '€', '😀']) {
      for (let pad = 0; pad < 4; pad++) {
        const message = 'a'.repeat(pad) + char.repeat(100);
        const reason = encodeCloseReason('timeout', message);
        expect(byteLength(reason)).toBeLessThanOrEqual(123);
        expect(byteLength(reason)).toBeGreaterThan(123 - byteLength(char));
        expect(wellFormed(reason)).toBe(true);
        expect(`timeout: ${message}`.startsWith(reason)).toBe(true);
      }
    }
  });

  it('never leaves half a surrogate pair when the cut falls inside an emoji', () => {
    // "internal: " (10) + 110 × "a" = 120 bytes; the emoji needs 4 more, which do not fit. Its
    // high surrogate alone would encode as 3 bytes (U+FFFD) and exactly fill 123.
    const reason = encodeCloseReason('internal', `${'a'.repeat(110)}😀`);
    expect(reason).toBe(`internal: ${'a'.repeat(110)}`);
    expect(wellFormed(reason)).toBe(true);
    expect(strict.decode(utf8.encode(reason))).not.toContain('\ufffd');
  });

  it('replaces a lone surrogate in the message with U+FFFD instead of emitting invalid text', () => {
    const reason = encodeCloseReason('internal', 'a\ud800b');
    expect(reason).toBe('internal: a\ufffdb');
    expect(wellFormed(reason)).toBe(true);
  });

  it('is fast on a huge message (linear, not one re-encode per dropped character)', () => {
    // The per-character re-encode loop took ~1 s here (and hours for megabytes); this is ~1 ms.
    const started = performance.now();
    const reason = encodeCloseReason('internal', 'é'.repeat(60_000));
    expect(performance.now() - started).toBeLessThan(250);
    expect(byteLength(reason)).toBe(122); // 10 + 56 × 2
  });

  it('random text: ≤ 123 bytes, well-formed, the longest prefix that fits', () => {
    const rng = new Rng(0xc105e);
    for (let i = 0; i < 3000; i++) {
      const message = rng.text(120);
      const code = rng.pick(CODES);
      const full = `${code}: ${message}`;
      const reason = encodeCloseReason(code, message);
      expect(byteLength(reason)).toBeLessThanOrEqual(123);
      expect(wellFormed(reason)).toBe(true);
      expect(full.startsWith(reason)).toBe(true);
      if (reason !== full) {
        const next = String.fromCodePoint(full.codePointAt(reason.length)!);
        expect(byteLength(reason + next)).toBeGreaterThan(123);
      }
      // A truncated reason still parses back to its code.
      expect(parseCloseReason(reason).code).toBe(code);
    }
  });
});

describe('parseCloseReason', () => {
  it('round-trips every error code', () => {
    for (const code of CODES) {
      expect(parseCloseReason(encodeCloseReason(code, 'went wrong: twice'))).toEqual({ code, message: 'went wrong: twice' });
    }
  });

  it('keeps multi-line messages', () => {
    expect(parseCloseReason(encodeCloseReason('bad_request', 'line 1\nline 2'))).toEqual({ code: 'bad_request', message: 'line 1\nline 2' });
  });

  it('an unknown code prefix or plain text → no code, the whole reason as message', () => {
    for (const reason of ['nope: bad', 'constructor: x', 'toString: x', '__proto__: x', 'internal:no space', 'Internal: x', 'plain text', '', ' internal: x']) {
      const parsed = parseCloseReason(reason);
      expect(parsed).toEqual({ message: reason });
      expect('code' in parsed).toBe(false);
    }
  });

  it('fuzz: never throws, and a code only comes back when it is a known one', () => {
    const rng = new Rng(0xfade);
    const known = new Set<string>(CODES);
    for (let i = 0; i < 10_000; i++) {
      const reason = rng.bool() ? `${rng.pick([...CODES, 'foo', '', 'a_b'])}${rng.pick([': ', ':', ' ', ''])}${rng.text(20, true)}` : rng.text(40, true);
      const parsed = onlyProtocolErrors(() => parseCloseReason(reason), () => JSON.stringify(reason));
      expect(parsed).toBeDefined();
      if (parsed!.code !== undefined) {
        expect(known.has(parsed!.code)).toBe(true);
        expect(reason).toBe(`${parsed!.code}: ${parsed!.message}`);
      } else {
        expect(parsed!.message).toBe(reason);
      }
    }
  });
});
