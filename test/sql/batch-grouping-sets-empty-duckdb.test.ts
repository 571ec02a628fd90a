/**
 * ROLLUP, CUBE and GROUPING SETS holding the empty set give its group one row over no rows in
 * batch mode, as DuckDB (and Flink's batch mode) do: COUNT 0, SUM/MAX NULL, GROUPING 1, then
 * HAVING over that row; sets with keys give no rows over no rows, and a repeated empty set one
 * row each. Over insert-only and updating input (whose retractions can take every row back), at
 * parallelism 1 and 2, per-row, split-distinct, mini-batch and local-global. A stream gives no row until one
 * arrives, as Flink's streaming aggregate.
 */
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';
import { createDuckdbTable, duckdbConnection, keyValueRows, numericCanonical } from './duckdb-tables.js';

type R = Record<string, unknown>;

const columns = ['k', 'w', 'g', 'a', 'b', 'd', 'f'];
const CALLS = 'COUNT(*) AS a, COUNT(DISTINCT v) AS b, SUM(v) AS d, MAX(v) AS f';
const QUERIES = [
  `SELECT k, 0 AS w, GROUPING(k) AS g, ${CALLS} FROM {t} WHERE {where} GROUP BY ROLLUP(k)`,
  `SELECT k, w, GROUPING(k, w) AS g, ${CALLS} FROM (SELECT k, MOD(v, 2) AS w, v FROM {t} WHERE {where}) AS s GROUP BY CUBE(k, w)`,
  `SELECT k, 0 AS w, GROUPING(k) AS g, ${CALLS} FROM {t} WHERE {where} GROUP BY GROUPING SETS ((k), (), ())`,
  `SELECT k, 0 AS w, GROUPING(k) AS g, ${CALLS} FROM {t} WHERE {where} GROUP BY ROLLUP(k) HAVING COUNT(*) = 0`,
  // No empty set: no rows over no rows.
  `SELECT k, MOD(v, 2) AS w, 0 AS g, ${CALLS} FROM {t} WHERE {where} GROUP BY k, ROLLUP(v)`,
];
// Empty and non-empty filters; `n < 2` in the updating view deletes a pair's row again at its
// second arrival, so over it the last filter (two pairs that arrive twice) keeps rows and then
// retracts them all.
const FILTERS = ['v > 1000', 'v > 20', 'k = 3', 'FALSE', '(k = 5 AND v = 10) OR (k = 4 AND v = 14)'];
const UPDATING =
  'CREATE VIEW tu AS SELECT k, v FROM (SELECT k, v, COUNT(*) AS n FROM t0 GROUP BY k, v) AS g WHERE n < 2';
const MODES: Record<string, Record<string, string>> = {
  'per row': {},
  'split distinct': { 'table.optimizer.distinct-agg.split.enabled': 'true' },
  'mini-batch': {
    'table.exec.mini-batch.enabled': 'true',
    'table.exec.mini-batch.allow-latency': '1 s',
    'table.exec.mini-batch.size': '5',
  },
  'local-global': {
    'table.exec.mini-batch.enabled': 'true',
    'table.exec.mini-batch.allow-latency': '1 s',
    'table.exec.mini-batch.size': '5',
    'table.optimizer.agg-phase-strategy': 'TWO_PHASE',
  },
};

describe('batch grouping sets with the empty set agree with DuckDB over empty and non-empty input', async () => {
  const rows = keyValueRows(5, 40, 6).map((row) => ({ k: row.k, v: row.v % 7 === 2 ? null : row.v }));
  const duck = await duckdbConnection();
  await createDuckdbTable(duck, 't0', { k: 'INTEGER', v: 'INTEGER' }, rows);
  await duck.run(UPDATING);
  const environment = (parallelism: number, mode: 'batch' | 'streaming', options: Record<string, string>) => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
    tEnv.createTemporaryView('t0', tEnv.getExecutionEnvironment().fromCollection(rows), {
      k: 'INT',
      v: 'INT',
    });
    tEnv.getConfig().set('execution.runtime-mode', mode);
    for (const [key, value] of Object.entries(options)) tEnv.getConfig().set(key, value);
    return tEnv;
  };
  const expected = async (sql: string) =>
    ((await duck.runAndReadAll(sql)).getRowObjectsJS() as R[])
      .map((row) => numericCanonical(row, columns))
      .sort();

  for (const [name, options] of Object.entries(MODES))
    for (const table of ['t0', 'tu'])
      test.each([1, 2])(`${name} over ${table} at parallelism %i`, async (p) => {
        const tEnv = environment(p, 'batch', options);
        await tEnv.executeSql(UPDATING).await();
        let overNoRows = 0;
        for (const template of QUERIES)
          for (const where of FILTERS) {
            const sql = template.replaceAll('{t}', table).replaceAll('{where}', where);
            const engine = (await tEnv.executeSql(sql).collect()).map((row) =>
              numericCanonical(row, columns),
            );
            const duckRows = await expected(sql);
            expect(engine.sort(), sql).toEqual(duckRows);
            if (duckRows.some((line) => line.endsWith('|0|0|NULL|NULL'))) overNoRows++;
          }
        // Some queries meet no rows and give rows over none (the four with an empty set, over
        // the filters that keep nothing), the others meet rows.
        expect(overNoRows).toBeGreaterThanOrEqual(table === 't0' ? 8 : 12);
        expect(overNoRows).toBeLessThan(QUERIES.length * FILTERS.length);
      });

  test('a stream gives no row over no rows, and the grand total once rows arrive', async () => {
    const tEnv = environment(2, 'streaming', {});
    const rollup = QUERIES[0]!.replaceAll('{t}', 't0');
    expect(await tEnv.executeSql(rollup.replaceAll('{where}', 'FALSE')).collect()).toEqual([]);
    const sql = rollup.replaceAll('{where}', 'v > 20');
    const engine = (await tEnv.executeSql(sql).collect()).map((row) => numericCanonical(row, columns));
    expect(engine.sort()).toEqual(await expected(sql));
  });

  test('an environment in batch mode plans for it without the SQL option, and EXPLAIN shows the operator', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2).setRuntimeMode('batch');
    const tEnv = TableEnvironment.create(env);
    tEnv.createTemporaryView('t0', env.fromCollection(rows), { k: 'INT', v: 'INT' });
    const rollup = QUERIES[0]!.replaceAll('{t}', 't0').replaceAll('{where}', 'FALSE');
    const engine = (await tEnv.executeSql(rollup).collect()).map((row) => numericCanonical(row, columns));
    expect(engine).toEqual(await expected(rollup));
    expect(engine).toHaveLength(1);
    const physical = tEnv.explainSql(rollup).split('== Physical Plan ==')[1]!;
    expect(physical).toMatch(
      /EmptyGroupingSetOverNoRows\(groupBy=\[k, \$e, \$grouping\$0\], groups=\[\{null, 1, 1\}\]/,
    );
    // A stream's plan has no such operator.
    tEnv.getConfig().set('execution.runtime-mode', 'streaming');
    expect(tEnv.explainSql(rollup)).not.toContain('EmptyGroupingSetOverNoRows');
  });
});
