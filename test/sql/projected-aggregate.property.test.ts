/**
 * A Calc that only picks and renames a group aggregate's columns is not run: the aggregate
 * builds its rows (projected-aggregate.ts). Over random rows, an aggregate of an aggregate (the
 * outer one over the inner one's retractions, as in Nexmark q4) read through such a Calc must
 * emit the changelog it emits through a Calc that computes the same columns, which still runs:
 * the same changes in the same order at parallelism 1, per-row, mini-batch and two-phase, with
 * and without idle state retention, and the same rows at parallelism 2.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Transformation } from '../../src/graph/transformation.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { changelog, environment, materialize, register } from './over-helpers.js';

const DDL = 'CREATE TABLE t (k INT, g INT, v INT)';

const INNER = 'SELECT k, g, MAX(v) AS m, COUNT(*) AS c FROM t GROUP BY k, g';
/** Picks, reorders and renames the outer aggregate's columns, and the inner one's below it. */
const PICKING = `SELECT n, a AS avg_max, g AS grp FROM (
    SELECT g, AVG(m) AS a, COUNT(*) AS n, SUM(cc) AS s
    FROM (SELECT m, cc, g FROM (SELECT c AS cc, m, g FROM (${INNER}))) GROUP BY g)`;
/** The same columns, computed, so each Calc runs. */
const COMPUTING = `SELECT n + 0 AS n, CASE WHEN a IS NULL THEN NULL ELSE a END AS avg_max, g - 0 AS grp FROM (
    SELECT g, AVG(m) AS a, COUNT(*) AS n, SUM(cc) AS s
    FROM (SELECT m + 0 AS m, cc + 0 AS cc, g - 0 AS g FROM (SELECT c + 0 AS cc, m, g FROM (${INNER}))) GROUP BY g)`;

const rowArb = fc.record({
  k: fc.integer({ min: 0, max: 4 }),
  g: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant(null)),
  v: fc.oneof(fc.integer({ min: -9, max: 9 }), fc.constant(null)),
});

const MODES: Record<string, readonly string[]> = {
  'per row': [],
  'mini-batch, one phase': [
    "SET 'table.exec.mini-batch.enabled' = 'true'",
    "SET 'table.exec.mini-batch.allow-latency' = '1 h'",
    "SET 'table.exec.mini-batch.size' = '3'",
    "SET 'table.optimizer.agg-phase-strategy' = 'ONE_PHASE'",
  ],
  'mini-batch, two phases': [
    "SET 'table.exec.mini-batch.enabled' = 'true'",
    "SET 'table.exec.mini-batch.allow-latency' = '1 h'",
    "SET 'table.exec.mini-batch.size' = '3'",
    "SET 'table.optimizer.agg-phase-strategy' = 'TWO_PHASE'",
  ],
  'idle state retention': ["SET 'table.exec.state.ttl' = '1 h'"],
};

async function changes(sql: string, rows: readonly Row[], mode: string, parallelism: number) {
  const e = environment(parallelism);
  register(e, DDL, rows);
  for (const set of MODES[mode]!) await e.tEnv.executeSql(set).await();
  return changelog(e.tEnv, sql);
}

/** The names of the operators the query's job runs. */
async function operators(sql: string, mode: string): Promise<string[]> {
  const e = environment(1);
  register(e, DDL, [{ k: 1, g: 1, v: 1 }]);
  for (const set of MODES[mode]!) await e.tEnv.executeSql(set).await();
  const stream = e.tEnv.toChangelogStream(e.tEnv.sqlQuery(sql));
  const seen = new Set<Transformation>();
  const visit = (t: Transformation) => {
    if (seen.has(t)) return;
    seen.add(t);
    for (const input of t.inputs) visit(input);
  };
  visit(stream.transformation);
  return [...seen].map((t) => t.name);
}

describe('a Calc that picks and renames a group aggregate’s columns', () => {
  test.each(Object.keys(MODES))(
    'gives the computing Calc’s changelog at parallelism 1 (%s)',
    async (mode) => {
      await fc.assert(
        fc.asyncProperty(fc.array(rowArb, { maxLength: 30 }), async (rows) => {
          expect(await changes(PICKING, rows, mode, 1)).toEqual(await changes(COMPUTING, rows, mode, 1));
        }),
        { numRuns: 15 },
      );
    },
    120_000,
  );

  test('gives the computing Calc’s rows at parallelism 2', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { maxLength: 30 }), async (rows) => {
        const picked = materialize(await changes(PICKING, rows, 'mini-batch, two phases', 2));
        expect(picked).toEqual(materialize(await changes(COMPUTING, rows, 'mini-batch, two phases', 2)));
      }),
      { numRuns: 8 },
    );
  }, 120_000);

  test('is not run, but stays in the plan; a computing Calc runs', async () => {
    for (const mode of ['per row', 'mini-batch, two phases']) {
      const picking = await operators(PICKING, mode);
      expect(picking.filter((name) => name === 'Calc')).toEqual([]);
      expect(
        (await operators(COMPUTING, mode)).filter((name) => name === 'Calc').length,
      ).toBeGreaterThanOrEqual(2);
      if (mode !== 'per row') expect(picking).toContain('GlobalGroupAggregate');
    }
    const e = environment(1);
    register(e, DDL, []);
    expect(e.tEnv.sqlQuery(PICKING).explain()).toContain('Calc(select=[n, a AS avg_max, g AS grp]');
  });
});
