import { unpack } from '@convene/protocol';
import { describe, expect, it } from 'vitest';
import { encodeInvokeTool, toContent } from '../invoke-tool.js';

describe('encodeInvokeTool', () => {
  it('wraps a plain object as json Content and maps the optional fields to snake_case', () => {
    const { header, payload } = unpack(
      encodeInvokeTool({ toolkit: 'tk', tool: 't', arguments: { type: 'chat', n: 1 }, participantId: 'p2', onBehalfOfId: 'p3' }),
    );
    expect(header).toEqual({
      toolkit: 'tk',
      tool: 't',
      arguments: { type: 'json', json: { type: 'chat', n: 1 } },
      participant_id: 'p2',
      on_behalf_of_id: 'p3',
    });
    expect(payload.length).toBe(0);
  });

  it('passes Content through, file data as the tail', () => {
    const { header, payload } = unpack(
      encodeInvokeTool({ toolkit: 'tk', tool: 't', arguments: { type: 'file', name: 'a.txt', mimeType: 'text/plain', data: new Uint8Array([7]) } }),
    );
    expect(header).toMatchObject({ arguments: { type: 'file', name: 'a.txt', mime_type: 'text/plain' } });
    expect([...payload]).toEqual([7]);
  });

  it('defaults to empty json arguments and refuses non-objects', () => {
    expect(toContent(undefined)).toEqual({ type: 'json', json: {} });
    expect(() => toContent([] as unknown as Record<string, unknown>)).toThrow(TypeError);
  });
});
