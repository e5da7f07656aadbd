import { DATABASE_CHANGED, datasetTableAllowed, encodeMessage, pack, type DatabaseChangedEvent } from '@convene/protocol';
import type { Room } from '../../room.js';

/**
 * Sends `database.changed` to every participant of the room that may read the table, the author
 * included (its own client learns of changes made by its other tabs the same way). Encoded once
 * for everyone. Others are skipped: the event names the table and how many rows changed, which a
 * token without read on it (or without the `dataset` API at all) must not learn.
 */
export class DatabaseChanges {
  /** Push ids come from one counter: clients ignore ids of pushes (PROTOCOL.md §2). */
  #pushId = 0;

  publish(room: Room, event: DatabaseChangedEvent): void {
    let frames: Uint8Array[] | null = null;
    for (const participant of room.participants()) {
      if (!datasetTableAllowed(participant.claims.api, event.table, 'read')) continue;
      frames ??= encodeMessage({ id: this.#pushId++, type: DATABASE_CHANGED, data: pack(event) });
      participant.connection.sendFrames(frames);
    }
  }
}
