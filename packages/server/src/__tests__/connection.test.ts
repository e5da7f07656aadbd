import { describe, expect, it } from 'vitest';
import { CloseCode, DEFAULT_LIMITS, EMPTY_CONTENT, MessageType, encodeMessage, encodePackedMessage, pack, packContent, parseCloseReason } from '@convene/protocol';
import { Connection } from '../connection.js';
import { silentLogger } from '../logger.js';
import type { ServerSocket } from '../server-socket.js';

/** An in-memory ServerSocket that records what the connection does to it. */
function fakeSocket() {
  let onMessage: (frame: Uint8Array) => void = () => {};
  const closes: { code: number; reason: string }[] = [];
  const socket: ServerSocket = {
    send: () => {},
    close: (code, reason) => closes.push({ code, reason }),
    bufferedAmount: 0,
    listen: (handler) => (onMessage = (frame) => handler.socketFrame(frame)),
  };
  return { socket, closes, deliver: (frames: Uint8Array[]) => frames.forEach((f) => onMessage(f)) };
}

describe('Connection', () => {
  it('closes only this connection with 1011 when a handler throws, instead of crashing the process', () => {
    const { socket, closes, deliver } = fakeSocket();
    const connection = new Connection(socket, DEFAULT_LIMITS, silentLogger);
    connection.setHandler(() => {
      throw new RangeError('Maximum call stack size exceeded');
    }, undefined);
    expect(() => deliver(encodeMessage({ id: 1, type: 'set_attributes', data: pack({ a: 1 }) }))).not.toThrow();
    expect(closes).toHaveLength(1);
    expect(closes[0]!.code).toBe(CloseCode.InternalError);
    expect(parseCloseReason(closes[0]!.reason).code).toBe('internal');
    expect(connection.closed).toBe(true);
  });

  it('delivers messages that arrived before the handler was set, in order', () => {
    const { socket, deliver } = fakeSocket();
    const connection = new Connection(socket, DEFAULT_LIMITS, silentLogger);
    deliver(encodeMessage({ id: 1, type: 'a', data: pack({}) }));
    deliver(encodeMessage({ id: 2, type: 'b', data: pack({}) }));
    const seen: string[] = [];
    connection.setHandler((_context, message) => seen.push(message.type), undefined);
    deliver(encodeMessage({ id: 3, type: 'c', data: pack({}) }));
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it.each([false, true])('acknowledges with the same bytes whether the socket lays out packed messages itself or not (sendPacked: %s)', (fused) => {
    const sent: Uint8Array[][] = [];
    const socket: ServerSocket = {
      send: (frames) => void sent.push([...frames]),
      close: () => {},
      bufferedAmount: 0,
      listen: () => {},
      ...(fused ? { sendPacked: (id: number, type: string, json: Uint8Array, payload: Uint8Array) => void sent.push(encodePackedMessage(id, type, json, payload)) } : {}),
    };
    const connection = new Connection(socket, DEFAULT_LIMITS, silentLogger);
    connection.respond(41, EMPTY_CONTENT);
    expect(sent).toEqual([encodeMessage({ id: 41, type: MessageType.Response, data: packContent(EMPTY_CONTENT) })]);
  });

  it('sends nothing, packed or not, once the peer has too much unread data, and closes instead', () => {
    const packed: number[] = [];
    const closes: number[] = [];
    const socket: ServerSocket = {
      send: () => packed.push(-1),
      sendPacked: (id) => void packed.push(id),
      close: (code) => void closes.push(code),
      bufferedAmount: DEFAULT_LIMITS.maxBufferedBytes + 1,
      listen: () => {},
    };
    const connection = new Connection(socket, DEFAULT_LIMITS, silentLogger);
    connection.sendPacked('x', new Uint8Array([123, 125]), new Uint8Array(0));
    connection.respond(1, EMPTY_CONTENT);
    expect(packed).toEqual([]);
    expect(closes).toEqual([CloseCode.TryAgainLater]);
  });

  it("sends a push under the id it is given, and its own messages under its own counter", () => {
    const ids: number[] = [];
    const socket: ServerSocket = { send: () => ids.push(-1), sendPacked: (id) => void ids.push(id), close: () => {}, bufferedAmount: 0, listen: () => {} };
    const connection = new Connection(socket, DEFAULT_LIMITS, silentLogger);
    const json = new Uint8Array([123, 125]);
    connection.sendPacked('x', json, new Uint8Array(0));
    connection.sendPacked('x', json, new Uint8Array(0), 77);
    connection.sendPacked('x', json, new Uint8Array(0));
    expect(ids).toEqual([0, 77, 1]);
  });
});
