import { DATABASE_COLUMN_TYPES, DATABASE_LIMITS } from '@convene/protocol';
import { define, type FuzzRandom } from './fuzz-random.js';

/**
 * The table every database fuzz room has (see `FUZZ_TABLE_COLUMNS`), so generated filters and rows
 * usually reach SQL instead of stopping at "no such table".
 */
export const FUZZ_TABLE = 'fz';
export const FUZZ_TABLE_COLUMNS = [
  { name: 'id', type: 'integer', primary_key: true },
  { name: 'name', type: 'text' },
  { name: 'n', type: 'float' },
  { name: 'ok', type: 'boolean' },
  { name: 'doc', type: 'json' },
  { name: 'at', type: 'timestamp' },
  { name: 'u', type: 'uuid' },
  { name: 'order', type: 'text' },
];
const COLUMNS = FUZZ_TABLE_COLUMNS.map((c) => c.name);
const OPERATORS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'like', 'is_null'];

/** A table or column name: mostly real ones, then keywords, system columns, SQL, unicode, too long. */
export function identifier(g: FuzzRandom, known: readonly string[] = COLUMNS): unknown {
  switch (g.int(8)) {
    case 0: case 1: case 2: return g.pick(known);
    case 3: return g.pick(['select', 'order', 'user', 'and', 'or', 'not', 'ctid', 'xmin', 'oid', 'tableoid', '_', 'a'.repeat(63), 'a'.repeat(64), 'A', '1a', 'a-b', 'a b', 'a"b', "a'b", 'a;b', 'fz.id', 'pg_class']);
    case 4: return `${g.pick(known)}${g.pick(['"', "'", ' ', '--', ';', '"; DROP TABLE fz; --', '\u0000', 'é', '$1', '/*'])}`;
    case 5: return g.nasty();
    case 6: return g.junk(2);
    default: {
      const alphabet = 'abcdefghijklmnopqrstuvwxyz_0123456789';
      let out = g.pick(['', '_', 'x']);
      for (let i = g.int(70); i > 0; i--) out += alphabet[g.int(alphabet.length)];
      return out || 'x';
    }
  }
}

/** A generated identifier as an object key (String() throws on objects with a junk "toString"). */
function keyOf(name: unknown): string {
  return typeof name === 'string' ? name : (JSON.stringify(name) ?? 'undefined');
}

/** JSON nested `depth` levels (past the engine's and JSON.stringify's recursion limits when deep). */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** A value for some column: of its type, of another type, or SQL-looking text. */
export function value(g: FuzzRandom): unknown {
  switch (g.int(10)) {
    case 0: return null;
    case 1: return g.int(1000) - 500;
    case 2: return g.number();
    case 3: return g.chance(0.5);
    case 4: return g.pick(['2024-01-01', '2024-01-01T00:00:00Z', '2024-13-45', '2024-01-01T00:00:00+25:00', '0000-00-00', 'now', 'infinity', '-infinity', 'epoch']);
    case 5: return g.pick(['6f1c1a36-3f3c-4d6a-9f0e-2a7d1c6b9e10', '6F1C1A36-3F3C-4D6A-9F0E-2A7D1C6B9E10', '{6f1c1a36-3f3c-4d6a-9f0e-2a7d1c6b9e10}', 'not-a-uuid', 'random']);
    case 6: return g.pick(["'; DROP TABLE fz; --", "' OR '1'='1", '%', '_', '\\', '%\\%', "E'\\\\x00'", '$1', '$$ $$', 'a\u0000b', '\ud800']);
    case 7: return g.chance(0.1) ? nested(g.pick([100, 300, 2_000])) : g.junk(2);
    case 8: return { eq: g.chance(0.1) ? nested(g.pick([300, 2_000])) : g.junk(1) };
    default: return g.nasty();
  }
}

function condition(g: FuzzRandom): unknown {
  if (g.chance(0.1)) return value(g);
  const out: Record<string, unknown> = {};
  for (let i = 1 + g.int(3); i > 0; i--) {
    const op = g.chance(0.9) ? g.pick(OPERATORS) : g.nasty();
    let operand: unknown = value(g);
    if (op === 'in') operand = g.chance(0.8) ? Array.from({ length: g.pick([0, 1, 3, 10, DATABASE_LIMITS.maxInValues, DATABASE_LIMITS.maxInValues + 1]) }, () => (g.chance(0.9) ? g.int(50) : value(g))) : value(g);
    if (op === 'is_null') operand = g.chance(0.8) ? g.chance(0.5) : value(g);
    if (op === 'like') operand = g.chance(0.8) ? g.pick(['%', 'a%', '%\\', '\\', '_%_', "%'%", '[a-z]%', '%%%%']) : value(g);
    define(out, op, operand);
  }
  return out;
}

/** A `where` filter: nested and/or/not, unknown columns and operators, past the nesting and size limits. */
export function filter(g: FuzzRandom, depth = 0): unknown {
  if (depth > 2 && g.chance(0.5)) return g.chance(0.5) ? {} : { [keyOf(identifier(g))]: value(g) };
  switch (g.int(depth === 0 ? 9 : 7)) {
    case 0: return {};
    case 1: case 2: {
      const out: Record<string, unknown> = {};
      for (let i = 1 + g.int(3); i > 0; i--) define(out, keyOf(identifier(g)), condition(g));
      return out;
    }
    case 3: return { and: Array.from({ length: g.int(4) }, () => filter(g, depth + 1)), ...(g.chance(0.3) ? { [g.pick(COLUMNS)]: value(g) } : {}) };
    case 4: return { or: Array.from({ length: g.int(4) }, () => filter(g, depth + 1)) };
    case 5: return { not: g.chance(0.9) ? filter(g, depth + 1) : value(g) };
    case 6: return g.junk(2);
    case 7: { // deeper than the nesting limit
      let f: unknown = { id: 1 };
      for (let i = DATABASE_LIMITS.maxFilterDepth + g.int(3) - 1; i > 0; i--) f = g.pick([{ not: f }, { and: [f] }, { or: [f] }]);
      return f;
    }
    default: // more conditions than allowed
      return { or: Array.from({ length: DATABASE_LIMITS.maxFilterNodes + g.int(3) - 1 }, (_, i) => ({ id: i })) };
  }
}

function column(g: FuzzRandom): unknown {
  if (g.chance(0.1)) return g.junk(2);
  const out: Record<string, unknown> = { name: identifier(g, ['a', 'b', 'c', 'id']), type: g.chance(0.85) ? g.pick(DATABASE_COLUMN_TYPES) : g.nasty() };
  if (g.chance(0.3)) out['nullable'] = g.chance(0.8) ? g.chance(0.5) : g.junk(1);
  if (g.chance(0.2)) out['primary_key'] = g.chance(0.8) ? g.chance(0.5) : g.junk(1);
  if (g.chance(0.3)) out['default'] = g.chance(0.5) ? g.pick(['now', 'random', "'); DROP TABLE fz; --", "\\'", 'E\'\\\'', 0, 1.5, true, '2024-01-01']) : value(g);
  if (g.chance(0.05)) define(out, g.nasty(), g.junk(1));
  return out;
}

function row(g: FuzzRandom): unknown {
  if (g.chance(0.1)) return g.junk(2);
  const out: Record<string, unknown> = {};
  for (let i = g.int(5); i > 0; i--) define(out, keyOf(identifier(g)), value(g));
  if (g.chance(0.6)) out['id'] = g.chance(0.8) ? g.int(10_000) : value(g);
  return out;
}

/** Arguments for a database tool (known tools get their own shape; a new one gets a mix). */
export function databaseArguments(g: FuzzRandom, tool: string): Record<string, unknown> {
  const table = g.chance(0.75) ? FUZZ_TABLE : identifier(g, [FUZZ_TABLE, 'fz_new', 'fz_tmp', 'missing']);
  const scratch = g.chance(0.8) ? g.pick(['fz_new', 'fz_tmp', 'order', 'fz_x']) : identifier(g, ['fz_new']);
  const maybe = (p: number, v: () => unknown): unknown => (g.chance(p) ? v() : undefined);
  let args: Record<string, unknown>;
  switch (tool) {
    case 'list_tables': args = {}; break;
    case 'inspect': args = { table }; break;
    case 'create_table': args = { name: scratch, columns: g.chance(0.9) ? Array.from({ length: g.pick([0, 1, 2, 3, 5, DATABASE_LIMITS.columnsPerTable + 1]) }, () => column(g)) : g.junk(1), mode: maybe(0.5, () => g.pick(['create', 'overwrite', 'create_if_not_exists', 'replace', g.nasty()])) }; break;
    case 'drop_table': args = { name: scratch, if_exists: maybe(0.5, () => (g.chance(0.8) ? g.chance(0.5) : g.junk(1))) }; break;
    case 'insert': args = { table, rows: g.chance(0.9) ? Array.from({ length: g.pick([0, 1, 1, 2, 5]) }, () => row(g)) : g.junk(1) }; break;
    case 'update': args = { table, where: maybe(0.9, () => filter(g)), values: g.chance(0.9) ? row(g) : g.junk(1) }; break;
    case 'delete': args = { table, where: maybe(0.9, () => filter(g)) }; break;
    case 'count': args = { table, where: maybe(0.7, () => filter(g)) }; break;
    case 'select':
      args = {
        table,
        where: maybe(0.7, () => filter(g)),
        columns: maybe(0.3, () => (g.chance(0.8) ? Array.from({ length: g.int(4) }, () => identifier(g)) : g.junk(1))),
        order_by: maybe(0.3, () => (g.chance(0.8) ? Array.from({ length: g.pick([0, 1, 2, DATABASE_LIMITS.orderByColumns + 1]) }, () => ({ column: identifier(g), direction: g.chance(0.8) ? g.pick(['asc', 'desc']) : g.nasty() })) : g.junk(1))),
        limit: maybe(0.3, () => g.pick([0, 1, 10, DATABASE_LIMITS.maxSelectRows, DATABASE_LIMITS.maxSelectRows + 1, -1, 1.5, '10', null])),
        offset: maybe(0.3, () => g.pick([0, 1, 2 ** 53, 2 ** 53 + 2, -1, 0.5, '1', null])),
      };
      break;
    default: args = g.junk(1) as Record<string, unknown>;
  }
  for (const key of Object.keys(args)) if (args[key] === undefined) delete args[key];
  if (g.chance(0.05)) define(args, g.nasty(), g.junk(1));
  return args;
}
