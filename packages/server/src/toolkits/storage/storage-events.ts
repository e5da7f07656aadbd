import { encodeMessage, pack, storageReadAllowed } from '@convene/protocol';
import type { Participant } from '../../participant.js';
import type { Room } from '../../room.js';

/**
 * The `storage.file.*` pushes (PROTOCOL.md §4.2). Each event is encoded once and the same frames
 * go to every participant that may read one of its paths; a participant whose grant does not
 * cover the path does not learn that the file exists.
 */
export class StorageEvents {
  /** Clients ignore the ids of pushes (PROTOCOL.md §2); one counter serves every room. */
  #pushId = 0;

  updated(room: Room, by: Participant, path: string): void {
    this.#push(room, 'storage.file.updated', { path, participant_id: by.id }, [path]);
  }

  deleted(room: Room, by: Participant, path: string): void {
    this.#push(room, 'storage.file.deleted', { path, participant_id: by.id }, [path]);
  }

  moved(room: Room, by: Participant, sourcePath: string, destinationPath: string): void {
    const header = { source_path: sourcePath, destination_path: destinationPath, participant_id: by.id };
    this.#push(room, 'storage.file.moved', header, [sourcePath, destinationPath]);
  }

  #push(room: Room, type: string, header: Record<string, unknown>, paths: string[]): void {
    let frames: Uint8Array[] | null = null;
    for (const participant of room.participants()) {
      if (!paths.some((path) => storageReadAllowed(participant.claims.api, path))) continue;
      frames ??= encodeMessage({ id: this.#pushId++, type, data: pack(header) });
      participant.connection.sendFrames(frames);
    }
  }
}
