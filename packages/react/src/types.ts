import type { ConnectionError, RemoteParticipant, RoomStatus } from '@convene/client';

/** Connection status as components show it (the client's public status). */
export type ConnectionStatusValue = RoomStatus;

/** A remote participant as the store and components see it: immutable, replaced on change. */
export type ParticipantView = RemoteParticipant;

/** The local participant: `id` and `name` are null until the first connection. */
export interface LocalParticipantView {
  readonly id: string | null;
  readonly name: string | null;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/**
 * Delivery state of a message: `received` (someone else's), `pending` (ours, not yet acknowledged;
 * waits in the outbox while reconnecting), `sent` (acknowledged), `failed` (refused; `error` says why).
 */
export type MessageState = 'received' | 'pending' | 'sent' | 'failed';

export interface AttachmentInfo {
  /** Size in bytes. */
  readonly size: number;
  readonly name?: string;
  readonly mimeType?: string;
  readonly data: Uint8Array;
}

/** One message in the store, in arrival (or send) order. */
export interface ChatMessage {
  /** Stable key: the wire `message_id` when there is one, else a local id. */
  readonly id: string;
  readonly type: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly fromParticipantId: string | null;
  /** The sender's display name at the time the message arrived (or ours). */
  readonly senderName: string;
  /** Ours (sent from this client). */
  readonly local: boolean;
  /** For direct messages: the recipient's id (ours) — absent for broadcasts and received ones. */
  readonly to?: string;
  readonly state: MessageState;
  readonly error?: string;
  readonly attachment?: AttachmentInfo;
  /** `Date.now()` when sent or received. */
  readonly time: number;
}

export type { ConnectionError };
