import type { ParticipantUpdate } from './participant-table.js';
import type { RemoteParticipant } from './remote-participant.js';

/** An application message received through messaging. */
export interface RoomMessage {
  /** The sender's id for this message (Convene servers pass it on); used to drop duplicates. */
  messageId?: string;
  fromParticipantId: string;
  /** The sender's snapshot, when messaging knows the sender. */
  from?: RemoteParticipant;
  type: string;
  message: Record<string, unknown>;
  attachment?: Uint8Array;
  /** `Date.now()` at arrival. */
  receivedAt: number;
  /** Sent to us alone (`sendMessage`) rather than broadcast; known on Convene servers only. */
  direct: boolean;
}

export interface SendMessageParams {
  to: string | RemoteParticipant;
  type: string;
  message: Record<string, unknown>;
  attachment?: Uint8Array;
}

export type BroadcastMessageParams = Omit<SendMessageParams, 'to'>;

export type MessagingEvents = {
  message: RoomMessage;
  participant_added: RemoteParticipant;
  participant_removed: RemoteParticipant;
  participant_attributes_updated: ParticipantUpdate;
  online: boolean;
  /** Any snapshot (`remoteParticipants`, `online`, `isEnabled`) changed. */
  change: undefined;
};
