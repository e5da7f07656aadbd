import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { RoomError, isPlainObject } from '@convene/protocol';
import type { DocumentSchema, ElementRule } from './document-schema.js';

/** Far deeper than any real document, far below the stack limit of this recursion. */
const MAX_DEPTH = 128;

/**
 * Fills an empty document from JSON in MeshAgent's shape (`{<root>: {<attr>: v, <children>:
 * [{<tag>: {…}}]}}`, PROTOCOL.md §5.2): children become `Y.XmlElement`s named by tag with a `$id`
 * (kept when the JSON gives one), a `text` element gets its `Y.XmlText` (initial text from the
 * Convene extension `$text`). Everything is checked against the schema before the document is
 * touched, so a bad JSON leaves it empty; problems are `RoomError('bad_request')`.
 */
export function populateDocument(doc: Y.Doc, schema: DocumentSchema, json: unknown): void {
  const rootRule = schema.elements.get(schema.root)!;
  const body = elementBody(json, schema.root, 'the document JSON');
  const attributes: [string, unknown][] = [];
  const children: Y.XmlElement[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === '$id') continue; // the root has no id in MeshAgent's model
    if (key === rootRule.childProperty) children.push(...buildChildren(value, rootRule, schema, 1));
    else attributes.push([checkAttribute(rootRule, key), value]);
  }
  const root = doc.get('xml', Y.XmlElement);
  doc.transact(() => {
    for (const [name, value] of attributes) setAttribute(root, name, value);
    if (children.length > 0) root.insert(root.length, children);
  });
}

function buildChildren(value: unknown, parent: ElementRule, schema: DocumentSchema, depth: number): Y.XmlElement[] {
  if (!Array.isArray(value)) throw bad(`"${parent.tag}.${parent.childProperty}" must be an array`);
  if (depth > MAX_DEPTH) throw bad(`the document JSON is nested more than ${MAX_DEPTH} levels`);
  return value.map((child) => {
    const tag = isPlainObject(child) && Object.keys(child).length === 1 ? Object.keys(child)[0]! : undefined;
    if (tag === undefined) throw bad(`each child of "${parent.tag}" must be an object with one key, its tag`);
    if (!parent.childTags.has(tag)) throw bad(`"${tag}" is not allowed inside "${parent.tag}"`);
    return buildElement(tag, (child as Record<string, unknown>)[tag], schema, depth);
  });
}

function buildElement(tag: string, json: unknown, schema: DocumentSchema, depth: number): Y.XmlElement {
  const rule = schema.elements.get(tag)!;
  const body = elementBody({ [tag]: json }, tag, `"${tag}"`);
  const element = new Y.XmlElement(tag);
  const id = body['$id'];
  element.setAttribute('$id', typeof id === 'string' && id.length > 0 ? id : randomUUID());
  let children: Y.XmlElement[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === '$id' || (key === '$text' && tag === 'text')) continue;
    if (key === rule.childProperty) children = buildChildren(value, rule, schema, depth + 1);
    else setAttribute(element, checkAttribute(rule, key), value);
  }
  if (tag === 'text') {
    const text = body['$text'];
    if (text !== undefined && typeof text !== 'string') throw bad('"$text" must be a string');
    element.insert(0, [new Y.XmlText(text ?? '')]);
  } else if (children.length > 0) {
    element.insert(0, children);
  }
  return element;
}

function elementBody(json: unknown, tag: string, what: string): Record<string, unknown> {
  if (!isPlainObject(json) || Object.keys(json).length !== 1 || !Object.hasOwn(json, tag)) {
    throw bad(`${what} must be an object with the single key "${tag}"`);
  }
  const body = json[tag];
  if (body === null || body === undefined) return {};
  if (!isPlainObject(body)) throw bad(`the value of "${tag}" must be an object`);
  return body;
}

/** Yjs types attribute values as strings by default; MeshAgent stores any JSON value as is. */
function setAttribute(element: Y.XmlElement, name: string, value: unknown): void {
  element.setAttribute(name, value as string);
}

function checkAttribute(rule: ElementRule, name: string): string {
  if (!rule.attributes.has(name)) throw bad(`"${name}" is not an attribute of "${rule.tag}" in the schema`);
  return name;
}

function bad(message: string): RoomError {
  return new RoomError('bad_request', message);
}
