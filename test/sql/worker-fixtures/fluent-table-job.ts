/**
 * A job file for the test that a fluent Table API query runs on worker threads: a datagen
 * source of ids 0..rows-1, continued from `sqlQuery` tables (which the Table API's SQL names
 * internally) with where, addColumns and a join, and inserted into a filesystem sink at
 * parallelism 2. On a worker thread it also writes whether that thread lexed any SQL text
 * while the file built the job into `<markerDir>/worker-<threadId>.json`.
 *
 *     fluent-table-job.ts -- <rows> <outDir> <markerDir>
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import {
  $,
  type StreamExecutionEnvironment,
  TableEnvironment,
  type TableResult,
} from '../../../src/index.js';
import { sqlTextLexed } from '../../../src/sql/parser/parse.js';

export default function build(env: StreamExecutionEnvironment, args: string[]): TableResult {
  const [rows, outDir, markerDir] = args;
  env.setParallelism(2);
  const tEnv = TableEnvironment.create(env);
  tEnv.executeSql(
    `CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${rows}', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '${Number(rows) - 1}')`,
  );
  tEnv.executeSql(
    "CREATE TABLE dim (dk BIGINT) WITH ('connector' = 'datagen', 'fields.dk.kind' = 'sequence', 'fields.dk.start' = '0', 'fields.dk.end' = '2')",
  );
  tEnv.executeSql(
    `CREATE TABLE out (id BIGINT, thrice BIGINT, label STRING) WITH ('connector' = 'filesystem', 'path' = '${outDir}', 'format' = 'json')`,
  );
  const ids = tEnv.sqlQuery('SELECT id, MOD(id, 3) AS k FROM src');
  const labels = tEnv.sqlQuery("SELECT dk, 'L' || CAST(dk AS STRING) AS label FROM dim");
  const result = ids
    .where($('id').mod(2).isEqual(0))
    .addColumns($('id').times(3).as('thrice'))
    .join(labels, $('k').isEqual($('dk')))
    .select($('id'), $('thrice'), $('label'))
    .executeInsert('out');
  if (!isMainThread)
    writeFileSync(join(markerDir!, `worker-${threadId}.json`), JSON.stringify({ lexed: sqlTextLexed() }));
  return result;
}
