import {
  ConnectionError,
  ConveneError,
  MessageType,
  PARTICIPANT_NOT_FOUND_TEXT,
  RoomError,
  encodeBase64,
} from '@convene/protocol';
import { withDeadline } from './deadline.js';
import { Emitter, type Listener } from './event-emitter.js';
import { encodeInvokeTool } from './invoke-tool.js';
import { decodeMessagingDelivery } from './messaging-delivery.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import { ParticipantTable, type TableChanges } from './participant-table.js';
import { randomId } from './random-id.js';
import { RecentIds } from './recent-ids.js';
import type { RemoteParticipant } from './remote-participant.js';
import type {
  BroadcastMessageParams,
  MessagingEvents,
  RoomMessage,
  SendMessageParams,
} from './messaging-types.js';
import type { RequestOptions } from './request-options.js';
import type { RoomHost, ServerMessage, Session } from './room-host.js';
import type { RoomSocket } from './room-socket.js';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * `room.messaging`: presence (the participant table) and direct or broadcast messages.
 * Sends are pipelined and keep call order on the wire; while offline they wait in an outbox and
 * are delivered once each after reconnecting.
 *
 * @example
 * await room.messaging.enable();
 * room.messaging.on('message', (m) => console.log(m.from?.name, m.message));
 * await room.messaging.broadcastMessage({ type: 'chat', message: { text: 'hi' } });
 */
export class MessagingClient {
  readonly #events = new Emitter<MessagingEvents>();
  readonly #table = new ParticipantTable();
  readonly #outbox = new Outbox();
  readonly #seen = new RecentIds(4096);
  readonly #enableWaiters = new Set<Waiter>();
  #socket: RoomSocket | null = null;
  #wantEnabled = false;
  #online = false;
  #enableSentOn: RoomSocket | null = null;
  #finishRestore: (() => void) | null = null;
  #stopped: ConnectionError | null = null;

  constructor(host: RoomHost) {
    host.registerHandler(MessageType.MessagingSend, (message) => this.#onDelivery(message));
    host.registerHooks({
      sessionStarted: (session) => this.#onSession(session),
      sessionLost: () => this.#onLost(),
      stopped: (error) => this.#onStopped(error),
    });
  }

  /** True once `enable()` was called (and not `disable()`d); survives reconnects. */
  get isEnabled(): boolean {
    return this.#wantEnabled;
  }

  /** True while the server has confirmed messaging on the current connection. */
  get online(): boolean {
    return this.#online;
  }

  /** Frozen; the same array until the table changes. */
  get remoteParticipants(): readonly RemoteParticipant[] {
    return this.#table.list;
  }

  /** Sends waiting for the connection or for their acknowledgement. */
  get pendingSends(): number {
    return this.#outbox.size;
  }

  getParticipant(id: string): RemoteParticipant | undefined {
    return this.#table.get(id);
  }

  getParticipantByName(name: string): RemoteParticipant | undefined {
    return this.#table.findByName(name);
  }

  on<K extends keyof MessagingEvents>(event: K, listener: Listener<MessagingEvents[K]>): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof MessagingEvents>(event: K, listener: Listener<MessagingEvents[K]>): void {
    this.#events.off(event, listener);
  }

  /** For `useSyncExternalStore`: calls `onChange` whenever a snapshot getter would return something new. */
  subscribe(onChange: () => void): () => void {
    return this.#events.on('change', onChange);
  }

  /** Turns messaging on (now and after every reconnect); resolves when the server confirmed it. */
  enable(options?: RequestOptions): Promise<void> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    if (!this.#wantEnabled) {
      this.#wantEnabled = true;
      this.#events.emit('change', undefined);
    }
    if (this.#online) return Promise.resolve();
    return withDeadline(options, (signal) =>
      new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject };
        this.#enableWaiters.add(waiter);
        signal.addEventListener('abort', () => this.#enableWaiters.delete(waiter), { once: true });
        this.#sendEnable();
      }),
    );
  }

  /** Turns messaging off; the participant table empties. */
  async disable(options?: RequestOptions): Promise<void> {
    const socket = this.#socket;
    const wasOnline = this.#online;
    this.#wantEnabled = false;
    this.#enableSentOn = null;
    this.#settleEnableWaiters(new RoomError('aborted', 'messaging was disabled'));
    this.#setOnline(false);
    this.#applyChanges(this.#table.clear());
    this.#restored();
    this.#flush();
    if (socket === null || !wasOnline) return;
    const data = encodeInvokeTool({ toolkit: 'messaging', tool: 'disable' });
    await withDeadline(options, async (signal) => {
      const sent = socket.request(MessageType.InvokeTool, data);
      signal.addEventListener('abort', () => socket.cancel(sent.id), { once: true });
      await sent.response;
    });
  }

  /** Sends to one participant. Resolves on the server's acknowledgement. */
  sendMessage(params: SendMessageParams, options?: RequestOptions): Promise<void> {
    const to = typeof params.to === 'string' ? params.to : params.to.id;
    return this.#enqueue('send', { ...params, to }, options);
  }

  /** Sends to every other messaging participant. Resolves on the server's acknowledgement. */
  broadcastMessage(params: BroadcastMessageParams, options?: RequestOptions): Promise<void> {
    return this.#enqueue('broadcast', { ...params, to: undefined }, options);
  }

  #enqueue(
    tool: OutboxEntry['tool'],
    params: BroadcastMessageParams & { to: string | undefined },
    options: RequestOptions | undefined,
  ): Promise<void> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    if (typeof params.type !== 'string' || params.type === '') return Promise.reject(new TypeError('message type must be a non-empty string'));
    const args: OutboxEntry['arguments'] = { type: params.type, message_json: JSON.stringify(params.message), message_id: randomId() };
    if (params.to !== undefined) args.to_participant_id = params.to;
    if (params.attachment !== undefined) args.attachment_base64 = encodeBase64(params.attachment);
    // With no timeout or signal to watch, nothing can take the entry out early: the deadline
    // machinery (an AbortController and its listeners) cost a third of a send's path.
    if (options?.timeout === undefined && options?.signal === undefined) {
      return new Promise<void>((resolve, reject) => {
        this.#outbox.push({ tool, arguments: args, to: params.to, resolve, reject });
        this.#flush();
      });
    }
    // withDeadline runs this synchronously, so wire order follows call order.
    return withDeadline(options, (signal) =>
      new Promise<void>((resolve, reject) => {
        const entry = this.#outbox.push({ tool, arguments: args, to: params.to, resolve, reject });
        signal.addEventListener('abort', () => this.#outbox.remove(entry), { once: true });
        this.#flush();
      }),
    );
  }

  /** Writes every queued send, without waiting for acknowledgements in between. */
  #flush(): void {
    const socket = this.#socket;
    if (socket === null || (this.#wantEnabled && !this.#online)) return;
    for (const entry of this.#outbox.queued()) {
      if (this.#socket !== socket || !socket.isOpen) return;
      if (entry.attempt !== null || !this.#outbox.has(entry)) continue;
      if (entry.to !== undefined && this.#online && this.#table.get(entry.to) === undefined) {
        this.#outbox.remove(entry);
        entry.reject(new RoomError('participant_not_found', PARTICIPANT_NOT_FOUND_TEXT));
        continue;
      }
      const attempt = this.#outbox.markSent(entry);
      const data = encodeInvokeTool({ toolkit: 'messaging', tool: entry.tool, arguments: { type: 'json', json: entry.arguments } });
      socket.request(MessageType.InvokeTool, data).response.then(
        () => {
          if (entry.attempt !== attempt) return;
          this.#outbox.remove(entry);
          entry.resolve();
        },
        (error: unknown) => {
          if (entry.attempt !== attempt) return;
          // The connection dropped: keep the entry; the next connection resends it with the same id.
          if (error instanceof ConnectionError) return this.#outbox.requeue(entry);
          this.#outbox.remove(entry);
          if (error instanceof ConveneError && error.code === 'participant_not_found' && entry.to !== undefined) {
            this.#applyChanges(this.#table.remove(entry.to));
          }
          entry.reject(error);
        },
      );
    }
  }

  #sendEnable(): void {
    const socket = this.#socket;
    if (socket === null || this.#online || this.#enableSentOn === socket) return;
    this.#enableSentOn = socket;
    const data = encodeInvokeTool({ toolkit: 'messaging', tool: 'enable' });
    socket.request(MessageType.InvokeTool, data).response.catch((error: unknown) => {
      // A lost connection is not a refusal: the next session asks again.
      if (error instanceof ConnectionError || this.#enableSentOn !== socket) return;
      this.#wantEnabled = false;
      this.#enableSentOn = null;
      this.#settleEnableWaiters(error);
      this.#events.emit('change', undefined);
      this.#restored();
      this.#flush();
    });
  }

  #onSession(session: Session): Promise<void> | void {
    this.#socket = session.socket;
    if (!this.#wantEnabled) return this.#flush();
    return new Promise<void>((resolve) => {
      this.#finishRestore = resolve;
      this.#sendEnable();
    });
  }

  #onLost(): void {
    this.#socket = null;
    this.#enableSentOn = null;
    this.#outbox.requeueInFlight();
    // The table is kept until the next `messaging.enabled`, which reconciles it, so a short drop
    // does not make everyone leave and rejoin.
    this.#setOnline(false);
    this.#restored();
  }

  #onStopped(error: ConnectionError): void {
    this.#onLost();
    this.#stopped = error;
    this.#settleEnableWaiters(error);
    this.#outbox.rejectAll(error);
    this.#applyChanges(this.#table.clear());
  }

  #onDelivery(message: ServerMessage): void {
    const delivery = decodeMessagingDelivery(message);
    switch (delivery.kind) {
      case 'enabled':
        this.#applyChanges(this.#table.replace(delivery.participants));
        this.#setOnline(true);
        this.#settleEnableWaiters(null);
        this.#flush();
        this.#restored();
        return;
      case 'participant_enabled':
        return this.#applyChanges(this.#table.upsert(delivery.participant));
      case 'participant_disabled':
        return this.#applyChanges(this.#table.remove(delivery.id));
      case 'participant_attributes':
        return this.#applyChanges(this.#table.mergeAttributes(delivery.id, delivery.attributes));
      case 'message': {
        if (delivery.messageId !== undefined && this.#seen.seen(`${delivery.fromParticipantId}\u0000${delivery.messageId}`)) return;
        // Built field by field: object rest/spread here was a fifth of a busy client's CPU.
        const event: RoomMessage = {
          fromParticipantId: delivery.fromParticipantId,
          type: delivery.type,
          message: delivery.message,
          direct: delivery.direct,
          receivedAt: Date.now(),
        };
        if (delivery.messageId !== undefined) event.messageId = delivery.messageId;
        if (delivery.attachment !== undefined) event.attachment = delivery.attachment;
        const from = this.#table.get(delivery.fromParticipantId);
        if (from !== undefined) event.from = from;
        this.#events.emit('message', event);
        return;
      }
    }
  }

  #applyChanges(changes: TableChanges): void {
    if (changes.added.length + changes.updated.length + changes.removed.length === 0) return;
    for (const participant of changes.removed) this.#events.emit('participant_removed', participant);
    for (const participant of changes.added) this.#events.emit('participant_added', participant);
    for (const update of changes.updated) this.#events.emit('participant_attributes_updated', update);
    this.#events.emit('change', undefined);
  }

  #setOnline(online: boolean): void {
    if (this.#online === online) return;
    this.#online = online;
    this.#events.emit('online', online);
    this.#events.emit('change', undefined);
  }

  #settleEnableWaiters(error: unknown): void {
    const waiters = [...this.#enableWaiters];
    this.#enableWaiters.clear();
    for (const waiter of waiters) {
      if (error === null) waiter.resolve();
      else waiter.reject(error);
    }
  }

  #restored(): void {
    const finish = this.#finishRestore;
    this.#finishRestore = null;
    finish?.();
  }
}
