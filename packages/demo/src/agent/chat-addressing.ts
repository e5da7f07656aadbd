/** A chat message the Helper should answer. */
export interface AddressedMessage {
  /** The text without the mention (and the punctuation after it). */
  text: string;
  /** Sent to the Helper alone: the reply goes back to the sender only. */
  direct: boolean;
}

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Decides whether a `chat` message body is for the agent called `name`: it mentions `@name`
 * (any case, as a whole word), or it is marked `direct: true` (how a client that sends it to the
 * agent alone says so: a delivered message does not tell a direct send from a broadcast).
 * Streamed replies (`stream` in the body) are never answered, so agents cannot talk in circles.
 *
 * @example
 * addressedTo({ text: '@Helper, add todo milk' }, 'Helper'); // { text: 'add todo milk', direct: false }
 * addressedTo({ text: 'hi all' }, 'Helper'); // null
 */
export function addressedTo(body: Readonly<Record<string, unknown>>, name: string): AddressedMessage | null {
  const text = body['text'];
  if (typeof text !== 'string' || body['stream'] !== undefined) return null;
  const mention = new RegExp(`(^|[^\\w@])@${escapeRegExp(name)}(?![\\w-])[\\s,:;.!?-]*`, 'giu');
  const mentioned = mention.test(text);
  const direct = body['direct'] === true;
  if (!mentioned && !direct) return null;
  const stripped = text.replace(mention, (_match, before: string) => before).replace(/\s+/g, ' ').trim();
  return { text: stripped, direct };
}
