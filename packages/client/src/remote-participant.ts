import { isPlainObject } from '@convene/protocol';

/**
 * Another participant in the room, as an immutable snapshot. An attribute change replaces the
 * object for that participant only, so `===` tells a UI whether to re-render it.
 */
export interface RemoteParticipant {
  readonly id: string;
  readonly role: string;
  /** The `name` attribute, or null. */
  readonly name: string | null;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export function createRemoteParticipant(
  id: string,
  role: string,
  attributes: Readonly<Record<string, unknown>>,
): RemoteParticipant {
  const frozen = Object.isFrozen(attributes) ? attributes : Object.freeze({ ...attributes });
  const name = frozen['name'];
  return Object.freeze({ id, role, name: typeof name === 'string' ? name : null, attributes: frozen });
}

/** Reads a `{id, role, attributes}` entry from a messaging push; null when it is malformed. */
export function parseParticipantInfo(value: unknown): RemoteParticipant | null {
  if (!isPlainObject(value) || typeof value['id'] !== 'string') return null;
  const role = typeof value['role'] === 'string' ? value['role'] : 'user';
  const attributes = isPlainObject(value['attributes']) ? value['attributes'] : {};
  return createRemoteParticipant(value['id'], role, attributes);
}
