/**
 * The SQL job that filesystem-kill.test.ts runs under `weir run` and kills with SIGKILL:
 *
 *     weir run test/sql/filesystem-kill-job.ts -- <sinkDir> <events> <rate> [inputDir]
 *
 * Without `inputDir` it writes the datagen sequence 1..events, `rate` rows a second, into a
 * filesystem table in json; with `inputDir` it copies the json files there into a csv table.
 * The job is named `filesystem-kill-job` so `--restore latest` finds earlier runs' checkpoints;
 * checkpointing comes from `--checkpoint-interval`.
 */
import { type StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';

/** The name every run has, and so the directory its checkpoints go to. */
export const FILESYSTEM_KILL_JOB = 'filesystem-kill-job';

export default async function (env: StreamExecutionEnvironment, args: string[]): Promise<void> {
  const [sinkDir, events, rate, inputDir] = args;
  if (sinkDir === undefined || events === undefined || rate === undefined)
    throw new Error(
      `usage: filesystem-kill-job.ts -- <sinkDir> <events> <rate> [inputDir], got ${args.join(' ')}`,
    );
  env.getCheckpointConfig().setMaxRetainedCheckpoints(3);
  const tEnv = TableEnvironment.create(env);
  tEnv.executeSql(`SET 'pipeline.name' = '${FILESYSTEM_KILL_JOB}'`);
  if (inputDir === undefined) {
    tEnv.executeSql(
      `CREATE TABLE src (id BIGINT, label STRING) WITH ('connector' = 'datagen', 'rows-per-second' = '${rate}', ` +
        `'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${events}', 'fields.label.length' = '4')`,
    );
  } else {
    tEnv.executeSql(
      `CREATE TABLE src (id BIGINT, label STRING) WITH ('connector' = 'filesystem', 'path' = '${inputDir}', 'format' = 'json')`,
    );
  }
  // Small parts roll every few dozen rows (datagen) or few hundred (copy) and commit with the
  // next checkpoint, so a killed run has committed rows that a run starting afresh instead of
  // restoring would write again.
  tEnv.executeSql(
    `CREATE TABLE out_fs (id BIGINT, label STRING) WITH ('connector' = 'filesystem', 'path' = '${sinkDir}', ` +
      `'format' = '${inputDir === undefined ? 'json' : 'csv'}', ` +
      `'sink.rolling-policy.file-size' = '${inputDir === undefined ? '1kb' : '4kb'}')`,
  );
  await tEnv.executeSql('INSERT INTO out_fs SELECT id, label FROM src').await();
}
