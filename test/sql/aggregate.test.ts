/**
 * GROUP BY aggregation beyond the .slt file: result types, an aggregate over a changelog
 * table with updates and deletes, agreement with DuckDB on generated data (final tables, at
 * parallelism 1 and 2, over insert-only and retracting input), and the inputs planning refuses.
 */
import { describe, expect, test } from 'vitest';
import { canonical, createDuckdbTable, duckdbConnection } from './duckdb-tables.js';
import { type ChangelogRow, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import type {
  AggregateFunctionDefinition,
  BoundAggregateCall,
} from '../../src/sql/aggregates/aggregate-function.js';
import { Types } from '../../src/sql/catalog/types.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { aggregate } from '../../src/sql/planner/aggregate/aggregate-nodes.js';
import { toPhysicalAggregate } from '../../src/sql/planner/aggregate/aggregate-planning.js';
import { values } from '../../src/sql/planner/logical.js';
import type { PhysicalNode } from '../../src/sql/planner/physical.js';
import { generateKxsRows, kxsChangelog } from './generated-rows.js';

const tableEnv = (parallelism: number) =>
  TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));

/** A row as text, numbers normalised (DuckDB gives bigint for COUNT and SUM). */
/** Queries that both engines run; `duckdb` where the dialects differ (AVG of INT truncates in Flink). */
const QUERIES: Record<string, { sql: string; duckdb?: string; columns: string[] }> = {
  perKey: {
    sql: 'SELECT k, COUNT(*) AS c, COUNT(x) AS cx, SUM(x) AS sx, MIN(x) AS lo, MAX(s) AS hi, AVG(x) AS av FROM t GROUP BY k',
    duckdb:
      'SELECT k, COUNT(*) AS c, COUNT(x) AS cx, SUM(x) AS sx, MIN(x) AS lo, MAX(s) AS hi, CAST(TRUNC(AVG(x)) AS INTEGER) AS av FROM t GROUP BY k',
    columns: ['k', 'c', 'cx', 'sx', 'lo', 'hi', 'av'],
  },
  distinctAndFilter: {
    sql: "SELECT k, COUNT(DISTINCT s) AS ds, SUM(DISTINCT x) AS dx, COUNT(*) FILTER (WHERE x > 0) AS pos, MAX(x) FILTER (WHERE s = 'cat') AS mc FROM t GROUP BY k",
    columns: ['k', 'ds', 'dx', 'pos', 'mc'],
  },
  having: {
    sql: 'SELECT k, s, SUM(x) AS total FROM t GROUP BY k, s HAVING COUNT(*) > 2 AND SUM(x) IS NOT NULL',
    columns: ['k', 's', 'total'],
  },
  expressions: {
    sql: "SELECT x % 3 AS m, CASE WHEN COUNT(*) > 20 THEN 'many' ELSE 'few' END AS size, MAX(x) - MIN(x) AS spread FROM t WHERE x IS NOT NULL GROUP BY x % 3",
    columns: ['m', 'size', 'spread'],
  },
  global: {
    sql: 'SELECT COUNT(*) AS c, SUM(x) AS sx, MIN(s) AS lo, COUNT(DISTINCT k) AS dk FROM t',
    columns: ['c', 'sx', 'lo', 'dk'],
  },
  selectDistinct: {
    sql: 'SELECT DISTINCT k, s FROM t',
    columns: ['k', 's'],
  },
  aggregateOfAggregate: {
    sql: 'SELECT cnt, COUNT(*) AS groups, MIN(total) AS lo, MAX(total) AS hi FROM (SELECT k, COUNT(*) AS cnt, SUM(x) AS total FROM t GROUP BY k) GROUP BY cnt',
    columns: ['cnt', 'groups', 'lo', 'hi'],
  },
  extremesOverRetractions: {
    sql: 'SELECT MIN(c) AS lo, MAX(c) AS hi, SUM(c) AS total, COUNT(DISTINCT c) AS dc FROM (SELECT s, COUNT(*) AS c FROM t GROUP BY s)',
    columns: ['lo', 'hi', 'total', 'dc'],
  },
};

describe('GROUP BY agrees with DuckDB on generated data', async () => {
  const data = generateKxsRows(400, 7);
  const duck = await duckdbConnection();
  await createDuckdbTable(duck, 't', { k: 'INTEGER', x: 'INTEGER', s: 'VARCHAR' }, data);

  for (const [name, q] of Object.entries(QUERIES)) {
    test.each([1, 2])(`${name} at parallelism %i`, async (parallelism) => {
      const tEnv = tableEnv(parallelism);
      const env = tEnv.getExecutionEnvironment();
      tEnv.createTemporaryView('t', env.fromCollection(data), { k: 'INT', x: 'INT', s: 'STRING' });
      const engine = (await tEnv.executeSql(q.sql).collect()).map((row) => canonical(row, q.columns)).sort();
      const reader = await duck.runAndReadAll(q.duckdb ?? q.sql);
      const expected = (reader.getRowObjectsJS() as Row[]).map((row) => canonical(row, q.columns)).sort();
      expect(engine.length).toBeGreaterThan(0);
      expect(engine).toEqual(expected);
    });
  }

  test('over a changelog of inserts, updates and deletes, the final table is that of the rows left', async () => {
    const { changes, live } = kxsChangelog(600, 11, 13);
    const liveDuck = await duckdbConnection();
    await createDuckdbTable(liveDuck, 't', { k: 'INTEGER', x: 'INTEGER', s: 'VARCHAR' }, live);
    // The disk backend serializes the accumulators (distinct maps, MIN/MAX value counts).
    for (const [parallelism, backend] of [
      [1, 'heap'],
      [2, 'heap'],
      [2, 'disk'],
    ] as const) {
      const tEnv = tableEnv(parallelism);
      tEnv.executeSql(`SET 'state.backend.type' = '${backend}'`);
      const env = tEnv.getExecutionEnvironment();
      tEnv.createTemporaryView(
        't',
        tEnv.fromChangelogStream(env.fromCollection(changes), { k: 'INT', x: 'INT', s: 'STRING' }),
      );
      for (const name of ['perKey', 'distinctAndFilter', 'global', 'aggregateOfAggregate'] as const) {
        const q = QUERIES[name]!;
        const engine = (await tEnv.executeSql(q.sql).collect())
          .map((row) => canonical(row, q.columns))
          .sort();
        const reader = await liveDuck.runAndReadAll(q.duckdb ?? q.sql);
        const expected = (reader.getRowObjectsJS() as Row[]).map((row) => canonical(row, q.columns)).sort();
        expect(engine, `${name} at parallelism ${parallelism} on ${backend}`).toEqual(expected);
      }
    }
  });
});

describe('GROUP BY over a changelog table', () => {
  const CHANGES: ChangelogRow[] = [
    { kind: '+I', row: { id: 1, team: 'red', score: 10 } },
    { kind: '+I', row: { id: 2, team: 'red', score: 5 } },
    { kind: '+I', row: { id: 3, team: 'blue', score: 7 } },
    { kind: '-U', row: { id: 1, team: 'red', score: 10 } },
    { kind: '+U', row: { id: 1, team: 'red', score: 3 } },
    { kind: '-D', row: { id: 3, team: 'blue', score: 7 } },
    { kind: '-D', row: { id: 2, team: 'red', score: 5 } },
  ];

  function setup() {
    const tEnv = tableEnv(1);
    const env = tEnv.getExecutionEnvironment();
    tEnv.createTemporaryView(
      'players',
      tEnv.fromChangelogStream(env.fromCollection(CHANGES), { id: 'INT', team: 'STRING', score: 'INT' }),
    );
    return tEnv;
  }

  test('updates retract the old row, and a group whose rows are all deleted is deleted', async () => {
    const tEnv = setup();
    const result = tEnv.executeSql(
      'SELECT team, COUNT(*) AS n, MAX(score) AS best FROM players GROUP BY team',
    );
    const text = (await result.collectChanges()).map(
      (c) => `${c.kind}[${c.row.team}, ${c.row.n}, ${c.row.best}]`,
    );
    expect(text).toEqual([
      '+I[red, 1, 10]',
      '-U[red, 1, 10]',
      '+U[red, 2, 10]',
      '+I[blue, 1, 7]',
      // The -U of id 1 takes red's best from 10 to 5; its +U adds 3.
      '-U[red, 2, 10]',
      '+U[red, 1, 5]',
      '-U[red, 1, 5]',
      '+U[red, 2, 5]',
      '-D[blue, 1, 7]',
      '-U[red, 2, 5]',
      '+U[red, 1, 3]',
    ]);
    expect(
      await tEnv
        .executeSql('SELECT team, COUNT(*) AS n, MAX(score) AS best FROM players GROUP BY team')
        .collect(),
    ).toEqual([{ team: 'red', n: 1, best: 3 }]);
  });

  test('a global aggregate over deletes goes back to its empty values, then is deleted', async () => {
    const tEnv = setup();
    const changes = await tEnv
      .executeSql("SELECT COUNT(*) AS n, SUM(score) AS total FROM players WHERE team = 'blue'")
      .collectChanges();
    expect(changes).toEqual([
      { kind: '+I', row: { n: 1, total: 7 } },
      { kind: '-D', row: { n: 1, total: 7 } },
    ]);
  });
});

describe('GROUP BY result types and refused inputs', () => {
  test('result types follow Flink', () => {
    const tEnv = tableEnv(1);
    tEnv.executeSql(
      "CREATE VIEW v AS SELECT * FROM (VALUES ('a', 1, CAST(1.5 AS DECIMAL(10, 2)), CAST(2.5 AS DOUBLE))) AS v(k, i, d, f)",
    );
    const schema = tEnv
      .executeSql(
        'SELECT k, COUNT(*) AS c, SUM(i) AS si, AVG(i) AS ai, SUM(d) AS sd, AVG(d) AS ad, AVG(f) AS af, MIN(k) AS mk, LISTAGG(k) AS lk FROM v GROUP BY k',
      )
      .getResolvedSchema();
    expect(schema.map((c) => `${c.name} ${c.type}`)).toEqual([
      'k CHAR(1) NOT NULL',
      'c BIGINT NOT NULL',
      'si INT',
      'ai INT',
      'sd DECIMAL(38, 2)',
      'ad DECIMAL(38, 6)',
      'af DOUBLE',
      'mk CHAR(1)',
      'lk STRING',
    ]);
  });

  test('a grouped or aggregated rowtime loses its time attribute', () => {
    const tEnv = tableEnv(1);
    tEnv.executeSql(
      "CREATE TABLE ev (id INT, ts AS TO_TIMESTAMP_LTZ(id, 3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '3')",
    );
    const schema = tEnv.executeSql('SELECT ts, MAX(ts) AS latest FROM ev GROUP BY ts').getResolvedSchema();
    expect(schema.map((c) => c.type)).toEqual(['TIMESTAMP_LTZ(3)', 'TIMESTAMP_LTZ(3)']);
  });

  const input = values([[1]], [{ name: 'a', type: Types.INT }]);
  const physicalInput = (changelogMode: PhysicalNode['changelogMode']): PhysicalNode =>
    Object.freeze({ kind: 'values', rows: [[1]], columns: input.columns, changelogMode });

  test('an upsert input is refused by name', () => {
    expect(() => toPhysicalAggregate(aggregate(input, ['a'], []), () => physicalInput('upsert'))).toThrow(
      /GROUP BY over an upsert changelog .* is not supported/,
    );
  });

  test('a function that cannot retract is refused over a retract input, accepted over inserts', () => {
    const definition: AggregateFunctionDefinition = {
      name: 'ONLY_UP',
      retractable: false,
      resultType: () => Types.INT,
      create: () => ({
        name: 'ONLY_UP',
        createAccumulator: () => 0,
        accumulate: (a) => a,
        getValue: (a) => a,
      }),
    };
    const call: BoundAggregateCall = {
      fn: 'ONLY_UP',
      args: ['a'],
      argTypes: [Types.INT],
      distinct: false,
      name: 'u',
      type: Types.INT,
      definition,
    };
    const node = aggregate(input, [], [call]);
    expect(() => toPhysicalAggregate(node, () => physicalInput('retract'))).toThrow(
      /aggregate function ONLY_UP cannot retract rows, but its input is updated/,
    );
    expect(toPhysicalAggregate(node, () => physicalInput('insert-only')).changelogMode).toBe(
      'retract-no-deletes',
    );
  });
});
