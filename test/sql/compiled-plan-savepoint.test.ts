/**
 * The point of a compiled plan: a job started from SQL and stopped with a savepoint restores
 * into the same job started from its compiled plan, in a session without the tables' DDL. The
 * plan gives the operators the ids the SQL gave them, so the restore claims all their state
 * (an operator of another id would leave state unclaimed, which fails the restore), the source
 * goes on where it stopped, and the filesystem sink holds every row exactly once. The plan of
 * the Table API pipeline that stands for the INSERT takes the savepoint as well.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { $, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { waitFor } from '../support/recording-sink.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('weir-compiled-plan-savepoint-');

/** The ids of the rows in the committed (not hidden) files of a csv table directory. */
function committedIds(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n'))
    .filter((line) => line !== '')
    .map((line) => Number(line.split(',')[0]))
    .sort((a, b) => a - b);
}

/** How the plan file is compiled in the first session: from the INSERT's SQL, or from the Table API. */
const compilers = {
  'COMPILE PLAN': (tEnv: TableEnvironment, insert: string, plan: string) => {
    tEnv.executeSql(`COMPILE PLAN '${plan}' FOR ${insert}`);
  },
  'TablePipeline.compilePlan': (tEnv: TableEnvironment, _insert: string, plan: string) => {
    tEnv
      .from('src')
      .where($('id').isGreater(0))
      .select($('id'), $('id').times(10))
      .insertInto('snk')
      .compilePlan()
      .writeToFile(plan);
  },
};

describe('a savepoint of a SQL job restores into its compiled plan', () => {
  it.each([
    [1, 'COMPILE PLAN'],
    [2, 'COMPILE PLAN'],
    [1, 'TablePipeline.compilePlan'],
  ] as const)(
    'every row once in the filesystem sink (parallelism %i, plan by %s)',
    { timeout: 120_000 },
    async (parallelism, compiler) => {
      const root = tempDir();
      const out = join(root, 'out');
      const plan = join(root, 'plan.json');
      const rows = 3000;
      const session = () => {
        const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
        tEnv.executeSql(`SET 'state.checkpoints.dir' = '${join(root, 'checkpoints')}'`);
        tEnv.executeSql(`SET 'state.savepoints.dir' = '${join(root, 'savepoints')}'`);
        tEnv.executeSql(`SET 'execution.checkpointing.interval' = '100 ms'`);
        return tEnv;
      };
      const first = session();
      first.executeSql(
        `CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '500',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}')`,
      );
      // Small parts, so some are committed before the stop and one is in progress across it.
      first.executeSql(
        `CREATE TABLE snk (id BIGINT, tenfold BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}',
      'format' = 'csv', 'sink.rolling-policy.file-size' = '1kb')`,
      );
      const insert = 'INSERT INTO snk SELECT id, id * 10 FROM src WHERE id > 0';
      compilers[compiler](first, insert, plan);
      const job = first.executeSql(insert).getJobClient()!;
      // The stop must land mid-stream, after a checkpoint committed a rolled part: the source's
      // 6 s of rows leave a loaded machine time for that, and a job that ends first fails here
      // rather than in a later assertion.
      await waitFor(
        () =>
          (job.checkpoints().completed >= 2 && committedIds(out).length > 0) || job.status() !== 'running',
        'two completed checkpoints and a committed part',
        undefined,
        () => `${job.checkpoints().completed} checkpoints, ${committedIds(out).length} rows committed`,
      );
      expect(job.status(), 'the job ended before a checkpoint committed a part').toBe('running');
      const stopped = await first.executeSql(`STOP JOB '${job.jobId}' WITH SAVEPOINT`).collect();
      const savepoint = stopped[0]!['savepoint path'] as string;
      const before = committedIds(out);
      expect(before.length).toBeGreaterThan(0);
      expect(before.length).toBeLessThan(rows);

      // A later session, as after an upgrade: no DDL, only the plan file and the savepoint.
      const second = session();
      second.executeSql(`SET 'execution.savepoint.path' = '${savepoint}'`);
      second.executeSql(`SET 'execution.savepoint.ignore-unclaimed-state' = 'false'`);
      const result = second.executeSql(`EXECUTE PLAN '${plan}'`);
      await result.await();
      expect(result.getJobClient()!.checkpoints().restored?.path).toBe(savepoint);
      expect(committedIds(out)).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
      const lines = readdirSync(out)
        .filter((name) => !name.startsWith('.'))
        .flatMap((name) => readFileSync(join(out, name), 'utf8').split('\n'))
        .filter((line) => line !== '');
      expect(lines.every((line) => line === `${line.split(',')[0]},${Number(line.split(',')[0]) * 10}`)).toBe(
        true,
      );
    },
  );
});
