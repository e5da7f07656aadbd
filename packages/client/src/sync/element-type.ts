import { SchemaError } from './schema-error.js';

/** Any JSON value: what an attribute may hold. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The simple attribute types of a MeshSchema. */
export type ValueType = 'string' | 'number' | 'boolean' | 'null';

const VALUE_TYPES: readonly string[] = ['string', 'number', 'boolean', 'null'];
const REF_PREFIX = '#/$defs/';
/** Element ids and the text of text elements travel under these keys in document JSON. */
const RESERVED = new Set(['$id', '$text']);

/** An attribute of an element: a simple type, optionally an enum; not required means it may be null. */
export class ValueProperty {
  readonly kind = 'value';
  readonly name: string;
  readonly type: ValueType;
  readonly required: boolean;
  readonly enumValues: readonly (string | number | boolean | null)[] | undefined;
  readonly description: string | undefined;

  constructor(options: { name: string; type: ValueType; required?: boolean; enumValues?: readonly (string | number | boolean | null)[]; description?: string }) {
    this.name = options.name;
    this.type = options.type;
    this.required = options.required ?? false;
    this.enumValues = options.enumValues;
    this.description = options.description;
  }

  /** True when `value` fits the type (and the enum, if any). */
  accepts(value: unknown): boolean {
    if (this.enumValues) return this.enumValues.includes(value as string);
    if (value === null) return !this.required || this.type === 'null';
    switch (this.type) {
      case 'string':
        return typeof value === 'string';
      case 'number':
        return typeof value === 'number' && Number.isFinite(value);
      case 'boolean':
        return typeof value === 'boolean';
      case 'null':
        return false;
    }
  }

  /** MeshAgent's JSON form: `{type}` if required, `{type: [type, "null"]}` if not, `{type, enum}`. */
  toJson(): Record<string, unknown> {
    const json: Record<string, unknown> =
      this.enumValues ? { type: this.type, enum: [...this.enumValues] }
      : this.required ? { type: this.type }
      : { type: [this.type, 'null'] };
    if (this.description) json['description'] = this.description;
    return json;
  }
}

/** The property of an element that holds its children, and which tags they may have. */
export class ChildProperty {
  readonly kind = 'children';
  readonly name: string;
  readonly childTagNames: readonly string[];
  /** MeshAgent's `prefixItems` form; the allowed tags are the same either way. */
  readonly ordered: boolean;
  readonly description: string | undefined;

  constructor(options: { name: string; childTagNames: readonly string[]; ordered?: boolean; description?: string }) {
    this.name = options.name;
    this.childTagNames = [...options.childTagNames];
    this.ordered = options.ordered ?? false;
    this.description = options.description;
  }

  isTagAllowed(tagName: string): boolean {
    return this.childTagNames.includes(tagName);
  }

  toJson(): Record<string, unknown> {
    const refs = this.childTagNames.map((tag) => ({ $ref: `${REF_PREFIX}${tag}` }));
    const json: Record<string, unknown> = this.description ? { description: this.description } : {};
    return this.ordered ? { ...json, type: 'array', prefixItems: refs, items: false } : { ...json, type: 'array', items: { anyOf: refs } };
  }
}

export type ElementProperty = ValueProperty | ChildProperty;

/**
 * One element of a MeshSchema: its tag, attributes and at most one child property.
 *
 * @example
 * new ElementType({ tagName: 'item', properties: [new ValueProperty({ name: 'label', type: 'string' })] });
 */
export class ElementType {
  readonly tagName: string;
  readonly description: string | undefined;
  readonly properties: readonly ElementProperty[];
  readonly childPropertyName: string | null;
  readonly #byName = new Map<string, ElementProperty>();

  constructor(options: { tagName: string; properties: readonly ElementProperty[]; description?: string }) {
    this.tagName = options.tagName;
    this.description = options.description;
    this.properties = [...options.properties];
    let childPropertyName: string | null = null;
    for (const property of this.properties) {
      if (this.#byName.has(property.name)) throw invalid(`"${this.tagName}" has the property "${property.name}" twice`);
      if (RESERVED.has(property.name)) throw invalid(`"${this.tagName}.${property.name}": "${property.name}" is reserved`);
      if (property.kind === 'children') {
        if (childPropertyName !== null) throw invalid(`"${this.tagName}" has more than one child property`);
        childPropertyName = property.name;
      }
      this.#byName.set(property.name, property);
    }
    this.childPropertyName = childPropertyName;
  }

  property(name: string): ElementProperty | undefined {
    return this.#byName.get(name);
  }

  get childProperty(): ChildProperty | null {
    return this.childPropertyName === null ? null : (this.#byName.get(this.childPropertyName) as ChildProperty);
  }

  /** Reads one `$defs` entry (`{properties: {<tag>: {properties: {…}}}}`), as MeshAgent writes it. */
  static fromJson(json: unknown): ElementType {
    const outer = isObject(json) ? json['properties'] : undefined;
    const first = isObject(outer) ? Object.entries(outer)[0] : undefined;
    if (!first) throw invalid('a "$defs" entry needs "properties" with one tag');
    const [tagName, body] = first;
    const props = isObject(body) ? body['properties'] : undefined;
    if (!isObject(props)) throw invalid(`"${tagName}" needs "properties"`);
    const properties = Object.entries(props).map(([name, prop]) => propertyFromJson(tagName, name, prop));
    const description = isObject(json) && typeof json['description'] === 'string' ? json['description'] : undefined;
    return new ElementType({ tagName, properties, ...(description ? { description } : {}) });
  }

  toJson(): Record<string, unknown> {
    const properties: Record<string, unknown> = {};
    for (const property of this.properties) properties[property.name] = property.toJson();
    return {
      type: 'object',
      additionalProperties: false,
      ...(this.description ? { description: this.description } : {}),
      required: [this.tagName],
      properties: {
        [this.tagName]: { type: 'object', additionalProperties: false, required: this.properties.map((p) => p.name), properties },
      },
    };
  }
}

function propertyFromJson(tagName: string, name: string, json: unknown): ElementProperty {
  if (!isObject(json)) throw invalid(`"${tagName}.${name}" must be an object`);
  const description = typeof json['description'] === 'string' ? json['description'] : undefined;
  const optional = Array.isArray(json['type']);
  const type: unknown = optional ? (json['type'] as unknown[])[0] : json['type'];
  if (type === 'array') {
    const items = json['prefixItems'] ?? (isObject(json['items']) ? json['items']['anyOf'] : undefined);
    if (!Array.isArray(items)) throw invalid(`"${tagName}.${name}" needs "prefixItems" or "items.anyOf"`);
    const childTagNames = items.map((item: unknown) => {
      const ref = isObject(item) ? item['$ref'] : undefined;
      if (typeof ref !== 'string') throw invalid(`"${tagName}.${name}" has an item without "$ref"`);
      return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
    });
    return new ChildProperty({ name, childTagNames, ordered: json['prefixItems'] !== undefined, ...(description ? { description } : {}) });
  }
  if (typeof type !== 'string' || !VALUE_TYPES.includes(type)) throw invalid(`"${tagName}.${name}" has an unsupported type`);
  const enumValues = Array.isArray(json['enum']) ? (json['enum'] as (string | number | boolean | null)[]) : undefined;
  return new ValueProperty({ name, type: type as ValueType, required: !optional, ...(enumValues ? { enumValues } : {}), ...(description ? { description } : {}) });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): SchemaError {
  return new SchemaError('invalid_schema', `invalid schema: ${message}`);
}
