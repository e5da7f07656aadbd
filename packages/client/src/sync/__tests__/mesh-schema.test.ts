import { describe, expect, it } from 'vitest';
import { ChildProperty, ElementType, MeshSchema, SchemaError, ValueProperty } from '@convene/client/sync';

const schema = () =>
  new MeshSchema({
    rootTagName: 'doc',
    elements: [
      new ElementType({ tagName: 'doc', properties: [new ChildProperty({ name: 'children', childTagNames: ['item'] })] }),
      new ElementType({
        tagName: 'item',
        description: 'a row',
        properties: [
          new ValueProperty({ name: 'label', type: 'string', required: true }),
          new ValueProperty({ name: 'size', type: 'string', enumValues: ['s', 'm'] }),
          new ValueProperty({ name: 'n', type: 'number' }),
          new ChildProperty({ name: 'parts', childTagNames: ['item'], ordered: true }),
        ],
      }),
    ],
  });

describe('MeshSchema', () => {
  it('writes MeshAgent\'s JSON form and reads it back unchanged', () => {
    const json = schema().toJson();
    expect(json).toEqual({
      $root_tag_ref: '#/$defs/doc',
      $defs: {
        doc: {
          type: 'object', additionalProperties: false, required: ['doc'],
          properties: { doc: { type: 'object', additionalProperties: false, required: ['children'], properties: { children: { type: 'array', items: { anyOf: [{ $ref: '#/$defs/item' }] } } } } },
        },
        item: {
          type: 'object', additionalProperties: false, description: 'a row', required: ['item'],
          properties: { item: { type: 'object', additionalProperties: false, required: ['label', 'size', 'n', 'parts'], properties: {
            label: { type: 'string' },
            size: { type: 'string', enum: ['s', 'm'] },
            n: { type: ['number', 'null'] },
            parts: { type: 'array', prefixItems: [{ $ref: '#/$defs/item' }], items: false },
          } } },
        },
      },
      type: 'object', additionalProperties: false, required: ['doc'],
      properties: { doc: { type: 'object', additionalProperties: false, required: ['children'], properties: { children: { type: 'array', items: { anyOf: [{ $ref: '#/$defs/item' }] } } } } },
    });
    expect(MeshSchema.fromJson(JSON.parse(JSON.stringify(json))).toJson()).toEqual(json);
  });

  it('knows types, nullability, enums and allowed children', () => {
    const item = schema().element('item');
    const label = item.property('label') as ValueProperty;
    expect(label.accepts('x')).toBe(true);
    expect(label.accepts(null)).toBe(false);
    expect((item.property('n') as ValueProperty).accepts(null)).toBe(true);
    expect((item.property('n') as ValueProperty).accepts(Number.NaN)).toBe(false);
    expect((item.property('size') as ValueProperty).accepts('l')).toBe(false);
    expect(item.childProperty?.isTagAllowed('item')).toBe(true);
    expect(item.childPropertyName).toBe('parts');
  });

  it('refuses malformed schemas with SchemaError(invalid_schema)', () => {
    const attempts = [
      () => MeshSchema.fromJson({ $defs: {} }),
      () => MeshSchema.fromJson({ $root_tag_ref: '#/$defs/x', $defs: {} }),
      () => new MeshSchema({ rootTagName: 'a', elements: [new ElementType({ tagName: 'a', properties: [new ChildProperty({ name: 'c', childTagNames: ['ghost'] })] })] }),
      () => new ElementType({ tagName: 'a', properties: [new ValueProperty({ name: 'x', type: 'string' }), new ValueProperty({ name: 'x', type: 'number' })] }),
      () => new ElementType({ tagName: 'a', properties: [new ValueProperty({ name: '$id', type: 'string' })] }),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(SchemaError);
      try {
        attempt();
      } catch (error) {
        expect((error as SchemaError).reason).toBe('invalid_schema');
        expect((error as SchemaError).code).toBe('bad_request');
      }
    }
    expect(() => schema().element('ghost')).toThrow(expect.objectContaining({ reason: 'unknown_element' }));
  });
});
