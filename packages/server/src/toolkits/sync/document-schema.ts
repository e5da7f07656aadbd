import { RoomError, isPlainObject } from '@convene/protocol';

/** What the server needs to know about one element type of a MeshSchema. */
export interface ElementRule {
  tag: string;
  /** The property holding the children, if this element may have any. */
  childProperty: string | null;
  childTags: ReadonlySet<string>;
  attributes: ReadonlySet<string>;
}

/**
 * A MeshSchema (PROTOCOL.md §5.2) as the server reads it: the original JSON, which is sent back
 * verbatim in the `state` reply, plus the element rules needed to build a document from JSON.
 * The server validates the JSON as strictly as MeshAgent's `MeshSchema.fromJson` would, so a
 * schema it accepts never makes a client's `open()` fail afterwards.
 */
export interface DocumentSchema {
  json: Record<string, unknown>;
  root: string;
  elements: ReadonlyMap<string, ElementRule>;
}

const REF_PREFIX = '#/$defs/';
const VALUE_TYPES = new Set(['string', 'number', 'boolean', 'null']);

/** Reads MeshSchema JSON (`$root_tag_ref` + `$defs`); throws `RoomError('bad_request')` when malformed. */
export function parseDocumentSchema(json: unknown): DocumentSchema {
  if (!isPlainObject(json)) throw invalid('a schema must be a JSON object');
  const rootRef = json['$root_tag_ref'];
  const defs = json['$defs'];
  if (typeof rootRef !== 'string') throw invalid('"$root_tag_ref" must be a string');
  if (!isPlainObject(defs)) throw invalid('"$defs" must be an object');
  const elements = new Map<string, ElementRule>();
  for (const def of Object.values(defs)) {
    const rule = parseElement(def);
    if (elements.has(rule.tag)) throw invalid(`element "${rule.tag}" is defined twice`);
    elements.set(rule.tag, rule);
  }
  const root = stripRef(rootRef);
  if (!elements.has(root)) throw invalid(`the root element "${root}" is not in "$defs"`);
  for (const rule of elements.values()) {
    for (const child of rule.childTags) {
      if (!elements.has(child)) throw invalid(`"${rule.tag}" allows the child "${child}", which is not in "$defs"`);
    }
  }
  return { json, root, elements };
}

function parseElement(def: unknown): ElementRule {
  const outer = isPlainObject(def) ? def['properties'] : undefined;
  if (!isPlainObject(outer)) throw invalid('each "$defs" entry needs "properties"');
  const first = Object.entries(outer)[0];
  if (!first) throw invalid('each "$defs" entry needs one tag in "properties"');
  const [tag, body] = first;
  const props = isPlainObject(body) ? body['properties'] : undefined;
  if (!isPlainObject(props)) throw invalid(`element "${tag}" needs "properties"`);
  let childProperty: string | null = null;
  let childTags = new Set<string>();
  const attributes = new Set<string>();
  for (const [name, prop] of Object.entries(props)) {
    if (!isPlainObject(prop)) throw invalid(`property "${tag}.${name}" must be an object`);
    const type = Array.isArray(prop['type']) ? prop['type'][0] : prop['type'];
    if (type === 'array') {
      if (childProperty !== null) throw invalid(`element "${tag}" has more than one child property`);
      childProperty = name;
      childTags = new Set(childRefs(prop, `${tag}.${name}`));
    } else if (typeof type === 'string' && VALUE_TYPES.has(type)) {
      attributes.add(name);
    } else {
      throw invalid(`property "${tag}.${name}" has an unsupported type`);
    }
  }
  return { tag, childProperty, childTags, attributes };
}

/** Child tags from `prefixItems` (ordered) or `items.anyOf` (unordered), as MeshAgent writes them. */
function childRefs(prop: Record<string, unknown>, where: string): string[] {
  const items = prop['prefixItems'] ?? (isPlainObject(prop['items']) ? prop['items']['anyOf'] : undefined);
  if (!Array.isArray(items)) throw invalid(`child property "${where}" needs "prefixItems" or "items.anyOf"`);
  return items.map((item) => {
    const ref = isPlainObject(item) ? item['$ref'] : undefined;
    if (typeof ref !== 'string') throw invalid(`child property "${where}" has an item without "$ref"`);
    return stripRef(ref);
  });
}

function stripRef(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}

function invalid(message: string): RoomError {
  return new RoomError('bad_request', `invalid schema: ${message}`);
}
