/**
 * Projection push-down must not change results: over random rows in csv files (a connector
 * that projects), each query runs once with the planner as it is and once with the pass
 * replaced by the identity, and both must emit the same rows (or changes). The queries cover
 * each operator the pass narrows below: filter and project, group and window aggregates,
 * regular, semi and interval joins, OVER, Top-N, deduplication, UNION ALL and COUNT(*) (a scan
 * with no column read).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test, vi } from 'vitest';
import * as withPass from '../../src/index.js';
import { ConnectorRegistry } from '../../src/sql/connectors/registry.js';
import { planLogical } from '../../src/sql/planner/planner.js';
import { PROJECTION_PUSH_DOWN } from '../../src/sql/planner/projection-push-down.js';

vi.resetModules();
vi.doMock('../../src/sql/planner/projection-push-down.js', () => ({
  PROJECTION_PUSH_DOWN: 'ProjectionPushDownRule',
  pushDownProjections: (plan: unknown) => plan,
}));
const withoutPass = (await import('../../src/index.js')) as typeof withPass;
vi.doUnmock('../../src/sql/planner/projection-push-down.js');

const root = mkdtempSync(join(tmpdir(), 'weir-sql-projection-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const QUERIES: readonly string[] = [
  'SELECT k, v FROM t WHERE n > 0',
  'SELECT k, COUNT(*) AS c, SUM(v) AS sv FROM t GROUP BY k',
  'SELECT COUNT(*) AS c FROM t',
  'SELECT t.k, u.name, t.v FROM t JOIN u ON t.k = u.k WHERE u.w > 0',
  'SELECT s, v FROM t WHERE k IN (SELECT k FROM u WHERE w > 0)',
  'SELECT k, v, SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS sv FROM t',
  'SELECT k, v FROM (SELECT k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM t) WHERE rn <= 2',
  'SELECT k, s FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts ASC) AS rn FROM t) WHERE rn = 1',
  `SELECT window_start, k, COUNT(*) AS c, MAX(v) AS mv
     FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end, k`,
  `SELECT a.k, b.v FROM t a, t b
     WHERE a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '2' SECOND AND a.ts AND a.n > b.n`,
  'SELECT k FROM t WHERE v > 0 UNION ALL SELECT k FROM u',
];

interface TRow {
  k: number;
  v: number;
  s: string;
  n: number;
  ms: number;
}

const tRow = fc.record({
  k: fc.integer({ min: 0, max: 4 }),
  v: fc.integer({ min: -50, max: 50 }),
  s: fc.constantFrom('a', 'b', 'c', 'dd'),
  n: fc.integer({ min: -5, max: 5 }),
  ms: fc.integer({ min: 0, max: 30_000 }),
});
const uRow = fc.record({
  k: fc.integer({ min: 0, max: 5 }),
  name: fc.constantFrom('x', 'y', 'z'),
  w: fc.integer({ min: -2, max: 2 }),
});

type Api = typeof withPass;

async function run(api: Api, dir: string, sql: string): Promise<{ rows: string[]; explain: string }> {
  const tEnv = api.TableEnvironment.create(api.StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.executeSql(`CREATE TABLE t (k INT, v INT, s STRING, n INT, ms BIGINT,
      ts AS TO_TIMESTAMP_LTZ(ms, 3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
    WITH ('connector' = 'filesystem', 'path' = '${join(dir, 't.csv')}', 'format' = 'csv')`);
  tEnv.executeSql(`CREATE TABLE u (k INT, name STRING, w INT)
    WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'u.csv')}', 'format' = 'csv')`);
  const explain = tEnv.explainSql(sql);
  const rows = await tEnv.executeSql(sql).collect();
  return { rows: rows.map((r) => JSON.stringify(r)).sort(), explain };
}

describe('projection push-down keeps results', () => {
  let runs = 0;
  test('every query gives the same rows with and without the pass, over random tables', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(tRow, { minLength: 1, maxLength: 40 }),
        fc.array(uRow, { minLength: 1, maxLength: 8 }),
        async (ts: TRow[], us) => {
          const dir = join(root, String(runs++));
          mkdirSync(dir);
          // Mostly ascending times with some disorder, so a few rows come late for the windows.
          const sorted = [...ts].sort((a, b) => a.ms - b.ms);
          const shuffled = sorted.map((r, i) => (i % 5 === 4 && i > 0 ? sorted[i - 1]! : r));
          writeFileSync(
            join(dir, 't.csv'),
            shuffled.map((r) => `${r.k},${r.v},${r.s},${r.n},${r.ms}`).join('\n') + '\n',
          );
          writeFileSync(join(dir, 'u.csv'), us.map((r) => `${r.k},${r.name},${r.w}`).join('\n') + '\n');
          for (const sql of QUERIES) {
            const pruned = await run(withPass, dir, sql);
            const full = await run(withoutPass, dir, sql);
            expect(full.explain).not.toContain('project=[');
            expect(pruned.rows, sql).toEqual(full.rows);
          }
        },
      ),
      { numRuns: 10 },
    );
  }, 120_000);

  test('the pass projects the scans and narrows stateful inputs', async () => {
    const dir = join(root, 'explain');
    mkdirSync(dir);
    writeFileSync(join(dir, 't.csv'), '1,2,a,3,1000\n');
    writeFileSync(join(dir, 'u.csv'), '1,x,1\n');
    // The watermark reads ts, computed from ms: both stay below the scan's consumers.
    const joined = await run(withPass, dir, QUERIES[3]!);
    expect(joined.explain).toContain('default_database, t, project=[k, v, ms]]], fields=[k, v, ms]');
    expect(joined.explain).toContain('default_database, u]], fields=[k, name, w]');
    expect(joined.rows).toEqual([JSON.stringify({ k: 1, name: 'x', v: 2 })]);
    const count = await run(withPass, dir, QUERIES[2]!);
    expect(count.explain).toContain('default_database, t, project=[ms]]]');
  });

  test('datagen gives a projected column the values it has in the full row', async () => {
    const tEnv = withPass.TableEnvironment.create(
      withPass.StreamExecutionEnvironment.createLocalEnvironment(1),
    );
    tEnv.executeSql(`CREATE TABLE g (id INT, x DOUBLE, y STRING, z BIGINT) WITH ('connector' = 'datagen',
      'number-of-rows' = '20', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '20')`);
    const all = await tEnv.executeSql('SELECT * FROM g').collect();
    const some = await tEnv.executeSql('SELECT id, z FROM g').collect();
    expect(tEnv.explainSql('SELECT id, z FROM g')).toContain('project=[id, z]');
    const key = (r: withPass.Row) => `${r.id}|${r.z}`;
    expect(some.map(key).sort()).toEqual(all.map(key).sort());
  });

  test('the pass is a named step among the fired rules, and only when it changed the plan', () => {
    const tEnv = withPass.TableEnvironment.create(
      withPass.StreamExecutionEnvironment.createLocalEnvironment(1),
    );
    tEnv.executeSql(
      `CREATE TABLE g (id INT, x DOUBLE, y STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '1')`,
    );
    const registry = new ConnectorRegistry();
    const narrowed = planLogical(tEnv.sqlQuery('SELECT id FROM g WHERE x > 0').plan, registry);
    expect(narrowed.rulesFired).toContain(PROJECTION_PUSH_DOWN);
    const whole = planLogical(tEnv.sqlQuery('SELECT id, y FROM g WHERE x > 0').plan, registry);
    expect(whole.rulesFired).not.toContain(PROJECTION_PUSH_DOWN);
  });
});
