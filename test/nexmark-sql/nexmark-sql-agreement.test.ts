/**
 * Nexmark's reference SQL on the `nexmark` connector agrees with the DataStream version of each
 * query (bench/nexmark/qN.ts) and with DuckDB on the same bounded generated events: the SQL
 * changelog folded into its final table equals the DataStream rows (the last per key for
 * updating queries) and DuckDB's. q12's processing-time windows depend on the wall clock, so
 * its rows are checked against invariants that do not (see processing-time-invariants.ts). A
 * query whose SQL the planner cannot run yet is skipped, its test named with the planner's
 * reason, so it turns on by itself when the construct lands.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { NexmarkQuery } from '../../bench/nexmark/query.js';
import { loadQuery } from '../../bench/nexmark/run-query-files.js';
import { sqlQueries, sqlStatements } from '../../bench/nexmark/sql/sql-files.js';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { canonical, duckdbTables, generateEvents, runDuckdb, runEngine } from '../nexmark/harness.js';
import { q12Violations } from './processing-time-invariants.js';
import { projected, runSql, sqlUnsupported } from './sql-agreement.js';

const EVENTS = 10_000;
// 500 events per second of event time: 20 s of input, two 10 s tumbling windows and several hops.
const CONFIG = { firstEventRate: 500 };

/** Queries whose SQL computes something else than their DataStream version. */
const NOT_COMPARABLE: Record<string, string> = {
  q4: 'the DataStream q4 averages the winning bids of closed auctions; the reference SQL the highest bid of every auction so far',
};

/** Where the DataStream version names a column otherwise than the reference sink table. */
const DATASTREAM_NAMES: Record<string, Record<string, string>> = { q8: { starttime: 'stime' } };

/** Queries whose SQL operators are slow enough on the test machine to take fewer events. */
const FEWER_EVENTS: Record<string, number> = { q9: 1500, q18: 1500, q19: 3000 };

const queries = sqlQueries().filter((q) => Number(q.slice(1)) <= 22);

describe('Nexmark SQL agrees with DataStream and DuckDB', () => {
  const inputs = new Map<number, ReturnType<typeof generateEvents>>();
  const eventsFor = (count: number) => {
    if (!inputs.has(count)) inputs.set(count, generateEvents(count, CONFIG));
    return inputs.get(count)!;
  };
  for (const name of queries) {
    const reason = NOT_COMPARABLE[name] ?? sqlUnsupported(name);
    const title = reason === undefined ? `${name} agrees` : `${name} (skipped: ${reason})`;
    test.skipIf(reason !== undefined)(title, async () => {
      const query: NexmarkQuery<unknown> = await loadQuery(name);
      const count = FEWER_EVENTS[name] ?? EVENTS;
      const events = eventsFor(count);
      const sql = await runSql(name, count, CONFIG);
      expect(sql.rows.length).toBeGreaterThan(0);
      if (name === 'q12') {
        // Processing-time windows: no two runs agree row for row, but every run satisfies these.
        expect(await q12Violations(sql.rows, events)).toEqual([]);
        return;
      }
      const names = DATASTREAM_NAMES[name];
      expect(sql.rows).toEqual(projected(await runEngine(query, events), sql.columns, names));
      const duckdb = await runDuckdb(query, events);
      if (duckdb !== undefined) expect(sql.rows).toEqual(projected(duckdb, sql.columns, names));
    });
  }
});

describe('Nexmark SQL at parallelism 2', () => {
  // The connector's readers split the index space; stateless and keyed queries give the same rows.
  for (const name of ['q0', 'q2']) {
    test.skipIf(sqlUnsupported(name) !== undefined)(`${name} gives the rows of parallelism 1`, async () => {
      const one = (await runSql(name, EVENTS, CONFIG, 1)).rows;
      expect((await runSql(name, EVENTS, CONFIG, 2)).rows).toEqual(one);
      expect(one.length).toBeGreaterThan(0);
    });
  }
});

describe('Nexmark SQL joins in mini-batch bundles', () => {
  // Flink's Nexmark options, as the bench sets them but with bundles of 500 rows: the regular
  // joins then run by bundles (mini-batch-join-operator.ts), a key's rows at a time, and must
  // give the rows of the join that takes each row as it comes.
  const options = {
    'table.exec.mini-batch.enabled': 'true',
    'table.exec.mini-batch.allow-latency': '2 s',
    'table.exec.mini-batch.size': '500',
  };
  for (const name of ['q3', 'q20']) {
    test.skipIf(sqlUnsupported(name) !== undefined)(
      `${name} gives the rows of the row-at-a-time join`,
      async () => {
        const plain = (await runSql(name, EVENTS, CONFIG)).rows;
        expect(plain.length).toBeGreaterThan(0);
        expect((await runSql(name, EVENTS, CONFIG, 1, options)).rows).toEqual(plain);
      },
    );
  }
});

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('Nexmark q10 writes its partitions', () => {
  // 50 events per second: 3 minutes of event time, so several hm partitions.
  const config = { firstEventRate: 50 };
  const count = 10_000;

  test('rows per partition agree with DuckDB, and every partition has its success file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'weir-q10-'));
    dirs.push(dataDir);
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env.getConfig().setAutoWatermarkInterval(1);
    const tEnv = TableEnvironment.create(env);
    const statements = sqlStatements('q10', {
      events: count,
      eventsPerSecond: config.firstEventRate,
      dataDir,
    });
    const insert = statements.pop()!;
    for (const statement of statements) tEnv.executeSql(statement);
    await tEnv.executeSql(insert).await();

    const root = join(dataDir, 'data', 'output', '0', 'bid');
    const written = new Map<string, number>();
    for (const day of readdirSync(root)) {
      for (const minute of readdirSync(join(root, day))) {
        const dir = join(root, day, minute);
        const names = readdirSync(dir);
        expect(names, dir).toContain('_SUCCESS');
        expect(
          names.filter((n) => n.startsWith('.')),
          dir,
        ).toEqual([]);
        const rows = names
          .filter((n) => n.startsWith('part-'))
          .reduce(
            (sum, n) =>
              sum +
              readFileSync(join(dir, n), 'utf8')
                .split('\n')
                .filter((l) => l !== '').length,
            0,
          );
        written.set(`${day}/${decodeURIComponent(minute)}`, rows);
      }
    }
    const connection = await duckdbTables(generateEvents(count, config));
    const reader = await connection.runAndReadAll(`
      SELECT 'dt=' || strftime(dateTime, '%Y-%m-%d') || '/hm=' || strftime(dateTime, '%H:%M') AS p, COUNT(*) AS n
      FROM bid GROUP BY ALL ORDER BY p`);
    const expected = new Map(
      (reader.getRowObjectsJS() as { p: string; n: bigint }[]).map((r) => [r.p, Number(r.n)]),
    );
    expect(expected.size).toBeGreaterThan(2);
    expect(new Map([...written].sort())).toEqual(expected);
    expect(existsSync(join(root, '_SUCCESS'))).toBe(false);
  });
});

describe('Nexmark q4 SQL agrees with DuckDB', () => {
  // The reference SQL's meaning: every auction's highest bid within its lifetime, so far (no
  // closing), averaged per category as a BIGINT, which truncates.
  const duckdb = `
    SELECT Q.category AS id, CAST(trunc(AVG(Q.final)) AS BIGINT) AS final
    FROM (
      SELECT MAX(B.price) AS final, A.category
      FROM auction A, bid B
      WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
      GROUP BY A.id, A.category
    ) Q
    GROUP BY Q.category`;

  test.skipIf(sqlUnsupported('q4') !== undefined)("q4: the final table is DuckDB's", async () => {
    const sql = await runSql('q4', EVENTS, CONFIG);
    expect(sql.rows.length).toBeGreaterThan(0);
    const connection = await duckdbTables(generateEvents(EVENTS, CONFIG));
    const reader = await connection.runAndReadAll(duckdb);
    expect(sql.rows).toEqual(reader.getRowObjectsJS().map(canonical).sort());
  });
});
