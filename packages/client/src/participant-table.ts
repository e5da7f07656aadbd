import { createRemoteParticipant, type RemoteParticipant } from './remote-participant.js';
import { sameAttributes } from './same-attributes.js';

/** An attribute change: the new snapshot and the one it replaced. */
export interface ParticipantUpdate {
  participant: RemoteParticipant;
  previous: RemoteParticipant;
}

export interface TableChanges {
  added: RemoteParticipant[];
  removed: RemoteParticipant[];
  updated: ParticipantUpdate[];
}

const EMPTY_LIST: readonly RemoteParticipant[] = Object.freeze([]);
const none = (): TableChanges => ({ added: [], removed: [], updated: [] });

/**
 * The remote participants messaging knows about. `list` is a frozen array rebuilt only when the
 * table changes; entries that did not change keep their object identity.
 *
 * @example
 * const table = new ParticipantTable();
 * const { added } = table.replace([createRemoteParticipant('p2', 'user', { name: 'bob' })]);
 * table.findByName('bob') === added[0]; // true
 */
export class ParticipantTable {
  readonly #byId = new Map<string, RemoteParticipant>();
  #list: readonly RemoteParticipant[] = EMPTY_LIST;

  get list(): readonly RemoteParticipant[] {
    return this.#list;
  }

  get(id: string): RemoteParticipant | undefined {
    return this.#byId.get(id);
  }

  findByName(name: string): RemoteParticipant | undefined {
    return this.#list.find((participant) => participant.name === name);
  }

  /** Makes the table equal to `participants` (a `messaging.enabled` push) and reports the difference. */
  replace(participants: readonly RemoteParticipant[]): TableChanges {
    const changes = none();
    const next = new Map<string, RemoteParticipant>();
    for (const incoming of participants) {
      const previous = this.#byId.get(incoming.id);
      if (previous === undefined) {
        changes.added.push(incoming);
        next.set(incoming.id, incoming);
      } else if (previous.role !== incoming.role || !sameAttributes(previous.attributes, incoming.attributes)) {
        changes.updated.push({ participant: incoming, previous });
        next.set(incoming.id, incoming);
      } else {
        next.set(incoming.id, previous);
      }
    }
    for (const [id, previous] of this.#byId) if (!next.has(id)) changes.removed.push(previous);
    if (changes.added.length + changes.removed.length + changes.updated.length === 0) return changes;
    this.#byId.clear();
    for (const [id, participant] of next) this.#byId.set(id, participant);
    this.#rebuild();
    return changes;
  }

  /** Adds a participant or replaces its entry (a `participant.enabled` push). */
  upsert(participant: RemoteParticipant): TableChanges {
    const previous = this.#byId.get(participant.id);
    if (previous !== undefined && previous.role === participant.role && sameAttributes(previous.attributes, participant.attributes)) {
      return none();
    }
    this.#byId.set(participant.id, participant);
    this.#rebuild();
    const changes = none();
    if (previous === undefined) changes.added.push(participant);
    else changes.updated.push({ participant, previous });
    return changes;
  }

  remove(id: string): TableChanges {
    const previous = this.#byId.get(id);
    const changes = none();
    if (previous === undefined) return changes;
    this.#byId.delete(id);
    this.#rebuild();
    changes.removed.push(previous);
    return changes;
  }

  /** Merges changed attributes into one participant (a `participant.attributes` push). */
  mergeAttributes(id: string, attributes: Readonly<Record<string, unknown>>): TableChanges {
    const previous = this.#byId.get(id);
    const changes = none();
    if (previous === undefined) return changes;
    const merged = { ...previous.attributes, ...attributes };
    if (sameAttributes(merged, previous.attributes)) return changes;
    const participant = createRemoteParticipant(id, previous.role, merged);
    this.#byId.set(id, participant);
    this.#rebuild();
    changes.updated.push({ participant, previous });
    return changes;
  }

  clear(): TableChanges {
    const changes = none();
    changes.removed.push(...this.#list);
    this.#byId.clear();
    this.#rebuild();
    return changes;
  }

  #rebuild(): void {
    this.#list = this.#byId.size === 0 ? EMPTY_LIST : Object.freeze([...this.#byId.values()]);
  }
}
