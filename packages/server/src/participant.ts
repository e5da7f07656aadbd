import type { ParticipantClaims, ParticipantInfo } from '@convene/protocol';
import type { Connection } from './connection.js';

/** A participant in a room: one authenticated connection. */
export class Participant {
  readonly id: string;
  readonly claims: ParticipantClaims;
  readonly connection: Connection;
  attributes: Record<string, unknown>;
  messagingEnabled = false;

  constructor(id: string, claims: ParticipantClaims, connection: Connection) {
    this.id = id;
    this.claims = claims;
    this.connection = connection;
    this.attributes = { name: claims.name };
  }

  get role(): string {
    return this.claims.role;
  }

  info(): ParticipantInfo {
    return { id: this.id, role: this.role, attributes: this.attributes };
  }
}
