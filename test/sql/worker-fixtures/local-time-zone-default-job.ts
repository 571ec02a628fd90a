/**
 * A SQL job file for the test that `SET 'table.local-time-zone' = 'default'` means one zone
 * for the whole job: the submitting thread says SET in Asia/Kolkata, then moves the process to
 * America/Los_Angeles before the worker threads that rebuild the job start; the job casts
 * instants to text at parallelism 2 into a file sink, so the rows show which zone the
 * workers' operators used.
 *
 *     local-time-zone-default-job.ts -- <outDir>
 */
import { isMainThread } from 'node:worker_threads';
import { FileSink, type StreamExecutionEnvironment, TableEnvironment } from '../../../src/index.js';

export default async function build(env: StreamExecutionEnvironment, args: string[]): Promise<void> {
  const [outDir] = args;
  if (isMainThread) process.env.TZ = 'Asia/Kolkata';
  env.setParallelism(2);
  const tEnv = TableEnvironment.create(env);
  await tEnv.executeSql("SET 'table.local-time-zone' = 'default'").await();
  if (isMainThread) process.env.TZ = 'America/Los_Angeles';
  await tEnv
    .executeSql(
      `CREATE TABLE hours (id BIGINT) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence',
        'fields.id.start' = '0', 'fields.id.end' = '3')`,
    )
    .await();
  const query = 'SELECT id, CAST(TO_TIMESTAMP_LTZ(id * 3600000, 3) AS STRING) AS local_time FROM hours';
  tEnv
    .toDataStream(tEnv.sqlQuery(query))
    .sinkTo(FileSink.forRowFormat(outDir!).build())
    .uid('out')
    .setParallelism(2);
}
