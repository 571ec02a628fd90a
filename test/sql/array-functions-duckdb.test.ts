/**
 * DuckDB agreement for the collection functions whose semantics DuckDB shares: over a few
 * hundred generated integer arrays with NULL elements, ARRAY_SORT ascending with NULLs first
 * and descending with NULLs last (`list_sort`), ARRAY_APPEND and ARRAY_PREPEND (`list_append`,
 * `list_prepend`, which add a NULL element too; only a NULL array differs, DuckDB treating it as
 * empty), ARRAY_REVERSE, and ARRAY_MAX/ARRAY_MIN, which
 * skip NULLs (`list_max`, `list_min`), give the same values in both engines.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { type SqlType, Types } from '../../src/sql/catalog/types.js';
import { compileExpression } from '../../src/sql/expressions/compiler.js';
import { typeExpression } from '../../src/sql/expressions/typer.js';
import { parseExpression } from '../../src/sql/parser/parse.js';
import { ColumnScope } from '../../src/sql/planner/scope.js';
import { duckdbConnection } from './duckdb-tables.js';

const scope = new ColumnScope([
  {
    name: 'a',
    internal: 'a',
    type: Object.freeze({ root: 'ARRAY', nullable: true, element: Types.INT }) as SqlType,
  },
  { name: 'x', internal: 'x', type: Types.INT },
]);

/** Weir's expression and DuckDB's for the same function. */
const PAIRS: readonly (readonly [string, string])[] = [
  ['ARRAY_SORT(a)', "list_sort(a, 'ASC', 'NULLS FIRST')"],
  ['ARRAY_SORT(a, FALSE)', "list_sort(a, 'DESC', 'NULLS LAST')"],
  ['ARRAY_SORT(a, TRUE, FALSE)', "list_sort(a, 'ASC', 'NULLS LAST')"],
  // DuckDB appends to a NULL list as to an empty one; Flink gives NULL.
  ['ARRAY_APPEND(a, x)', 'CASE WHEN a IS NULL THEN NULL ELSE list_append(a, x) END'],
  ['ARRAY_PREPEND(a, x)', 'CASE WHEN a IS NULL THEN NULL ELSE list_prepend(x, a) END'],
  ['ARRAY_REVERSE(a)', 'list_reverse(a)'],
  ['ARRAY_MAX(a)', 'list_max(a)'],
  ['ARRAY_MIN(a)', 'list_min(a)'],
];

test('the collection functions agree with DuckDB on generated arrays', async () => {
  const rows = fc.sample(
    fc.record({
      a: fc.option(
        fc.array(fc.option(fc.integer({ min: -50, max: 50 }), { nil: null, freq: 4 }), { maxLength: 10 }),
        {
          nil: null,
          freq: 10,
        },
      ),
      x: fc.option(fc.integer({ min: -50, max: 50 }), { nil: null, freq: 5 }),
    }),
    { numRuns: 300, seed: 40 },
  );
  const duck = await duckdbConnection();
  const literal = (a: readonly (number | null)[] | null) =>
    a === null
      ? 'NULL::INTEGER[]'
      : `[${a.map((v) => (v === null ? 'NULL' : String(v))).join(', ')}]::INTEGER[]`;
  const values = rows
    .map((r, i) => `(${i}, ${literal(r.a)}, ${r.x === null ? 'NULL::INTEGER' : r.x})`)
    .join(', ');
  const reader = await duck.runAndReadAll(
    `SELECT ${PAIRS.map(([, d], i) => `${d} AS c${i}`).join(', ')} FROM (VALUES ${values}) v(id, a, x) ORDER BY id`,
  );
  const expected = reader.getRowObjectsJson();
  const compiled = PAIRS.map(([weir]) => compileExpression(typeExpression(parseExpression(weir), scope)));
  rows.forEach((row, i) => {
    compiled.forEach((fn, j) => {
      const duckValue = (expected[i] as Record<string, unknown>)[`c${j}`] ?? null;
      expect({ sql: PAIRS[j]![0], row, value: fn(row) ?? null }).toEqual({
        sql: PAIRS[j]![0],
        row,
        value: duckValue,
      });
    });
  });
  duck.closeSync();
});
