import WebSocket from 'ws';
import {
  FrameDecoder,
  encodeMessage,
  pack,
  unpack,
  unpackContent,
  type Content,
  type WireMessage,
} from '@convene/protocol';

export type TokenPlacement = 'query' | 'header' | 'subprotocol';

export interface Received {
  id: number;
  type: string;
  header: unknown;
  payload: Uint8Array;
}

/**
 * A minimal protocol peer over a real socket, for server tests that need to see and send exact
 * bytes. It records every message and every close.
 */
export class RawClient {
  readonly received: Received[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly ws: WebSocket;
  #decoder = new FrameDecoder();
  #nextId = 0;
  #waiters: { test: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];
  /** The participant id from `connected`, set by {@link RawClient.join}. */
  participantId = '';

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => {});
    ws.on('message', (data: Buffer) => {
      const message = this.#decoder.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (message) this.#record(message);
    });
  }

  static async connect(
    roomUrl: string,
    jwt: string | undefined,
    options: { placement?: TokenPlacement; resume?: string } = {},
  ): Promise<RawClient> {
    const url = new URL(roomUrl);
    const placement = options.placement ?? 'query';
    if (jwt && placement === 'query') url.searchParams.set('token', jwt);
    if (options.resume) url.searchParams.set('resume', options.resume);
    const ws = new WebSocket(
      url,
      jwt && placement === 'subprotocol' ? [`meshagent-room.${jwt}`] : [],
      jwt && placement === 'header' ? { headers: { authorization: `Bearer ${jwt}` } } : {},
    );
    const client = new RawClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Connects, waits for the startup messages and records the participant id. */
  static async join(
    roomUrl: string,
    jwt: string | undefined,
    options: { placement?: TokenPlacement; resume?: string } = {},
  ): Promise<RawClient> {
    const client = await RawClient.connect(roomUrl, jwt, options);
    const { connected } = await client.startup();
    client.participantId = connected['participantId'] as string;
    return client;
  }

  /** Resolves with `room_ready` and `connected` headers once both arrived. */
  async startup(): Promise<{ roomReady: Record<string, unknown>; connected: Record<string, unknown> }> {
    const roomReady = await this.waitFor((m) => m.type === 'room_ready');
    const connected = await this.waitFor((m) => m.type === 'connected');
    return { roomReady: roomReady.header as Record<string, unknown>, connected: connected.header as Record<string, unknown> };
  }

  waitFor(test: (m: Received) => boolean, timeoutMs = 5_000): Promise<Received> {
    const found = this.received.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a message; got ${this.received.map((m) => m.type).join(', ')}`)), timeoutMs);
      this.#waiters.push({ test, resolve: (m) => { clearTimeout(timer); resolve(m); } });
    });
  }

  /** Resolves once `count` received messages pass `test`, with all of them. */
  async waitForCount(test: (m: Received) => boolean, count: number, timeoutMs = 5_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matches = this.received.filter(test);
      if (matches.length >= count) return matches;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${count} messages, got ${matches.length}`);
      await this.waitFor((m) => test(m) && !matches.includes(m), left);
    }
  }

  /**
   * Resolves once the server has handled everything this client sent before: a message of an
   * unknown type is answered with an error `__response__` in order.
   */
  async barrier(): Promise<void> {
    const id = this.sendMessage('convene.test.barrier', pack({}));
    await this.waitFor((m) => m.type === '__response__' && m.id === id);
  }

  /** The close code and reason, or a rejection after `timeoutMs`. */
  closedWithin(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.closed, timeout]).finally(() => clearTimeout(timer));
  }

  /** Messages of a given `messaging.send` inner type. */
  messagesOfType(type: string): Received[] {
    return this.received.filter((m) => m.type === 'messaging.send' && (m.header as { type?: string }).type === type);
  }

  sendMessage(type: string, data: Uint8Array, packetBytes?: number): number {
    const id = this.#nextId++;
    for (const frame of encodeMessage({ id, type, data }, packetBytes)) this.ws.send(frame);
    return id;
  }

  sendFrame(frame: Uint8Array): void {
    this.ws.send(frame);
  }

  /** Sends a request and resolves with the `__response__` Content. */
  async request(type: string, header: unknown, payload?: Uint8Array): Promise<Content> {
    const id = this.sendMessage(type, pack(header, payload));
    const response = await this.waitFor((m) => m.type === '__response__' && m.id === id);
    return unpackContent(pack(response.header, response.payload));
  }

  invoke(toolkit: string, tool: string, json: unknown): Promise<Content> {
    return this.request('room.invoke_tool', { toolkit, tool, arguments: { type: 'json', json } });
  }

  close(): void {
    this.ws.close(1000);
  }

  #record(message: WireMessage): void {
    let header: unknown = null;
    let payload = new Uint8Array(0) as Uint8Array;
    try {
      ({ header, payload } = unpack(message.data));
    } catch {
      payload = message.data;
    }
    const received = { id: message.id, type: message.type, header, payload };
    this.received.push(received);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.test(received)) return true;
      w.resolve(received);
      return false;
    });
  }
}
