/**
 * How the `jdbc` sink sends its writes, against a real PostgreSQL (test/support/postgres.ts):
 * at most {@link MAX_BATCHES_IN_FLIGHT} batches at a time, holding the task back beyond that
 * while a slow server still gets every row.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { readJdbcOptions } from '../../src/sql/connectors/jdbc/jdbc-options.js';
import { JdbcTableSink, MAX_BATCHES_IN_FLIGHT } from '../../src/sql/connectors/jdbc/jdbc-sink.js';
import { Types } from '../../src/sql/catalog/types.js';
import type { SinkInitContext } from '../../src/types/sink.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(() => pg?.stop());

const columns = [
  { name: 'k', type: Types.INT },
  { name: 'v', type: Types.BIGINT },
];

function sinkOf(table: string, options: Record<string, string> = {}): JdbcTableSink {
  return new JdbcTableSink({
    options: readJdbcOptions({ url: pg.url, 'table-name': table, username: pg.user, ...options }),
    table,
    columns,
    primaryKey: undefined,
  });
}

/** A writer's context outside the runtime. */
function handContext(): SinkInitContext {
  return {
    subtaskIndex: 0,
    parallelism: 1,
    attemptNumber: 0,
    attemptId: 'hand-0',
    restoredCheckpointId: undefined,
    jobId: 'hand',
    currentProcessingTime: () => 0,
  };
}

const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ k: from + i, v: from + i }));
const count = (table: string) => Number(pg.psql(`SELECT count(*) FROM ${table}`).trim());

describe('batches in flight', () => {
  test('with two batches in flight and a full buffer the writer holds the task back until one is done', async () => {
    pg.psql('CREATE TABLE bounded (k INTEGER, v BIGINT)');
    expect(MAX_BATCHES_IN_FLIGHT).toBe(2);
    const writer = sinkOf('bounded', {
      'sink.buffer-flush.max-rows': '10',
      'sink.semantic': 'at-least-once',
    }).createWriter(handContext());
    // Sending does not wait, so nothing of these can be done before the checks below.
    for (const row of rows(0, 20)) writer.write(row);
    expect(writer.isAvailable()).toBeUndefined();
    for (const row of rows(20, 9)) writer.write(row);
    expect(writer.isAvailable()).toBeUndefined();
    writer.write({ k: 29, v: 29 });
    const wait = writer.isAvailable();
    expect(wait).toBeInstanceOf(Promise);
    // Rows beyond a full buffer are still taken (an input step may overshoot).
    writer.write({ k: 30, v: 30 });
    await wait;
    // The done batch made room and the full buffer went out as the next batch.
    expect(writer.isAvailable()).toBeUndefined();
    await writer.flush();
    expect(count('bounded')).toBe(31);
    await writer.close();
  });

  test('a query into a slow table finishes with every row, exactly once, checkpoints passing', async () => {
    // Every statement sleeps: the server is slower than the input.
    pg.psql(`CREATE TABLE slow (k INTEGER, v BIGINT);
      CREATE FUNCTION slow_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.005); RETURN NULL; END $$;
      CREATE TRIGGER slow_down AFTER INSERT ON slow FOR EACH STATEMENT EXECUTE FUNCTION slow_down()`);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).enableCheckpointing(50);
    const tEnv = TableEnvironment.create(env);
    tEnv.createTemporaryView('numbers', env.fromCollection(rows(0, 3000)), { k: 'INT', v: 'BIGINT' });
    tEnv.executeSql(
      `CREATE TABLE t (k INT, v BIGINT) WITH ('connector' = 'jdbc', 'url' = '${pg.url}', 'table-name' = 'slow', 'username' = '${pg.user}', 'sink.buffer-flush.max-rows' = '20')`,
    );
    const result = tEnv.executeSql('INSERT INTO t SELECT k, v FROM numbers');
    await result.await();
    expect(pg.psql('SELECT count(*), count(DISTINCT k), sum(v) FROM slow')).toBe(
      `3000|3000|${(2999 * 3000) / 2}\n`,
    );
    expect(pg.psql('SELECT count(*) FROM pg_prepared_xacts')).toBe('0\n');
  });
});
