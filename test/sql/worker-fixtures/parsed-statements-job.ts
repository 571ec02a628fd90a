/**
 * A SQL job file for the test that worker threads rebuild a SQL job without parsing: it runs
 * a SET, a CREATE TABLE and a query at parallelism 2 into a file sink. On a worker thread it
 * also writes whether that thread lexed any SQL text while the file built the job, and whether
 * it loaded the lexer and grammar at all, into
 * `<markerDir>/worker-<threadId>.json`.
 *
 *     parsed-statements-job.ts -- <rows> <outDir> <markerDir>
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { FileSink, type StreamExecutionEnvironment, TableEnvironment } from '../../../src/index.js';
import { sqlParserLoaded, sqlTextLexed } from '../../../src/sql/parser/parse.js';

export default async function build(env: StreamExecutionEnvironment, args: string[]): Promise<void> {
  const [rows, outDir, markerDir] = args;
  env.setParallelism(2);
  const tEnv = TableEnvironment.create(env);
  await tEnv.executeSql("SET 'table.exec.state.ttl' = '1 h'").await();
  await tEnv
    .executeSql(
      `CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${rows}',
        'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '${Number(rows) - 1}')`,
    )
    .await();
  const query = 'SELECT id, id * 2 AS twice FROM src WHERE MOD(id, 3) <> 1';
  tEnv
    .toDataStream(tEnv.sqlQuery(query))
    .sinkTo(FileSink.forRowFormat(outDir!).build())
    .uid('out')
    .setParallelism(2);
  if (!isMainThread)
    writeFileSync(
      join(markerDir!, `worker-${threadId}.json`),
      JSON.stringify({ lexed: sqlTextLexed(), parserLoaded: sqlParserLoaded() }),
    );
}
