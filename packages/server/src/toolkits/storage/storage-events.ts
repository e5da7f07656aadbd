import { encodeMessage, pack, storageReadAllowed } from '@convene/protocol';
import type { Participant } from '../../participant.js';
import type { Room } from '../../room.js';

/**
 * The `storage.file.*` pushes (PROTOCOL.md §4.2). Each event is encoded once and the same frames
 * go to every participant that may read its path; a participant whose grant does not cover a
 * path never learns that the file exists or what it is called.
 */
export class StorageEvents {
  /** Clients ignore the ids of pushes (PROTOCOL.md §2); one counter serves every room. */
  #pushId = 0;

  updated(room: Room, by: Participant, path: string): void {
    this.#push(room, 'storage.file.updated', { path, participant_id: by.id }, path);
  }

  deleted(room: Room, by: Participant, path: string): void {
    this.#push(room, 'storage.file.deleted', { path, participant_id: by.id }, path);
  }

  /**
   * A participant that can read both paths gets `moved`. One that can read only one side gets
   * `deleted` (source) or `updated` (destination) instead: a `moved` would name the other path,
   * which its grant does not cover (a file name can itself be the secret).
   */
  moved(room: Room, by: Participant, sourcePath: string, destinationPath: string): void {
    const moved = this.#lazy('storage.file.moved', { source_path: sourcePath, destination_path: destinationPath, participant_id: by.id });
    const deleted = this.#lazy('storage.file.deleted', { path: sourcePath, participant_id: by.id });
    const updated = this.#lazy('storage.file.updated', { path: destinationPath, participant_id: by.id });
    for (const participant of room.participants()) {
      const source = storageReadAllowed(participant.claims.api, sourcePath);
      const destination = storageReadAllowed(participant.claims.api, destinationPath);
      if (source && destination) participant.connection.sendFrames(moved());
      else if (source) participant.connection.sendFrames(deleted());
      else if (destination) participant.connection.sendFrames(updated());
    }
  }

  /** Frames of one push, encoded on first use and then shared by every recipient. */
  #lazy(type: string, header: Record<string, unknown>): () => Uint8Array[] {
    let frames: Uint8Array[] | null = null;
    return () => (frames ??= encodeMessage({ id: this.#pushId++, type, data: pack(header) }));
  }

  #push(room: Room, type: string, header: Record<string, unknown>, path: string): void {
    const frames = this.#lazy(type, header);
    for (const participant of room.participants()) {
      if (storageReadAllowed(participant.claims.api, path)) participant.connection.sendFrames(frames());
    }
  }
}
