import { describe, expect, it } from 'vitest';
import { ConveneError, type DatabaseColumnType } from '@convene/protocol';
import type { ColumnInfo } from '../packages/server/src/database/column-types.js';
import { compileFilter, SqlParams } from '../packages/server/src/database/filter-compiler.js';
import { filter, FUZZ_TABLE_COLUMNS } from './support/fuzz-database-inputs.js';
import { FuzzRandom, FUZZ_SEED, scaled } from './support/fuzz-random.js';

/**
 * The filter compiler in process, where it is cheap to run many filters: whatever a request
 * holds, the SQL it becomes is made only of the table's quoted column names, `$n::type`
 * placeholders, keywords and operators. No request string ever reaches the SQL text; values
 * travel as bound parameters (docs/WIRE-EXTENSIONS.md, "Filter grammar").
 */
const CASES = scaled(20_000);
const COLUMNS = new Map<string, ColumnInfo>(
  FUZZ_TABLE_COLUMNS.map((c) => [c.name, { name: c.name, type: c.type as DatabaseColumnType, nullable: !c.primary_key, primaryKey: c.primary_key === true }]),
);
const QUOTED_COLUMN = new RegExp(`(${[...COLUMNS.keys()].map((name) => `"${name}"`).join('|')})`, 'g');
const PLACEHOLDER = /\$(\d+)::(text|bigint|double precision|boolean|jsonb|timestamptz|uuid)/g;
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'COALESCE', 'TRUE', 'FALSE', 'IS', 'NULL', 'DISTINCT', 'FROM', 'LIKE', 'IN']);

/** What is wrong with compiled SQL, or null when every token is one the compiler may write. */
function sqlProblem(sql: string, params: SqlParams): string | null {
  const used = new Set<number>();
  const rest = sql.replace(QUOTED_COLUMN, ' ').replace(PLACEHOLDER, (_, n: string) => {
    used.add(Number(n));
    return ' ';
  });
  for (const token of rest.split(/[\s(),]+/).filter(Boolean)) {
    if (!KEYWORDS.has(token) && !['=', '<', '<=', '>', '>='].includes(token)) return `unexpected SQL token ${JSON.stringify(token)}`;
  }
  const expected = Array.from({ length: params.values.length }, (_, i) => i + 1);
  if ([...used].sort((a, b) => a - b).join() !== expected.join()) return `placeholders ${[...used].join()} for ${params.values.length} parameters`;
  return null;
}

describe('fuzzing the filter compiler', () => {
  it(`compiles ${CASES} generated filters to SQL without a request string in it (seed ${FUZZ_SEED})`, () => {
    const failures: string[] = [];
    let compiled = 0;
    for (let index = 0; index < CASES; index++) {
      const where = filter(FuzzRandom.forCase(FUZZ_SEED, index));
      const params = new SqlParams();
      let sql: string;
      try {
        sql = compileFilter(where, COLUMNS, params);
      } catch (error) {
        // Refusals are typed; anything else (a TypeError, a stack overflow) is a bug.
        if (!(error instanceof ConveneError) || error.code !== 'bad_request') failures.push(`case ${index}: threw ${String(error)}`);
        continue;
      }
      compiled++;
      const problem = sqlProblem(sql, params);
      if (problem) failures.push(`case ${index}: ${problem} in ${sql.slice(0, 300)}`);
    }
    console.log(`fuzz-sql: ${CASES} filters, ${compiled} compiled, ${CASES - compiled} refused`);
    expect(failures.slice(0, 10), `${failures.length} failing filters (replay with FUZZ_SEED=${FUZZ_SEED})`).toEqual([]);
    expect(compiled, 'the generator reaches the SQL builder').toBeGreaterThan(CASES / 10);
  });
});
