import { RoomError } from '@convene/protocol';

/** What a refused mutation or schema got wrong; stable, for code that branches on it. */
export type SchemaErrorReason =
  | 'invalid_schema'
  | 'unknown_element'
  | 'child_not_allowed'
  | 'unknown_attribute'
  | 'invalid_value'
  | 'invalid_json';

/**
 * A document change (or a schema, or document JSON) the schema does not allow. Thrown before
 * anything is changed, so the document and the room never see it. It is a `RoomError` with code
 * `bad_request`; `reason` says which rule was broken.
 *
 * @example
 * try {
 *   doc.root.createChildElement('nope', {});
 * } catch (error) {
 *   if (error instanceof SchemaError && error.reason === 'child_not_allowed') showHint();
 * }
 */
export class SchemaError extends RoomError {
  readonly reason: SchemaErrorReason;

  constructor(reason: SchemaErrorReason, message: string) {
    super('bad_request', message);
    this.reason = reason;
  }
}
