import {
  FrameDecoder,
  MessageType,
  encodeCloseReason,
  encodeMessage,
  pack,
  packContent,
  unpack,
  type Content,
  type ErrorCode,
} from '@convene/protocol';
import type { Transport, TransportFactory, TransportHandlers } from '../transport.js';

/** A message the client wrote, decoded. */
export interface SentMessage {
  id: number;
  type: string;
  header: Record<string, unknown>;
  payload: Uint8Array;
}

/**
 * One fake WebSocket: records what the client writes and lets the test play the server with the
 * real framing codec from @convene/protocol.
 */
export class FakeSocket implements Transport {
  readonly sent: SentMessage[] = [];
  closedByClient: { code: number; reason: string } | null = null;
  #decoder = new FrameDecoder();
  #serverId = 1000;
  #closed = false;

  constructor(
    readonly url: string,
    readonly jwt: string,
    readonly handlers: TransportHandlers,
  ) {}

  get query(): URLSearchParams {
    return new URL(this.url).searchParams;
  }

  send(frame: Uint8Array): void {
    if (this.#closed) throw new Error('socket closed');
    const message = this.#decoder.push(frame);
    if (message === null) return;
    const { header, payload } = unpack(message.data);
    this.sent.push({ id: message.id, type: message.type, header: header as Record<string, unknown>, payload });
  }

  close(code = 1000, reason = ''): void {
    this.closedByClient = { code, reason };
    this.#closed = true;
  }

  open(): void {
    this.handlers.onOpen();
  }

  /** Sends one framed server message. */
  push(type: string, header: unknown, payload?: Uint8Array, id = this.#serverId++): void {
    for (const frame of encodeMessage({ id, type, data: pack(header, payload) })) this.handlers.onMessage(frame);
  }

  roomReady(roomName = 'demo'): void {
    this.push(MessageType.RoomReady, { room_name: roomName, room_url: `ws://test/rooms/${roomName}`, session_id: 'sess-1' });
  }

  connected(participantId = 'p1', attributes: Record<string, unknown> = { name: 'alice' }): void {
    this.push(MessageType.Connected, { type: 'init', participantId, attributes });
  }

  /** Opens and sends both startup messages. */
  accept(participantId = 'p1', attributes: Record<string, unknown> = { name: 'alice' }): void {
    this.open();
    this.roomReady();
    this.connected(participantId, attributes);
  }

  respond(id: number, content: Content = { type: 'empty' }): void {
    for (const frame of encodeMessage({ id, type: MessageType.Response, data: packContent(content) })) {
      this.handlers.onMessage(frame);
    }
  }

  /** The server closes the socket (or refuses the upgrade when `httpStatus` is given). */
  serverClose(code: number, reason = '', httpStatus?: number): void {
    this.#closed = true;
    this.handlers.onClose(httpStatus === undefined ? { code, reason } : { code, reason, httpStatus });
  }

  refuse(code: ErrorCode, message = 'refused'): void {
    this.serverClose(1000, encodeCloseReason(code, message));
  }

  /** `room.invoke_tool` messages the client wrote, optionally for one tool. */
  invokes(tool?: string): SentMessage[] {
    return this.sent.filter((m) => m.type === MessageType.InvokeTool && (tool === undefined || m.header['tool'] === tool));
  }

  /** Sends a `messaging.send` push. */
  deliver(type: string, message: unknown, from = 'server', extra: Record<string, unknown> = {}, attachment?: Uint8Array): void {
    this.push(MessageType.MessagingSend, { from_participant_id: from, type, message, ...extra }, attachment);
  }
}

export interface FakeTransport {
  factory: TransportFactory;
  sockets: FakeSocket[];
  /** The most recent socket; throws when none was opened. */
  readonly last: FakeSocket;
}

export function fakeTransport(): FakeTransport {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    factory: ({ url, jwt }, handlers) => {
      const socket = new FakeSocket(url, jwt, handlers);
      sockets.push(socket);
      return socket;
    },
    get last(): FakeSocket {
      const socket = sockets.at(-1);
      if (socket === undefined) throw new Error('no socket was opened');
      return socket;
    },
  };
}

/** Lets pending promise callbacks run (works with real and fake timers). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

export const ROOM_URL = 'ws://test/rooms/demo';
