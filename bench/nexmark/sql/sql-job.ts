/**
 * The job of `weir bench nexmark --sql` (see bench/nexmark.ts): a query's reference SQL (see
 * sql-files.ts) run by a TableEnvironment, its `blackhole` sink table counting rows into the
 * report directory as the DataStream job's sink does (latency-sink.ts), so both jobs are
 * measured alike; a `filesystem` sink table (q10) writes its files and counts its rows too.
 *
 *     weir run bench/nexmark/sql/sql-job.ts -p 2 --checkpoint-dir DIR --checkpoint-interval 10000 --
 *         --query q1 --events 10000000 --report-dir DIR [--buffer-timeout MS]
 *
 * Prints the same `weir-bench: submitted` and `weir-bench: finished <json>` lines as job.ts.
 * Latency is not measured: the SQL source runs ahead of the wall clock.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import {
  type DynamicTableFactory,
  type StreamExecutionEnvironment,
  TableEnvironment,
} from '../../../src/index.js';
import { filesystemFactory } from '../../../src/sql/connectors/filesystem.js';
import { reportWhenFinished } from '../job.js';
import { LatencySink } from '../latency-sink.js';
import { writeSideInput } from './side-input.js';
import { sqlStatements } from './sql-files.js';
import { registerNexmarkFunctions } from './udfs.js';

/** The table options of Flink's Nexmark setup (mini-batch and split-distinct aggregation). */
const NEXMARK_TABLE_OPTIONS: Record<string, string> = {
  'table.exec.mini-batch.enabled': 'true',
  'table.exec.mini-batch.allow-latency': '2 s',
  'table.exec.mini-batch.size': '50000',
};

/** Builds and submits the job; see the module comment for `args`. */
export default async function nexmarkSqlJob(env: StreamExecutionEnvironment, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      query: { type: 'string' },
      events: { type: 'string' },
      'buffer-timeout': { type: 'string' },
      'report-dir': { type: 'string' },
      // Taken for the runner's sake and unused: the SQL source has no wall-clock mode here.
      rate: { type: 'string' },
      'latency-warmup': { type: 'string' },
    },
  });
  const reportDir = values['report-dir'];
  if (values.query === undefined || values.events === undefined || reportDir === undefined) {
    throw new Error('usage: bench/nexmark/sql/sql-job.ts -- --query qN --events N --report-dir DIR');
  }
  if (values['buffer-timeout'] !== undefined) env.setBufferTimeout(Number(values['buffer-timeout']));
  const dataDir = join(reportDir, '..', 'data');
  if (isMainThread) {
    mkdirSync(dataDir, { recursive: true });
    writeSideInput(dataDir);
  }
  const tEnv = TableEnvironment.create(env);
  registerNexmarkFunctions(tEnv);
  // Flink's Nexmark runs its SQL with these options; WEIR_BENCH_SQL_MINI_BATCH=false leaves
  // them out, to measure the per-row aggregates against them.
  if (process.env.WEIR_BENCH_SQL_MINI_BATCH !== 'false')
    for (const [key, value] of Object.entries(NEXMARK_TABLE_OPTIONS))
      await tEnv.executeSql(`SET '${key}' = '${value}'`).await();
  // Flink's Nexmark cluster also splits distinct aggregates, which spreads a hot key's distinct
  // values over subtasks. With one subtask there is nothing to spread and the split only adds a
  // level (q16: CPU ratio 0.13 split, 1.34 unsplit), so it is on from parallelism 2.
  // WEIR_BENCH_SQL_SPLIT_DISTINCT=true|false overrides that, to compare the plans.
  const split = process.env.WEIR_BENCH_SQL_SPLIT_DISTINCT ?? String(env.getParallelism() > 1);
  await tEnv.executeSql(`SET 'table.optimizer.distinct-agg.split.enabled' = '${split === 'true'}'`).await();
  // WEIR_BENCH_SQL_AGG_PHASE=ONE_PHASE|TWO_PHASE overrides AUTO, to compare the two plans.
  const phase = process.env.WEIR_BENCH_SQL_AGG_PHASE;
  if (phase !== undefined && phase !== '')
    await tEnv.executeSql(`SET 'table.optimizer.agg-phase-strategy' = '${phase}'`).await();
  tEnv.registerConnector(countingBlackhole(reportDir));
  tEnv.registerConnector(countingFilesystem(reportDir));
  if (isMainThread) env.registerJobListener({ onJobSubmitted: reportWhenFinished });
  const statements = sqlStatements(values.query, { events: Number(values.events), dataDir });
  const insert = statements.pop()!;
  for (const statement of statements) await tEnv.executeSql(statement).await();
  await tEnv.executeSql(insert).await();
}

/**
 * `blackhole` that counts rows per subtask into the report directory. It takes upserts, as the
 * real blackhole (and Flink's) does, so updating queries skip their -U rows here too.
 */
function countingBlackhole(reportDir: string): DynamicTableFactory {
  return {
    identifier: 'blackhole',
    options: [],
    sinkChangelogMode: 'upsert',
    createSink({ table }) {
      return (stream) => stream.sinkTo(new LatencySink<unknown>(reportDir, undefined), `Sink: ${table.name}`);
    },
  };
}

/**
 * `filesystem` (q10 writes its bids to files) that also counts the rows it writes into the
 * report directory, beside the real file sink, so the runner finds its per-subtask counts.
 */
function countingFilesystem(reportDir: string): DynamicTableFactory {
  return {
    ...filesystemFactory,
    createSink(context) {
      const write = filesystemFactory.createSink!(context);
      return (stream) => {
        stream.sinkTo(new LatencySink<unknown>(reportDir, undefined), `Count: ${context.table.name}`);
        return write(stream);
      };
    },
  };
}
