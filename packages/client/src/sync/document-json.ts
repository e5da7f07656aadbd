import * as Y from 'yjs';
import type { JsonValue } from './element-type.js';
import type { MeshSchema } from './mesh-schema.js';
import { SchemaError } from './schema-error.js';
import { getAttributes } from './xml-attributes.js';

/**
 * An element in MeshAgent's JSON shape: `{<tag>: {<attribute>: value, <childProperty>: [elements]}}`.
 * Convene adds two reserved keys: `$id` (the element's id) and `$text` (a `text` element's text).
 */
export type ElementJson = { readonly [tagName: string]: { readonly [key: string]: JsonValue } };

export interface ToJsonOptions {
  /** Include each element's `$id` (default false, like MeshAgent's `to_json`). */
  includeIds?: boolean;
  /** Include a `text` element's text as `$text` (default false: MeshAgent's JSON has no text). */
  includeText?: boolean;
}

/**
 * An element and everything under it as JSON. With a `cache`, subtrees that did not change since
 * the last call are returned as the same (frozen) objects, which is what React needs to skip work.
 */
export function elementToJson(
  element: Y.XmlElement,
  tagName: string,
  schema: MeshSchema,
  options: ToJsonOptions,
  cache?: WeakMap<Y.XmlElement, ElementJson>,
): ElementJson {
  const cached = cache?.get(element);
  if (cached) return cached;
  const body: Record<string, JsonValue> = {};
  for (const [name, value] of Object.entries(getAttributes(element))) {
    if (name === '$id' && !options.includeIds) continue;
    if (value !== undefined) body[name] = cache ? freezeJson(value) : value;
  }
  const type = schema.hasElement(tagName) ? schema.element(tagName) : null;
  if (tagName === 'text' && options.includeText) {
    const text = element.firstChild;
    body['$text'] = text instanceof Y.XmlText ? text.toString() : '';
  }
  if (type?.childPropertyName) {
    const children: ElementJson[] = [];
    for (const child of element.toArray()) {
      if (child instanceof Y.XmlElement) children.push(elementToJson(child, child.nodeName, schema, options, cache));
    }
    body[type.childPropertyName] = cache ? Object.freeze(children) : children;
  }
  const json: ElementJson = { [tagName]: cache ? Object.freeze(body) : body };
  if (cache) cache.set(element, Object.freeze(json));
  return json;
}

/**
 * Checks document or element JSON against the schema without touching anything, so a bad
 * `initialJson` or `appendJson` fails locally with a `SchemaError` naming the problem.
 * `allowed` lists the tags acceptable at the top (the root tag for a document).
 */
export function validateElementJson(schema: MeshSchema, json: unknown, allowed: readonly string[], depth = 0): void {
  if (depth > 128) throw invalidJson('document JSON is nested too deeply');
  const keys = typeof json === 'object' && json !== null && !Array.isArray(json) ? Object.keys(json) : [];
  if (keys.length !== 1) throw invalidJson('an element in JSON is an object with exactly one key, its tag');
  const tagName = keys[0]!;
  if (!allowed.includes(tagName)) throw new SchemaError('child_not_allowed', `"${tagName}" is not allowed here (expected ${allowed.map((t) => `"${t}"`).join(' or ')})`);
  const type = schema.element(tagName);
  const body = (json as Record<string, unknown>)[tagName];
  if (body === null || body === undefined) return;
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidJson(`the value of "${tagName}" must be an object`);
  for (const [key, value] of Object.entries(body)) {
    if (key === '$id') {
      if (typeof value !== 'string') throw invalidJson('"$id" must be a string');
    } else if (key === '$text' && tagName === 'text') {
      if (typeof value !== 'string') throw invalidJson('"$text" must be a string');
    } else if (key === type.childPropertyName) {
      if (!Array.isArray(value)) throw invalidJson(`"${tagName}.${key}" must be an array`);
      for (const child of value) validateElementJson(schema, child, type.childProperty!.childTagNames, depth + 1);
    } else {
      const property = type.property(key);
      if (!property || property.kind !== 'value') throw new SchemaError('unknown_attribute', `"${key}" is not an attribute of "${tagName}"`);
      if (!property.accepts(value)) throw new SchemaError('invalid_value', `"${tagName}.${key}" must be ${describe(property.type, property.enumValues)}`);
    }
  }
}

export function describe(type: string, enumValues: readonly unknown[] | undefined): string {
  return enumValues ? `one of ${enumValues.map((v) => JSON.stringify(v)).join(', ')}` : `a ${type}`;
}

/** A frozen copy, so a snapshot can never be used to change what Yjs holds. */
function freezeJson(value: JsonValue): JsonValue {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return Object.freeze(value.map((item: JsonValue) => freezeJson(item)));
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) out[key] = freezeJson(item);
  return Object.freeze(out);
}

function invalidJson(message: string): SchemaError {
  return new SchemaError('invalid_json', message);
}
