/**
 * How the `jdbc` sink sends its writes, against a real PostgreSQL (test/support/postgres.ts):
 * at most {@link MAX_BATCHES_IN_FLIGHT} batches at a time, holding the task back beyond that
 * while a slow server still gets every row; `sink.buffer-flush.interval` flushing on a timer, so
 * a stream that stops sending still has its rows written; and transaction ids per job and sink,
 * so that a fresh start of one exactly-once job leaves another job's prepared transactions on
 * the same table alone.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type Row,
  StreamExecutionEnvironment,
  TableEnvironment,
  WatermarkStrategy,
} from '../../src/index.js';
import { readJdbcOptions } from '../../src/sql/connectors/jdbc/jdbc-options.js';
import {
  JdbcTableSink,
  MAX_BATCHES_IN_FLIGHT,
  transactionIdPrefix,
} from '../../src/sql/connectors/jdbc/jdbc-sink.js';
import { Types } from '../../src/sql/catalog/types.js';
import type { SinkInitContext } from '../../src/types/sink.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { waitFor } from '../support/recording-sink.js';
import { ScriptedSource, SourceScript } from '../support/scripted-source.js';

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

/** A writer's context with a hand-driven processing-time timer. */
function handContext(timers: { time: number; fire: () => void }[]): SinkInitContext {
  return {
    subtaskIndex: 0,
    parallelism: 1,
    attemptNumber: 0,
    attemptId: 'hand-0',
    restoredCheckpointId: undefined,
    jobId: 'hand',
    jobName: 'hand',
    operatorUid: 'sink-1',
    currentProcessingTime: () => 0,
    scheduleProcessingTime: (time, callback) => {
      const timer = { time, fire: () => callback(time) };
      timers.push(timer);
      return () => {
        timers.splice(timers.indexOf(timer), 1);
      };
    },
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
    }).createWriter(handContext([]));
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

describe('sink.buffer-flush.interval', () => {
  test('the timer armed by the first buffered row sends the buffer without another row coming', async () => {
    pg.psql('CREATE TABLE quiet (k INTEGER, v BIGINT)');
    const timers: { time: number; fire: () => void }[] = [];
    const writer = sinkOf('quiet', {
      'sink.buffer-flush.interval': '2s',
      'sink.semantic': 'at-least-once',
    }).createWriter(handContext(timers));
    for (const row of rows(0, 3)) writer.write(row);
    // One timer for the buffer, due one interval after its first row.
    expect(timers.map((t) => t.time)).toEqual([2000]);
    timers[0]!.fire();
    // Closing waits for what was sent and drops what was not: the timer sent the three rows.
    await writer.close();
    expect(count('quiet')).toBe(3);
  });

  test('a job whose input stops sending still gets its rows written (at-least-once)', async () => {
    pg.psql('CREATE TABLE stopped (k INTEGER, v BIGINT)');
    const script = new SourceScript<Row>(['only']);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.fromSource(new ScriptedSource(script), WatermarkStrategy.noWatermarks(), 'script').sinkTo(
      sinkOf('stopped', {
        'sink.buffer-flush.interval': '100ms',
        'sink.semantic': 'at-least-once',
      }) as never,
    );
    const client = env.executeAsync('quiet stream');
    script.push('only', ...rows(0, 5));
    // The source sends nothing more and does not end: only the timer can send the rows.
    await waitFor(
      () => count('stopped') >= 5,
      "the flush timer to write the job's 5 rows",
      undefined,
      () => `${count('stopped')} written`,
    );
    expect(count('stopped')).toBe(5);
    script.finish();
    await client.result;
    expect(count('stopped')).toBe(5);
  });
});

describe('transaction ids', () => {
  const prepared = (prefix: string) =>
    Number(pg.psql(`SELECT count(*) FROM pg_prepared_xacts WHERE starts_with(gid, '${prefix}')`).trim());

  test('differ by table, by job name and sink uid, and by sink.transaction-id-prefix', () => {
    const options = (table: string, extra: Record<string, string> = {}) =>
      readJdbcOptions({ url: pg.url, 'table-name': table, ...extra });
    const a = transactionIdPrefix(options('t'), { jobName: 'a', operatorUid: 'sink-1' });
    expect(transactionIdPrefix(options('t'), { jobName: 'a', operatorUid: 'sink-1' })).toBe(a);
    expect(transactionIdPrefix(options('t'), { jobName: 'b', operatorUid: 'sink-1' })).not.toBe(a);
    expect(transactionIdPrefix(options('t'), { jobName: 'a', operatorUid: 'sink-2' })).not.toBe(a);
    expect(transactionIdPrefix(options('u'), { jobName: 'a', operatorUid: 'sink-1' })).not.toBe(a);
    // The option replaces job name and uid.
    const given = transactionIdPrefix(options('t', { 'sink.transaction-id-prefix': 'p' }), {
      jobName: 'a',
      operatorUid: 'sink-1',
    });
    expect(transactionIdPrefix(options('t', { 'sink.transaction-id-prefix': 'p' }), undefined)).toBe(given);
    expect(given).not.toBe(a);
  });

  test("by default a job's name and its sink's uid tell its transactions from another job's", async () => {
    pg.psql('CREATE TABLE named (k INTEGER, v BIGINT)');
    const options = readJdbcOptions({ url: pg.url, 'table-name': 'named' });
    const prefixOf = (job: string) => transactionIdPrefix(options, { jobName: job, operatorUid: 'to-named' });
    for (const job of ['alpha', 'beta'])
      pg.psql(
        `BEGIN; INSERT INTO named VALUES (-1, -1); PREPARE TRANSACTION '${prefixOf(job)}${job}-old-0-1'`,
      );
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).enableCheckpointing(1000);
    env
      .fromCollection(rows(0, 3))
      .sinkTo(sinkOf('named') as never)
      .uid('to-named');
    await env.executeAsync('alpha').result;
    // The runtime gave the writer the job's name and the sink's uid: alpha's leftover went,
    // beta's (same table, same uid, another job) stays prepared.
    expect(prepared(prefixOf('alpha'))).toBe(0);
    expect(prepared(prefixOf('beta'))).toBe(1);
    expect(count('named')).toBe(3);
    pg.psql(`ROLLBACK PREPARED '${prefixOf('beta')}beta-old-0-1'`);
  });

  test("a fresh start of one job rolls back its own leftovers, not another job's on the same table", async () => {
    pg.psql('CREATE TABLE shared (k INTEGER, v BIGINT)');
    const prefixOf = (job: string) =>
      transactionIdPrefix(
        readJdbcOptions({ url: pg.url, 'table-name': 'shared', 'sink.transaction-id-prefix': job }),
        undefined,
      );
    // Both jobs crashed while holding a prepared transaction (what a kill between a barrier
    // and the checkpoint's completion leaves).
    for (const job of ['one', 'two'])
      pg.psql(
        `BEGIN; INSERT INTO shared VALUES (-1, -1); PREPARE TRANSACTION '${prefixOf(job)}${job}-old-0-1'`,
      );
    expect(prepared(prefixOf('one'))).toBe(1);
    expect(prepared(prefixOf('two'))).toBe(1);
    /** Runs a fresh exactly-once job writing three rows to the table. */
    const runJob = async (job: string, from: number) => {
      const env = StreamExecutionEnvironment.createLocalEnvironment(1).enableCheckpointing(1000);
      const tEnv = TableEnvironment.create(env);
      tEnv.createTemporaryView('numbers', env.fromCollection(rows(from, 3)), { k: 'INT', v: 'BIGINT' });
      tEnv.executeSql(
        `CREATE TABLE t (k INT, v BIGINT) WITH ('connector' = 'jdbc', 'url' = '${pg.url}', 'table-name' = 'shared', 'username' = '${pg.user}', 'sink.transaction-id-prefix' = '${job}')`,
      );
      await tEnv.executeSql('INSERT INTO t SELECT k, v FROM numbers').await();
    };
    await runJob('one', 0);
    // Job one's leftover is gone; job two's is still prepared, its row not rolled back.
    expect(prepared(prefixOf('one'))).toBe(0);
    expect(prepared(prefixOf('two'))).toBe(1);
    await runJob('two', 10);
    expect(prepared(prefixOf('two'))).toBe(0);
    expect(pg.psql('SELECT k FROM shared ORDER BY k').trim().split('\n')).toEqual([
      '0',
      '1',
      '2',
      '10',
      '11',
      '12',
    ]);
  });
});
