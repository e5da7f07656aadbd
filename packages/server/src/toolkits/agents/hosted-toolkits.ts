import { randomUUID } from 'node:crypto';
import { RoomError, isPlainObject, jsonWithinDepth } from '@convene/protocol';
import type { Participant } from '../../participant.js';

/** A toolkit a participant hosts, as registered with `room.register_toolkit`. */
export interface HostedToolkit {
  id: string;
  name: string;
  host: Participant;
  public: boolean;
  title: string;
  description: string;
  thumbnailUrl: string | null;
  /** Tool descriptions as the host sent them: `{ <tool>: { description, title, input_spec?, … } }`. */
  tools: Record<string, Record<string, unknown>>;
}

const NAME = /^[A-Za-z0-9_.:-]{1,128}$/;
const MAX_PER_PARTICIPANT = 64;
/** Nesting allowed in tool descriptions (JSON schemas of their inputs): far above real use. */
const MAX_DESCRIPTION_DEPTH = 128;

/**
 * The participant-hosted toolkits of one room. Public toolkits are visible to and callable by
 * everyone (with the `agents` grant); private ones only by their host. A host's toolkits go away
 * when it leaves; a reconnecting host registers them again.
 */
export class HostedToolkits {
  readonly #byId = new Map<string, HostedToolkit>();

  /** Validates a `room.register_toolkit` header and adds the toolkit; returns its id. */
  register(host: Participant, header: Record<string, unknown>, isBuiltIn: (name: string) => boolean): string {
    const { name, title, description, tools, thumbnail_url: thumbnailUrl } = header;
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new RoomError('bad_request', 'a toolkit "name" is 1–128 characters of letters, digits and _ . : -');
    }
    if (isBuiltIn(name)) throw new RoomError('bad_request', `"${name}" is a built-in toolkit of the room`);
    if (!isPlainObject(tools) || Object.values(tools).some((tool) => !isPlainObject(tool))) {
      throw new RoomError('bad_request', 'toolkit "tools" must be an object of tool descriptions');
    }
    // Descriptions are re-serialized in every other participant's `room.list_toolkits` answer:
    // one nested thousands of levels deep overflowed the stack there and closed the lister's
    // connection (found by the fuzz), so a single host could break listing for the whole room.
    if (!jsonWithinDepth(tools, MAX_DESCRIPTION_DEPTH)) {
      throw new RoomError('bad_request', `toolkit "tools" may nest at most ${MAX_DESCRIPTION_DEPTH} levels`);
    }
    const mine = [...this.#byId.values()].filter((t) => t.host === host);
    if (mine.length >= MAX_PER_PARTICIPANT) throw new RoomError('rate_limited', `at most ${MAX_PER_PARTICIPANT} toolkits per participant`);
    // Registering a name again replaces the host's previous registration (a restarted agent).
    for (const previous of mine) if (previous.name === name) this.#byId.delete(previous.id);
    const id = randomUUID();
    this.#byId.set(id, {
      id,
      name,
      host,
      public: header['public'] === true,
      title: typeof title === 'string' ? title : name,
      description: typeof description === 'string' ? description : '',
      thumbnailUrl: typeof thumbnailUrl === 'string' ? thumbnailUrl : null,
      tools: tools as Record<string, Record<string, unknown>>,
    });
    return id;
  }

  unregister(host: Participant, id: unknown): void {
    const toolkit = typeof id === 'string' ? this.#byId.get(id) : undefined;
    if (!toolkit || toolkit.host !== host) throw new RoomError('not_found', `no toolkit registered by you with id "${String(id)}"`);
    this.#byId.delete(toolkit.id);
  }

  removeHost(host: Participant): void {
    for (const toolkit of [...this.#byId.values()]) if (toolkit.host === host) this.#byId.delete(toolkit.id);
  }

  /** The toolkit a call by `caller` reaches: on `participantId` if given, else a public one, else the caller's own. */
  find(name: string, caller: Participant, participantId?: string): HostedToolkit | undefined {
    let fallback: HostedToolkit | undefined;
    for (const toolkit of this.#byId.values()) {
      if (toolkit.name !== name || !this.#visible(toolkit, caller)) continue;
      if (participantId !== undefined) {
        if (toolkit.host.id === participantId) return toolkit;
        continue;
      }
      if (toolkit.public) return toolkit;
      fallback ??= toolkit;
    }
    return fallback;
  }

  /**
   * The `room.list_toolkits` reply body, optionally only one host's toolkits; `listed` leaves out
   * those the caller's grant may not see (`allowed_toolkits`).
   */
  describe(
    caller: Participant,
    filter: { participantId?: string; participantName?: string },
    listed: (toolkit: HostedToolkit) => boolean = () => true,
  ): Record<string, unknown> {
    const tools: Record<string, unknown> = {};
    for (const toolkit of this.#byId.values()) {
      if (!this.#visible(toolkit, caller) || !listed(toolkit)) continue;
      if (filter.participantId !== undefined && toolkit.host.id !== filter.participantId) continue;
      if (filter.participantName !== undefined && toolkit.host.claims.name !== filter.participantName) continue;
      tools[toolkit.name] = {
        title: toolkit.title,
        description: toolkit.description,
        thumbnail_url: toolkit.thumbnailUrl,
        participant_id: toolkit.host.id,
        public: toolkit.public,
        tools: toolkit.tools,
      };
    }
    return { tools };
  }

  #visible(toolkit: HostedToolkit, caller: Participant): boolean {
    return toolkit.public || toolkit.host === caller;
  }
}
