/**
 * Benchmark: the Nexmark queries of bench/nexmark/ on the engine, against a hand-written loop
 * and RxJS on the same events.
 *
 * Each engine run is `weir run bench/nexmark/job.ts -p P` in a child process (worker threads for
 * parallelism above 1, a fresh heap per run), with exactly-once checkpoints every 10 s on the heap
 * backend by default, a bounded `NexmarkSource` of `--events` events and a blackhole sink that
 * counts rows. Time is the engine's own job time (submission to finish), so process start-up is
 * left out. The baselines run afterwards in this process on the same events: the generator alone,
 * the query's `loop` (generation included) and, for q0–q2, RxJS.
 *
 * Latency needs `--rate R`: the source then emits R events/s with event times on the wall clock
 * (`wallClockBaseTime`), and the sink records wall time minus `query.latencyTime(row)`. Without a
 * rate the source runs ahead of the wall clock, and latency is reported as null.
 *
 * Run: `npx weir bench nexmark --query qN --events N [--parallelism P] [--checkpoint-interval MS]
 * [--rate R] [--buffer-timeout MS] [--latency-warmup MS] [--state-backend heap|disk] [--runs R]
 * [--cpu-prof DIR] [--task-old-generation MB] [--json] [--no-save]`. `--all` instead of `--query` runs every query file present, and
 * `--query q0,q1,q2` a list of them: each at the given parallelism or at 1 and 2, followed by a
 * latency run at p=1 and half its p=1 rate for `--latency-seconds` (default 10; 0 skips it).
 * A single query's result goes to bench/results/nexmark-<query>-<date>.json; a suite updates
 * bench/results/nexmark-<date>.json and the markdown table nexmark-<date>.md after each query.
 *
 * `--sql` runs each query's reference SQL (bench/nexmark/sql/) against its DataStream version
 * instead, at the given parallelism or at 1 and 2 for several queries, and writes
 * bench/results/nexmark-sql-<date>.json and .md (see bench/nexmark/sql/run-sql.ts). A query with a
 * same-state DataStream version (`qN-same-state.ts`, keeping the state the SQL plan keeps) runs it
 * too, and SQL is reported against both.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type SuiteInfo, markdownSummary, nexmarkMachine } from './nexmark/report-markdown.js';
import { type Baselines, LATENCY_TARGET, type QueryResult, queryResult } from './nexmark/report-result.js';
import { runGeneration, runLoop, runRxjs } from './nexmark/run-baselines.js';
import { type EngineOptions, type EngineRun, runEngine } from './nexmark/run-engine.js';
import { availableQueries, loadQuery, queryExists } from './nexmark/run-query-files.js';
import { runSqlBench } from './nexmark/sql/run-sql.js';
import { sqlQueries } from './nexmark/sql/sql-files.js';
import { RESULTS_DIR, reportResult, saveResult } from './report.js';
import { gitCommit, machine, round, wholeNumber } from './window-events.js';

const DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000;
const DEFAULT_LATENCY_SECONDS = 10;

type Options = ReturnType<typeof parseOptions>;

/** Runs the benchmark; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`weir: bench nexmark: ${(error as Error).message.split('\n', 1)[0]}`);
    return 2;
  }
  const log = (line: string) => {
    if (!options.json) console.log(line);
  };
  if (options.cpuProfDir !== undefined) mkdirSync(options.cpuProfDir, { recursive: true });
  try {
    if (options.sql) return await runSqlBench(options, context(), log);
    return options.suite ? await runSuite(options, log) : await runOne(options, log);
  } catch (error) {
    console.error(`nexmark: ${(error as Error).message}`);
    return 1;
  }
}

/** `--query qN`: one query at one parallelism. */
async function runOne(options: Options, log: (line: string) => void): Promise<number> {
  const query = options.queries[0]!;
  const parallelism = options.parallelisms[0]!;
  const result = await measure(options, query, parallelism, await baselines(options, query, log), log);
  const full = { ...result, ...context(), cores: availableParallelism() };
  if (!options.noSave) log(`  saved ${saveResult(`nexmark-${query}`, full)}`);
  if (options.json) console.log(JSON.stringify(full));
  return result.rowsMatch === false ? 1 : 0;
}

/**
 * `--all` or a list of queries: each query at each parallelism, then its latency run. The day's
 * JSON and markdown files are rewritten after every query, merged with what an earlier run of
 * the same day left in them (a later result for the same query and parallelism replaces it), so
 * that a long suite can be run in parts and an interrupted one keeps what it measured.
 */
async function runSuite(options: Options, log: (line: string) => void): Promise<number> {
  const loadBefore = round(loadavg()[0]!, 2);
  const date = new Date().toISOString().slice(0, 10);
  const jsonFile = `${RESULTS_DIR}nexmark-${date}.json`;
  const earlier = options.noSave ? undefined : readSuite(jsonFile);
  let results: QueryResult[] = earlier?.results ?? [];
  let latency: QueryResult[] = earlier?.latency ?? [];
  let suite: ReturnType<typeof suiteOf> | undefined;
  const failures: { query: string; error: string }[] = [];
  const save = () => {
    results.sort(byQuery);
    latency.sort(byQuery);
    suite = suiteOf(options, results, latency, { before: loadBefore, after: round(loadavg()[0]!, 2) });
    if (!options.noSave) {
      saveResult('nexmark', suite);
      writeFileSync(`${RESULTS_DIR}nexmark-${suite.date}.md`, markdownSummary(suite, results, latency));
    }
  };
  for (const query of options.queries) {
    // One query failing (a query file being edited, say) must not cost the others' results.
    try {
      const base = await baselines(options, query, log);
      const mine: QueryResult[] = [];
      for (const p of options.parallelisms) mine.push(await measure(options, query, p, base, log));
      results = [
        ...results.filter((r) => r.query !== query || !options.parallelisms.includes(r.parallelism)),
        ...mine,
      ];
      save();
      const p1 = mine.find((r) => r.parallelism === 1);
      if (options.latencySeconds > 0 && p1 !== undefined && options.rate === undefined) {
        const rate = Math.max(1, Math.round(p1.eventsPerSecond / 2));
        const events = Math.min(options.events, rate * options.latencySeconds);
        log(
          `  latency run: p=1 at ${rate.toLocaleString('en')} events/s, buffer timeout ${LATENCY_TARGET.bufferTimeoutMs} ms`,
        );
        const run = { ...options, events, rate, bufferTimeoutMs: LATENCY_TARGET.bufferTimeoutMs };
        latency = [...latency.filter((r) => r.query !== query), await measure(run, query, 1, undefined, log)];
        save();
      }
    } catch (error) {
      const message = (error as Error).message.split('\n', 1)[0]!;
      failures.push({ query, error: message });
      log(`  ${query} FAILED: ${message}`);
    }
  }
  save();
  log('');
  log(markdownSummary(suite!, results, latency));
  if (!options.noSave) log(`  saved ${jsonFile} and ${RESULTS_DIR}nexmark-${date}.md`);
  const printed = { ...suite!, failures };
  reportResult('nexmark', printed, { json: options.json, 'no-save': true }, log);
  if (failures.length > 0)
    console.error(`nexmark: ${failures.map((f) => f.query).join(', ')} failed; see above`);
  return failures.length > 0 || results.some((r) => r.rowsMatch === false) ? 1 : 0;
}

/** The suite's JSON: what `--json` promises on top, then the machine, every result and latency run. */
function suiteOf(
  options: Options,
  results: QueryResult[],
  latency: QueryResult[],
  loadAverage: SuiteInfo['loadAverage'],
) {
  const info: SuiteInfo = {
    ...context(),
    checkpointIntervalMs: options.checkpointIntervalMs,
    stateBackend: options.stateBackend,
    runs: options.runs,
    loadAverage,
  };
  return {
    // The day's file also holds the queries of earlier suites: name them all.
    query: options.all ? 'all' : [...new Set(results.map((r) => r.query))].join(','),
    events: options.events,
    parallelism: options.parallelisms,
    seconds: round(
      results.reduce((sum, r) => sum + r.seconds, 0),
      3,
    ),
    eventsPerSecond: null,
    p99LatencyMs: latency.find((r) => r.query === LATENCY_TARGET.query)?.p99LatencyMs ?? null,
    ...info,
    results,
    latency,
  };
}

/** The results of an earlier suite run of the day, if its file is there and readable. */
function readSuite(file: string): { results: QueryResult[]; latency: QueryResult[] } | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const suite = JSON.parse(readFileSync(file, 'utf8')) as {
      results?: QueryResult[];
      latency?: QueryResult[];
    };
    return { results: suite.results ?? [], latency: suite.latency ?? [] };
  } catch {
    return undefined;
  }
}

/** Orders results by query number, then parallelism. */
function byQuery(a: QueryResult, b: QueryResult): number {
  return Number(a.query.slice(1)) - Number(b.query.slice(1)) || a.parallelism - b.parallelism;
}

/** Runs the engine `options.runs` times for `query` at `parallelism` and shapes the result. */
async function measure(
  options: Options,
  query: string,
  parallelism: number,
  base: Baselines | undefined,
  log: (line: string) => void,
): Promise<QueryResult> {
  const definition = await loadQuery(query);
  const engine: EngineOptions = {
    query,
    events: options.events,
    parallelism,
    checkpointIntervalMs: options.checkpointIntervalMs,
    stateBackend: options.stateBackend,
    rate: options.rate,
    bufferTimeoutMs: options.bufferTimeoutMs,
    latencyWarmupMs: options.latencyWarmupMs,
    cpuProfDir: options.cpuProfDir,
    taskOldGenerationMb: options.taskOldGenerationMb,
  };
  const runs: EngineRun[] = [];
  for (let r = 0; r < options.runs; r++) runs.push(await runEngine(engine));
  const result = queryResult(
    {
      query,
      description: definition.description,
      events: options.events,
      parallelism,
      checkpointIntervalMs: options.checkpointIntervalMs,
      stateBackend: options.stateBackend,
      rate: options.rate,
      bufferTimeoutMs: options.bufferTimeoutMs,
      upserts: definition.upsertKey !== undefined || definition.processingTime === true,
      hasLatencyTime: definition.latencyTime !== undefined,
      cores: availableParallelism(),
    },
    runs,
    base,
  );
  const latency =
    result.p99LatencyMs === null
      ? 'latency n/a'
      : `latency p50 ${result.p50LatencyMs} ms, p99 ${result.p99LatencyMs} ms at ${result.rate} events/s`;
  log(
    `  ${query} p=${parallelism}: ${result.eventsPerSecond.toLocaleString('en')} events/s ` +
      `(${result.eventsPerSecondPerCore.toLocaleString('en')}/core; job ${result.seconds} s of which deploy ${result.deploySeconds} s, CPU ${result.cpuSeconds} s = ${result.eventsPerCpuSecond.toLocaleString('en')} events/CPU-s), ` +
      `${latency}, ${result.checkpoints.completed} checkpoints, peak RSS ${result.peakRssMb} MB, ` +
      `${result.outputRows.toLocaleString('en')} rows` +
      (result.engineOverLoop === null ? '' : `, engine/loop ${result.engineOverLoop}`) +
      (result.rowsMatch === false ? ` — ROWS DIFFER from the loop's ${result.loop!.rows}` : ''),
  );
  if (result.latencyNote !== null && options.rate === undefined && !options.suite)
    log(`  (${result.latencyNote})`);
  return result;
}

/** The baselines of `query` on `options.events` events: the median of `options.runs` by loop time. */
async function baselines(options: Options, query: string, log: (line: string) => void): Promise<Baselines> {
  const definition = await loadQuery(query);
  const all: Baselines[] = [];
  for (let r = 0; r < options.runs; r++) {
    all.push({
      generation: runGeneration(definition, options.events),
      loop: runLoop(definition, options.events),
      rxjs: await runRxjs(definition, options.events),
    });
  }
  const base = all.sort((a, b) => a.loop.seconds - b.loop.seconds)[Math.floor((all.length - 1) / 2)]!;
  const perSecond = (seconds: number) => Math.round(options.events / seconds).toLocaleString('en');
  log(
    `${query}: ${definition.description}\n  baselines: generation ${perSecond(base.generation.seconds)} events/s, ` +
      `loop ${perSecond(base.loop.seconds)} events/s (${base.loop.rows.toLocaleString('en')} rows)` +
      (base.rxjs === undefined ? '' : `, RxJS ${perSecond(base.rxjs.seconds)} events/s`),
  );
  return base;
}

/** Where and when: machine, commit, date. */
function context() {
  return {
    machine: nexmarkMachine(machine()),
    node: process.version,
    commit: gitCommit(),
    date: new Date().toISOString().slice(0, 10),
  };
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      query: { type: 'string' },
      all: { type: 'boolean' },
      events: { type: 'string' },
      parallelism: { type: 'string', short: 'p' },
      'checkpoint-interval': { type: 'string' },
      rate: { type: 'string' },
      'buffer-timeout': { type: 'string' },
      'state-backend': { type: 'string' },
      runs: { type: 'string' },
      'latency-seconds': { type: 'string' },
      'latency-warmup': { type: 'string' },
      'cpu-prof': { type: 'string' },
      'task-old-generation': { type: 'string' },
      json: { type: 'boolean' },
      'no-save': { type: 'boolean' },
      sql: { type: 'boolean' },
    },
  });
  const sql = values.sql === true;
  if (sql && values.rate !== undefined)
    throw new Error('--sql measures throughput only; leave out --rate (latency runs are DataStream only)');
  const sqlFiles = sqlQueries();
  // With --sql a query needs both its DataStream file (the comparison) and its SQL files.
  const available = availableQueries().filter((q) => !sql || sqlFiles.includes(q));
  let queries: string[];
  if (values.all) {
    if (values.query !== undefined) throw new Error('pass either --query qN or --all, not both');
    if (available.length === 0)
      throw new Error('no query files bench/nexmark/qN.ts yet; add one to run --all');
    queries = available;
  } else if (values.query === undefined) {
    throw new Error(
      `missing --query; pass --query qN (one of ${available.join(', ') || 'none yet'}) or --all`,
    );
  } else {
    queries = values.query.split(',');
    const unknown = queries.find((q) => !queryExists(q));
    if (unknown !== undefined) {
      throw new Error(
        `unknown query '${unknown}'; pass --query with one of ${available.join(', ') || 'none yet'} (files bench/nexmark/qN.ts)`,
      );
    }
  }
  if (values.events === undefined)
    throw new Error('missing --events; pass --events N, e.g. --events 10000000');
  const backend = values['state-backend'] ?? 'heap';
  if (backend !== 'heap' && backend !== 'disk') {
    throw new Error(`unknown state backend '${backend}'; pass --state-backend heap or disk`);
  }
  const parallelism =
    values.parallelism === undefined ? undefined : wholeNumber('--parallelism', values.parallelism, 1);
  return {
    sql,
    all: values.all === true,
    queries,
    events: wholeNumber('--events', values.events, 0),
    /** Several queries: each is saved into the day's suite files as it finishes. */
    suite: queries.length > 1 || values.all === true,
    parallelisms: parallelism !== undefined ? [parallelism] : queries.length > 1 || values.all ? [1, 2] : [1],
    checkpointIntervalMs: wholeOrZero(
      '--checkpoint-interval',
      values['checkpoint-interval'],
      DEFAULT_CHECKPOINT_INTERVAL_MS,
    ),
    rate: values.rate === undefined ? undefined : wholeNumber('--rate', values.rate, 0),
    bufferTimeoutMs:
      values['buffer-timeout'] === undefined
        ? undefined
        : wholeOrZero('--buffer-timeout', values['buffer-timeout'], 0),
    stateBackend: backend as 'heap' | 'disk',
    runs: wholeNumber('--runs', values.runs, 1),
    latencyWarmupMs:
      values['latency-warmup'] === undefined
        ? undefined
        : wholeOrZero('--latency-warmup', values['latency-warmup'], 0),
    latencySeconds: wholeOrZero('--latency-seconds', values['latency-seconds'], DEFAULT_LATENCY_SECONDS),
    cpuProfDir: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
    taskOldGenerationMb:
      values['task-old-generation'] === undefined
        ? undefined
        : wholeOrZero('--task-old-generation', values['task-old-generation'], 0),
    json: values.json === true,
    noSave: values['no-save'] === true,
  };
}

/** Reads an option that must be a whole number >= 0 (0 turns the feature off). */
function wholeOrZero(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a whole number >= 0, got '${text}'`);
  }
  return value;
}
