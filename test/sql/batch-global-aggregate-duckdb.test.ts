/**
 * A global aggregate (no GROUP BY) in batch mode gives one row over a bounded input, rows or
 * none, as DuckDB (and Flink's batch aggregate) does: COUNT 0 and SUM/AVG/MIN/MAX NULL over no
 * rows, then HAVING over that row. Over insert-only and updating input, at parallelism 1 and 2,
 * per-row, mini-batch and local-global. A stream gives no row until one arrives.
 */
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';
import { createDuckdbTable, duckdbConnection, keyValueRows, numericCanonical } from './duckdb-tables.js';

type R = Record<string, unknown>;

const SELECT = [
  'COUNT(*) AS a',
  'COUNT(v) AS b',
  'COUNT(DISTINCT v) AS c',
  'SUM(v) AS d',
  'MIN(v) AS e',
  'MAX(v) AS f',
  'AVG(CAST(v AS DOUBLE)) AS g',
  'COUNT(*) * 2 + 1 AS h',
].join(', ');
const columns = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

// Empty and non-empty filters; `n < 2` in the updating view deletes a pair's row again at its
// second arrival, so the updating input can retract all the rows a filter kept.
const FILTERS = ['v > 1000', 'v > 20', 'k = 3', 'FALSE'];
const HAVINGS = ['', 'HAVING COUNT(*) = 0', 'HAVING COUNT(*) > 0'];
const UPDATING =
  'CREATE VIEW tu AS SELECT k, v FROM (SELECT k, v, COUNT(*) AS n FROM t0 GROUP BY k, v) AS g WHERE n < 2';
const MODES: Record<string, Record<string, string>> = {
  'per row': {},
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

describe('a batch global aggregate agrees with DuckDB over empty and non-empty input', async () => {
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

  for (const [name, options] of Object.entries(MODES))
    for (const table of ['t0', 'tu'])
      test.each([1, 2])(`${name} over ${table} at parallelism %i`, async (p) => {
        const tEnv = environment(p, 'batch', options);
        await tEnv.executeSql(UPDATING).await();
        let empty = 0;
        for (const where of FILTERS)
          for (const having of HAVINGS) {
            const sql = `SELECT ${SELECT} FROM ${table} WHERE ${where} ${having}`;
            const engine = (await tEnv.executeSql(sql).collect()).map((row) =>
              numericCanonical(row, columns),
            );
            const expected = ((await duck.runAndReadAll(sql)).getRowObjectsJS() as R[]).map((row) =>
              numericCanonical(row, columns),
            );
            expect(engine, sql).toEqual(expected);
            if (expected[0]?.startsWith('0|')) empty++;
          }
        // The filters reach both cases: some aggregate over no rows, some over rows.
        expect(empty).toBeGreaterThanOrEqual(table === 't0' ? 2 : 3);
        expect(empty).toBeLessThan(FILTERS.length * 2);
      });

  test('a stream gives no row over no rows, and one once rows arrive', async () => {
    const tEnv = environment(1, 'streaming', {});
    expect(await tEnv.executeSql(`SELECT ${SELECT} FROM t0 WHERE FALSE`).collect()).toEqual([]);
    expect(await tEnv.executeSql(`SELECT COUNT(*) AS a FROM t0 WHERE v > 20`).collect()).toHaveLength(1);
  });
});
