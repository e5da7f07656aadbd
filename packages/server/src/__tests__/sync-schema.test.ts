import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RoomError } from '@convene/protocol';
import { populateDocument } from '../toolkits/sync/document-from-json.js';
import { parseDocumentSchema } from '../toolkits/sync/document-schema.js';

/** MeshAgent 0.39.9's `MeshSchema.toJson()` output for doc → (item | text), item → item. */
const SCHEMA = {
  $root_tag_ref: '#/$defs/doc',
  $defs: {
    doc: {
      type: 'object', additionalProperties: false, required: ['doc'],
      properties: { doc: { type: 'object', additionalProperties: false, required: ['title', 'children'], properties: {
        title: { type: ['string', 'null'] },
        children: { type: 'array', items: { anyOf: [{ $ref: '#/$defs/item' }, { $ref: '#/$defs/text' }] } },
      } } },
    },
    item: {
      type: 'object', additionalProperties: false, required: ['item'],
      properties: { item: { type: 'object', additionalProperties: false, required: ['label', 'kids'], properties: {
        label: { type: 'string' },
        kids: { type: 'array', prefixItems: [{ $ref: '#/$defs/item' }], items: false },
      } } },
    },
    text: { type: 'object', additionalProperties: false, required: ['text'], properties: { text: { type: 'object', additionalProperties: false, required: [], properties: {} } } },
  },
  type: 'object',
};

function refused(run: () => unknown): RoomError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RoomError);
    expect((error as RoomError).code).toBe('bad_request');
    return error as RoomError;
  }
  throw new Error('expected a refusal');
}

describe('parseDocumentSchema', () => {
  it('reads MeshAgent schema JSON: root, child property and allowed tags, attributes', () => {
    const schema = parseDocumentSchema(SCHEMA);
    expect(schema.root).toBe('doc');
    expect(schema.json).toBe(SCHEMA);
    expect(schema.elements.get('doc')).toMatchObject({ childProperty: 'children', childTags: new Set(['item', 'text']), attributes: new Set(['title']) });
    expect(schema.elements.get('item')).toMatchObject({ childProperty: 'kids', childTags: new Set(['item']), attributes: new Set(['label']) });
    expect(schema.elements.get('text')).toMatchObject({ childProperty: null, attributes: new Set() });
  });

  it('refuses what MeshAgent\'s MeshSchema.fromJson could not read', () => {
    expect(refused(() => parseDocumentSchema(null)).message).toMatch(/JSON object/);
    expect(refused(() => parseDocumentSchema({ ...SCHEMA, $root_tag_ref: '#/$defs/nope' })).message).toMatch(/root element "nope"/);
    expect(refused(() => parseDocumentSchema({ $root_tag_ref: '#/$defs/a', $defs: { a: { properties: { a: { properties: { k: { type: 'array', items: { anyOf: [{ $ref: '#/$defs/b' }] } } } } } } } })).message).toMatch(/"b"/);
    expect(refused(() => parseDocumentSchema({ $root_tag_ref: 'a', $defs: { a: { properties: { a: { properties: { k: { type: 'date' } } } } } } })).message).toMatch(/unsupported type/);
    expect(refused(() => parseDocumentSchema({ $root_tag_ref: 'a', $defs: { a: { properties: {} } } })).message).toMatch(/one tag/);
  });
});

describe('populateDocument', () => {
  const schema = parseDocumentSchema(SCHEMA);

  it('builds elements named by tag with $id, attributes, nested children and text', () => {
    const doc = new Y.Doc();
    populateDocument(doc, schema, { doc: { title: 'T', children: [{ item: { label: 'a', $id: 'fixed', kids: [{ item: { label: 'b' } }] } }, { text: { $text: 'hi' } }] } });
    const root = doc.get('xml', Y.XmlElement);
    expect(root.getAttribute('title')).toBe('T');
    const [item, text] = root.toArray() as Y.XmlElement[];
    expect(item!.nodeName).toBe('item');
    expect(item!.getAttribute('$id')).toBe('fixed');
    const nested = item!.firstChild as Y.XmlElement;
    expect(nested.getAttribute('label')).toBe('b');
    expect(nested.getAttribute('$id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(text!.nodeName).toBe('text');
    expect(text!.firstChild).toBeInstanceOf(Y.XmlText);
    expect(text!.firstChild!.toString()).toBe('hi');
  });

  it('checks everything against the schema before touching the document', () => {
    const doc = new Y.Doc();
    expect(refused(() => populateDocument(doc, schema, { other: {} })).message).toMatch(/single key "doc"/);
    expect(refused(() => populateDocument(doc, schema, { doc: { children: [{ item: { label: 'ok' } }, { item: { colour: 'red' } }] } })).message).toMatch(/"colour" is not an attribute of "item"/);
    expect(refused(() => populateDocument(doc, schema, { doc: { children: [{ doc: {} }] } })).message).toMatch(/"doc" is not allowed inside "doc"/);
    expect(refused(() => populateDocument(doc, schema, { doc: { children: 'x' } })).message).toMatch(/must be an array/);
    expect(doc.get('xml', Y.XmlElement).length).toBe(0);
  });
});
