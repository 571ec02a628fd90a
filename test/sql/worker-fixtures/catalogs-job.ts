/**
 * A SQL job file for the test that worker threads resolve names against the catalog and
 * database the job file made current: it creates catalog `c` with database `d`, a table `src`
 * there and a different `src` in default_catalog.default_database, USEs `c.d`, and reads `src`
 * (c.d's) and a filesystem table with METADATA columns at parallelism 2 into a file sink.
 *
 *     catalogs-job.ts -- <rows> <outDir> <metadataDir>
 */
import { FileSink, type StreamExecutionEnvironment, TableEnvironment } from '../../../src/index.js';

export default async function build(env: StreamExecutionEnvironment, args: string[]): Promise<void> {
  const [rows, outDir, metadataDir] = args;
  env.setParallelism(2);
  const tEnv = TableEnvironment.create(env);
  const run = (sql: string) => tEnv.executeSql(sql).await();
  await run(
    `CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${rows}',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1000000', 'fields.id.end' = '${1_000_000 + Number(rows) - 1}')`,
  );
  await run("CREATE CATALOG c WITH ('type' = 'generic_in_memory')");
  await run('CREATE DATABASE c.d');
  await run('USE c.d');
  await run(
    `CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${rows}',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '${Number(rows) - 1}')`,
  );
  await run(
    `CREATE TABLE files (id BIGINT, s STRING, name STRING METADATA FROM 'file.name' VIRTUAL,
      size BIGINT METADATA FROM 'file.size' VIRTUAL)
      WITH ('connector' = 'filesystem', 'path' = '${metadataDir}', 'format' = 'csv')`,
  );
  const query = `SELECT id, CAST(NULL AS STRING) AS name, CAST(NULL AS BIGINT) AS size FROM src
    UNION ALL SELECT id, name, size FROM d.files`;
  tEnv
    .toDataStream(tEnv.sqlQuery(query))
    .sinkTo(FileSink.forRowFormat(outDir!).build())
    .uid('out')
    .setParallelism(2);
}
