import { describe, expect, it } from 'vitest';
import { RoomError } from '@convene/protocol';
import type { ColumnInfo } from '../database/column-types.js';
import { SqlParams, compileFilter } from '../database/filter-compiler.js';

const col = (name: string, type: ColumnInfo['type']): [string, ColumnInfo] => [name, { name, type, nullable: true, primaryKey: false }];
const columns = new Map([col('age', 'integer'), col('name', 'text'), col('doc', 'json'), col('at', 'timestamp'), col('select', 'boolean')]);

function compile(filter: unknown): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  return { sql: compileFilter(filter, columns, params), params: params.values };
}

function refused(filter: unknown): string {
  try {
    compile(filter);
  } catch (error) {
    expect(error).toBeInstanceOf(RoomError);
    expect((error as RoomError).code).toBe('bad_request');
    return (error as RoomError).message;
  }
  throw new Error(`accepted ${JSON.stringify(filter)}`);
}

describe('compileFilter', () => {
  it('binds every value and quotes every column', () => {
    expect(compile({ age: 3, name: "'; DROP TABLE x; --" })).toEqual({
      sql: '("age" = $1::bigint AND "name" = $2::text)',
      params: [3, "'; DROP TABLE x; --"],
    });
    expect(compile({ select: true }).sql).toBe('("select" = $1::boolean)');
  });

  it('compiles each operator', () => {
    expect(compile({ age: { ne: 1 } }).sql).toBe('("age" IS DISTINCT FROM $1::bigint)');
    expect(compile({ age: { gte: 1, lt: 9 } }).sql).toBe('(("age" >= $1::bigint AND "age" < $2::bigint))');
    expect(compile({ age: { in: [1, null, 2] } })).toEqual({ sql: '(("age" IN ($1::bigint, $2::bigint) OR "age" IS NULL))', params: [1, 2] });
    expect(compile({ age: { in: [] } }).sql).toBe('(FALSE)');
    expect(compile({ name: { like: 'a%' } }).sql).toBe('("name" LIKE $1::text)');
    expect(compile({ name: { is_null: false } }).sql).toBe('("name" IS NOT NULL)');
    expect(compile({ name: null }).sql).toBe('("name" IS NULL)');
    expect(compile({ at: { gt: '2024-01-01T00:00:00Z' } }).params).toEqual(['2024-01-01T00:00:00Z']);
  });

  it('nests and, or and not with two-valued not', () => {
    expect(compile({ or: [{ age: 1 }, { not: { name: 'x' } }] }).sql).toBe('((("age" = $1::bigint) OR (NOT COALESCE(("name" = $2::text), FALSE))))');
    expect(compile({ and: [] }).sql).toBe('(TRUE)');
    expect(compile({ or: [] }).sql).toBe('(FALSE)');
    expect(compile({}).sql).toBe('TRUE');
  });

  it('treats objects on json columns as values unless every key is an operator', () => {
    expect(compile({ doc: { a: 1 } })).toEqual({ sql: '("doc" = $1::jsonb)', params: ['{"a":1}'] });
    expect(compile({ doc: [1, 2] }).params).toEqual(['[1,2]']);
    expect(compile({ doc: { eq: { in: 1 } } }).params).toEqual(['{"in":1}']);
    expect(compile({ doc: { ne: null } }).sql).toBe('("doc" IS NOT NULL)');
  });

  it('refuses unknown columns and operators, naming the field', () => {
    expect(refused({ missing: 1 })).toContain('where.missing');
    expect(refused({ 'age; DROP TABLE x': 1 })).toContain('no column');
    expect(refused({ age: { between: [1, 2] } })).toContain('unknown operator "between"');
    expect(refused({ age: { eq: 'three' } })).toContain('where.age.eq');
    expect(refused({ age: { lt: null } })).toContain('is_null');
    expect(refused({ doc: { like: 'x' } })).toContain('text columns');
    expect(refused({ age: { is_null: 'yes' } })).toContain('true or false');
    expect(refused({ or: { age: 1 } })).toContain('where.or must be an array');
    expect(refused({ or: [1] })).toContain('where.or[0] must be an object');
    expect(refused([])).toContain('where must be an object');
  });

  it('limits depth, size and in lists', () => {
    let deep: unknown = { age: 1 };
    for (let i = 0; i < 17; i++) deep = { not: deep };
    expect(refused(deep)).toContain('nest at most 16');
    let fine: unknown = { age: 1 };
    for (let i = 0; i < 16; i++) fine = { not: fine };
    expect(() => compile(fine)).not.toThrow();
    expect(refused({ or: Array.from({ length: 257 }, () => ({ age: 1 })) })).toContain('at most 256');
    expect(refused({ age: { in: Array.from({ length: 1001 }, (_, i) => i) } })).toContain('at most 1000');
  });
});
