/**
 * Each built-in aggregate in a scalar subquery gives its value over no rows (COUNT 0, SUM and
 * MAX NULL) for an outer row the subquery has no rows for, correlated or not, as DuckDB gives
 * it: over insert-only input, and over updating input whose retractions empty a subquery again.
 * Aggregates whose result depends on row order are read through an order-free function of it
 * (the length of a LISTAGG, FIRST_VALUE of a constant).
 */
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';
import { createDuckdbTable, duckdbConnection, keyValueRows, numericCanonical } from './duckdb-tables.js';

type R = Record<string, unknown>;

/** Each aggregate as Weir spells it and as DuckDB does, over the inner table's `v`. */
const AGGREGATES: readonly (readonly [string, string])[] = [
  ['COUNT(*)', 'count(*)'],
  ['COUNT(r.v)', 'count(r.v)'],
  ['COUNT(DISTINCT r.v)', 'count(DISTINCT r.v)'],
  ['COUNT(*) FILTER (WHERE r.v > 25)', 'count(*) FILTER (WHERE r.v > 25)'],
  ['COUNT(*) * 2 + 1', 'count(*) * 2 + 1'],
  ['SUM(r.v)', 'sum(r.v)'],
  ['COALESCE(SUM(r.v), -1)', 'coalesce(sum(r.v), -1)'],
  ['AVG(CAST(r.v AS DOUBLE))', 'avg(CAST(r.v AS DOUBLE))'],
  ['MIN(r.v)', 'min(r.v)'],
  ['MAX(r.v)', 'max(r.v)'],
  ['ROUND(VAR_POP(CAST(r.v AS DOUBLE)), 4)', 'round(var_pop(CAST(r.v AS DOUBLE)), 4)'],
  ['ROUND(VAR_SAMP(CAST(r.v AS DOUBLE)), 4)', 'round(var_samp(CAST(r.v AS DOUBLE)), 4)'],
  ['ROUND(STDDEV_POP(CAST(r.v AS DOUBLE)), 4)', 'round(stddev_pop(CAST(r.v AS DOUBLE)), 4)'],
  ['ROUND(STDDEV_SAMP(CAST(r.v AS DOUBLE)), 4)', 'round(stddev_samp(CAST(r.v AS DOUBLE)), 4)'],
  ['FIRST_VALUE(MOD(r.v, 1))', 'any_value(r.v % 1)'],
  ['LAST_VALUE(MOD(r.v, 1))', 'any_value(r.v % 1)'],
  ["CHAR_LENGTH(LISTAGG(CAST(r.v AS STRING), ','))", "length(string_agg(CAST(r.v AS VARCHAR), ','))"],
];

/** One subquery per aggregate, named c0, c1, …, over the rows of `inner` (as r) that `where` keeps. */
const subqueries = (dialect: 0 | 1, inner: string, where: string) =>
  AGGREGATES.map((names, i) => `(SELECT ${names[dialect]} FROM ${inner} AS r WHERE ${where}) AS c${i}`).join(
    ', ',
  );

// l has keys 0..7, r only 0..5, and r.v > 20 leaves some keys of r without rows.
const SHAPES: Record<string, string> = {
  correlated: 'r.k = l.k AND r.v > 20',
  uncorrelatedEmpty: 'r.v > 100',
  uncorrelatedRows: 'r.v > 20',
};

/** Rows with NULL keys (from keyValueRows) and NULL values. */
const withNullValues = (rows: { k: number | null; v: number }[]) =>
  rows.map((row) => ({ k: row.k, v: row.v % 9 === 4 ? null : row.v }));

// Updating inputs: a (k, v) pair of r is a row while it has arrived once and is deleted by its
// second arrival, so some correlation values lose all their rows again; l's rows are its
// groups' sums, retracted and redone as rows arrive.
const UPDATING_VIEWS = [
  'CREATE VIEW ru AS SELECT k, v FROM (SELECT k, v, COUNT(*) AS n FROM r0 GROUP BY k, v) AS g WHERE n < 2',
  'CREATE VIEW lu AS SELECT k, SUM(v) AS v FROM l0 GROUP BY k',
];

describe('aggregates in scalar subqueries over no rows agree with DuckDB', async () => {
  const left = withNullValues(keyValueRows(7, 60, 8));
  const right = withNullValues(keyValueRows(11, 60, 6));
  // A pair that arrives twice: the updating input has its row and then deletes it.
  const twice = right.find(
    (row, i) =>
      row.k !== null && row.v !== null && right.some((o, j) => j > i && o.k === row.k && o.v === row.v),
  )!;
  const shapes = { ...SHAPES, uncorrelatedEmptied: `r.k = ${twice.k} AND r.v = ${twice.v}` };
  const duck = await duckdbConnection();
  await createDuckdbTable(duck, 'l0', { k: 'INTEGER', v: 'INTEGER' }, left);
  await createDuckdbTable(duck, 'r0', { k: 'INTEGER', v: 'INTEGER' }, right);
  for (const view of UPDATING_VIEWS) await duck.run(view);
  const environment = (parallelism: number) => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
    const env = tEnv.getExecutionEnvironment();
    tEnv.createTemporaryView('l0', env.fromCollection(left), { k: 'INT', v: 'INT' });
    tEnv.createTemporaryView('r0', env.fromCollection(right), { k: 'INT', v: 'INT' });
    return tEnv;
  };
  const columns = ['a', 'b', ...AGGREGATES.map((_, i) => `c${i}`)];

  for (const [shape, where] of Object.entries(shapes))
    for (const updating of [false, true]) {
      test.each([1, 2])(`${shape}${updating ? ' over updating input' : ''} at parallelism %i`, async (p) => {
        const tEnv = environment(p);
        for (const view of UPDATING_VIEWS) await tEnv.executeSql(view);
        const [outer, inner] = updating ? ['lu', 'ru'] : ['l0', 'r0'];
        const sql = (dialect: 0 | 1) =>
          `SELECT k AS a, v AS b, ${subqueries(dialect, inner, where)} FROM ${outer} AS l`;
        const engine = (await tEnv.executeSql(sql(0)).collect()).map((row) => numericCanonical(row, columns));
        const reader = await duck.runAndReadAll(sql(1));
        const expected = (reader.getRowObjectsJS() as R[]).map((row) => numericCanonical(row, columns));
        expect(engine.sort()).toEqual(expected.sort());
        // The data reach both cases: some rows read values over rows, some over none.
        const counts = new Set(expected.map((line) => line.split('|')[2]));
        expect(counts.has('0')).toBe(
          shape !== 'uncorrelatedRows' && (updating || shape !== 'uncorrelatedEmptied'),
        );
        expect(counts.size > 1 || shape !== 'correlated').toBe(true);
      });
    }
});
