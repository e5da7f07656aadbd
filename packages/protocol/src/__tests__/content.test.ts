import { describe, expect, it } from 'vitest';
import {
  contentFromWire,
  contentToWire,
  EMPTY_CONTENT,
  ERROR_STATUS,
  errorContent,
  pack,
  packContent,
  unpack,
  unpackContent,
  type Content,
} from '@convene/protocol';
import { expectProtocolError, hex, onlyProtocolErrors, Rng } from './fuzz-helpers.js';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('every Content type round-trips through packContent/unpackContent', () => {
  const cases: { content: Content; wire: Record<string, unknown>; tail?: number[] }[] = [
    { content: { type: 'json', json: { a: [1, 'b', null] } }, wire: { type: 'json', json: { a: [1, 'b', null] } } },
    { content: { type: 'json', json: null }, wire: { type: 'json', json: null } },
    { content: { type: 'text', text: 'héllo 😀' }, wire: { type: 'text', text: 'héllo 😀' } },
    {
      content: { type: 'binary', headers: { kind: 'data', size: 3 }, data: bytes(0x61, 0x62, 0x63) },
      wire: { type: 'binary', headers: { kind: 'data', size: 3 } },
      tail: [0x61, 0x62, 0x63],
    },
    { content: { type: 'binary', headers: {}, data: bytes() }, wire: { type: 'binary', headers: {} } },
    {
      content: { type: 'file', name: 'abc.bin', mimeType: 'application/octet-stream', data: bytes(1, 2, 3) },
      wire: { type: 'file', name: 'abc.bin', mime_type: 'application/octet-stream' },
      tail: [1, 2, 3],
    },
    { content: { type: 'link', name: 'docs', url: 'https://example.com/x' }, wire: { type: 'link', name: 'docs', url: 'https://example.com/x' } },
    { content: { type: 'empty' }, wire: { type: 'empty' } },
    { content: { type: 'error', text: 'the participant was not found' }, wire: { type: 'error', text: 'the participant was not found' } },
    { content: { type: 'error', text: 'nope', code: 403 }, wire: { type: 'error', text: 'nope', code: 403 } },
    { content: { type: 'control', method: 'open' }, wire: { type: 'control', method: 'open' } },
    {
      content: { type: 'control', method: 'close', statusCode: 1000 },
      wire: { type: 'control', method: 'close', status_code: 1000 },
    },
    {
      content: { type: 'control', method: 'close', statusCode: 1007, message: 'bad data' },
      wire: { type: 'control', method: 'close', status_code: 1007, message: 'bad data' },
    },
  ];

  for (const { content, wire, tail = [] } of cases) {
    const label = `${content.type} ${JSON.stringify(wire)}`;
    it(label, () => {
      const data = packContent(content);
      // The wire form is exactly what MeshAgent's client reads and writes.
      const { header, payload } = unpack(data);
      expect(header).toStrictEqual(wire);
      expect(Array.from(payload)).toEqual(tail);
      expect(data).toEqual(pack(wire, new Uint8Array(tail)));
      expect(unpackContent(data)).toEqual(content);
      expect(contentToWire(content).header).toStrictEqual(wire);
    });
  }

  it('file uses mime_type and control uses status_code on the wire, never camelCase', () => {
    const file = new TextDecoder().decode(packContent({ type: 'file', name: 'a', mimeType: 'text/plain', data: bytes() }));
    expect(file).toContain('"mime_type":"text/plain"');
    expect(file).not.toContain('mimeType');
    const control = new TextDecoder().decode(packContent({ type: 'control', method: 'close', statusCode: 1000 }));
    expect(control).toContain('"status_code":1000');
    expect(control).not.toContain('statusCode');
  });
});

describe('reading Content sent by MeshAgent', () => {
  it('the §7(e) download result decodes as a FileContent', () => {
    const data = pack({ type: 'file', name: 'abc.bin', mime_type: 'application/octet-stream' }, bytes(0x61, 0x62, 0x63));
    expect(unpackContent(data)).toEqual({ type: 'file', name: 'abc.bin', mimeType: 'application/octet-stream', data: bytes(0x61, 0x62, 0x63) });
  });

  it('error with a numeric-string code is parsed to a number', () => {
    expect(contentFromWire({ type: 'error', text: 'x', code: '404' })).toEqual({ type: 'error', text: 'x', code: 404 });
    expect(contentFromWire({ type: 'error', text: 'x', code: '-2' })).toEqual({ type: 'error', text: 'x', code: -2 });
  });

  it('error with a non-numeric or missing code has no code', () => {
    for (const code of ['abc', '4o4', '', '1.5', null, true, {}]) {
      const content = contentFromWire({ type: 'error', text: 'x', code });
      expect(content).toEqual({ type: 'error', text: 'x' });
      expect('code' in content).toBe(false);
    }
  });

  it('error without text still decodes (so a request is rejected, not left pending)', () => {
    expect(contentFromWire({ type: 'error', code: 500 })).toEqual({ type: 'error', text: 'error', code: 500 });
  });

  it('binary with headers null or missing → {}', () => {
    expect(contentFromWire({ type: 'binary', headers: null }, bytes(1))).toEqual({ type: 'binary', headers: {}, data: bytes(1) });
    expect(contentFromWire({ type: 'binary' })).toEqual({ type: 'binary', headers: {}, data: bytes() });
  });

  it('json without a json field → null', () => {
    expect(contentFromWire({ type: 'json' })).toEqual({ type: 'json', json: null });
  });

  it('control close without status_code is still a close', () => {
    expect(contentFromWire({ type: 'control', method: 'close' })).toEqual({ type: 'control', method: 'close' });
  });

  it('unknown or missing type → ProtocolError', () => {
    expectProtocolError(() => contentFromWire({ type: 'video' }), /unknown content type "video"/);
    expectProtocolError(() => contentFromWire({}), /unknown content type/);
    expectProtocolError(() => contentFromWire({ type: 'JSON', json: 1 }), /unknown content type/);
    expectProtocolError(() => unpackContent(pack({ type: 'toString' })), /unknown content type/);
  });

  it('a control method other than open/close → ProtocolError', () => {
    for (const method of ['pause', 'OPEN', '', undefined, 1]) {
      expectProtocolError(() => contentFromWire({ type: 'control', method }), /method/);
    }
  });

  it('missing or non-string required fields → ProtocolError', () => {
    expectProtocolError(() => contentFromWire({ type: 'text' }), /"text"/);
    expectProtocolError(() => contentFromWire({ type: 'text', text: 5 }), /"text"/);
    expectProtocolError(() => contentFromWire({ type: 'file', name: 'a' }), /"mime_type"/);
    expectProtocolError(() => contentFromWire({ type: 'file', name: 'a', mimeType: 'x/y' }), /"mime_type"/);
    expectProtocolError(() => contentFromWire({ type: 'link', name: 'a' }), /"url"/);
    expectProtocolError(() => contentFromWire({ type: 'binary', headers: [] }), /headers/);
    expectProtocolError(() => contentFromWire({ type: 'binary', headers: 'k=v' }), /headers/);
  });

  it('a header that is not an object → ProtocolError', () => {
    for (const header of [null, [], 'json', 1]) expectProtocolError(() => contentFromWire(header), /object/);
    expectProtocolError(() => unpackContent(pack([{ type: 'empty' }])));
  });

  it('bytes that are not packed data → ProtocolError', () => {
    expectProtocolError(() => unpackContent(bytes(1, 2, 3)));
  });
});

describe('helpers', () => {
  it('errorContent carries the status of the typed code', () => {
    expect(errorContent('not_found', 'no such file')).toEqual({ type: 'error', text: 'no such file', code: 404 });
    expect(errorContent('permission_denied', 'x')).toEqual({ type: 'error', text: 'x', code: ERROR_STATUS.permission_denied });
  });

  it('EMPTY_CONTENT is a frozen empty content', () => {
    expect(EMPTY_CONTENT).toEqual({ type: 'empty' });
    expect(Object.isFrozen(EMPTY_CONTENT)).toBe(true);
    expect(hex(packContent(EMPTY_CONTENT))).toBe(hex(pack({ type: 'empty' })));
  });
});

describe('fuzz: unpackContent throws only ProtocolError', () => {
  it('10,000 random headers, tails and mutated packed Content', () => {
    const rng = new Rng(0xc0ffee);
    const types = ['json', 'text', 'binary', 'file', 'link', 'empty', 'error', 'control', 'other'];
    let decoded = 0;
    for (let i = 0; i < 10_000; i++) {
      let header = rng.json();
      if (rng.bool(0.8)) {
        const fields: Record<string, unknown> = typeof header === 'object' && header !== null && !Array.isArray(header) ? { ...header } : {};
        fields['type'] = rng.pick(types);
        for (const key of ['text', 'name', 'url', 'mime_type', 'method', 'code', 'status_code', 'headers', 'message']) {
          if (rng.bool(0.3)) fields[key] = rng.pick([rng.json(1), 'open', 'close', '12', 1000, null, {}]);
        }
        header = fields;
      }
      let data = pack(header, rng.bytes(rng.int(0, 6)));
      if (rng.bool(0.3)) data = rng.mutate(data);
      const content = onlyProtocolErrors(() => unpackContent(data), () => hex(data));
      if (content !== undefined) {
        decoded++;
        // Whatever decodes re-encodes and decodes to the same Content.
        expect(unpackContent(packContent(content))).toEqual(content);
      }
    }
    expect(decoded).toBeGreaterThan(1000);
  });
});
