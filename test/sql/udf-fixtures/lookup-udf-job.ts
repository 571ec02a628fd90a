/**
 * A SQL job file for the worker-thread test of CREATE FUNCTION … LANGUAGE TYPESCRIPT and lookup
 * joins: each worker loads this file again and awaits the CREATE FUNCTION, so the module's
 * function (a path relative to this file) exists on every thread, and each join subtask loads the side table when it opens.
 *
 *     lookup-udf-job.ts -- <rows> <parallelism> <sideCsv> <outDir>
 *         SELECT id, count_char(s, 'c'), S.v FROM t JOIN side FOR SYSTEM_TIME AS OF … ON mod(id, 3) = S.sk
 */
import {
  DataGeneratorSource,
  FileSink,
  type StreamExecutionEnvironment,
  TableEnvironment,
  WatermarkStrategy,
} from '../../../src/index.js';

/** The string of row `i`: `i mod 4` c's. */
const text = (i: number) => 'c'.repeat(i % 4) + 'x';

export default async function build(env: StreamExecutionEnvironment, args: string[]): Promise<void> {
  const [rows, parallelism, sideCsv, outDir] = args;
  const p = Number(parallelism);
  env.setParallelism(p);
  const tEnv = TableEnvironment.create(env);
  await tEnv
    .executeSql("CREATE FUNCTION count_char AS './count-udfs.ts#CountChar' LANGUAGE TYPESCRIPT")
    .await();
  tEnv.executeSql(
    `CREATE TABLE side (sk BIGINT, v STRING) WITH ('connector.type' = 'filesystem', 'connector.path' = '${sideCsv}', 'format.type' = 'csv')`,
  );
  const source = env
    .fromSource(
      new DataGeneratorSource((i) => ({ id: i, s: text(i) }), Number(rows)),
      WatermarkStrategy.noWatermarks(),
      'rows',
    )
    .uid('rows')
    .setParallelism(p);
  tEnv.createTemporaryView('t', source, { id: 'BIGINT', s: 'STRING' });
  const query = `SELECT T.id, count_char(T.s, 'c') AS c, S.v
    FROM (SELECT *, PROCTIME() AS pt FROM t) T
    JOIN side FOR SYSTEM_TIME AS OF T.pt AS S ON mod(T.id, 3) = S.sk`;
  tEnv
    .toDataStream(tEnv.sqlQuery(query))
    .sinkTo(FileSink.forRowFormat(outDir!).build())
    .uid('out')
    .setParallelism(p);
}
