import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Collector,
  DataGeneratorSource,
  StreamExecutionEnvironment,
  type TimeWindow,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from '../src/index.js';
import { RESULTS_DIR, saveResult } from './report.js';
import {
  CountingSink,
  type Event,
  eventGenerator,
  gitCommit,
  machine,
  round,
  runLoop,
  type Totals,
  wholeNumber,
  type WindowCount,
} from './window-events.js';

const WINDOW_MS = 1000;
const DEFAULT_EVENTS = 5_000_000;
const DEFAULT_KEYS = 10_000;
const WARMUP_EVENTS = 200_000;

/** Runs the Weir job over `events` events; returns totals and wall-clock seconds. */
async function runEngine(events: number, keys: number): Promise<{ totals: Totals; seconds: number }> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  const sink = new CountingSink(WINDOW_MS);
  env
    .fromSource(
      new DataGeneratorSource(eventGenerator(keys), events),
      WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.ts),
      'events',
    )
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(WINDOW_MS))
    .aggregate(
      {
        createAccumulator: () => 0,
        add: (_e: Event, n: number) => n + 1,
        getResult: (n) => n,
        merge: (a, b) => a + b,
      },
      (key: number, window: TimeWindow, counts: Iterable<number>, out: Collector<WindowCount>) => {
        for (const count of counts) out.collect({ key, end: window.end, count });
      },
    )
    .sinkTo(sink, 'count');
  const start = performance.now();
  await env.execute('window-count');
  return { totals: sink.totals, seconds: (performance.now() - start) / 1000 };
}

/** Runs the benchmark; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`weir: bench window-count: ${(error as Error).message.split('\n', 1)[0]}`);
    return 2;
  }
  const { values, events, keys } = options;
  const log = (line: string) => {
    if (!values.json) console.log(line);
  };

  log(
    `window-count: ${events.toLocaleString('en')} events, ${keys.toLocaleString('en')} keys, 1 s windows, parallelism 1`,
  );
  // Warm up both paths so that neither measurement includes compiling the hot code.
  await runEngine(Math.min(events, WARMUP_EVENTS), keys);
  runLoop(Math.min(events, WARMUP_EVENTS), keys, WINDOW_MS);

  const engine = await runEngine(events, keys);
  const loop = runLoop(events, keys, WINDOW_MS);
  const same =
    engine.totals.windows === loop.totals.windows &&
    engine.totals.count === loop.totals.count &&
    engine.totals.checksum === loop.totals.checksum;
  if (!same || engine.totals.count !== events) {
    console.error(
      `window-count: results differ: engine ${JSON.stringify(engine.totals)}, loop ${JSON.stringify(loop.totals)}, events ${events}`,
    );
    return 1;
  }

  const result = {
    query: 'window-count',
    events,
    keys,
    windowMs: WINDOW_MS,
    parallelism: 1,
    seconds: round(engine.seconds, 3),
    eventsPerSecond: Math.round(events / engine.seconds),
    loopSeconds: round(loop.seconds, 3),
    loopEventsPerSecond: Math.round(events / loop.seconds),
    /** Engine throughput as a fraction of the loop's. */
    ratio: round(loop.seconds / engine.seconds, 4),
    p99LatencyMs: null,
    windows: engine.totals.windows,
    totalCount: engine.totals.count,
    checksum: engine.totals.checksum,
    machine: machine(),
    node: process.version,
    commit: gitCommit(),
    date: new Date().toISOString().slice(0, 10),
  };
  log(`  weir:  ${result.eventsPerSecond.toLocaleString('en')} events/s (${result.seconds} s)`);
  log(`  loop:  ${result.loopEventsPerSecond.toLocaleString('en')} events/s (${result.loopSeconds} s)`);
  log(
    `  ratio engine/loop: ${result.ratio} (${result.windows.toLocaleString('en')} windows, checksums equal)`,
  );
  if (!values['no-save']) {
    const file = save(result);
    log(`  saved ${file}`);
  }
  if (values.json) console.log(JSON.stringify(result));
  return 0;
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string' },
      keys: { type: 'string' },
      json: { type: 'boolean' },
      'no-save': { type: 'boolean' },
    },
  });
  return {
    values,
    events: wholeNumber('--events', values.events, DEFAULT_EVENTS),
    keys: wholeNumber('--keys', values.keys, DEFAULT_KEYS),
  };
}

type Result = Record<string, unknown> & {
  date: string;
  commit: string;
  node: string;
  machine: ReturnType<typeof machine>;
  events: number;
  keys: number;
  eventsPerSecond: number;
  loopEventsPerSecond: number;
  ratio: number;
};

/** Writes the JSON file of the day and updates that day's row in results/README.md. */
function save(result: Result): string {
  const file = saveResult('window-count', result);
  const name = basename(file);
  const readme = `${RESULTS_DIR}README.md`;
  const header = [
    '# Benchmark results',
    '',
    'One row per benchmark and day (a later run on the same day replaces the row). Produced by',
    '`npx weir bench <name>`; the JSON files hold every figure.',
    '',
    '| benchmark | date | commit | events | keys | weir events/s | loop events/s | engine/loop | machine | node | file |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const old = existsSync(readme) ? readFileSync(readme, 'utf8').split('\n') : header;
  const m = result.machine;
  const row =
    `| window-count | ${result.date} | ${result.commit} | ${result.events.toLocaleString('en')} | ${result.keys.toLocaleString('en')} ` +
    `| ${result.eventsPerSecond.toLocaleString('en')} | ${result.loopEventsPerSecond.toLocaleString('en')} | ${result.ratio} ` +
    `| ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os} | ${result.node} | [${name}](${name}) |`;
  const lines = old.filter((line) => !line.includes(`[${name}]`));
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  lines.push(row);
  writeFileSync(readme, `${lines.join('\n')}\n`);
  return file;
}
