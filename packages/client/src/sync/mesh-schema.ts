import { ElementType } from './element-type.js';
import { SchemaError } from './schema-error.js';

/** MeshSchema JSON as it travels in `sync.open` (PROTOCOL.md §5.2). */
export interface MeshSchemaJson {
  $root_tag_ref: string;
  $defs: Record<string, unknown>;
  [key: string]: unknown;
}

const REF_PREFIX = '#/$defs/';

/**
 * The shape of a document: element types by tag, which one is the root, which children and
 * attributes each allows. Documents check every local change against it before making it.
 * `fromJson`/`toJson` use MeshAgent's form (`$root_tag_ref` + `$defs`), so a schema built here and
 * one built with MeshAgent's classes are interchangeable.
 *
 * @example
 * const schema = new MeshSchema({
 *   rootTagName: 'doc',
 *   elements: [
 *     new ElementType({ tagName: 'doc', properties: [new ChildProperty({ name: 'items', childTagNames: ['item'] })] }),
 *     new ElementType({ tagName: 'item', properties: [new ValueProperty({ name: 'label', type: 'string' })] }),
 *   ],
 * });
 */
export class MeshSchema {
  readonly rootTagName: string;
  readonly elements: readonly ElementType[];
  readonly #byTag = new Map<string, ElementType>();

  constructor(options: { rootTagName: string; elements: readonly ElementType[] }) {
    this.rootTagName = options.rootTagName;
    this.elements = [...options.elements];
    for (const element of this.elements) {
      if (this.#byTag.has(element.tagName)) throw invalid(`"${element.tagName}" is defined more than once`);
      this.#byTag.set(element.tagName, element);
    }
    if (!this.#byTag.has(this.rootTagName)) throw invalid(`the root "${this.rootTagName}" is not one of the elements`);
    for (const element of this.elements) {
      for (const child of element.childProperty?.childTagNames ?? []) {
        if (!this.#byTag.has(child)) throw invalid(`"${element.tagName}" allows the child "${child}", which is not defined`);
      }
    }
  }

  get root(): ElementType {
    return this.#byTag.get(this.rootTagName)!;
  }

  /** The element type of a tag; throws `SchemaError('unknown_element')` for a tag the schema lacks. */
  element(tagName: string): ElementType {
    const element = this.#byTag.get(tagName);
    if (!element) throw new SchemaError('unknown_element', `the schema has no element "${tagName}"`);
    return element;
  }

  hasElement(tagName: string): boolean {
    return this.#byTag.has(tagName);
  }

  /** Reads MeshAgent's JSON form; throws `SchemaError('invalid_schema')` when malformed. */
  static fromJson(json: unknown): MeshSchema {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid('a schema must be a JSON object');
    const { $root_tag_ref: rootRef, $defs: defs } = json as Record<string, unknown>;
    if (typeof rootRef !== 'string') throw invalid('"$root_tag_ref" must be a string');
    if (typeof defs !== 'object' || defs === null || Array.isArray(defs)) throw invalid('"$defs" must be an object');
    const rootTagName = rootRef.startsWith(REF_PREFIX) ? rootRef.slice(REF_PREFIX.length) : rootRef;
    return new MeshSchema({ rootTagName, elements: Object.values(defs).map((def) => ElementType.fromJson(def)) });
  }

  /** MeshAgent's JSON form: `$root_tag_ref`, `$defs` by tag, and the root element's own JSON schema. */
  toJson(): MeshSchemaJson {
    const $defs: Record<string, unknown> = {};
    for (const element of this.elements) $defs[element.tagName] = element.toJson();
    return { $root_tag_ref: `${REF_PREFIX}${this.rootTagName}`, $defs, ...this.root.toJson() };
  }
}

function invalid(message: string): SchemaError {
  return new SchemaError('invalid_schema', `invalid schema: ${message}`);
}
