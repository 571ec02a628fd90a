/**
 * One engine run of `weir bench nexmark`: `weir run bench/nexmark/job.ts -p P` in a child
 * process, so that parallelism above 1 uses worker threads as a real deployment does, with
 * exactly-once checkpoints into a fresh temp directory. The job's main thread reports times and
 * checkpoints on stdout; each sink writer leaves its row count and latency histogram in a report
 * directory, merged here once the child has exited.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FinishedReport } from './job.js';
import { mergeHistograms, type SinkReport } from './latency-sink.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const JOB = fileURLToPath(new URL('./job.ts', import.meta.url));
const SQL_JOB = fileURLToPath(new URL('./sql/sql-job.ts', import.meta.url));

/** How to run the engine once. */
export interface EngineOptions {
  readonly query: string;
  readonly events: number;
  readonly parallelism: number;
  /** 0 turns checkpoints off. */
  readonly checkpointIntervalMs: number;
  readonly stateBackend: 'heap' | 'disk';
  /** Events/s on the wall clock; undefined runs as fast as the job goes (no latency then). */
  readonly rate: number | undefined;
  readonly bufferTimeoutMs: number | undefined;
  /** Warm-up left out of the latency histogram, ms (see latency-sink.ts); undefined: the job's default. */
  readonly latencyWarmupMs: number | undefined;
  /** Runs the child under `node --cpu-prof` with the profiles written here. */
  readonly cpuProfDir: string | undefined;
  /**
   * The task threads' initial old generation, MB (`weir run --task-old-generation`, so the
   * worker threads started before the job loads have it too), given to the SQL and the
   * DataStream job alike; 0 is V8's own start, undefined the engine's default.
   */
  readonly taskOldGenerationMb?: number;
  /** `sql` runs the query's reference SQL (sql/sql-job.ts) instead of its DataStream file. */
  readonly api?: 'datastream' | 'sql';
}

/** What one engine run measured. */
export interface EngineRun {
  /** Submission to finish, as the engine measures it (no process start-up). */
  readonly seconds: number;
  /**
   * Submission to the last sink writer being created: starting the worker threads and loading
   * the job file in each, part of `seconds`.
   */
  readonly deploySeconds: number;
  /** Spawn to exit of the child. */
  readonly processSeconds: number;
  /** CPU time of all the child's threads during the job. */
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
  /** Rows the sink received, all subtasks. */
  readonly outputRows: number;
  /**
   * Latency percentiles in ms over `rows` rows, after `warmupRows` rows of warm-up and without
   * `earlyRows` released by end of input (see latency-sink.ts); undefined without `rate`, without `latencyTime` or when every row was warm-up.
   */
  readonly latency:
    | {
        readonly rows: number;
        readonly warmupRows: number;
        readonly earlyRows: number;
        readonly p50: number;
        readonly p99: number;
        readonly max: number;
      }
    | undefined;
  readonly checkpoints: FinishedReport['checkpoints'];
  readonly failedCheckpoints: number;
  readonly tasks: FinishedReport['tasks'];
}

/** Runs the job once in a child `weir run`; throws with the child's stderr if it fails. */
export async function runEngine(options: EngineOptions): Promise<EngineRun> {
  const scratch = mkdtempSync(join(tmpdir(), `weir-bench-nexmark-${options.query}-p${options.parallelism}-`));
  const reportDir = join(scratch, 'report');
  const checkpointDir = join(scratch, 'checkpoints');
  try {
    const node =
      options.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`];
    const run = [
      'run',
      options.api === 'sql' ? SQL_JOB : JOB,
      '-p',
      String(options.parallelism),
      '-q',
      '--port',
      '0',
    ];
    run.push('--state-backend', options.stateBackend);
    if (options.taskOldGenerationMb !== undefined)
      run.push('--task-old-generation', String(options.taskOldGenerationMb));
    if (options.checkpointIntervalMs > 0) {
      run.push(
        '--checkpoint-dir',
        checkpointDir,
        '--checkpoint-interval',
        String(options.checkpointIntervalMs),
      );
    }
    const jobArgs = ['--query', options.query, '--events', String(options.events), '--report-dir', reportDir];
    if (options.rate !== undefined) jobArgs.push('--rate', String(options.rate));
    if (options.bufferTimeoutMs !== undefined)
      jobArgs.push('--buffer-timeout', String(options.bufferTimeoutMs));
    if (options.latencyWarmupMs !== undefined)
      jobArgs.push('--latency-warmup', String(options.latencyWarmupMs));
    mkdirSync(reportDir);
    const started = performance.now();
    const child = spawn(process.execPath, [...node, join(ROOT, 'bin/weir.js'), ...run, '--', ...jobArgs], {
      cwd: ROOT,
      // The disk backend's stores go to TMPDIR; they go with the scratch directory. A heap run
      // keeps the machine's TMPDIR, where tsx caches the compiled sources: a fresh one per run
      // would compile every module again each time, as no deployed job does, and that costs the
      // SQL job (which loads more modules) more than the DataStream one.
      env: options.stateBackend === 'disk' ? { ...process.env, TMPDIR: scratch } : process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let report: FinishedReport | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('weir-bench: finished '))
        report = JSON.parse(line.slice('weir-bench: finished '.length));
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const code = await new Promise<number | null>((done, fail) => {
      child.on('error', fail);
      child.on('close', (exitCode) => done(exitCode));
    });
    const processSeconds = (performance.now() - started) / 1000;
    if (code !== 0 || report === undefined) {
      throw new Error(
        `weir run ${options.api === 'sql' ? 'SQL ' : ''}${options.query} -p ${options.parallelism} exited with ${code}: ${stderr.trim() || 'no report'}`,
      );
    }
    const sinks = readSinkReports(reportDir, options.parallelism);
    const histogram = mergeHistograms(sinks);
    return {
      seconds: report.netRuntimeMs / 1000,
      deploySeconds: Math.max(0, Math.max(...sinks.map((s) => s.openedAt)) - report.submittedAt) / 1000,
      processSeconds,
      cpuSeconds: report.cpuMs / 1000,
      peakRssBytes: report.maxRssBytes,
      outputRows: sinks.reduce((sum, s) => sum + s.rows, 0),
      latency:
        histogram === undefined || histogram.totalCount === 0
          ? undefined
          : {
              rows: histogram.totalCount,
              warmupRows: sinks.reduce((sum, s) => sum + s.warmupRows, 0),
              earlyRows: sinks.reduce((sum, s) => sum + s.earlyRows, 0),
              p50: histogram.getValueAtPercentile(50) / 1000,
              p99: histogram.getValueAtPercentile(99) / 1000,
              max: histogram.maxValue / 1000,
            },
      checkpoints: report.checkpoints,
      failedCheckpoints: report.failedCheckpoints,
      tasks: report.tasks,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The reports the sink's writers left in `dir`, one per subtask. A missing one means a writer
 * was not closed, and its rows would be missing from the count.
 */
function readSinkReports(dir: string, parallelism: number): SinkReport[] {
  const reports = readdirSync(dir)
    .filter((name) => /^sink-\d+\.json$/.test(name))
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as SinkReport);
  if (reports.length === 0 || reports.length > parallelism) {
    throw new Error(`expected a report from each of the sink's subtasks in ${dir}, found ${reports.length}`);
  }
  return reports;
}
