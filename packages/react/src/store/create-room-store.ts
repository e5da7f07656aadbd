import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RoomClient, RoomMessage } from '@convene/client';
import type { ChatMessage, LocalParticipantView, ParticipantView } from '../types.js';
import { appendBounded, attachmentInfo, fromRoomMessage, streamIdOf, updateMessage, upsertMessage } from './message-log.js';
import { TypingTracker } from './typing-tracker.js';
import type { OutgoingAttachment, RoomStoreOptions, RoomStoreState } from './room-store-types.js';

/** The message type typing notifications travel as (`{ typing: boolean }`). */
export const TYPING_MESSAGE_TYPE = 'typing';


export type RoomStore = StoreApi<RoomStoreState> & {
  readonly client: RoomClient;
  /** Stops mirroring the client (listeners and timers). The client itself is not disposed. */
  destroy(): void;
};

/**
 * A zustand vanilla store that mirrors one RoomClient: status, local and remote participants,
 * a bounded message log with delivery state for our own sends, and who is typing. One store per
 * client, never a module-global one; actions call the client.
 *
 * @example
 * const store = createRoomStore(client);
 * store.getState().actions.broadcast('chat', { text: 'hi' });
 * store.subscribe((state) => console.log(state.messages.length));
 */
export function createRoomStore(client: RoomClient, options: RoomStoreOptions = {}): RoomStore {
  const maxMessages = options.maxMessages ?? 1000;
  const typingThrottleMs = options.typingThrottleMs ?? 1500;
  let localIds = 0;
  let lastTypingSent = 0;
  const unsubscribes: (() => void)[] = [];

  const localView = (): LocalParticipantView => {
    const local = client.localParticipant;
    return { id: local.id, name: local.name, attributes: local.attributes };
  };

  const store = createStore<RoomStoreState>()((set, get) => {
    /** Sends ours through the client and tracks pending → sent | failed on the message. */
    const track = (message: ChatMessage, delivery: () => Promise<void>): Promise<void> => {
      set((state) => ({ messages: appendBounded(state.messages, message, maxMessages) }));
      return delivery().then(
        () => set((state) => ({ messages: updateMessage(state.messages, message.id, { state: 'sent' }) })),
        (error: unknown) => {
          const text = error instanceof Error ? error.message : String(error);
          set((state) => ({ messages: updateMessage(state.messages, message.id, { state: 'failed', error: text }) }));
          throw error;
        },
      );
    };

    const outgoing = (type: string, body: Record<string, unknown>, attachment: OutgoingAttachment | undefined, to?: string) => {
      const wireBody = attachment ? { ...body, attachment: { name: attachment.name, mime_type: attachment.mimeType, size: attachment.data.length } } : body;
      const info = attachment ? attachmentInfo(wireBody, attachment.data) : undefined;
      const message: ChatMessage = {
        id: `local-${++localIds}`,
        type,
        body: wireBody,
        fromParticipantId: client.localParticipant.id,
        senderName: client.localParticipant.name ?? 'me',
        local: true,
        state: 'pending',
        time: Date.now(),
        ...(to !== undefined ? { to } : {}),
        ...(info ? { attachment: info } : {}),
      };
      return { message, wireBody, data: attachment?.data };
    };

    return {
      status: client.status,
      error: client.error,
      localParticipant: localView(),
      participants: client.messaging.remoteParticipants,
      participantsById: indexById(client.messaging.remoteParticipants),
      messages: [],
      typing: {},
      actions: {
        send(to, type, body, attachment) {
          const { message, wireBody, data } = outgoing(type, body, attachment, to);
          return track(message, () => client.messaging.sendMessage({ to, type, message: wireBody, ...(data ? { attachment: data } : {}) }));
        },
        broadcast(type, body, attachment) {
          const { message, wireBody, data } = outgoing(type, body, attachment);
          return track(message, () => client.messaging.broadcastMessage({ type, message: wireBody, ...(data ? { attachment: data } : {}) }));
        },
        retry(id) {
          const failed = get().messages.find((m) => m.id === id && m.local && m.state === 'failed');
          if (!failed) return Promise.resolve();
          set((state) => ({ messages: state.messages.filter((m) => m.id !== id) }));
          const attachment = failed.attachment
            ? { data: failed.attachment.data, ...(failed.attachment.name ? { name: failed.attachment.name } : {}), ...(failed.attachment.mimeType ? { mimeType: failed.attachment.mimeType } : {}) }
            : undefined;
          const { attachment: _meta, ...body } = failed.body as Record<string, unknown>;
          return failed.to !== undefined
            ? get().actions.send(failed.to, failed.type, body, attachment)
            : get().actions.broadcast(failed.type, body, attachment);
        },
        setAttribute(name, value) {
          client.localParticipant.setAttribute(name, value);
        },
        notifyTyping(typing = true) {
          const now = Date.now();
          if (typing && now - lastTypingSent < typingThrottleMs) return;
          lastTypingSent = typing ? now : 0;
          if (!client.messaging.online) return;
          // Typing is best effort: a failure is not worth surfacing.
          client.messaging.broadcastMessage({ type: TYPING_MESSAGE_TYPE, message: { typing } }).catch(() => {});
        },
      },
    };
  });

  const typing = new TypingTracker(options.typingTimeoutMs ?? 4000, (current) => store.setState({ typing: current }));

  const onMessage = (message: RoomMessage): void => {
    if (message.type === TYPING_MESSAGE_TYPE) {
      typing.mark(message.fromParticipantId, message.message['typing'] !== false);
      return;
    }
    // A message from someone ends their typing state, as in every chat app.
    typing.clear(message.fromParticipantId);
    const senderName = message.from?.name ?? store.getState().participantsById[message.fromParticipantId]?.name ?? 'unknown';
    const streamId = streamIdOf(message.message);
    if (streamId !== null) {
      // A streamed reply (an agent writing): each update carries the whole text so far and
      // replaces the earlier one in place, so a lost update costs nothing.
      const id = `stream-${message.fromParticipantId}-${streamId}`;
      store.setState((state) => ({ messages: upsertMessage(state.messages, fromRoomMessage(message, id, senderName), maxMessages) }));
      return;
    }
    const id = message.messageId ?? `remote-${++localIds}`;
    store.setState((state) => ({ messages: appendBounded(state.messages, fromRoomMessage(message, id, senderName), maxMessages) }));
  };

  const syncParticipants = (): void => {
    const list = client.messaging.remoteParticipants;
    if (list === store.getState().participants) return;
    store.setState({ participants: list, participantsById: indexById(list) });
  };

  const syncClient = (): void => {
    const state = store.getState();
    const patch: Partial<RoomStoreState> = {};
    if (state.status !== client.status) patch.status = client.status;
    if (state.error !== client.error) patch.error = client.error;
    const local = client.localParticipant;
    const view = state.localParticipant;
    if (view.id !== local.id || view.attributes !== local.attributes) patch.localParticipant = localView();
    if (Object.keys(patch).length > 0) store.setState(patch);
  };

  unsubscribes.push(
    client.on('change', syncClient),
    client.messaging.on('message', onMessage),
    client.messaging.on('change', syncParticipants),
    client.messaging.on('participant_removed', (participant) => typing.clear(participant.id)),
  );

  return Object.assign(store, {
    client,
    destroy() {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      typing.dispose();
    },
  });
}

function indexById(list: readonly ParticipantView[]): Readonly<Record<string, ParticipantView>> {
  if (list.length === 0) return EMPTY_BY_ID;
  const byId: Record<string, ParticipantView> = {};
  for (const participant of list) byId[participant.id] = participant;
  return byId;
}

const EMPTY_BY_ID: Readonly<Record<string, ParticipantView>> = Object.freeze({});
