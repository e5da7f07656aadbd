import type { ConnectionError, RoomStatus } from '@convene/client';
import type { ChatMessage, LocalParticipantView, ParticipantView } from '../types.js';

export interface RoomStoreOptions {
  /** Messages kept in the store; older ones are dropped first (default 1000). */
  maxMessages?: number;
  /** How long a typing notification lasts without a new one (default 4000 ms). */
  typingTimeoutMs?: number;
  /** Minimum gap between our own typing notifications (default 1500 ms). */
  typingThrottleMs?: number;
}

/** A file to send with a message: bytes plus the metadata the receiver shows. */
export interface OutgoingAttachment {
  data: Uint8Array;
  name?: string;
  mimeType?: string;
}

export interface RoomStoreActions {
  /** Direct message to one participant; resolves when the server acknowledged it. */
  send(to: string, type: string, body: Record<string, unknown>, attachment?: OutgoingAttachment): Promise<void>;
  /** Message to every other participant. */
  broadcast(type: string, body: Record<string, unknown>, attachment?: OutgoingAttachment): Promise<void>;
  /** Sends a failed message of ours again (as a new pending message). */
  retry(messageId: string): Promise<void>;
  setAttribute(name: string, value: unknown): void;
  /** Tells the others we are typing (throttled); `false` says we stopped. */
  notifyTyping(typing?: boolean): void;
}

export interface RoomStoreState {
  status: RoomStatus;
  error: ConnectionError | null;
  localParticipant: LocalParticipantView;
  /** Remote participants, in join order; the same array until someone joins, leaves or changes. */
  participants: readonly ParticipantView[];
  participantsById: Readonly<Record<string, ParticipantView>>;
  /** Bounded, in arrival/send order. Typing notifications are not messages. */
  messages: readonly ChatMessage[];
  /** Participant id → time (ms) their typing state expires. */
  typing: Readonly<Record<string, number>>;
  actions: RoomStoreActions;
}
