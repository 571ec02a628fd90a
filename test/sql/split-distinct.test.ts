/**
 * The split-distinct rewrite (`table.optimizer.distinct-agg.split.enabled`) against the plan it
 * replaces: over random changelogs with retractions, the split plan's final rows equal the
 * unsplit plan's, and its changelog is well formed (every -U/-D retracts a row emitted before)
 * and compacts to the same table, with mini-batch and local-global on or off; and both agree
 * with DuckDB on generated data.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type ChangelogRow, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { canonical, createDuckdbTable, duckdbConnection } from './duckdb-tables.js';
import { generateKxsRows, kxsChangelog } from './generated-rows.js';

const COLUMNS = { k: 'INT', x: 'INT', s: 'STRING' } as const;

/**
 * Queries the rule splits: several distinct sets with FILTER and AVG, one set, a set of two
 * arguments, a global aggregate.
 */
const QUERIES: Record<string, { sql: string; duckdb?: string; columns: string[] }> = {
  severalSets: {
    sql: 'SELECT k, COUNT(*) AS n, COUNT(DISTINCT s) AS ds, COUNT(DISTINCT s) FILTER (WHERE x > 0) AS dsp, SUM(DISTINCT x) AS sdx, COUNT(DISTINCT x) AS dx, SUM(x) AS sx, MIN(x) AS lo, MAX(s) AS hi, AVG(x) AS av FROM t GROUP BY k',
    duckdb:
      'SELECT k, COUNT(*) AS n, COUNT(DISTINCT s) AS ds, COUNT(DISTINCT s) FILTER (WHERE x > 0) AS dsp, SUM(DISTINCT x) AS sdx, COUNT(DISTINCT x) AS dx, SUM(x) AS sx, MIN(x) AS lo, MAX(s) AS hi, CAST(TRUNC(AVG(x)) AS INTEGER) AS av FROM t GROUP BY k',
    columns: ['k', 'n', 'ds', 'dsp', 'sdx', 'dx', 'sx', 'lo', 'hi', 'av'],
  },
  oneSet: {
    sql: 'SELECT s, COUNT(DISTINCT k) AS dk, AVG(DISTINCT k) AS adk, SUM(x) AS sx, MAX(x) FILTER (WHERE k > 3) AS mx FROM t GROUP BY s',
    duckdb:
      'SELECT s, COUNT(DISTINCT k) AS dk, CAST(TRUNC(AVG(DISTINCT k)) AS INTEGER) AS adk, SUM(x) AS sx, MAX(x) FILTER (WHERE k > 3) AS mx FROM t GROUP BY s',
    columns: ['s', 'dk', 'adk', 'sx', 'mx'],
  },
  severalArguments: {
    sql: 'SELECT k, COUNT(DISTINCT x, s) AS d2, AVG(DISTINCT x) AS adx, COUNT(DISTINCT s) AS ds FROM t GROUP BY k',
    duckdb:
      "SELECT k, COUNT(DISTINCT CASE WHEN x IS NOT NULL AND s IS NOT NULL THEN x || '|' || s END) AS d2, CAST(TRUNC(AVG(DISTINCT x)) AS INTEGER) AS adx, COUNT(DISTINCT s) AS ds FROM t GROUP BY k",
    columns: ['k', 'd2', 'adx', 'ds'],
  },
  global: {
    sql: 'SELECT COUNT(DISTINCT k) AS dk, COUNT(DISTINCT s) AS ds, COUNT(*) AS n FROM t',
    columns: ['dk', 'ds', 'n'],
  },
};

/** Session options of one plan variant; the first is the unsplit reference. */
const VARIANTS: Record<string, Record<string, string>> = {
  unsplit: {},
  split: {
    'table.optimizer.distinct-agg.split.enabled': 'true',
    'table.optimizer.distinct-agg.split.bucket-num': '3',
  },
  splitMiniBatch: {
    'table.optimizer.distinct-agg.split.enabled': 'true',
    'table.optimizer.distinct-agg.split.bucket-num': '2',
    'table.exec.mini-batch.enabled': 'true',
    'table.exec.mini-batch.allow-latency': '1 h',
    'table.exec.mini-batch.size': '7',
  },
  splitLocalGlobal: {
    'table.optimizer.distinct-agg.split.enabled': 'true',
    'table.exec.mini-batch.enabled': 'true',
    'table.exec.mini-batch.allow-latency': '1 h',
    'table.exec.mini-batch.size': '5',
    'table.optimizer.agg-phase-strategy': 'TWO_PHASE',
  },
};

function tableEnv(options: Record<string, string>, input: ChangelogRow[] | Row[], changelog: boolean) {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  for (const [key, value] of Object.entries(options)) tEnv.executeSql(`SET '${key}' = '${value}'`);
  const env = tEnv.getExecutionEnvironment();
  tEnv.createTemporaryView(
    't',
    changelog
      ? tEnv.fromChangelogStream(env.fromCollection(input as ChangelogRow[]), COLUMNS)
      : env.fromCollection(input as Row[]),
    COLUMNS,
  );
  return tEnv;
}

/** Applies a changelog to a multiset of rows; throws when a -U/-D retracts a row not there. */
function compact(changes: readonly ChangelogRow[], columns: readonly string[]): string[] {
  const rows = new Map<string, number>();
  for (const change of changes) {
    const key = canonical(change.row, columns);
    if (change.kind === '+I' || change.kind === '+U') rows.set(key, (rows.get(key) ?? 0) + 1);
    else {
      const n = rows.get(key) ?? 0;
      if (n === 0) throw new Error(`${change.kind} of a row never emitted: ${key}`);
      if (n === 1) rows.delete(key);
      else rows.set(key, n - 1);
    }
  }
  return [...rows].flatMap(([key, n]) => Array.from({ length: n }, () => key)).sort();
}

/** A random changelog over few keys and values: inserts, and -D / -U+U of rows inserted before. */
const changelogArb = fc
  .array(
    fc.record({
      op: fc.constantFrom('insert', 'insert', 'delete', 'update'),
      k: fc.option(fc.integer({ min: 0, max: 5 }), { freq: 8 }),
      x: fc.option(fc.integer({ min: -4, max: 6 }), { freq: 6 }),
      s: fc.option(fc.constantFrom('ant', 'bee', 'cat', 'dog'), { freq: 6 }),
      pick: fc.nat(),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((ops) => {
    const live: Row[] = [];
    const changes: ChangelogRow[] = [];
    for (const { op, pick, ...row } of ops) {
      if (op !== 'insert' && live.length > 0) {
        const i = pick % live.length;
        if (op === 'delete') {
          changes.push({ kind: '-D', row: live[i]! });
          live.splice(i, 1);
        } else {
          changes.push({ kind: '-U', row: live[i]! }, { kind: '+U', row });
          live[i] = row;
        }
      } else {
        changes.push({ kind: '+I', row });
        live.push(row);
      }
    }
    return changes;
  });

describe('split vs unsplit over random changelogs', () => {
  test('explain shows the split only with the option on', () => {
    const sql = QUERIES.severalSets!.sql;
    expect(tableEnv(VARIANTS.unsplit!, [], false).explainSql(sql)).not.toContain('partialFinalType');
    const plan = tableEnv(VARIANTS.split!, [], false).explainSql(sql);
    expect(plan).toContain('partialFinalType=[PARTIAL]');
    expect(plan).toContain('partialFinalType=[FINAL]');
    expect(plan).toContain('MOD(HASH_CODE(s), 3)');
  });

  test('final rows and compacted changelogs are the same, with retractions', async () => {
    await fc.assert(
      fc.asyncProperty(changelogArb, fc.constantFrom(...Object.keys(QUERIES)), async (changes, name) => {
        const q = QUERIES[name]!;
        let reference: string[] | undefined;
        for (const [variant, options] of Object.entries(VARIANTS)) {
          const result = tableEnv(options, changes, true).executeSql(q.sql);
          const emitted = await result.collectChanges();
          const table = compact(emitted, q.columns);
          if (reference === undefined) reference = table;
          else expect(table, `${name} with ${variant}`).toEqual(reference);
        }
      }),
      { numRuns: 20 },
    );
  });

  test('over insert-only input, where mini-batch may run the partial level in two phases', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), async (seed) => {
        const rows = generateKxsRows(60, seed) as unknown as Row[];
        for (const q of Object.values(QUERIES)) {
          let reference: string[] | undefined;
          for (const [variant, options] of Object.entries(VARIANTS)) {
            const rowsOut = await tableEnv(options, rows, false).executeSql(q.sql).collect();
            const table = rowsOut.map((row) => canonical(row, q.columns)).sort();
            if (reference === undefined) reference = table;
            else expect(table, variant).toEqual(reference);
          }
        }
      }),
      { numRuns: 5 },
    );
  });
});

describe('split plans agree with DuckDB', async () => {
  const data = generateKxsRows(400, 21);
  const duck = await duckdbConnection();
  await createDuckdbTable(duck, 't', { k: 'INTEGER', x: 'INTEGER', s: 'VARCHAR' }, data);
  const { changes, live } = kxsChangelog(500, 31, 37);
  const liveDuck = await duckdbConnection();
  await createDuckdbTable(liveDuck, 't', { k: 'INTEGER', x: 'INTEGER', s: 'VARCHAR' }, live);

  for (const [name, q] of Object.entries(QUERIES)) {
    test(`${name} over insert-only rows and over a changelog`, async () => {
      for (const [input, changelog, db] of [
        [data as unknown as Row[], false, duck],
        [changes, true, liveDuck],
      ] as const) {
        const tEnv = tableEnv(VARIANTS.splitMiniBatch!, input, changelog);
        const engine = (await tEnv.executeSql(q.sql).collect())
          .map((row) => canonical(row, q.columns))
          .sort();
        const reader = await db.runAndReadAll(q.duckdb ?? q.sql);
        const expected = (reader.getRowObjectsJS() as Row[]).map((row) => canonical(row, q.columns)).sort();
        expect(engine.length).toBeGreaterThan(0);
        expect(engine, changelog ? 'changelog' : 'insert-only').toEqual(expected);
      }
    });
  }
});
