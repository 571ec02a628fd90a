/**
 * The `jdbc` SQL connector against a real PostgreSQL (test/support/postgres.ts starts one):
 * every mapped type and NULL written and read back, upserts and deletes by primary key from an
 * updating query, the sink's NOT NULL and length enforcers acting before the server sees a row, a
 * partitioned parallel scan that selects only the columns a query needs, a
 * reader resuming its split at a checkpointed position, the two-phase commit (rows invisible
 * while prepared, commit repeatable, leftovers of a failed attempt rolled back on restore),
 * crashes at random points of a sink driven by hand giving the failure-free result, and the
 * one-line errors for a bad url, a missing table or column, a
 * value the server refuses, a server without prepared transactions and an updating query into a
 * table without a key; a lookup join's plan (its runs are in jdbc-lookup.test.ts).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SinkAttempt } from '../../src/connectors/common/sink-testing.js';
import {
  type ChangelogRow,
  type Row,
  StreamExecutionEnvironment,
  TableEnvironment,
} from '../../src/index.js';
import { readJdbcOptions } from '../../src/sql/connectors/jdbc/jdbc-options.js';
import { type JdbcCommittable, JdbcTableSink } from '../../src/sql/connectors/jdbc/jdbc-sink.js';
import { JdbcSource, partitionRanges } from '../../src/sql/connectors/jdbc/jdbc-source.js';
import { Types } from '../../src/sql/catalog/types.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(() => pg?.stop());

function tableEnv(parallelism = 1): TableEnvironment {
  return TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
}

const withOptions = (table: string, extra = '', user = pg.user) =>
  `'connector' = 'jdbc', 'url' = '${pg.url}', 'table-name' = '${table}', 'username' = '${user}'${extra}`;

describe('writing and reading', () => {
  test('every mapped type and NULLs go to PostgreSQL and come back unchanged', async () => {
    pg.psql(
      'CREATE TABLE every_type (i INTEGER, b BIGINT, si SMALLINT, d DOUBLE PRECISION, f REAL, dec NUMERIC(10, 2), s TEXT, ok BOOLEAN, dt DATE, tm TIME, ts TIMESTAMP(3), ltz TIMESTAMPTZ(3), bin BYTEA)',
    );
    const rows: Row[] = [
      {
        i: -7,
        b: 9007199254740991,
        si: 12,
        d: 1.5,
        f: 0.25,
        dec: 12.3,
        s: 'it\'s "quoted"',
        ok: true,
        dt: 19000,
        tm: 3_723_004,
        ts: 1_700_000_000_123,
        ltz: 1_600_000_000_456,
        bin: new Uint8Array([0, 1, 255]),
      },
      {
        i: null,
        b: null,
        si: null,
        d: null,
        f: null,
        dec: null,
        s: null,
        ok: null,
        dt: null,
        tm: null,
        ts: null,
        ltz: null,
        bin: null,
      },
    ];
    const schema = {
      i: 'INT',
      b: 'BIGINT',
      si: 'SMALLINT',
      d: 'DOUBLE',
      f: 'FLOAT',
      dec: 'DECIMAL(10, 2)',
      s: 'STRING',
      ok: 'BOOLEAN',
      dt: 'DATE',
      tm: 'TIME',
      ts: 'TIMESTAMP(3)',
      ltz: 'TIMESTAMP_LTZ(3)',
      bin: 'BYTES',
    } as const;
    const tEnv = tableEnv();
    const ddl = Object.entries(schema)
      .map(([name, type]) => `${name} ${type}`)
      .join(', ');
    tEnv.executeSql(`CREATE TABLE t (${ddl}) WITH (${withOptions('every_type')})`);
    tEnv.createTemporaryView('src', tEnv.getExecutionEnvironment().fromCollection(rows), schema);
    await tEnv.executeSql('INSERT INTO t SELECT * FROM src').await();
    // PostgreSQL holds the values as its own types, in UTC.
    expect(
      pg.psql(
        "SET TIME ZONE 'UTC'; SELECT i, b, dec, s, dt, tm, ts, ltz, bin FROM every_type WHERE i IS NOT NULL",
      ),
    ).toBe(
      `-7|9007199254740991|12.30|it's "quoted"|2022-01-08|01:02:03.004|2023-11-14 22:13:20.123|2020-09-13 12:26:40.456+00|\\x0001ff\n`,
    );
    const tEnv2 = tableEnv();
    tEnv2.executeSql(`CREATE TABLE t (${ddl}) WITH (${withOptions('every_type')})`);
    const read = await tEnv2.executeSql('SELECT * FROM t').collect();
    expect(read.sort((a, b) => (a.i === null ? 1 : b.i === null ? -1 : 0))).toEqual(rows);
  });

  test('BIGINT values past 2^53 go to PostgreSQL and come back with every digit', async () => {
    pg.psql('CREATE TABLE long_ids (b BIGINT)');
    const rows: Row[] = [{ b: 2n ** 60n + 1n }, { b: -(2n ** 63n) }, { b: 9007199254740991 }];
    const tEnv = tableEnv();
    tEnv.executeSql(`CREATE TABLE t (b BIGINT) WITH (${withOptions('long_ids')})`);
    tEnv.createTemporaryView('src', tEnv.getExecutionEnvironment().fromCollection(rows), { b: 'BIGINT' });
    await tEnv.executeSql('INSERT INTO t SELECT * FROM src').await();
    expect(pg.psql('SELECT b FROM long_ids ORDER BY b').trim().split('\n')).toEqual([
      '-9223372036854775808',
      '9007199254740991',
      '1152921504606846977',
    ]);
    const tEnv2 = tableEnv();
    tEnv2.executeSql(`CREATE TABLE t (b BIGINT) WITH (${withOptions('long_ids')})`);
    // The scan orders by every column: b ascending.
    const back = await tEnv2.executeSql('SELECT b, b + 1 AS next FROM t').collect();
    expect(back).toEqual([
      { b: -(2n ** 63n), next: -(2n ** 63n) + 1n },
      { b: 9007199254740991, next: 9007199254740992n },
      { b: 2n ** 60n + 1n, next: 2n ** 60n + 2n },
    ]);
  });

  test('an updating query upserts by primary key, and -D rows delete their key', async () => {
    pg.psql('CREATE TABLE totals (id INTEGER PRIMARY KEY, amount BIGINT, n BIGINT)');
    // A row already there is overwritten, not duplicated.
    pg.psql('INSERT INTO totals VALUES (1, 999, 999)');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tEnv = TableEnvironment.create(env);
    const payments = Array.from({ length: 300 }, (_, i) => ({ id: i % 7, amount: i }));
    tEnv.createTemporaryView('payments', env.fromCollection(payments), { id: 'INT', amount: 'INT' });
    tEnv.executeSql(
      `CREATE TABLE totals (id INT, amount BIGINT, n BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH (${withOptions('totals', ", 'sink.buffer-flush.max-rows' = '7'")})`,
    );
    await tEnv
      .executeSql('INSERT INTO totals SELECT id, SUM(amount), COUNT(*) FROM payments GROUP BY id')
      .await();
    const expected = Array.from({ length: 7 }, (_, id) => {
      const mine = payments.filter((p) => p.id === id);
      return `${id}|${mine.reduce((s, p) => s + p.amount, 0)}|${mine.length}`;
    });
    expect(pg.psql('SELECT * FROM totals ORDER BY id').trim().split('\n')).toEqual(expected);

    const changes: ChangelogRow[] = [
      { kind: '+I', row: { id: 1, amount: 10 } },
      { kind: '+I', row: { id: 2, amount: 5 } },
      { kind: '-U', row: { id: 1, amount: 10 } },
      { kind: '+U', row: { id: 1, amount: 30 } },
      { kind: '-D', row: { id: 2, amount: 5 } },
      { kind: '-D', row: { id: 3, amount: 0 } },
    ];
    const env2 = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tEnv2 = TableEnvironment.create(env2);
    tEnv2.createTemporaryView(
      'accounts',
      tEnv2.fromChangelogStream(env2.fromCollection(changes), { id: 'INT', amount: 'INT' }),
    );
    tEnv2.executeSql(
      `CREATE TABLE totals (id INT, amount BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH (${withOptions('totals')})`,
    );
    await tEnv2.executeSql('INSERT INTO totals SELECT id, CAST(amount AS BIGINT) FROM accounts').await();
    // Key 1 updated (n untouched), keys 2 and 3 deleted, the others as they were.
    expect(pg.psql('SELECT * FROM totals WHERE id < 4 ORDER BY id').trim().split('\n')).toEqual([
      expected[0],
      `1|30|${payments.filter((p) => p.id === 1).length}`,
    ]);
  });

  test('NOT NULL and length enforcers run before the rows reach PostgreSQL', async () => {
    pg.psql('CREATE TABLE named_rows (id INTEGER, name VARCHAR(3) NOT NULL)');
    const tEnv = tableEnv();
    tEnv.executeSql(
      `CREATE TABLE named_rows (id INT, name VARCHAR(3) NOT NULL) WITH (${withOptions('named_rows')})`,
    );
    const insert =
      "INSERT INTO named_rows SELECT * FROM (VALUES (1, 'ann'), (2, CAST(NULL AS STRING)), (3, 'bobby')) AS v(id, name)";
    // The enforcer fails the job with its own message, not the server's refusal of the NULL.
    await expect(tEnv.executeSql(insert).await()).rejects.toThrow(
      "column 'name' of table 'named_rows' is NOT NULL, but a row has NULL in it; SET 'table.exec.sink.not-null-enforcer' = 'DROP'",
    );
    pg.psql('DELETE FROM named_rows');
    tEnv.executeSql("SET 'table.exec.sink.not-null-enforcer' = 'DROP'");
    tEnv.executeSql("SET 'table.exec.sink.type-length-enforcer' = 'TRIM_PAD'");
    await tEnv.executeSql(insert).await();
    expect(pg.psql('SELECT * FROM named_rows ORDER BY id').trim().split('\n')).toEqual(['1|ann', '3|bob']);
  });

  test('a partitioned scan reads its ranges in parallel and selects only the needed columns', async () => {
    pg.psql(
      "CREATE TABLE wide (id BIGINT PRIMARY KEY, name TEXT, payload TEXT); INSERT INTO wide SELECT g, 'n' || g, repeat('x', 100) FROM generate_series(-5, 1005) g",
    );
    // A user who may read only id and name: a SELECT that named payload would fail.
    pg.psql('CREATE ROLE reader LOGIN; GRANT SELECT (id, name) ON wide TO reader');
    const tEnv = tableEnv(2);
    tEnv.executeSql(
      `CREATE TABLE wide (id BIGINT, name STRING, payload STRING) WITH (${withOptions(
        'wide',
        ", 'scan.partition.column' = 'id', 'scan.partition.num' = '5', 'scan.partition.lower-bound' = '1', 'scan.partition.upper-bound' = '1000', 'scan.fetch-size' = '64'",
        'reader',
      )})`,
    );
    expect(tEnv.explainSql('SELECT id, name FROM wide')).toContain('project=[id, name]');
    const rows = await tEnv.executeSql('SELECT id, name FROM wide').collect();
    // Rows outside the bounds are not read, as in Flink; each row in the bounds exactly once.
    expect(rows.map((r) => r.id as number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i + 1),
    );
    expect(rows.every((r) => r.name === `n${r.id}` && !('payload' in r))).toBe(true);
    const count = await tEnv.executeSql('SELECT COUNT(*) AS c FROM wide').collect();
    expect(count).toEqual([{ c: 1000 }]);
    const one = tableEnv();
    one.executeSql(
      `CREATE TABLE wide (id BIGINT, name STRING, payload STRING) WITH (${withOptions('wide', '', 'reader')})`,
    );
    await expect(one.executeSql('SELECT payload FROM wide').collect()).rejects.toThrow('permission denied');
  });

  test('a reader restored at a position in its split emits exactly the rows after it', async () => {
    pg.psql(
      "CREATE TABLE resume (id INTEGER PRIMARY KEY, s TEXT); INSERT INTO resume SELECT g, 's' || g FROM generate_series(1, 700) g",
    );
    const columns = [
      { name: 'id', type: Types.INT },
      { name: 's', type: Types.STRING },
    ];
    const source = new JdbcSource({
      options: readJdbcOptions({
        url: pg.url,
        'table-name': 'resume',
        username: pg.user,
        'scan.fetch-size': '100',
      }),
      table: 'resume',
      columns,
      physical: columns,
      primaryKey: ['id'],
    });
    const reader = source.createReader({
      subtaskIndex: 0,
      parallelism: 1,
      sendSplitRequest: () => {},
      currentProcessingTime: () => 0,
    });
    const rows: Row[] = [];
    const output = {
      collect: (row: Row) => rows.push(row),
      createOutputForSplit: () => output,
      releaseOutputForSplit() {},
    };
    reader.start();
    // As a checkpoint would have stored it: 250 rows of the split already emitted.
    reader.addSplits([{ id: 'all', position: 250 }]);
    reader.notifyNoMoreSplits();
    let snapshot: unknown;
    for (;;) {
      const status = reader.pollNext(output);
      if (status === 'end-of-input') break;
      if (status === 'nothing-available') await reader.isAvailable();
      if (rows.length === 100 && snapshot === undefined) snapshot = reader.snapshotState(1);
    }
    await reader.close();
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 450 }, (_, i) => i + 251));
    expect(rows[0]).toEqual({ id: 251, s: 's251' });
    // The position moves with what was emitted, for the next checkpoint.
    expect(snapshot).toEqual([{ id: 'all', position: 350 }]);
  });

  test('partition ranges cover the bounds contiguously, as even as whole numbers allow', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 40 }),
        (lower, width, num) => {
          const ranges = partitionRanges({ column: 'x', num, lower, upper: lower + width });
          expect(ranges.length).toBe(Math.min(num, width + 1));
          expect(ranges[0]![0]).toBe(lower);
          expect(ranges.at(-1)![1]).toBe(lower + width);
          for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1] + 1);
          const sizes = ranges.map(([a, b]) => b - a + 1);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe('two-phase commit', () => {
  const columns = [
    { name: 'k', type: Types.INT },
    { name: 'v', type: Types.BIGINT },
  ];
  const sinkOf = (table: string, primaryKey?: string[]) =>
    new JdbcTableSink({
      options: readJdbcOptions({ url: pg.url, 'table-name': table, username: pg.user }),
      table,
      columns,
      primaryKey,
    });
  /** Prepared transactions on the server: the tests of this file run one at a time. */
  const prepared = () => Number(pg.psql('SELECT count(*) FROM pg_prepared_xacts').trim());

  test('rows stay invisible while prepared, commit makes them visible, and a repeated commit is harmless', async () => {
    pg.psql('CREATE TABLE tpc (k INTEGER, v BIGINT)');
    const input = Array.from({ length: 50 }, (_, i) => ({ k: i, v: i * 10 }));
    const attempt = SinkAttempt.start<unknown, JdbcCommittable>(sinkOf('tpc'), input, {
      parallelism: 2,
      attemptId: 'a1',
    });
    attempt.write(30);
    const checkpoint = await attempt.checkpoint(1);
    expect(checkpoint.committables.flat().length).toBe(2);
    expect(pg.psql('SELECT count(*) FROM tpc')).toBe('0\n');
    expect(prepared()).toBe(2);
    await attempt.complete(1);
    expect(pg.psql('SELECT count(*), sum(v) FROM tpc')).toBe(`30|${(29 * 30 * 10) / 2}\n`);
    await sinkOf('tpc')
      .createCommitter()
      .commit([...checkpoint.committables.flat()]);
    expect(pg.psql('SELECT count(*) FROM tpc')).toBe('30\n');
    attempt.write(20);
    await attempt.finish();
    expect(pg.psql('SELECT count(*) FROM tpc')).toBe('50\n');
    expect(prepared()).toBe(0);
  });

  test('a restore commits what its checkpoint prepared and rolls back what later prepares left', async () => {
    pg.psql('CREATE TABLE rec (k INTEGER, v BIGINT)');
    const input = Array.from({ length: 40 }, (_, i) => ({ k: i, v: i }));
    const sink = sinkOf('rec');
    const first = SinkAttempt.start<unknown, JdbcCommittable>(sink, input, {
      parallelism: 1,
      attemptId: 'job-0',
    });
    first.write(15);
    const one = await first.checkpoint(1);
    first.write(15);
    await first.checkpoint(2);
    // Killed before checkpoint 1's completion reached the sink: two transactions stay prepared.
    first.crash();
    await first.release();
    expect(prepared()).toBe(2);
    const second = await SinkAttempt.restore<unknown, JdbcCommittable>(sink, input, one, {
      parallelism: 1,
      attemptId: 'job-1',
    });
    expect(prepared()).toBe(0);
    // Checkpoint 1's rows (inputs 0..14) are in, checkpoint 2's are not.
    expect(pg.psql('SELECT count(*), max(k) FROM rec')).toBe('15|14\n');
    while (!second.done) second.write(10);
    await second.finish();
    expect(pg.psql('SELECT count(*), count(DISTINCT k), max(k) FROM rec')).toBe('40|40|39\n');
  });

  test('crashes at random points give what a failure-free run gives', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ write: fc.integer({ min: 0, max: 30 }), crash: fc.boolean(), complete: fc.boolean() }),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        fc.boolean(),
        async (steps, upsert) => {
          const table = `chaos_${++run}`;
          pg.psql(`CREATE TABLE ${table} (k INTEGER${upsert ? ' PRIMARY KEY' : ''}, v BIGINT)`);
          // Record i goes to writer i % 2: keys modulo 26 keep each key at one writer, as keyBy does.
          const input = Array.from({ length: 120 }, (_, i) => ({ k: upsert ? i % 26 : i, v: i }));
          const sink = sinkOf(table, upsert ? ['k'] : undefined);
          let attempt = SinkAttempt.start<unknown, JdbcCommittable>(sink, input, {
            parallelism: 2,
            attemptId: `r${run}-0`,
          });
          let id = 0;
          let restarts = 0;
          for (const step of steps) {
            attempt.write(step.write);
            const taken = await attempt.checkpoint(++id);
            // An upsert transaction prepared and not committed holds its keys' locks, so the
            // next checkpoint's writes to them would wait for a commit that only that checkpoint
            // brings; the runtime starts no checkpoint before the last one completed (or failed,
            // when the job restarts), and neither does this test.
            if (step.complete || (upsert && !step.crash)) await attempt.complete(taken.id);
            if (step.crash) {
              attempt.crash();
              await attempt.release();
              attempt = await SinkAttempt.restore(sink, input, attempt.lastCompleted, {
                parallelism: 2,
                attemptId: `r${run}-${++restarts}`,
              });
            }
          }
          while (!attempt.done) attempt.write(25);
          await attempt.finish();
          const expected = upsert
            ? Array.from({ length: 26 }, (_, k) => `${k}|${k + 26 * Math.floor((119 - k) / 26)}`)
            : input.map((r) => `${r.k}|${r.v}`);
          expect(pg.psql(`SELECT k, v FROM ${table} ORDER BY k`).trim().split('\n')).toEqual(expected);
          expect(prepared()).toBe(0);
        },
      ),
      { numRuns: 8 },
    );
  });
});

describe('errors', () => {
  test('a server that cannot be reached is named by its url', async () => {
    const tEnv = tableEnv();
    const url = 'jdbc:postgresql://127.0.0.1:1/nowhere';
    tEnv.executeSql(
      `CREATE TABLE t (id INT) WITH ('connector' = 'jdbc', 'url' = '${url}', 'table-name' = 't')`,
    );
    await expect(tEnv.executeSql('SELECT * FROM t').collect()).rejects.toThrow(
      new RegExp(
        `cannot connect to PostgreSQL at '${url}' .*; check the table's 'url', 'username' and 'password'`,
      ),
    );
  });

  test('a missing table gets a CREATE TABLE that fits, a missing column is named', async () => {
    const tEnv = tableEnv();
    tEnv.executeSql(`CREATE TABLE t (id INT, name STRING) WITH (${withOptions('not_there')})`);
    await expect(tEnv.executeSql("INSERT INTO t VALUES (1, 'a')").await()).rejects.toThrow(
      `table 'not_there' of Weir table 't' does not exist in PostgreSQL at '${pg.url}'; create it first, e.g. CREATE TABLE "not_there" ("id" INTEGER, "name" TEXT)`,
    );
    pg.psql('CREATE TABLE half (id INTEGER)');
    tEnv.executeSql(`CREATE TABLE h (id INT, name STRING) WITH (${withOptions('half')})`);
    await expect(tEnv.executeSql('SELECT * FROM h').collect()).rejects.toThrow(
      `PostgreSQL table 'half' at '${pg.url}' has no column 'name' of Weir table 'h' (it has id); make the column names match`,
    );
  });

  test('a value PostgreSQL refuses fails the job naming the table and the server', async () => {
    pg.psql('CREATE TABLE typed (id INTEGER)');
    const tEnv = tableEnv();
    tEnv.executeSql(`CREATE TABLE t (id STRING) WITH (${withOptions('typed')})`);
    await expect(tEnv.executeSql("INSERT INTO t VALUES ('abc')").await()).rejects.toThrow(
      `writing to PostgreSQL table 'typed' at '${pg.url}' failed: invalid input syntax for type integer: "abc"`,
    );
  });

  test('an updating query into a table without a primary key is refused when planned', () => {
    const tEnv = tableEnv();
    tEnv.createTemporaryView('src', tEnv.getExecutionEnvironment().fromElements({ id: 1 }), { id: 'INT' });
    tEnv.executeSql(`CREATE TABLE t (id INT, n BIGINT) WITH (${withOptions('t')})`);
    expect(() => tEnv.executeSql('INSERT INTO t SELECT id, COUNT(*) FROM src GROUP BY id')).toThrow(
      "table sink 't' takes insert-only rows, but the query produces",
    );
  });

  test('a lookup join against a jdbc table is planned as an async lookup (jdbc-lookup.test.ts runs them)', () => {
    const tEnv = tableEnv();
    tEnv.executeSql(
      `CREATE TABLE orders (id INT, cid INT, pt AS PROCTIME()) WITH ('connector' = 'datagen', 'number-of-rows' = '5')`,
    );
    tEnv.executeSql(
      `CREATE TABLE customers (cid INT, name STRING, PRIMARY KEY (cid) NOT ENFORCED) WITH (${withOptions('c')})`,
    );
    expect(
      tEnv.explainSql(
        'SELECT o.id, c.name FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.cid',
      ),
    ).toContain(
      'LookupJoin(table=[default_catalog.default_database.customers], joinType=[InnerJoin], async=[true], lookup=[cid0=cid]',
    );
  });

  test('options: a non-PostgreSQL url, half the partition options, an unmappable type', () => {
    const tEnv = tableEnv();
    expect(() =>
      tEnv.executeSql(
        `CREATE TABLE a (id INT) WITH ('connector' = 'jdbc', 'url' = 'jdbc:mysql://h/db', 'table-name' = 'a')`,
      ),
    ).toThrow("invalid value 'jdbc:mysql://h/db' for option 'url'; expected a PostgreSQL JDBC url");
    expect(() =>
      tEnv.executeSql(
        `CREATE TABLE b (id INT) WITH (${withOptions('b', ", 'scan.partition.column' = 'id'")})`,
      ),
    ).toThrow('a partitioned scan needs all four');
    expect(() => tEnv.executeSql(`CREATE TABLE c (m MAP<INT, INT>) WITH (${withOptions('c')})`)).toThrow(
      "column 'm' of table 'c' has type MAP, which the jdbc connector cannot map to PostgreSQL",
    );
  });
});

describe('a server without prepared transactions', () => {
  let zero: TestPostgres;
  beforeAll(async () => {
    zero = await startPostgres({ maxPreparedTransactions: 0 });
    zero.psql('CREATE TABLE t (id INTEGER)');
  });
  afterAll(() => zero?.stop());

  test('exactly-once is refused naming the setting; at-least-once writes', async () => {
    const options = `'connector' = 'jdbc', 'url' = '${zero.url}', 'table-name' = 't', 'username' = '${zero.user}'`;
    const tEnv = tableEnv();
    tEnv.executeSql(`CREATE TABLE t (id INT) WITH (${options})`);
    await expect(tEnv.executeSql('INSERT INTO t VALUES (1)').await()).rejects.toThrow(
      `PostgreSQL at '${zero.url}' has max_prepared_transactions = 0, which exactly-once writing needs above 0; set it in postgresql.conf and restart the server, or set 'sink.semantic' = 'at-least-once'`,
    );
    tEnv.executeSql(`CREATE TABLE u (id INT) WITH (${options}, 'sink.semantic' = 'at-least-once')`);
    await tEnv.executeSql('INSERT INTO u VALUES (1), (2)').await();
    expect(zero.psql('SELECT sum(id) FROM t')).toBe('3\n');
  });
});

describe('exactly-once upserts and concurrent checkpoints', () => {
  test('an upsert table is refused in a job running several checkpoints at once, naming both fixes', async () => {
    pg.psql('CREATE TABLE concurrent_upserts (id INTEGER PRIMARY KEY, n BIGINT)');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.enableCheckpointing(1000);
    env.getCheckpointConfig().setMaxConcurrentCheckpoints(2);
    const tEnv = TableEnvironment.create(env);
    const ddl = (extra: string) =>
      `CREATE TABLE concurrent_upserts (id INT, n BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH (${withOptions('concurrent_upserts', extra)})`;
    tEnv.executeSql(ddl(''));
    expect(() =>
      tEnv.executeSql('INSERT INTO concurrent_upserts SELECT 1, COUNT(*) FROM (VALUES (1), (2)) AS v(x)'),
    ).toThrow(
      "the jdbc sink of table 'concurrent_upserts' writes exactly once with one checkpoint at a time, but the job allows 2 concurrent checkpoints; set maxConcurrentCheckpoints to 1 or 'sink.semantic' = 'at-least-once'",
    );
    tEnv.executeSql('DROP TABLE concurrent_upserts');
    tEnv.executeSql(ddl(", 'sink.semantic' = 'at-least-once'"));
    await tEnv
      .executeSql('INSERT INTO concurrent_upserts SELECT 1, COUNT(*) FROM (VALUES (1), (2)) AS v(x)')
      .await();
    expect(pg.psql('SELECT id, n FROM concurrent_upserts')).toBe('1|2\n');
  });
});
