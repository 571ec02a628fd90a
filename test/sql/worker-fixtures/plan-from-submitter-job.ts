/**
 * A SQL job file for the test that worker threads rebuild an INSERT job from the physical plan
 * the submitting thread made: a session time zone, a scalar function registered by name and a
 * connector registered in the session, all of which the recalled plan must still meet on the
 * worker. Each worker writes into `<markerDir>/worker-<threadId>.json` how many jobs it started
 * from the submitting thread's plan and whether it loaded the SQL parser.
 *
 *     plan-from-submitter-job.ts -- <rows> <outDir> <markerDir>
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import {
  type DynamicTableFactory,
  type StreamExecutionEnvironment,
  TableEnvironment,
  type TableResult,
} from '../../../src/index.js';
import { sinkJobPlansRecalled } from '../../../src/sql/compiled-plan/submitted-plan.js';
import { filesystemFactory } from '../../../src/sql/connectors/filesystem.js';
import { sqlParserLoaded } from '../../../src/sql/parser/parse.js';

/** `filesystem` under another name: a connector only this session knows. */
const sessionFilesystem: DynamicTableFactory = { ...filesystemFactory, identifier: 'session-files' };

export default function build(env: StreamExecutionEnvironment, args: string[]): Promise<TableResult> {
  const [rows, outDir, markerDir] = args;
  return run(env, Number(rows), outDir!, markerDir!);
}

async function run(
  env: StreamExecutionEnvironment,
  rows: number,
  outDir: string,
  markerDir: string,
): Promise<TableResult> {
  env.setParallelism(2);
  const tEnv = TableEnvironment.create(env);
  tEnv.registerConnector(sessionFilesystem);
  tEnv.createTemporarySystemFunction('label', {
    eval: (id: bigint) => `n${id}`,
    resultType: 'STRING',
  });
  await tEnv.executeSql("SET 'table.local-time-zone' = 'Asia/Tokyo'").await();
  await tEnv
    .executeSql(
      `CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${rows}',
        'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '${rows - 1}')`,
    )
    .await();
  await tEnv
    .executeSql(
      `CREATE TABLE out (id BIGINT, tag STRING, hour_text STRING)
        WITH ('connector' = 'session-files', 'path' = '${outDir}', 'format' = 'json')`,
    )
    .await();
  const result = tEnv.executeSql(
    `INSERT INTO out SELECT id, label(id), DATE_FORMAT(TO_TIMESTAMP_LTZ(id * 3600000, 3), 'yyyy-MM-dd HH')
      FROM src WHERE MOD(id, 3) <> 1`,
  );
  if (!isMainThread)
    writeFileSync(
      join(markerDir, `worker-${threadId}.json`),
      JSON.stringify({ recalled: sinkJobPlansRecalled(), parserLoaded: sqlParserLoaded() }),
    );
  return result;
}
