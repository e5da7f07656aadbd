import type { Logger } from './logger.js';
import { Room, type RoomOptions } from './room.js';

/**
 * Rooms by name: provisioned when the first participant arrives, released `releaseGraceMs` after
 * the last one leaves (a quick reconnect keeps the same room session).
 */
export class RoomRegistry {
  readonly #rooms = new Map<string, Room>();
  readonly #releaseTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Releases still writing (documents to storage), so shutdown can wait for them. */
  readonly #releasing = new Set<Promise<void>>();

  constructor(
    private readonly create: (name: string, url: string) => Room,
    private readonly releaseGraceMs: number,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.#rooms.size;
  }

  get(name: string): Room | undefined {
    return this.#rooms.get(name);
  }

  /** A copy of the live rooms, safe to iterate while rooms change. */
  all(): Room[] {
    return [...this.#rooms.values()];
  }

  /** The live room of that name, provisioned if needed; cancels a pending release. */
  acquire(name: string, url: string): Room {
    this.#cancelRelease(name);
    let room = this.#rooms.get(name);
    if (!room) {
      room = this.create(name, url);
      this.#rooms.set(name, room);
      this.logger.info('room provisioned', { room: name, session: room.sessionId });
    }
    return room;
  }

  /** Schedules the release of an empty room, `releaseGraceMs` after this (the latest) leave. */
  releaseIfEmpty(room: Room): void {
    if (room.size > 0 || this.#rooms.get(room.name) !== room) return;
    // A timer left over from a moment the room was briefly empty (a participant replaced by its
    // own reconnect) must not cut this grace short.
    this.#cancelRelease(room.name);
    const timer = setTimeout(() => {
      this.#releaseTimers.delete(room.name);
      if (room.size === 0 && this.#rooms.get(room.name) === room) void this.#release(room);
    }, this.releaseGraceMs);
    timer.unref?.();
    this.#releaseTimers.set(room.name, timer);
  }

  /** Releases every room now (shutdown) and waits for every release in flight to finish. */
  async releaseAll(): Promise<void> {
    for (const room of this.all()) {
      this.#cancelRelease(room.name);
      void this.#release(room);
    }
    await Promise.all([...this.#releasing]);
  }

  #release(room: Room): Promise<void> {
    this.#rooms.delete(room.name);
    this.logger.info('room released', { room: room.name, session: room.sessionId });
    const released = room.release();
    this.#releasing.add(released);
    return released.finally(() => this.#releasing.delete(released));
  }

  #cancelRelease(name: string): void {
    const timer = this.#releaseTimers.get(name);
    if (timer) clearTimeout(timer);
    this.#releaseTimers.delete(name);
  }
}

export type { RoomOptions };
