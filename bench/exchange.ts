/**
 * `weir bench exchange`: what it costs to move records between tasks on two worker threads
 * through a PortChannel, with the engine's defaults of 512 records per batch and a channel
 * capacity of 16 batches. Two measurements, each on a fresh channel between the same two
 * threads (bench/exchange-thread.ts), after a warm-up:
 *
 * - throughput: the writer sends `--records` bids as fast as credit allows; records per second
 *   from the first record created to `end` received, and bytes per record on the wire;
 * - latency: the writer creates bids at `--rate` per second and flushes a partial batch once
 *   its oldest record waited 1 ms; percentiles of the time from a record's creation to its
 *   receipt by the reader (at most 5 seconds' worth of records).
 *
 * The reader checks every record against the one expected at its position, so a run with a
 * lost, reordered or corrupted record fails.
 *
 * Run: `npx weir bench exchange [--records N] [--rate R] [--json] [--no-save]`.
 */
import { parseArgs } from 'node:util';
import { MessageChannel, Worker } from 'node:worker_threads';
import { EventEncoder } from '../src/exchange/event-serializer.js';
import { bid } from './exchange-records.js';
import type { ReaderResult, Run, WriterResult } from './exchange-thread.js';
import { reportResult } from './report.js';
import { gitCommit, machine, round, wholeNumber } from './window-events.js';

const DEFAULT_RECORDS = 5_000_000;
const DEFAULT_RATE = 100_000;
const BATCH_SIZE = 512;
const CAPACITY = 16;
const BUFFER_TIMEOUT_MS = 1;
const WARMUP_RECORDS = 300_000;
const LATENCY_SECONDS = 5;

/** A worker thread running bench/exchange-thread.ts. */
class BenchThread {
  private constructor(private readonly worker: Worker) {}

  /**
   * A worker does not inherit the TypeScript loader of the thread that starts it, so its entry
   * is a tiny module that registers the loader and then imports the real one.
   */
  static start(): BenchThread {
    const tsx = import.meta.resolve('tsx/esm/api');
    const target = new URL('./exchange-thread.ts', import.meta.url).href;
    const entry = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(target)});`;
    return new BenchThread(new Worker(new URL(`data:text/javascript,${encodeURIComponent(entry)}`)));
  }

  run<T>(run: Run): Promise<T> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.worker.once('error', onError);
      this.worker.once('message', (reply: { result?: T; error?: string }) => {
        this.worker.off('error', onError);
        if (reply.error !== undefined) reject(new Error(reply.error));
        else resolve(reply.result!);
      });
      this.worker.postMessage(run, [run.port]);
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/** One writer-to-reader run over a fresh channel. */
async function measure(
  writer: BenchThread,
  reader: BenchThread,
  records: number,
  rate: number,
): Promise<{ written: WriterResult; read: ReaderResult }> {
  const { port1, port2 } = new MessageChannel();
  const common = {
    records,
    rate,
    batchSize: BATCH_SIZE,
    capacity: CAPACITY,
    bufferTimeoutMs: BUFFER_TIMEOUT_MS,
  };
  const [written, read] = await Promise.all([
    writer.run<WriterResult>({ role: 'writer', port: port1, ...common }),
    reader.run<ReaderResult>({ role: 'reader', port: port2, ...common }),
  ]);
  return { written, read };
}

/** Bytes on the wire per record: full batches through one channel's encoder, past the first. */
function bytesPerRecord(): number {
  const encoder = new EventEncoder();
  const batch = (b: number) => Array.from({ length: BATCH_SIZE }, (_, i) => bid(b * BATCH_SIZE + i));
  encoder.encode({ kind: 'records', values: batch(0), timestamps: new Array(BATCH_SIZE).fill(-Infinity) });
  let bytes = 0;
  const batches = 50;
  for (let b = 1; b <= batches; b++) {
    const values = batch(b);
    bytes += encoder.encode({ kind: 'records', values, timestamps: values.map(() => -Infinity) }).byteLength;
  }
  return bytes / (batches * BATCH_SIZE);
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** Runs the benchmark; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`weir: bench exchange: ${(error as Error).message.split('\n', 1)[0]}`);
    return 2;
  }
  const { values, records, rate } = options;
  const log = (line: string) => {
    if (!values.json) console.log(line);
  };
  const latencyRecords = Math.min(records, rate * LATENCY_SECONDS);
  log(
    `exchange: worker thread to worker thread, ${BATCH_SIZE} records per batch, capacity ${CAPACITY}; ` +
      `${records.toLocaleString('en')} records as fast as possible, then ${latencyRecords.toLocaleString('en')} at ${rate.toLocaleString('en')}/s`,
  );

  const writer = BenchThread.start();
  const reader = BenchThread.start();
  let throughput: Awaited<ReturnType<typeof measure>>;
  let latency: Awaited<ReturnType<typeof measure>>;
  try {
    await measure(writer, reader, Math.min(records, WARMUP_RECORDS), 0);
    throughput = await measure(writer, reader, records, 0);
    latency = await measure(writer, reader, latencyRecords, rate);
  } finally {
    await Promise.all([writer.stop(), reader.stop()]);
  }

  for (const [name, run, expected] of [
    ['throughput', throughput, records],
    ['latency', latency, latencyRecords],
  ] as const) {
    if (run.read.records !== expected || run.read.wrong !== 0) {
      console.error(
        `exchange: ${name} run received ${run.read.records} of ${expected} records, ${run.read.wrong} of them wrong`,
      );
      return 1;
    }
  }

  const seconds = (throughput.read.endMs - throughput.written.startMs) / 1000;
  const latencies = latency.read.latenciesMs!;
  const createdSeconds = (latency.written.lastCreatedMs - latency.written.startMs) / 1000;
  const result = {
    query: 'exchange',
    records,
    batchSize: BATCH_SIZE,
    capacity: CAPACITY,
    allArrived: true,
    throughput: {
      records: throughput.read.records,
      batches: throughput.read.batches,
      seconds: round(seconds, 3),
      recordsPerSecond: Math.round(records / seconds),
      bytesPerRecord: round(bytesPerRecord(), 1),
    },
    latency: {
      rate,
      bufferTimeoutMs: BUFFER_TIMEOUT_MS,
      records: latency.read.records,
      batches: latency.read.batches,
      achievedRate: createdSeconds > 0 ? Math.round((latencyRecords - 1) / createdSeconds) : 0,
      p50Ms: round(percentile(latencies, 50), 3),
      p99Ms: round(percentile(latencies, 99), 3),
      p999Ms: round(percentile(latencies, 99.9), 3),
      maxMs: round(latencies.length === 0 ? 0 : latencies[latencies.length - 1]!, 3),
    },
    machine: machine(),
    node: process.version,
    commit: gitCommit(),
    date: new Date().toISOString().slice(0, 10),
  };
  const t = result.throughput;
  const l = result.latency;
  log(
    `  throughput: ${t.recordsPerSecond.toLocaleString('en')} records/s (${t.seconds} s), ${t.bytesPerRecord} bytes/record`,
  );
  log(
    `  latency at ${l.achievedRate.toLocaleString('en')} records/s: p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, ` +
      `p99.9 ${l.p999Ms} ms, max ${l.maxMs} ms (${l.batches.toLocaleString('en')} batches)`,
  );
  reportResult('exchange', result, values, log);
  return 0;
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      records: { type: 'string' },
      rate: { type: 'string' },
      json: { type: 'boolean' },
      'no-save': { type: 'boolean' },
    },
  });
  return {
    values,
    records: wholeNumber('--records', values.records, DEFAULT_RECORDS),
    rate: wholeNumber('--rate', values.rate, DEFAULT_RATE),
  };
}
