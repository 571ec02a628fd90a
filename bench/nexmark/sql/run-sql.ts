/**
 * `weir bench nexmark --sql`: each query's reference SQL (sql-job.ts) against its DataStream
 * version (job.ts) on the same events and settings, both as `weir run` children. The runs of the
 * two alternate (SQL, DataStream, SQL, …), so that a busy machine weighs on both alike, and each
 * side's median run is kept. A query whose SQL cannot run yet is reported with the planner's
 * one-line reason (`… is not supported`, an unknown connector) and the others still run.
 *
 * A query with a same-state version (`qN-same-state.ts`: a DataStream job that keeps the state
 * the SQL plan keeps, where `qN.ts` uses what it knows of the data to keep almost none) runs it
 * too, alternating with the other two, and SQL is set against it as well: the gap to `qN.ts`
 * that remains against it is the SQL layer's, the rest the state's.
 *
 * Results go to `bench/results/nexmark-sql-<date>.json` and `.md`, merged with what an earlier run
 * of the day left there (a later result for the same query and parallelism replaces it).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { RESULTS_DIR, saveResult } from '../../report.js';
import { round } from '../../window-events.js';
import type { SuiteInfo } from '../report-markdown.js';
import { queryResult, rate } from '../report-result.js';
import { type EngineOptions, type EngineRun, runEngine } from '../run-engine.js';
import { loadQuery, sameStateVersion } from '../run-query-files.js';

/** SQL's share of the DataStream version's throughput that the SQL layer aims for. */
export const SQL_TARGET_RATIO = 0.8;

/** What one `--sql` run is given. */
export interface SqlBenchOptions {
  readonly queries: readonly string[];
  readonly events: number;
  readonly parallelisms: readonly number[];
  readonly checkpointIntervalMs: number;
  readonly stateBackend: 'heap' | 'disk';
  readonly bufferTimeoutMs: number | undefined;
  readonly runs: number;
  readonly cpuProfDir: string | undefined;
  /** The task threads' initial old generation, MB, for both jobs; undefined: V8's own. */
  readonly taskOldGenerationMb: number | undefined;
  readonly noSave: boolean;
  readonly json: boolean;
}

/** Machine, commit and date, as the DataStream suite records them. */
export type SqlBenchContext = Pick<SuiteInfo, 'date' | 'commit' | 'node' | 'machine'>;

/** The DataStream figures a SQL result is set against. */
interface DataStreamFigures {
  readonly seconds: number;
  readonly allSeconds: readonly number[];
  readonly cpuSeconds: number;
  readonly eventsPerSecond: number;
  readonly eventsPerCpuSecond: number;
  readonly outputRows: number;
}

/** SQL set against the same-state DataStream version, for a query that has one. */
interface SameStateComparison {
  readonly dataStreamSameState: DataStreamFigures;
  /** SQL events/s over the same-state version's events/s. */
  readonly sqlOverDataStreamSameState: number;
  /** The same over CPU time. */
  readonly sqlOverDataStreamSameStateCpu: number;
  /** Same row count as the same-state version; null for updating queries. */
  readonly rowsMatchDataStreamSameState: boolean | null;
}

/** The figures of a query the SQL layer ran. */
export type SqlRunResult = ReturnType<typeof queryResult> & {
  readonly api: 'sql';
  readonly unsupported: null;
  readonly dataStream: DataStreamFigures;
  /** SQL events/s over DataStream events/s. */
  readonly sqlOverDataStream: number;
  /** The same over CPU time: what a busy machine distorts least. */
  readonly sqlOverDataStreamCpu: number;
  /** Same row count as the DataStream job; null for updating queries, whose changelogs may differ. */
  readonly rowsMatchDataStream: boolean | null;
} & (SameStateComparison | { readonly [K in keyof SameStateComparison]?: undefined });

/** One query at one parallelism: the SQL run's figures, or why it could not run. */
export type SqlQueryResult =
  | SqlRunResult
  | {
      readonly api: 'sql';
      readonly query: string;
      readonly description: string;
      readonly events: number;
      readonly parallelism: number;
      /** The one-line reason the SQL did not run. */
      readonly unsupported: string;
    };

/**
 * The one-line reason in a failed SQL child's error when the failure is the SQL layer's: the
 * reference SQL is valid Flink SQL, so a planning or validation error means something missing.
 */
export function unsupportedReason(message: string): string | undefined {
  const line = message
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /SQL error| is not supported/.test(l));
  return line?.replace(/^.*?(SQL error)/, '$1').replace(/^weir: /, '');
}

/** Runs every query at every parallelism; returns the exit code. */
export async function runSqlBench(
  options: SqlBenchOptions,
  context: SqlBenchContext,
  log: (line: string) => void,
): Promise<number> {
  const loadBefore = round(loadavg()[0]!, 2);
  const jsonFile = `${RESULTS_DIR}nexmark-sql-${context.date}.json`;
  let results: SqlQueryResult[] = options.noSave ? [] : readEarlier(jsonFile);
  const failures: { query: string; error: string }[] = [];
  let suite: ReturnType<typeof suiteOf> | undefined;
  const save = () => {
    results.sort(
      (a, b) => Number(a.query.slice(1)) - Number(b.query.slice(1)) || a.parallelism - b.parallelism,
    );
    suite = suiteOf(options, context, results, { before: loadBefore, after: round(loadavg()[0]!, 2) });
    if (!options.noSave) {
      saveResult('nexmark-sql', suite);
      writeFileSync(`${RESULTS_DIR}nexmark-sql-${context.date}.md`, sqlMarkdown(suite, results));
    }
  };
  for (const query of options.queries) {
    for (const parallelism of options.parallelisms) {
      try {
        const result = await measure(options, query, parallelism, log);
        results = [...results.filter((r) => r.query !== query || r.parallelism !== parallelism), result];
        save();
      } catch (error) {
        const message = (error as Error).message.split('\n', 1)[0]!;
        failures.push({ query, error: message });
        log(`  ${query} p=${parallelism} FAILED: ${message}`);
      }
    }
  }
  save();
  log('');
  log(sqlMarkdown(suite!, results));
  if (!options.noSave) log(`  saved ${jsonFile} and ${RESULTS_DIR}nexmark-sql-${context.date}.md`);
  if (options.json) console.log(JSON.stringify({ ...suite!, failures }));
  return failures.length > 0 ? 1 : 0;
}

async function measure(
  options: SqlBenchOptions,
  query: string,
  parallelism: number,
  log: (line: string) => void,
): Promise<SqlQueryResult> {
  const definition = await loadQuery(query);
  const engine: EngineOptions = {
    query,
    events: options.events,
    parallelism,
    checkpointIntervalMs: options.checkpointIntervalMs,
    stateBackend: options.stateBackend,
    rate: undefined,
    bufferTimeoutMs: options.bufferTimeoutMs,
    latencyWarmupMs: undefined,
    cpuProfDir: options.cpuProfDir,
    taskOldGenerationMb: options.taskOldGenerationMb,
  };
  const sameState = sameStateVersion(query);
  const sqlRuns: EngineRun[] = [];
  const dataStreamRuns: EngineRun[] = [];
  const sameStateRuns: EngineRun[] = [];
  for (let r = 0; r < options.runs; r++) {
    try {
      sqlRuns.push(await runEngine({ ...engine, api: 'sql' }));
    } catch (error) {
      const reason = unsupportedReason((error as Error).message);
      if (reason === undefined) throw error;
      log(`  ${query} p=${parallelism} SQL: ${reason}`);
      return {
        api: 'sql',
        query,
        description: definition.description,
        events: options.events,
        parallelism,
        unsupported: reason,
      };
    }
    dataStreamRuns.push(await runEngine(engine));
    if (sameState !== undefined) sameStateRuns.push(await runEngine({ ...engine, query: sameState }));
  }
  const upserts = definition.upsertKey !== undefined || definition.processingTime === true;
  const sql = queryResult(
    {
      query,
      description: definition.description,
      events: options.events,
      parallelism,
      checkpointIntervalMs: options.checkpointIntervalMs,
      stateBackend: options.stateBackend,
      rate: undefined,
      bufferTimeoutMs: options.bufferTimeoutMs,
      upserts,
      hasLatencyTime: false,
      cores: availableParallelism(),
    },
    sqlRuns,
    undefined,
  );
  const result = sqlAgainstDataStream(sql, upserts, dataStreamRuns, sameStateRuns);
  log(sqlResultLine(result));
  return result;
}

/**
 * The SQL result set against the DataStream version's median run and, when `sameStateRuns` has
 * any, the same-state version's; `upserts` when the rows of the two may differ in number.
 */
export function sqlAgainstDataStream(
  sql: ReturnType<typeof queryResult>,
  upserts: boolean,
  dataStreamRuns: readonly EngineRun[],
  sameStateRuns: readonly EngineRun[],
): SqlRunResult {
  const dataStream = dataStreamFigures(sql.events, dataStreamRuns);
  const result: SqlRunResult = {
    ...sql,
    api: 'sql',
    unsupported: null,
    dataStream,
    sqlOverDataStream: round(sql.eventsPerSecond / dataStream.eventsPerSecond, 2),
    sqlOverDataStreamCpu: round(sql.eventsPerCpuSecond / dataStream.eventsPerCpuSecond, 2),
    rowsMatchDataStream: upserts ? null : sql.outputRows === dataStream.outputRows,
  };
  if (sameStateRuns.length === 0) return result;
  const sameState = dataStreamFigures(sql.events, sameStateRuns);
  return {
    ...result,
    dataStreamSameState: sameState,
    sqlOverDataStreamSameState: round(sql.eventsPerSecond / sameState.eventsPerSecond, 2),
    sqlOverDataStreamSameStateCpu: round(sql.eventsPerCpuSecond / sameState.eventsPerCpuSecond, 2),
    rowsMatchDataStreamSameState: upserts ? null : sql.outputRows === sameState.outputRows,
  };
}

/** The figures of the median run (by time, the lower of an even count) of a DataStream job. */
function dataStreamFigures(events: number, runs: readonly EngineRun[]): DataStreamFigures {
  const median = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor((runs.length - 1) / 2)]!;
  return {
    seconds: round(median.seconds, 3),
    allSeconds: runs.map((r) => round(r.seconds, 3)),
    cpuSeconds: round(median.cpuSeconds, 3),
    eventsPerSecond: rate(events, median.seconds),
    eventsPerCpuSecond: rate(events, median.cpuSeconds),
    outputRows: median.outputRows,
  };
}

/** The console line of one result: both rates, the ratios, and the same-state version's where run. */
export function sqlResultLine(result: SqlRunResult): string {
  const { dataStream, dataStreamSameState: sameState } = result;
  const n = (value: number) => value.toLocaleString('en');
  return (
    `  ${result.query} p=${result.parallelism}: SQL ${n(result.eventsPerSecond)} events/s ` +
    `(${n(result.eventsPerCpuSecond)}/CPU-s), DataStream ${n(dataStream.eventsPerSecond)} events/s ` +
    `(${n(dataStream.eventsPerCpuSecond)}/CPU-s): SQL/DataStream ${result.sqlOverDataStream} ` +
    `(CPU ${result.sqlOverDataStreamCpu}, target ${SQL_TARGET_RATIO}), rows ${n(result.outputRows)}` +
    (result.rowsMatchDataStream === false
      ? ` — ROWS DIFFER from DataStream's ${n(dataStream.outputRows)}`
      : '') +
    (sameState === undefined
      ? ''
      : `; DataStream same-state ${n(sameState.eventsPerSecond)} events/s ` +
        `(${n(sameState.eventsPerCpuSecond)}/CPU-s): SQL/DataStream same-state ` +
        `${result.sqlOverDataStreamSameState} (CPU ${result.sqlOverDataStreamSameStateCpu})` +
        (result.rowsMatchDataStreamSameState === false
          ? ` — ROWS DIFFER from same-state's ${n(sameState.outputRows)}`
          : ''))
  );
}

function suiteOf(
  options: SqlBenchOptions,
  context: SqlBenchContext,
  results: readonly SqlQueryResult[],
  loadAverage: SuiteInfo['loadAverage'],
) {
  return {
    api: 'sql' as const,
    query: [...new Set(results.map((r) => r.query))].join(','),
    events: options.events,
    parallelism: options.parallelisms,
    seconds: round(
      results.reduce((sum, r) => sum + ('seconds' in r ? r.seconds : 0), 0),
      3,
    ),
    eventsPerSecond: null,
    p99LatencyMs: null,
    ...context,
    checkpointIntervalMs: options.checkpointIntervalMs,
    stateBackend: options.stateBackend,
    ...(options.taskOldGenerationMb === undefined
      ? {}
      : { taskOldGenerationMb: options.taskOldGenerationMb }),
    runs: options.runs,
    loadAverage,
    targetSqlOverDataStream: SQL_TARGET_RATIO,
    results,
  };
}

function readEarlier(file: string): SqlQueryResult[] {
  if (!existsSync(file)) return [];
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { results?: SqlQueryResult[] }).results ?? [];
  } catch {
    return [];
  }
}

/** The markdown table: SQL next to DataStream per query and parallelism, or the reason it did not run. */
export function sqlMarkdown(suite: ReturnType<typeof suiteOf>, results: readonly SqlQueryResult[]): string {
  const m = suite.machine;
  const lines = [
    `# Nexmark SQL against DataStream, ${suite.date}`,
    '',
    `Commit ${suite.commit}, Node ${suite.node}, ${m.cpu} (${m.cores} cores, ${m.memoryGb} GB), ${m.os}; ` +
      `load average ${suite.loadAverage.before} before, ${suite.loadAverage.after} after (the machine is shared: ` +
      'other jobs ran alongside, so the ratios, from runs that alternate SQL and DataStream, say more than the rates).',
    `${suite.events.toLocaleString('en')} events, checkpoints every ${suite.checkpointIntervalMs} ms on the ` +
      `${suite.stateBackend} backend${'taskOldGenerationMb' in suite ? `, task threads' old generation starting ${suite.taskOldGenerationMb === 0 ? "as V8's own" : `at ${suite.taskOldGenerationMb} MB`}` : ''}, median of ${suite.runs} run(s) each; target SQL/DataStream >= ${SQL_TARGET_RATIO}.`,
    '',
    '| query | p | SQL events/s | DataStream events/s | SQL/DataStream | SQL/DataStream CPU | SQL rows | DataStream rows |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    if (r.unsupported !== null) {
      lines.push(
        `| ${r.query} | ${r.parallelism} | not run: ${r.unsupported.replaceAll('|', '\\|')} | | | | | |`,
      );
      continue;
    }
    const rows =
      r.rowsMatchDataStream === false
        ? `${r.outputRows.toLocaleString('en')} (differ)`
        : r.outputRows.toLocaleString('en');
    lines.push(
      `| ${r.query} | ${r.parallelism} | ${r.eventsPerSecond.toLocaleString('en')} | ` +
        `${r.dataStream.eventsPerSecond.toLocaleString('en')} | ${r.sqlOverDataStream} | ${r.sqlOverDataStreamCpu} | ` +
        `${rows} | ${r.dataStream.outputRows.toLocaleString('en')} |`,
    );
  }
  const sameState = results.filter(
    (r): r is SqlRunResult & SameStateComparison =>
      r.unsupported === null && r.dataStreamSameState !== undefined,
  );
  if (sameState.length > 0) {
    lines.push(
      '',
      'Against the same-state DataStream versions (`qN-same-state.ts`: the state the SQL plan keeps, ' +
        'where `qN.ts` keeps almost none), run alternating with the two above:',
      '',
      '| query | p | same-state events/s | SQL/same-state | SQL/same-state CPU | same-state rows |',
      '|---|---|---|---|---|---|',
    );
    for (const r of sameState) {
      const rows =
        r.rowsMatchDataStreamSameState === false
          ? `${r.dataStreamSameState.outputRows.toLocaleString('en')} (differ)`
          : r.dataStreamSameState.outputRows.toLocaleString('en');
      lines.push(
        `| ${r.query} | ${r.parallelism} | ${r.dataStreamSameState.eventsPerSecond.toLocaleString('en')} | ` +
          `${r.sqlOverDataStreamSameState} | ${r.sqlOverDataStreamSameStateCpu} | ${rows} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
