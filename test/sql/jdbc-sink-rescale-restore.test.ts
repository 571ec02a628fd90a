/**
 * A savepoint of a SQL job writing an exactly-once `jdbc` upsert table restored at another
 * parallelism: the sink shuffles by primary key only above parallelism 1, and that shuffle takes
 * no place in the operator id sequence, so the sink keeps its uid (and its pending prepared
 * transactions) at every parallelism. The query upserts and deletes (a GROUP BY over a GROUP
 * BY's retractions, whose groups move from one count to the next), and the restored job's table
 * must end as that of a run that was never stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { waitFor } from '../support/recording-sink.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('weir-jdbc-sink-rescale-restore-');

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(() => pg?.stop());

const ROWS = 5000;

/** A session writing PostgreSQL table `table` at parallelism `p`; `src`'s rows depend on their index only. */
function session(p: number, root: string, rate: string, table: string) {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(p));
  tEnv.executeSql(`SET 'state.checkpoints.dir' = '${root}/checkpoints'`);
  tEnv.executeSql(`SET 'state.savepoints.dir' = '${root}/savepoints'`);
  tEnv.executeSql(`SET 'execution.checkpointing.interval' = '300 ms'`);
  tEnv.executeSql(`CREATE TABLE src (k BIGINT, v BIGINT) WITH ('connector' = 'datagen',
      'number-of-rows' = '${ROWS}', 'rows-per-second' = '${rate}',
      'fields.k.min' = '1', 'fields.k.max' = '200', 'fields.v.min' = '1', 'fields.v.max' = '50')`);
  tEnv.executeSql(`CREATE TABLE by_count (n BIGINT, groups_ BIGINT, top BIGINT, PRIMARY KEY (n) NOT ENFORCED)
      WITH ('connector' = 'jdbc', 'url' = '${pg.url}', 'table-name' = '${table}', 'username' = '${pg.user}')`);
  return tEnv;
}

/** Per group size n: how many groups have n rows, and their largest value; n's row goes when no group has n rows. */
const QUERY = `INSERT INTO by_count
  SELECT n, COUNT(*), MAX(top) FROM (SELECT k, COUNT(*) AS n, MAX(v) AS top FROM src GROUP BY k) GROUP BY n`;

let tables = 0;

/** A new PostgreSQL table for a run's rows, and a reader of them in order. */
function newTable(): { name: string; rows: () => string[] } {
  const name = `by_count_rescale_${++tables}`;
  pg.psql(`CREATE TABLE ${name} (n BIGINT PRIMARY KEY, groups_ BIGINT, top BIGINT)`);
  const rows = () =>
    pg
      .psql(`SELECT * FROM ${name} ORDER BY n`)
      .split('\n')
      .filter((line) => line !== '');
  return { name, rows };
}

describe('an exactly-once jdbc upsert sink restored at another parallelism', () => {
  let expected: string[];
  beforeAll(async () => {
    const reference = newTable();
    await session(1, tempDir(), '1000000', reference.name).executeSql(QUERY).await();
    expected = reference.rows();
    expect(expected.length).toBeGreaterThan(5);
  }, 120_000);

  it.each([
    [1, 2, false],
    [2, 1, false],
    [2, 2, false],
    [2, 2, true],
    [1, 2, true],
  ])(
    'a savepoint at parallelism %i restores at %i to the rows of an uninterrupted run (taken while a checkpoint is in flight: %s)',
    { timeout: 180_000 },
    async (p1, p2, subsuming) => {
      const root = tempDir();
      const table = newTable();
      const first = session(p1, root, '1500', table.name);
      const job = first.executeSql(QUERY).getJobClient()!;
      await waitFor(
        () =>
          (job.checkpoints().completed >= 3 && job.checkpoints().inProgress === (subsuming ? 1 : 0)) ||
          job.status() !== 'running',
        // A savepoint aborts a checkpoint in flight, whose transactions may be prepared already.
        subsuming
          ? 'three completed checkpoints and one in flight'
          : 'three completed checkpoints and none in flight',
        undefined,
        () => `${job.checkpoints().completed} checkpoints`,
      );
      expect(job.status(), 'the job ended before the stop').toBe('running');
      const stopped = await first.executeSql(`STOP JOB '${job.jobId}' WITH SAVEPOINT`).collect();
      const savepoint = stopped[0]!['savepoint path'] as string;
      expect(table.rows().length).toBeGreaterThan(0);
      expect(table.rows()).not.toEqual(expected);

      const second = session(p2, root, '1000000', table.name);
      second.executeSql(`SET 'execution.savepoint.path' = '${savepoint}'`);
      const result = second.executeSql(QUERY);
      await result.await();
      expect(result.getJobClient()!.checkpoints().restored?.path).toBe(savepoint);
      expect(table.rows()).toEqual(expected);
      expect(pg.psql('SELECT count(*) FROM pg_prepared_xacts')).toBe('0\n');
    },
  );
});
