import { useMemo } from 'react';
import type { RoomStoreActions } from '../store/room-store-types.js';
import type { ChatMessage } from '../types.js';
import { shallowEqual, useRoomSelector } from './use-room-selector.js';

/** Which messages to return: by type(s) and/or sender, or any predicate. */
export type MessageFilter =
  | { type?: string | readonly string[]; from?: string }
  | ((message: ChatMessage) => boolean);

export interface MessagesResult {
  messages: readonly ChatMessage[];
  send: RoomStoreActions['send'];
  broadcast: RoomStoreActions['broadcast'];
  retry: RoomStoreActions['retry'];
}

function toPredicate(filter: MessageFilter | undefined): ((message: ChatMessage) => boolean) | null {
  if (filter === undefined) return null;
  if (typeof filter === 'function') return filter;
  const types = filter.type === undefined ? null : new Set(typeof filter.type === 'string' ? [filter.type] : filter.type);
  return (m) => (types === null || types.has(m.type)) && (filter.from === undefined || m.fromParticipantId === filter.from);
}

/**
 * The room's messages (ours with pending/sent/failed state), optionally filtered, and the actions
 * to send. Re-renders only when the filtered list changes; an inline filter is fine.
 *
 * @example
 * const { messages, broadcast } = useMessages({ type: 'chat' });
 * broadcast('chat', { text: 'hello' });
 */
export function useMessages(filter?: MessageFilter): MessagesResult {
  const predicate = toPredicate(filter);
  const messages = useRoomSelector(
    (state) => (predicate ? state.messages.filter(predicate) : state.messages),
    shallowEqual,
    'useMessages',
  );
  const actions = useRoomSelector((state) => state.actions, Object.is, 'useMessages');
  return useMemo(
    () => ({ messages, send: actions.send, broadcast: actions.broadcast, retry: actions.retry }),
    [messages, actions],
  );
}
