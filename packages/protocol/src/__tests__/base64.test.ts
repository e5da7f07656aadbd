import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeBase64Bytes, encodeBase64, encodeBase64Bytes } from '@convene/protocol';
import { expectProtocolError, onlyProtocolErrors, Rng } from './fuzz-helpers.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

describe('encodeBase64', () => {
  it('matches Buffer for random inputs of every length 0..300', () => {
    const rng = new Rng(64);
    for (let length = 0; length <= 300; length++) {
      const bytes = rng.bytes(length);
      const expected = Buffer.from(bytes).toString('base64');
      expect(encodeBase64(bytes)).toBe(expected);
      expect(Buffer.from(decodeBase64(expected)).toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
    }
  });

  it('encodes the §7(c) attachment and the empty Yjs update', () => {
    expect(encodeBase64(new Uint8Array([1, 2]))).toBe('AQI=');
    expect(encodeBase64(new Uint8Array([0, 0]))).toBe('AAA=');
    expect(encodeBase64(new Uint8Array(0))).toBe('');
    expect(encodeBase64(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('+/+/');
  });
});

describe('decodeBase64', () => {
  it('decodes with and without padding', () => {
    expect(decodeBase64('AQI=')).toEqual(new Uint8Array([1, 2]));
    expect(decodeBase64('AQI')).toEqual(new Uint8Array([1, 2]));
    expect(decodeBase64('QQ==')).toEqual(new Uint8Array([0x41]));
    expect(decodeBase64('QQ')).toEqual(new Uint8Array([0x41]));
    expect(decodeBase64('QUJD')).toEqual(new Uint8Array([0x41, 0x42, 0x43]));
    expect(decodeBase64('')).toEqual(new Uint8Array(0));
    const rng = new Rng(65);
    for (let length = 0; length <= 300; length++) {
      const bytes = rng.bytes(length);
      const unpadded = Buffer.from(bytes).toString('base64').replace(/=+$/, '');
      expect(Buffer.from(decodeBase64(unpadded)).toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
    }
  });

  it('invalid characters → ProtocolError (not skipped as Buffer and atob do)', () => {
    for (const text of ['QU-D', 'QU_D', 'QU D', 'QUJD\n', ' QUJD', 'QUJ\u00e9', 'QUJ\u0141', 'QQ==QQ==', 'Q=Q=', '😀😀']) {
      expectProtocolError(() => decodeBase64(text), /invalid base64 character|padding|length/);
    }
  });

  it('an impossible length → ProtocolError', () => {
    for (const text of ['A', 'QUJDA', 'QUJDQUJDQ', 'A===']) expectProtocolError(() => decodeBase64(text));
  });

  it('padding that does not complete a group of four → ProtocolError', () => {
    for (const text of ['=', '==', 'QQ=', 'QUI==', 'QUJD=', 'QUJD==', 'AQI=A']) expectProtocolError(() => decodeBase64(text));
  });

  it('fuzz: only ProtocolError, and whatever decodes agrees with Buffer', () => {
    const rng = new Rng(0xba5e);
    const junk = ['=', '-', '_', ' ', '\n', 'é', '\u0000', '\u00ff', '😀'];
    let decoded = 0;
    for (let i = 0; i < 10_000; i++) {
      let text: string;
      if (rng.bool(0.5)) {
        text = Buffer.from(rng.bytes(rng.int(0, 40))).toString('base64');
        const edits = rng.int(0, 2);
        for (let e = 0; e < edits; e++) {
          const at = rng.int(0, text.length);
          const op = rng.int(0, 2);
          if (op === 0) text = text.slice(0, at) + rng.pick(junk) + text.slice(at);
          else if (op === 1) text = text.slice(0, at) + text.slice(at + 1);
          else text = text.slice(0, at) + rng.pick([...ALPHABET]) + text.slice(at + 1);
        }
      } else {
        const length = rng.int(0, 12);
        text = '';
        for (let c = 0; c < length; c++) text += rng.bool(0.8) ? rng.pick([...ALPHABET]) : rng.pick(junk);
      }
      const bytes = onlyProtocolErrors(() => decodeBase64(text), () => JSON.stringify(text));
      if (bytes !== undefined) {
        decoded++;
        expect(Buffer.from(bytes).toString('hex'), JSON.stringify(text)).toBe(Buffer.from(text, 'base64').toString('hex'));
        expect(bytes.length).toBe(Math.floor((text.replace(/=+$/, '').length * 3) / 4));
      }
    }
    expect(decoded).toBeGreaterThan(3000);
  });
});

describe('encodeBase64Bytes / decodeBase64Bytes (the ASCII-bytes forms documents travel in)', () => {
  it('round-trip every length 0..300 and agree with Buffer byte for byte', () => {
    const rng = new Rng(66);
    for (let length = 0; length <= 300; length++) {
      const bytes = rng.bytes(length);
      const text = encodeBase64Bytes(bytes);
      expect(Buffer.from(text).toString('latin1')).toBe(Buffer.from(bytes).toString('base64'));
      expect(decodeBase64Bytes(text)).toEqual(bytes);
    }
  });

  it('any byte outside the alphabet → ProtocolError, naming its position', () => {
    const good = encodeBase64Bytes(new Uint8Array([1, 2, 3, 4, 5, 6]));
    for (const bad of [0x00, 0x2d, 0x5f, 0x20, 0x0a, 0x80, 0xc3, 0xff]) {
      const text = good.slice();
      text[5] = bad;
      expectProtocolError(() => decodeBase64Bytes(text), /invalid base64 character at 5/);
    }
    expectProtocolError(() => decodeBase64Bytes(new Uint8Array([0x51, 0x51, 0x3d])), /padding/);
  });
});
