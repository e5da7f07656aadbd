import { RoomError } from '@convene/protocol';
import * as Y from 'yjs';
import { describe, elementToJson, validateElementJson, type ElementJson, type ToJsonOptions } from './document-json.js';
import type { ElementType, JsonValue } from './element-type.js';
import type { MeshDocument } from './mesh-document.js';
import { MeshText } from './mesh-text.js';
import { SchemaError } from './schema-error.js';
import { uuidV4 } from './uuid.js';
import { getAttribute, getAttributes, setAttribute } from './xml-attributes.js';

/**
 * An element of a MeshDocument: a `Y.XmlElement` named by its tag, with a `$id` and attributes
 * (PROTOCOL.md §5.2). Every change is checked against the schema first and throws a
 * `SchemaError` without changing anything when it does not fit.
 *
 * @example
 * const item = doc.root.createChildElement('item', { label: 'milk' });
 * item.setAttribute('done', true);
 * item.delete();
 */
export class MeshElement {
  readonly document: MeshDocument;
  readonly tagName: string;
  /** The `$id` attribute (null for the root). Kept after a deletion, which clears attributes. */
  readonly id: string | null;
  readonly #y: Y.XmlElement;

  /** @internal Use `document.root` and the navigation methods. */
  constructor(document: MeshDocument, element: Y.XmlElement, tagName: string) {
    this.document = document;
    this.#y = element;
    this.tagName = tagName;
    const id = getAttribute(element, '$id');
    this.id = typeof id === 'string' ? id : null;
  }


  get elementType(): ElementType {
    return this.document.schema.element(this.tagName);
  }

  get parent(): MeshElement | null {
    const parent = this.#y.parent;
    return parent instanceof Y.XmlElement ? this.document.elementFor(parent) : null;
  }

  /** False once this element (or an ancestor) was deleted, here or by anyone else. */
  get isAlive(): boolean {
    return !(this.#y._item?.deleted ?? false);
  }

  getAttribute(name: string): JsonValue | undefined {
    return getAttribute(this.#y, name);
  }

  /** All attributes, `$id` included. */
  get attributes(): Readonly<Record<string, JsonValue>> {
    return getAttributes(this.#y);
  }

  setAttribute(name: string, value: JsonValue): void {
    this.#alive();
    checkAttribute(this.elementType, name, value);
    this.document.transact(() => setAttribute(this.#y, name, value));
  }

  removeAttribute(name: string): void {
    this.#alive();
    if (name === '$id') throw new SchemaError('unknown_attribute', 'an element keeps its "$id"');
    this.document.transact(() => this.#y.removeAttribute(name));
  }

  /** Child elements, in order. */
  getChildren(): MeshElement[] {
    const out: MeshElement[] = [];
    for (const child of this.#y.toArray()) if (child instanceof Y.XmlElement) out.push(this.document.elementFor(child));
    return out;
  }

  /** The text of a `text` element; null for other elements. */
  get text(): MeshText | null {
    const first = this.#y.firstChild;
    return this.tagName === 'text' && first instanceof Y.XmlText ? new MeshText(first, () => this.#alive()) : null;
  }

  /** Appends a child; `attributes` are checked against the child's element type. */
  createChildElement(tagName: string, attributes: Record<string, JsonValue> = {}, options: { id?: string } = {}): MeshElement {
    return this.createChildElementAt(this.#y.length, tagName, attributes, options);
  }

  createChildElementAt(index: number, tagName: string, attributes: Record<string, JsonValue> = {}, options: { id?: string } = {}): MeshElement {
    this.#alive();
    this.#checkChild(tagName);
    const child = buildElement(this.document.schema.element(tagName), { ...attributes, ...(options.id ? { $id: options.id } : {}) });
    this.document.transact(() => this.#y.insert(Math.max(0, Math.min(index, this.#y.length)), [child]));
    return this.document.elementFor(child);
  }

  /** Appends an element (and its children) given in MeshAgent's JSON shape, in one change. */
  appendJson(json: ElementJson): MeshElement {
    this.#alive();
    const childType = this.elementType.childProperty;
    validateElementJson(this.document.schema, json, childType?.childTagNames ?? []);
    const child = fromJson(this.document, json);
    this.document.transact(() => this.#y.insert(this.#y.length, [child]));
    return this.document.elementFor(child);
  }

  /** Removes this element and everything under it. */
  delete(): void {
    this.#alive();
    const parent = this.#y.parent;
    if (!(parent instanceof Y.XmlElement) || this.#y === this.document.rootElement) {
      throw new RoomError('bad_request', 'the root element cannot be deleted');
    }
    const index = parent.toArray().indexOf(this.#y);
    this.document.transact(() => parent.delete(index, 1));
  }

  /** This element or a descendant with the given `$id`. */
  getElementById(id: string): MeshElement | null {
    if (typeof id !== 'string') return null;
    if (this.id === id) return this;
    for (const node of this.#y.createTreeWalker((n) => n instanceof Y.XmlElement && getAttribute(n, '$id') === id)) {
      return this.document.elementFor(node as Y.XmlElement);
    }
    return null;
  }

  toJson(options: ToJsonOptions = {}): ElementJson {
    return elementToJson(this.#y, this.tagName, this.document.schema, options);
  }

  #checkChild(tagName: string): void {
    const childProperty = this.elementType.childProperty;
    if (!childProperty) throw new SchemaError('child_not_allowed', `"${this.tagName}" cannot have children`);
    if (!childProperty.isTagAllowed(tagName)) {
      this.document.schema.element(tagName); // an unknown tag says so first
      throw new SchemaError('child_not_allowed', `"${tagName}" is not allowed inside "${this.tagName}"`);
    }
  }

  #alive(): void {
    if (!this.isAlive) throw new RoomError('not_found', `this "${this.tagName}" element was deleted`);
  }
}

function checkAttribute(type: ElementType, name: string, value: unknown): void {
  if (name === '$id') throw new SchemaError('unknown_attribute', 'an element keeps its "$id"');
  const property = type.property(name);
  if (!property || property.kind !== 'value') {
    throw new SchemaError('unknown_attribute', `"${name}" is not an attribute of "${type.tagName}"`);
  }
  if (!property.accepts(value)) {
    throw new SchemaError('invalid_value', `"${type.tagName}.${name}" must be ${describe(property.type, property.enumValues)}`);
  }
}

/** A detached element (not yet in the document): attributes checked, `$id` given, text child for `text`. */
function buildElement(type: ElementType, attributes: Record<string, JsonValue>, text = ''): Y.XmlElement {
  const element = new Y.XmlElement(type.tagName);
  const id = attributes['$id'];
  setAttribute(element, '$id', typeof id === 'string' && id.length > 0 ? id : uuidV4());
  for (const [name, value] of Object.entries(attributes)) {
    if (name === '$id' || value === undefined) continue;
    checkAttribute(type, name, value);
    setAttribute(element, name, value);
  }
  // MeshAgent's model: the text of a `text` element is its only child, a Y.XmlText.
  if (type.tagName === 'text') element.insert(0, [new Y.XmlText(text)]);
  return element;
}

/** Builds validated JSON into detached elements. */
function fromJson(document: MeshDocument, json: ElementJson): Y.XmlElement {
  const tagName = Object.keys(json)[0]!;
  const type = document.schema.element(tagName);
  const body = json[tagName] ?? {};
  const attributes: Record<string, JsonValue> = {};
  let children: readonly JsonValue[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === type.childPropertyName) children = value as JsonValue[];
    else if (key !== '$text') attributes[key] = value;
  }
  const element = buildElement(type, attributes, typeof body['$text'] === 'string' ? body['$text'] : '');
  if (children.length > 0) element.insert(0, children.map((child) => fromJson(document, child as ElementJson)));
  return element;
}
