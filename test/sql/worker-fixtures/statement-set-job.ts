/**
 * A job file for the test that a statement set of descriptor tables runs on worker threads:
 * a datagen source of ids 0..rows-1 and two filesystem sinks, all made with TableDescriptor,
 * written by one statement set at parallelism 2. On a worker thread it also writes whether
 * that thread lexed any SQL text while the file built the job into
 * `<markerDir>/worker-<threadId>.json`.
 *
 *     statement-set-job.ts -- <rows> <allDir> <evenDir> <markerDir>
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import {
  Schema,
  type StreamExecutionEnvironment,
  TableDescriptor,
  TableEnvironment,
  type TableResult,
} from '../../../src/index.js';
import { sqlTextLexed } from '../../../src/sql/parser/parse.js';

export default function build(env: StreamExecutionEnvironment, args: string[]): TableResult {
  const [rows, allDir, evenDir, markerDir] = args;
  env.setParallelism(2);
  const tEnv = TableEnvironment.create(env);
  const ids = Schema.newBuilder().column('id', 'BIGINT').build();
  tEnv.createTemporaryTable(
    'src',
    TableDescriptor.forConnector('datagen')
      .schema(ids)
      .option('number-of-rows', rows!)
      .option('fields.id.kind', 'sequence')
      .option('fields.id.start', 0)
      .option('fields.id.end', Number(rows) - 1)
      .build(),
  );
  for (const [name, dir] of [
    ['all_ids', allDir!],
    ['even_ids', evenDir!],
  ])
    tEnv.createTable(
      name!,
      TableDescriptor.forConnector('filesystem').schema(ids).option('path', dir!).format('json').build(),
    );
  const set = tEnv.createStatementSet();
  set.addInsertSql('INSERT INTO all_ids SELECT id FROM src');
  set.addInsert('even_ids', tEnv.sqlQuery('SELECT id FROM src WHERE MOD(id, 2) = 0'));
  const result = set.execute();
  if (!isMainThread)
    writeFileSync(join(markerDir!, `worker-${threadId}.json`), JSON.stringify({ lexed: sqlTextLexed() }));
  return result;
}
