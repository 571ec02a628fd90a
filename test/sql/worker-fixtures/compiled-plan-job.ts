/**
 * A job file for the test that plan statements run on worker threads: it compiles an INSERT
 * of a datagen source of ids 0..rows-1 into a filesystem sink to `<planFile>` (COMPILE PLAN,
 * no IF NOT EXISTS) and runs the plan (EXECUTE PLAN) at parallelism 2. A worker rebuilding the
 * job runs both statements again; the plan file the submitting thread wrote is there by then.
 *
 *     compiled-plan-job.ts -- <rows> <outDir> <planFile>
 */
import { type StreamExecutionEnvironment, TableEnvironment, type TableResult } from '../../../src/index.js';

export default function build(env: StreamExecutionEnvironment, args: string[]): TableResult {
  const [rows, outDir, planFile] = args;
  env.setParallelism(2);
  const tEnv = TableEnvironment.create(env);
  tEnv.executeSql(
    `CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${rows}',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '${Number(rows) - 1}')`,
  );
  tEnv.executeSql(
    `CREATE TABLE snk (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${outDir}', 'format' = 'json')`,
  );
  tEnv.executeSql(`COMPILE PLAN '${planFile}' FOR INSERT INTO snk SELECT id FROM src`);
  return tEnv.executeSql(`EXECUTE PLAN '${planFile}'`);
}
