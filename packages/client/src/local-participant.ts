import { MessageType, pack } from '@convene/protocol';
import { sameAttributes } from './same-attributes.js';
import type { RoomHost, Session } from './room-host.js';

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * This client's own participant. `attributes` is a frozen snapshot that keeps its reference until
 * an attribute changes, so UI code can read it with `useSyncExternalStore`. Values set here win
 * over the server's and are sent again in full after every reconnect.
 *
 * @example
 * client.localParticipant.setAttribute('color', 'teal');
 * client.localParticipant.attributes; // { name: 'alice', color: 'teal' }
 */
export class LocalParticipant {
  readonly #host: RoomHost;
  readonly #onChange: () => void;
  #id: string | null = null;
  #attributes: Readonly<Record<string, unknown>> = EMPTY;
  #overrides: Record<string, unknown> = {};

  constructor(host: RoomHost, onChange: () => void) {
    this.#host = host;
    this.#onChange = onChange;
    host.registerHooks({ sessionStarted: (session) => this.#adopt(session) });
  }

  /** The participant id from the server's `connected` message; null before the first connection. */
  get id(): string | null {
    return this.#id;
  }

  get attributes(): Readonly<Record<string, unknown>> {
    return this.#attributes;
  }

  /** The `name` attribute (the token's name on Convene servers). */
  get name(): string | null {
    const name = this.#attributes['name'];
    return typeof name === 'string' ? name : null;
  }

  getAttribute(name: string): unknown {
    return this.#attributes[name];
  }

  /** Sets an attribute locally and, when connected, tells the room (`set_attributes`). */
  setAttribute(name: string, value: unknown): void {
    this.#overrides[name] = value;
    this.#attributes = Object.freeze({ ...this.#attributes, [name]: value });
    this.#onChange();
    this.#host.send(MessageType.SetAttributes, pack({ [name]: value }));
  }

  #adopt(session: Session): void {
    const snapshot = { ...session.attributes, ...this.#overrides };
    const changed = session.participantId !== this.#id || !sameAttributes(snapshot, this.#attributes);
    this.#id = session.participantId;
    if (changed) this.#attributes = Object.freeze(snapshot);
    // A reconnect may land on a fresh server-side participant: restore everything we know.
    const hasOverrides = Object.keys(this.#overrides).length > 0;
    if ((session.isReconnect || hasOverrides) && Object.keys(snapshot).length > 0) {
      session.socket.send(MessageType.SetAttributes, pack(snapshot));
    }
    if (changed) this.#onChange();
  }
}

