/**
 * The Table API around SQL: DataStream in and out, views over streams and tables, schemas,
 * EXPLAIN from a Table, and the printed form of results.
 */
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment, type Row } from '../../src/index.js';

const env = () => StreamExecutionEnvironment.createLocalEnvironment(1);

describe('TableEnvironment with DataStreams', () => {
  test('fromDataStream with a schema, a SQL filter over it, and toDataStream back', async () => {
    const e = env();
    const tEnv = TableEnvironment.create(e);
    const bids = e.fromElements(
      { auction: 1, price: 50 },
      { auction: 2, price: 500 },
      { auction: 3, price: null },
    );
    tEnv.createTemporaryView('bids', bids, { auction: 'BIGINT', price: 'BIGINT' });
    const table = tEnv.sqlQuery(
      'SELECT auction, price * 2 AS doubled FROM bids WHERE price > 100 OR price IS NULL',
    );
    expect(table.getResolvedSchema()).toEqual([
      { name: 'auction', type: 'BIGINT' },
      { name: 'doubled', type: 'BIGINT' },
    ]);
    const rows = await tEnv.toDataStream(table).executeAndCollect();
    expect(rows).toEqual([
      { auction: 2, doubled: 1000 },
      { auction: 3, doubled: null },
    ]);
  });

  test('ROW columns: fields are read with dots, and a NULL row gives NULL fields', async () => {
    const e = env();
    const tEnv = TableEnvironment.create(e);
    const events = e.fromElements({ kind: 0, person: { id: 7, name: 'ann' } }, { kind: 1, person: null });
    tEnv.createTemporaryView('events', events, { kind: 'INT', person: 'ROW<id BIGINT, name STRING>' });
    const rows = await tEnv.executeSql('SELECT person.id, UPPER(person.name) AS name FROM events').collect();
    expect(rows).toEqual([
      { id: 7, name: 'ANN' },
      { id: null, name: null },
    ]);
  });

  test('the result of toDataStream continues as an ordinary DataStream', async () => {
    const e = env();
    const tEnv = TableEnvironment.create(e);
    const table = tEnv.fromDataStream(e.fromElements({ n: 1 }, { n: 2 }, { n: 3 }), { n: 'INT' });
    tEnv.createTemporaryView('numbers', table);
    const squares = tEnv.toDataStream(tEnv.sqlQuery('SELECT n * n AS sq FROM numbers WHERE n <> 2'));
    const out = await squares.map((row: Row) => `sq=${row.sq}`).executeAndCollect();
    expect(out).toEqual(['sq=1', 'sq=9']);
  });

  test('toChangelogStream marks the rows of an insert-only table as +I', async () => {
    const e = env();
    const tEnv = TableEnvironment.create(e);
    const table = tEnv.sqlQuery("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, name)");
    expect(await tEnv.toChangelogStream(table).executeAndCollect()).toEqual([
      { kind: '+I', row: { id: 1, name: 'a' } },
      { kind: '+I', row: { id: 2, name: 'b' } },
    ]);
  });

  test('collect(limit) on an unbounded query stops its job after the limit', async () => {
    const tEnv = TableEnvironment.create(env());
    tEnv.executeSql(
      "CREATE TABLE endless (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '1000')",
    );
    const rows = await tEnv.executeSql('SELECT n FROM endless').collect(5);
    expect(rows).toHaveLength(5);
  });

  test('without a schema a stream is one column f0 holding each element', async () => {
    const e = env();
    const tEnv = TableEnvironment.create(e);
    const table = tEnv.fromDataStream(e.fromElements('a', 'b'));
    expect(table.getResolvedSchema()).toEqual([{ name: 'f0', type: 'RAW' }]);
    expect(await table.execute().collect()).toEqual([{ f0: 'a' }, { f0: 'b' }]);
  });

  test('a schema with an unknown type is rejected with its position in the type text', () => {
    const tEnv = TableEnvironment.create(env());
    expect(() => tEnv.fromDataStream(env().fromElements({ a: 1 }), { a: 'INTEGR' })).toThrow(
      "SQL error at line 1, column 1: unknown type 'INTEGR'",
    );
  });

  test('sqlQuery refuses statements that are not queries', () => {
    const tEnv = TableEnvironment.create(env());
    expect(() => tEnv.sqlQuery("CREATE TABLE t (a INT) WITH ('connector' = 'blackhole')")).toThrow(
      'sqlQuery takes a query (SELECT …); run other statements with executeSql',
    );
  });
});

describe('Table and TableResult', () => {
  test('Table.explain gives the three plans', () => {
    const tEnv = TableEnvironment.create(env());
    tEnv.executeSql("CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'datagen')");
    const text = tEnv.sqlQuery('SELECT b FROM t WHERE a > 1').explain();
    expect(text.split('\n').filter((l) => l.startsWith('=='))).toEqual([
      '== Abstract Syntax Tree ==',
      '== Optimized Logical Plan ==',
      '== Physical Plan ==',
    ]);
    expect(text).toContain('Calc(select=[b], where=[>(a, 1)], changelogMode=[I])');
  });

  test("Table.execute() prints TIMESTAMP_LTZ values in the session's local time zone", async () => {
    const tEnv = TableEnvironment.create(env());
    tEnv.executeSql("SET 'table.local-time-zone' = 'Asia/Shanghai'");
    const table = tEnv.sqlQuery('SELECT TO_TIMESTAMP_LTZ(0, 3) AS t');
    let out = '';
    await table.execute().print({ write: (text: string) => (out += text) });
    expect(out).toContain('| 1970-01-01 08:00:00.000 |');
  });

  test('print writes a table of the rows with a count, and DDL prints OK', async () => {
    const tEnv = TableEnvironment.create(env());
    let out = '';
    const target = { write: (text: string) => (out += text) };
    await tEnv.executeSql("CREATE TABLE orders (a INT) WITH ('connector' = 'blackhole')").print(target);
    await tEnv.executeSql('SHOW TABLES').print(target);
    expect(out).toBe(
      [
        'OK',
        '+------------+',
        '| table name |',
        '+------------+',
        '| orders     |',
        '+------------+',
        '1 row in set',
        '',
      ].join('\n'),
    );
  });

  test('result kinds and schemas follow the statement', async () => {
    const tEnv = TableEnvironment.create(env());
    const ddl = tEnv.executeSql(
      "CREATE TABLE t (a INT NOT NULL) WITH ('connector' = 'datagen', 'number-of-rows' = '3')",
    );
    expect(ddl.getResultKind()).toBe('SUCCESS');
    const query = tEnv.executeSql('SELECT a, CAST(a AS STRING) AS s FROM t');
    expect(query.getResultKind()).toBe('SUCCESS_WITH_CONTENT');
    expect(query.getResolvedSchema()).toEqual([
      { name: 'a', type: 'INT NOT NULL' },
      { name: 's', type: 'STRING NOT NULL' },
    ]);
    expect(await query.collect()).toHaveLength(3);
  });

  test('an INSERT starts its job at once and await() waits for it', async () => {
    const lines: string[] = [];
    const tEnv = TableEnvironment.create(env(), { printTarget: { write: (t: string) => lines.push(t) } });
    tEnv.executeSql(
      "CREATE TABLE src (n INT) WITH ('connector' = 'datagen', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '3')",
    );
    tEnv.executeSql("CREATE TABLE dst (n INT, label STRING) WITH ('connector' = 'print')");
    const result = tEnv.executeSql("INSERT INTO dst SELECT n, IF(n > 1, 'big', 'small') FROM src");
    expect(result.getJobClient()).toBeDefined();
    await result.await();
    expect(lines.join('').trim().split('\n')).toEqual(['+I[1, small]', '+I[2, big]', '+I[3, big]']);
  });

  test('SET parallelism.default applies to the jobs the session runs', async () => {
    const e = env();
    const tEnv = TableEnvironment.create(e);
    tEnv.executeSql("SET 'parallelism.default' = '3'");
    tEnv.executeSql(
      "CREATE TABLE src (n INT) WITH ('connector' = 'datagen', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '30')",
    );
    const rows = await tEnv.executeSql('SELECT n FROM src WHERE MOD(n, 10) = 0').collect();
    expect(e.getParallelism()).toBe(3);
    expect(rows.map((r) => r.n).sort((a, b) => (a as number) - (b as number))).toEqual([10, 20, 30]);
  });
});
