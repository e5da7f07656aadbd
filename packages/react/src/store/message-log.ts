import type { RoomMessage } from '@convene/client';
import type { AttachmentInfo, ChatMessage } from '../types.js';

/**
 * Pure helpers for the store's bounded, ordered message list. Each returns a new array only when
 * something changed, so selectors keep their references otherwise.
 */
export function appendBounded(messages: readonly ChatMessage[], message: ChatMessage, max: number): readonly ChatMessage[] {
  const next = messages.length >= max ? messages.slice(messages.length - max + 1) : messages.slice();
  next.push(message);
  return next;
}

/** Replaces the message with the same id (keeping its place and first time), or appends it. */
export function upsertMessage(messages: readonly ChatMessage[], message: ChatMessage, max: number): readonly ChatMessage[] {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.id !== message.id) continue;
    const next = messages.slice();
    next[i] = { ...message, time: messages[i]!.time };
    return next;
  }
  return appendBounded(messages, message, max);
}

/** `body.stream.id` of a streamed reply, or null for an ordinary message. */
export function streamIdOf(body: Readonly<Record<string, unknown>>): string | null {
  const stream = body['stream'];
  if (typeof stream !== 'object' || stream === null) return null;
  const id = (stream as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : null;
}

export function updateMessage(
  messages: readonly ChatMessage[],
  id: string,
  patch: Partial<Pick<ChatMessage, 'state' | 'error' | 'time'>>,
): readonly ChatMessage[] {
  // Acknowledgements arrive in send order, so the message is almost always near the end.
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.id !== id) continue;
    const next = messages.slice();
    next[i] = { ...message, ...patch };
    return next;
  }
  return messages;
}

/** Reads `body.attachment = { name, mime_type }` (the chat convention) next to the raw bytes. */
export function attachmentInfo(body: Readonly<Record<string, unknown>>, data: Uint8Array | undefined): AttachmentInfo | undefined {
  if (!data || data.length === 0) return undefined;
  const meta = body['attachment'];
  const info: { size: number; data: Uint8Array; name?: string; mimeType?: string } = { size: data.length, data };
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
    const { name, mime_type: mimeType } = meta as Record<string, unknown>;
    if (typeof name === 'string') info.name = name;
    if (typeof mimeType === 'string') info.mimeType = mimeType;
  }
  return info;
}

/** A received message as the store keeps it. */
export function fromRoomMessage(message: RoomMessage, id: string, senderName: string): ChatMessage {
  const attachment = attachmentInfo(message.message, message.attachment);
  return {
    id,
    type: message.type,
    body: message.message,
    fromParticipantId: message.fromParticipantId,
    senderName,
    local: false,
    state: 'received',
    time: message.receivedAt,
    ...(attachment ? { attachment } : {}),
  };
}
