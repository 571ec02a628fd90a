/**
 * User-defined functions agree with DuckDB on generated data, at parallelism 1 and 2: each
 * query is written once with Weir's UDFs and once with the DuckDB built-ins that compute the
 * same thing (a split table function against `unnest(string_split(…))`, an average UDAF with
 * retract against AVG, a bucketing scalar function against CASE). Updating queries are compared
 * as their final tables.
 */
import { describe, expect, test } from 'vitest';
import { canonical, createDuckdbTable, duckdbConnection } from './duckdb-tables.js';
import { StreamExecutionEnvironment, TableEnvironment, TableFunction } from '../../src/index.js';
import { seededRandom as random } from './generated-rows.js';

interface Row {
  id: number;
  k: number | null;
  x: number | null;
  s: string | null;
}

const WORDS = ['ant', 'bee', 'cat', 'dog', 'eel'];

/** Rows with NULLs in every column but id; sentences of 1 to 4 words separated by one space. */
function generate(n: number, seed: number): Row[] {
  const next = random(seed);
  const pick = <V>(nullRate: number, make: () => V): V | null => (next() < nullRate ? null : make());
  return Array.from({ length: n }, (_, id) => ({
    id,
    k: pick(0.05, () => Math.floor(next() * 8)),
    x: pick(0.15, () => Math.floor(next() * 41) - 20),
    s: pick(0.1, () =>
      Array.from({ length: 1 + Math.floor(next() * 4) }, () => WORDS[Math.floor(next() * 5)]!).join(' '),
    ),
  }));
}

class Split extends TableFunction {
  readonly resultType = 'ROW<word STRING>';
  readonly argumentTypes = ['STRING'];
  eval(s: string | null): void {
    if (s !== null) for (const word of s.split(' ')) this.collect({ word });
  }
}

function tableEnv(parallelism: number, data: readonly Row[]): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
  const env = tEnv.getExecutionEnvironment();
  tEnv.createTemporaryView('t', env.fromCollection([...data]), {
    id: 'INT',
    k: 'INT',
    x: 'INT',
    s: 'STRING',
  });
  tEnv.createTemporarySystemFunction('split_words', new Split());
  tEnv.createTemporarySystemFunction('bucket', {
    eval: (x: number | null) => (x === null ? null : x < -10 ? 'low' : x <= 10 ? 'mid' : 'high'),
    resultType: 'STRING',
    argumentTypes: ['INT'],
  });
  tEnv.createTemporarySystemFunction('mean', {
    createAccumulator: () => ({ sum: 0, count: 0 }),
    accumulate(acc: { sum: number; count: number }, x: number | null) {
      if (x === null) return;
      acc.sum += x;
      acc.count++;
    },
    retract(acc: { sum: number; count: number }, x: number | null) {
      if (x === null) return;
      acc.sum -= x;
      acc.count--;
    },
    getValue: (acc: { sum: number; count: number }) => (acc.count === 0 ? null : acc.sum / acc.count),
    resultType: 'DOUBLE',
    argumentTypes: ['BIGINT'],
  });
  return tEnv;
}

const QUERIES: Record<string, { weir: string; duckdb: string; columns: string[] }> = {
  lateral: {
    weir: 'SELECT id, word FROM t, LATERAL TABLE(split_words(s)) AS w(word)',
    duckdb: "SELECT id, unnest(string_split(s, ' ')) AS word FROM t WHERE s IS NOT NULL",
    columns: ['id', 'word'],
  },
  leftLateral: {
    weir: 'SELECT id, word FROM t LEFT JOIN LATERAL TABLE(split_words(s)) AS w(word) ON TRUE',
    duckdb:
      "SELECT id, word FROM t LEFT JOIN LATERAL (SELECT unnest(string_split(t.s, ' ')) AS word) w ON TRUE",
    columns: ['id', 'word'],
  },
  scalarKeyAndUdaf: {
    weir: 'SELECT bucket(x) AS b, COUNT(*) AS c, mean(x) AS m FROM t GROUP BY bucket(x)',
    duckdb:
      "SELECT CASE WHEN x < -10 THEN 'low' WHEN x <= 10 THEN 'mid' WHEN x > 10 THEN 'high' END AS b, COUNT(*) AS c, AVG(x) AS m FROM t GROUP BY b",
    columns: ['b', 'c', 'm'],
  },
  udafOverLateral: {
    weir: 'SELECT word, mean(x) AS m, COUNT(*) AS c FROM t, LATERAL TABLE(split_words(s)) AS w(word) WHERE x IS NOT NULL GROUP BY word',
    duckdb:
      "SELECT word, AVG(x) AS m, COUNT(*) AS c FROM (SELECT x, unnest(string_split(s, ' ')) AS word FROM t WHERE s IS NOT NULL AND x IS NOT NULL) GROUP BY word",
    columns: ['word', 'm', 'c'],
  },
  udafOverUpdates: {
    // The inner aggregate retracts its earlier results; mean must retract them too.
    weir: 'SELECT k2, mean(c) AS m FROM (SELECT k, MOD(k, 3) AS k2, COUNT(*) AS c FROM t WHERE k IS NOT NULL GROUP BY k) GROUP BY k2',
    duckdb:
      'SELECT k2, AVG(c) AS m FROM (SELECT k, k % 3 AS k2, COUNT(*) AS c FROM t WHERE k IS NOT NULL GROUP BY k) GROUP BY k2',
    columns: ['k2', 'm'],
  },
};

describe('UDFs agree with DuckDB on generated data', async () => {
  const data = generate(300, 5);
  const duck = await duckdbConnection();
  await createDuckdbTable(duck, 't', { id: 'INTEGER', k: 'INTEGER', x: 'INTEGER', s: 'VARCHAR' }, data);

  for (const [name, q] of Object.entries(QUERIES)) {
    test.each([1, 2])(`${name} at parallelism %i`, async (parallelism) => {
      const tEnv = tableEnv(parallelism, data);
      const engine = (await tEnv.executeSql(q.weir).collect()).map((row) => canonical(row, q.columns)).sort();
      const reader = await duck.runAndReadAll(q.duckdb);
      const expected = (reader.getRowObjectsJS() as Record<string, unknown>[])
        .map((row) => canonical(row, q.columns))
        .sort();
      expect(engine.length).toBeGreaterThan(0);
      expect(engine).toEqual(expected);
    });
  }
});
