import type * as Y from 'yjs';
import type { JsonValue } from './element-type.js';

// Yjs types XmlElement attributes as strings by default, and its other signatures (insert,
// parent, children) only accept that default. MeshAgent stores any JSON value as an attribute,
// so the casts live here, in one place, and elements keep the default type everywhere else.

export function getAttribute(element: Y.XmlElement, name: string): JsonValue | undefined {
  return element.getAttribute(name) as JsonValue | undefined;
}

export function getAttributes(element: Y.XmlElement): Record<string, JsonValue> {
  return element.getAttributes() as Record<string, JsonValue>;
}

export function setAttribute(element: Y.XmlElement, name: string, value: JsonValue): void {
  element.setAttribute(name, value as string);
}
