import { ConveneError, EMPTY_CONTENT, RoomError, errorContent, type Content } from '@convene/protocol';
import type { Logger } from '../../logger.js';
import type { Participant } from '../../participant.js';
import { QueueLine, type Waiter } from './queue-line.js';
import type { QueueStore, TakenMessage } from './queue-store.js';

/** Waiting receives one connection may hold at once (each is a pending request on the server). */
const MAX_WAITING_PER_CONNECTION = 256;
/** Deliveries a participant may still give back with `send {front, receive_id}`. */
const DELIVERIES_REMEMBERED = 64;

/** Where a message delivered for a `receive_id` came from, so giving it back restores its place. */
export interface Delivery {
  room: string;
  queue: string;
  seq: string;
}

interface ParticipantReceives {
  /** Each waiter with its line: it is only ever removed through the line (a take may be in flight). */
  waiting: Map<Waiter, QueueLine>;
  byId: Map<string, Waiter>;
  delivered: Map<string, Delivery>;
  /** Waiting receives between their arrival and their wait (true once cancelled in between). */
  arriving: Map<string, boolean>;
}

/**
 * Every waiting `receive` of the server, in memory: one {@link QueueLine} per room and queue
 * (forgotten when idle), and per participant its waiters (dropped the moment its connection
 * closes, before any of them can take a message) and its recent deliveries by `receive_id`.
 */
export class QueueWaiters {
  readonly #store: QueueStore;
  readonly #logger: Logger;
  readonly #lines = new Map<string, QueueLine>();
  readonly #participants = new WeakMap<Participant, ParticipantReceives>();

  constructor(store: QueueStore, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  /** Waits for a message on `room`/`queue`; resolves with its `json` Content or `empty`. */
  wait(participant: Participant, room: string, queue: string, receiveId: string | undefined): Promise<Content> {
    const receives = this.#receives(participant);
    // Closed, or shutting down: a wait would only hold the drain (or never be answered).
    if (participant.connection.closed || participant.connection.stoppedReading) return Promise.resolve(EMPTY_CONTENT);
    if (receives.waiting.size >= MAX_WAITING_PER_CONNECTION) {
      throw new RoomError('rate_limited', `at most ${MAX_WAITING_PER_CONNECTION} receives may wait at once`);
    }
    if (receiveId !== undefined && receives.byId.has(receiveId)) throw new RoomError('bad_request', `receive "${receiveId}" is already waiting`);
    if (receiveId !== undefined && receives.arriving.has(receiveId)) {
      const cancelled = receives.arriving.get(receiveId)!;
      receives.arriving.delete(receiveId);
      if (cancelled) return Promise.resolve(EMPTY_CONTENT);
    }
    const line = this.#line(room, queue);
    return new Promise<Content>((resolve) => {
      const waiter: Waiter = {
        participant,
        receiveId,
        cancelled: false,
        taking: false,
        settle: (content) => {
          receives.waiting.delete(waiter);
          if (receiveId !== undefined && receives.byId.get(receiveId) === waiter) receives.byId.delete(receiveId);
          resolve(content);
        },
      };
      receives.waiting.set(waiter, line);
      if (receiveId !== undefined) receives.byId.set(receiveId, waiter);
      line.add(waiter);
    });
  }

  /** A message was committed to `room`/`queue`: wake its line, if anyone waits there. */
  notify(room: string, queue: string): void {
    this.#lines.get(lineKey(room, queue))?.kick();
  }

  /**
   * A waiting receive arrived and looks up its queue before it waits: a `cancel_receive` right
   * behind it (our client's abort) would otherwise find nothing and the receive would wait on,
   * unanswered, for a message its caller has given up on (found by the fuzz). Call
   * {@link QueueWaiters.arrived} when the receive is done with its lookup, whatever the outcome.
   */
  arriving(participant: Participant, receiveId: string): void {
    this.#receives(participant).arriving.set(receiveId, false);
  }

  arrived(participant: Participant, receiveId: string): void {
    this.#participants.get(participant)?.arriving.delete(receiveId);
  }

  /** `cancel_receive`: true when that receive was still waiting (it is then answered `empty`). */
  cancel(participant: Participant, receiveId: string): boolean {
    const receives = this.#participants.get(participant);
    if (receives?.arriving.get(receiveId) === false) {
      receives.arriving.set(receiveId, true);
      return true;
    }
    const waiter = receives?.byId.get(receiveId);
    const line = waiter && receives!.waiting.get(waiter);
    if (waiter === undefined || line === undefined || waiter.cancelled) return false;
    line.remove(waiter);
    return true;
  }

  /** The queue was closed: its waiters are answered `empty` (a message they get later would be a new queue's). */
  closed(room: string, queue: string): void {
    const line = this.#lines.get(lineKey(room, queue));
    for (const waiter of line?.waiters() ?? []) line!.remove(waiter);
  }

  /** Remembers a delivery made for a `receive_id`, bounded per participant. */
  remember(participant: Participant, receiveId: string, delivery: Delivery): void {
    const delivered = this.#receives(participant).delivered;
    delivered.set(receiveId, delivery);
    if (delivered.size > DELIVERIES_REMEMBERED) delivered.delete(delivered.keys().next().value!);
  }

  /** A delivery being given back (one time): where it came from, if it was this participant's. */
  takeBack(participant: Participant, receiveId: string, room: string, queue: string): Delivery | undefined {
    const delivered = this.#participants.get(participant)?.delivered;
    const delivery = delivered?.get(receiveId);
    if (delivery === undefined || delivery.room !== room || delivery.queue !== queue) return undefined;
    delivered!.delete(receiveId);
    return delivery;
  }

  #receives(participant: Participant): ParticipantReceives {
    let receives = this.#participants.get(participant);
    if (receives === undefined) {
      const created: ParticipantReceives = { waiting: new Map(), byId: new Map(), delivered: new Map(), arriving: new Map() };
      this.#participants.set(participant, created);
      const cancelAll = () => {
        for (const [waiter, line] of [...created.waiting]) line.remove(waiter);
      };
      participant.connection.onClose(cancelAll);
      // A graceful shutdown answers long polls now (empty) instead of holding the drain.
      participant.connection.onStopReading(cancelAll);
      receives = created;
    }
    return receives;
  }

  #line(room: string, queue: string): QueueLine {
    const key = lineKey(room, queue);
    let line = this.#lines.get(key);
    if (line !== undefined) return line;
    const created = new QueueLine(
      {
        take: () => this.#store.take(room, queue),
        putBack: (message) => this.#putBack(room, queue, message),
      },
      {
        delivered: (waiter, message) => {
          if (waiter.receiveId !== undefined) this.remember(waiter.participant, waiter.receiveId, { room, queue, seq: message.seq });
          waiter.settle({ type: 'json', json: message.message });
        },
        failed: (waiter, error) => {
          if (!(error instanceof ConveneError)) this.#logger.error('queue receive failed', { room, queue, error: String(error) });
          waiter.settle(error instanceof ConveneError ? errorContent(error.code, error.message) : errorContent('internal', 'queues.receive failed'));
        },
        idle: () => {
          if (this.#lines.get(key) === created) this.#lines.delete(key);
        },
      },
    );
    this.#lines.set(key, created);
    return created;
  }

  async #putBack(room: string, queue: string, message: TakenMessage): Promise<void> {
    try {
      await this.#store.send(room, queue, JSON.stringify(message.message), false, { at: 'seq', seq: message.seq });
    } catch (error) {
      // not_found: the queue was closed meanwhile, and its messages with it.
      if (!(error instanceof RoomError && error.code === 'not_found')) {
        this.#logger.error('could not put back a message taken for a cancelled receive', { room, queue, error: String(error) });
      }
    }
  }
}

function lineKey(room: string, queue: string): string {
  // Room and queue names never contain NUL (both are validated), so the key is unambiguous.
  return `${room}\0${queue}`;
}
