import {
  MessageType,
  MessagingEvent,
  PARTICIPANT_NOT_FOUND_TEXT,
  RoomError,
  encodeMessage,
  packEncodedHeader,
  pack,
} from '@convene/protocol';
import type { Participant } from '../../participant.js';
import { RecentKeys } from '../../recent-keys.js';

const encoder = new TextEncoder();
/** How many recent message ids a room remembers to drop resends (WIRE-EXTENSIONS.md). */
const DEDUPE_WINDOW = 16_384;

export interface OutgoingMessage {
  type: string;
  /** Validated JSON text, spliced into the delivery header without re-serializing. */
  messageJson: string;
  attachment: Uint8Array;
  messageId: string | undefined;
}

/**
 * Messaging state of one room: who is enabled, the pushes that keep everyone's participant table
 * right, and delivery. A push to many recipients is encoded once and the same frames go to all.
 */
export class RoomMessaging {
  readonly #participants: () => Iterable<Participant>;
  readonly #seen = new RecentKeys(DEDUPE_WINDOW);
  /** Push ids come from one room counter: clients ignore ids of pushes (PROTOCOL.md §2). */
  #pushId = 0;

  constructor(participants: () => Iterable<Participant>) {
    this.#participants = participants;
  }

  enable(participant: Participant): void {
    participant.messagingEnabled = true;
    const others = [...this.#enabledExcept(participant)];
    this.#push([participant], participant.id, MessagingEvent.Enabled, { participants: others.map((p) => p.info()) });
    this.#push(others, participant.id, MessagingEvent.ParticipantEnabled, participant.info());
  }

  disable(participant: Participant): void {
    if (!participant.messagingEnabled) return;
    participant.messagingEnabled = false;
    this.#push(this.#enabledExcept(participant), participant.id, MessagingEvent.ParticipantDisabled, { id: participant.id });
  }

  /** Tells the others that some attributes changed (only the changed keys; clients merge). */
  attributesChanged(participant: Participant, changed: Record<string, unknown>): void {
    if (!participant.messagingEnabled) return;
    this.#push(this.#enabledExcept(participant), participant.id, MessagingEvent.ParticipantAttributes, { attributes: changed });
  }

  send(from: Participant, to: Participant | undefined, message: OutgoingMessage): void {
    if (!to || !to.messagingEnabled) throw new RoomError('participant_not_found', PARTICIPANT_NOT_FOUND_TEXT);
    if (this.#isDuplicate(from, message.messageId)) return;
    this.#deliver([to], from.id, message, to.id);
  }

  /** Delivers to every other messaging-enabled participant; the sender gets no echo. */
  broadcast(from: Participant, message: OutgoingMessage): void {
    if (this.#isDuplicate(from, message.messageId)) return;
    this.#deliver(this.#enabledExcept(from), from.id, message);
  }

  /** `toId` is set for direct messages, so the recipient can tell them from broadcasts. */
  #deliver(recipients: Iterable<Participant>, fromId: string, message: OutgoingMessage, toId?: string): void {
    const idPart = message.messageId === undefined ? '' : `,"message_id":${JSON.stringify(message.messageId)}`;
    const toPart = toId === undefined ? '' : `,"to_participant_id":${JSON.stringify(toId)}`;
    const header = `{"from_participant_id":${JSON.stringify(fromId)},"type":${JSON.stringify(message.type)},"message":${message.messageJson}${idPart}${toPart}}`;
    const data = packEncodedHeader(encoder.encode(header), message.attachment);
    this.#sendToAll(recipients, data);
  }

  #push(recipients: Iterable<Participant>, fromId: string, type: string, message: unknown): void {
    this.#sendToAll(recipients, pack({ from_participant_id: fromId, type, message }));
  }

  #sendToAll(recipients: Iterable<Participant>, data: Uint8Array): void {
    let frames: Uint8Array[] | null = null;
    for (const recipient of recipients) {
      frames ??= encodeMessage({ id: this.#pushId++, type: MessageType.MessagingSend, data });
      recipient.connection.sendFrames(frames);
    }
  }

  *#enabledExcept(participant: Participant): Iterable<Participant> {
    for (const other of this.#participants()) {
      if (other !== participant && other.messagingEnabled) yield other;
    }
  }

  #isDuplicate(from: Participant, messageId: string | undefined): boolean {
    if (messageId === undefined) return false;
    return this.#seen.seen(from.id, messageId);
  }
}
