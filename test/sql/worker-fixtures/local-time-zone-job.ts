/**
 * A SQL job file for the test that the session time zone reaches worker threads: it sets
 * `table.local-time-zone` to Asia/Shanghai, then counts hourly rows by local day (a 1-day
 * TUMBLE over a TIMESTAMP_LTZ rowtime) at parallelism 2 into a file sink, each row with its
 * window's bounds and its last row's time as text.
 *
 *     local-time-zone-job.ts -- <outDir>
 */
import { FileSink, type StreamExecutionEnvironment, TableEnvironment } from '../../../src/index.js';

export default async function build(env: StreamExecutionEnvironment, args: string[]): Promise<void> {
  const [outDir] = args;
  env.setParallelism(2);
  const tEnv = TableEnvironment.create(env);
  await tEnv.executeSql("SET 'table.local-time-zone' = 'Asia/Shanghai'").await();
  // 48 hourly rows from 2021-04-15 00:00 UTC, 08:00 in Shanghai.
  await tEnv
    .executeSql(
      `CREATE TABLE hours (id BIGINT, ts AS TO_TIMESTAMP_LTZ(1618444800000 + id * 3600000, 3),
        WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
        WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '47')`,
    )
    .await();
  const query = `SELECT CAST(window_start AS STRING) AS day_start, CAST(window_end AS STRING) AS day_end,
      COUNT(*) AS n, CAST(MAX(ts) AS STRING) AS last_ts
    FROM TABLE(TUMBLE(TABLE hours, DESCRIPTOR(ts), INTERVAL '1' DAY)) GROUP BY window_start, window_end`;
  tEnv
    .toDataStream(tEnv.sqlQuery(query))
    .sinkTo(FileSink.forRowFormat(outDir!).build())
    .uid('out')
    .setParallelism(2);
}
