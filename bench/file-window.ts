/**
 * Benchmark: does a keyed window job over one big NDJSON file scale from one core to two (the
 * target of issue 4: parallelism 2 at least 1.7 times as fast as parallelism 1, with identical
 * results)?
 *
 * The job is bench/file-window-job.ts: FileSource + NdjsonFormat, bounded out-of-orderness
 * watermarks, keyBy, one-second tumbling windows counting and summing prices, FileSink. Each run
 * is a real `weir run … -p P` in a child process, so it gets fresh worker threads and a fresh
 * heap, and reads the file as the CLI does: cut into byte-range splits handed to P readers.
 *
 * With `--runs R` each parallelism runs R times, alternating, and the median job time counts:
 * run times vary by ±8% even on a quiet machine. Two times are taken per run: the job's own run
 * time (submission to finish, reported by the job's listener from the engine's `netRuntime`),
 * which the speed-up is computed from, and the wall time of the whole process, which adds
 * starting node, loading the TypeScript sources and closing down. The CPU time of all the
 * process's threads during the job tells extra work (CPU grows with parallelism) from waiting
 * (CPU stays, cores idle). The committed output of every run must equal, as a set of window results, that of
 * a hand-written single-threaded loop (read, split lines, `JSON.parse`, aggregate), which is also
 * timed as the practical limit of one core.
 *
 * The same loop on two threads, each over half of the file with the partial windows merged at the
 * end, shows what a second core gives on this machine without any engine in the way: it bounds
 * the speed-up the engine can reach. The load average before and after is recorded, since other
 * work on the machine skews a scaling measurement more than any other.
 *
 * The input file is generated once per `--lines` and `--keys` and cached under bench/.data/.
 *
 * Run: `npx weir bench file-window [--lines N] [--keys K] [--runs R] [--split-size BYTES]
 * [--cpu-prof DIR] [--json] [--no-save]`. Results go to bench/results/file-window-<date>.json.
 * `--cpu-prof DIR` runs each `weir run` under `node --cpu-prof`, which profiles the worker
 * threads too: one `.cpuprofile` per thread (the loader threads of tsx included) lands in DIR.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  EVENTS_PER_SECOND,
  ensureDataFile,
  fileBytes,
  type KeyWindow,
  MAX_DISORDER_MS,
  runLoop,
  runParallelLoop,
} from './file-window-data.js';
import { reportResult } from './report.js';
import { gitCommit, machine, round, wholeNumber } from './window-events.js';

const DEFAULT_LINES = 10_000_000;
const DEFAULT_KEYS = 10_000;
const WINDOW_MS = 1000;
const PARALLELISMS = [1, 2] as const;
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const JOB = fileURLToPath(new URL('./file-window-job.ts', import.meta.url));

/** What the job's listener reports when the job has finished (see file-window-job.ts). */
interface FinishedReport {
  readonly netRuntimeMs: number;
  readonly cpuMs: number;
  readonly tasks: readonly {
    readonly vertexName: string;
    readonly subtaskIndex: number;
    readonly recordsIn: number;
    readonly recordsOut: number;
    readonly backpressuredMs: number;
  }[];
}

/** An order-independent summary of a set of window results, equal only for equal sets. */
interface Digest {
  readonly windows: number;
  readonly events: number;
  readonly revenue: number;
  /** SHA-256 of the sorted canonical lines. */
  readonly sha256: string;
}

/** One `weir run` of the job. */
interface EngineRun {
  readonly parallelism: number;
  /** Submission to finish, as the engine measures it. */
  readonly jobSeconds: number;
  /** Spawn to exit of the child process. */
  readonly processSeconds: number;
  /** CPU time of all the child's threads during the job. */
  readonly cpuSeconds: number;
  readonly digest: Digest;
  /** Per subtask: records in and out and time spent waiting for credit. */
  readonly tasks: FinishedReport['tasks'];
}

/** Runs the job in a child `weir run` at `parallelism`; returns its times and output digest. */
async function runEngine(
  parallelism: number,
  input: string,
  splitSize: number | undefined,
  cpuProfDir: string | undefined,
): Promise<EngineRun> {
  const output = mkdtempSync(join(tmpdir(), `weir-bench-file-window-p${parallelism}-`));
  try {
    const node = cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`];
    const jobArgs = ['--input', input, '--output', output, '--window-ms', String(WINDOW_MS)];
    jobArgs.push('--disorder-ms', String(MAX_DISORDER_MS));
    if (splitSize !== undefined) jobArgs.push('--split-size', String(splitSize));
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        ...node,
        join(ROOT, 'bin/weir.js'),
        'run',
        JOB,
        '-p',
        String(parallelism),
        '-q',
        '--port',
        '0',
        '--',
        ...jobArgs,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
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
      throw new Error(`weir run -p ${parallelism} exited with ${code}: ${stderr.trim() || 'no report'}`);
    }
    return {
      parallelism,
      jobSeconds: report.netRuntimeMs / 1000,
      processSeconds,
      cpuSeconds: report.cpuMs / 1000,
      digest: digestOf(readCommitted(output)),
      tasks: report.tasks.map((t) => ({
        vertexName: t.vertexName,
        subtaskIndex: t.subtaskIndex,
        recordsIn: t.recordsIn,
        recordsOut: t.recordsOut,
        backpressuredMs: Math.round(t.backpressuredMs),
      })),
    };
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
}

/**
 * The window results in the committed part files of `dir`. Hidden files are in-progress or
 * pending parts: after a finished bounded job there must be none.
 */
function readCommitted(dir: string): KeyWindow[] {
  const windows: KeyWindow[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) throw new Error(`uncommitted part file ${name} left in ${dir}`);
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (line.length > 0) windows.push(JSON.parse(line) as KeyWindow);
    }
  }
  return windows;
}

function digestOf(windows: readonly KeyWindow[]): Digest {
  let events = 0;
  let revenue = 0;
  const lines = windows.map((w) => {
    events += w.count;
    revenue += w.revenue;
    return `${w.key}\t${w.start}\t${w.count}\t${w.revenue}`;
  });
  lines.sort();
  const sha256 = createHash('sha256').update(lines.join('\n')).digest('hex');
  return { windows: windows.length, events, revenue, sha256 };
}

function sameDigest(a: Digest, b: Digest): boolean {
  return a.sha256 === b.sha256 && a.windows === b.windows && a.events === b.events && a.revenue === b.revenue;
}

/** The run whose job time is the median of `runs` (the lower one of an even count). */
function medianRun(runs: readonly EngineRun[]): EngineRun {
  const sorted = [...runs].sort((a, b) => a.jobSeconds - b.jobSeconds);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Runs the benchmark; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`weir: bench file-window: ${(error as Error).message.split('\n', 1)[0]}`);
    return 2;
  }
  const { values, lines, keys, runs, splitSize } = options;
  const cpuProfDir = values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']);
  const log = (line: string) => {
    if (!values.json) console.log(line);
  };

  const generateStart = performance.now();
  const data = ensureDataFile(lines, keys);
  const bytes = fileBytes(data.path);
  log(
    `file-window: ${lines.toLocaleString('en')} lines (${mb(bytes)} MB), ${keys.toLocaleString('en')} keys, ` +
      `1 s windows, parallelism ${PARALLELISMS.join(' and ')}, ${runs} run(s) each`,
  );
  log(
    data.generated
      ? `  generated ${data.path} in ${round((performance.now() - generateStart) / 1000, 1)} s`
      : `  reusing ${data.path}`,
  );
  if (cpuProfDir !== undefined) mkdirSync(cpuProfDir, { recursive: true });
  // Other work on the machine skews a scaling measurement most: record how busy it was.
  const loadBefore = round(loadavg()[0]!, 2);

  const engineRuns: EngineRun[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      for (const p of PARALLELISMS) {
        const run = await runEngine(p, data.path, splitSize, cpuProfDir);
        engineRuns.push(run);
        log(
          `  p=${p}: ${rate(lines, run.jobSeconds).toLocaleString('en')} events/s ` +
            `(job ${round(run.jobSeconds, 2)} s, process ${round(run.processSeconds, 2)} s, CPU ${round(run.cpuSeconds, 2)} s)`,
        );
      }
    }
  } catch (error) {
    console.error(`file-window: ${(error as Error).message}`);
    return 1;
  }
  const loop = runLoop(data.path, WINDOW_MS, MAX_DISORDER_MS);
  const expected = digestOf(loop.windows);
  log(`  loop: ${rate(lines, loop.seconds).toLocaleString('en')} events/s (${round(loop.seconds, 2)} s)`);
  const loop2 = await runParallelLoop(data.path, WINDOW_MS, MAX_DISORDER_MS, 2);
  const loop2Seconds = Math.max(...loop2.threadSeconds);
  log(
    `  loop on 2 threads: ${rate(lines, loop2Seconds).toLocaleString('en')} events/s ` +
      `(threads ${loop2.threadSeconds.map((t) => round(t, 2)).join(' and ')} s, merge ${round(loop2.mergeSeconds, 2)} s)`,
  );
  const loadAfter = round(loadavg()[0]!, 2);

  const loop2Matches = sameDigest(digestOf(loop2.windows), expected);
  const mismatched = engineRuns.filter((run) => !sameDigest(run.digest, expected));
  const outputsMatch = mismatched.length === 0 && expected.events === lines && loop2Matches;

  const summary = (p: number) => {
    const run = medianRun(engineRuns.filter((x) => x.parallelism === p));
    const eventsPerSecond = rate(lines, run.jobSeconds);
    return {
      parallelism: p,
      jobSeconds: round(run.jobSeconds, 3),
      processSeconds: round(run.processSeconds, 3),
      cpuSeconds: round(run.cpuSeconds, 3),
      /** Share of the job's cores kept busy: CPU time over job time times parallelism. */
      coreUtilization: round(run.cpuSeconds / (run.jobSeconds * p), 3),
      eventsPerSecond,
      /** Each parallel subtask has a thread, hence a core, of its own. */
      eventsPerSecondPerCore: Math.round(eventsPerSecond / p),
      allJobSeconds: engineRuns.filter((x) => x.parallelism === p).map((x) => round(x.jobSeconds, 3)),
      tasks: run.tasks,
    };
  };
  const p1 = summary(1);
  const p2 = summary(2);
  const result = {
    query: 'file-window',
    lines,
    keys,
    bytes,
    windowMs: WINDOW_MS,
    disorderMs: MAX_DISORDER_MS,
    eventsPerEventTimeSecond: EVENTS_PER_SECOND,
    splitSize: splitSize ?? null,
    runs,
    p1,
    p2,
    /** Job time at parallelism 1 over job time at parallelism 2 (target >= 1.7). */
    speedup: round(p1.jobSeconds / p2.jobSeconds, 3),
    /** The same from the processes' wall times, start-up included. */
    processSpeedup: round(p1.processSeconds / p2.processSeconds, 3),
    loop: { seconds: round(loop.seconds, 3), eventsPerSecond: rate(lines, loop.seconds) },
    /**
     * The loop on two threads over half the file each, without the engine: its speed-up over
     * the loop on one thread is what this machine gives a second core.
     */
    loop2: {
      seconds: round(loop2Seconds, 3),
      threadSeconds: loop2.threadSeconds.map((t) => round(t, 3)),
      mergeSeconds: round(loop2.mergeSeconds, 3),
      eventsPerSecond: rate(lines, loop2Seconds),
      speedup: round(loop.seconds / loop2Seconds, 3),
    },
    loadAverage: { before: loadBefore, after: loadAfter },
    outputsMatch,
    windows: expected.windows,
    totalCount: expected.events,
    revenue: expected.revenue,
    sha256: expected.sha256,
    machine: machine(),
    cpus: availableParallelism(),
    node: process.version,
    commit: gitCommit(),
    date: new Date().toISOString().slice(0, 10),
  };
  log(
    `  speed-up p2/p1: ${result.speedup} (target >= 1.7); with process start-up ${result.processSpeedup}; ` +
      `per core: p1 ${p1.eventsPerSecondPerCore.toLocaleString('en')}, p2 ${p2.eventsPerSecondPerCore.toLocaleString('en')} events/s`,
  );
  log(
    `  the loop's speed-up on 2 threads: ${result.loop2.speedup}; load average ${loadBefore} before, ${loadAfter} after`,
  );
  log(
    outputsMatch
      ? `  outputs identical: ${result.windows.toLocaleString('en')} windows in every run and in both loops`
      : `  outputs DIFFER: ${mismatched.map((m) => `p=${m.parallelism} ${JSON.stringify(m.digest)}`).join('; ')}; ` +
          `loop ${JSON.stringify(expected)}; loop on 2 threads ${loop2Matches ? 'same' : 'differs'}`,
  );
  reportResult('file-window', result, values, log);
  return outputsMatch ? 0 : 1;
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      lines: { type: 'string' },
      keys: { type: 'string' },
      runs: { type: 'string' },
      'split-size': { type: 'string' },
      'cpu-prof': { type: 'string' },
      json: { type: 'boolean' },
      'no-save': { type: 'boolean' },
    },
  });
  return {
    values,
    lines: wholeNumber('--lines', values.lines, DEFAULT_LINES),
    keys: wholeNumber('--keys', values.keys, DEFAULT_KEYS),
    runs: wholeNumber('--runs', values.runs, 1),
    splitSize:
      values['split-size'] === undefined ? undefined : wholeNumber('--split-size', values['split-size'], 0),
  };
}

function rate(events: number, seconds: number): number {
  return Math.round(events / seconds);
}

function mb(bytes: number): number {
  return round(bytes / 1e6, 1);
}
