/**
 * One end of a bench/exchange.ts run, on its own worker thread: the writer batches bids with
 * the engine's RecordWriter into a PortChannelWriter, the reader polls a PortChannelReader and
 * checks every record. The main thread sends one {@link Run} per measurement, with the port of
 * a fresh channel, and gets back a {@link WriterResult} or {@link ReaderResult}.
 *
 * Times are `performance.timeOrigin + performance.now()`: each thread has its own time origin,
 * but the sum is wall-clock time in ms with sub-millisecond resolution on both sides.
 */
import { type MessagePort, parentPort } from 'node:worker_threads';
import { createChannelSelector } from '../src/exchange/partitioner.js';
import { PortChannelReader, PortChannelWriter } from '../src/exchange/port-channel.js';
import { RecordWriter } from '../src/exchange/record-writer.js';
import { NO_TIMESTAMP } from '../src/types/elements.js';
import { type Bid, bid } from './exchange-records.js';

/** One measurement, for one end. */
export interface Run {
  readonly role: 'writer' | 'reader';
  readonly port: MessagePort;
  readonly records: number;
  readonly batchSize: number;
  readonly capacity: number;
  /** Records per second to create at; 0 for as fast as credit allows. */
  readonly rate: number;
  /** A partial batch is sent once its oldest record waited this long, ms. */
  readonly bufferTimeoutMs: number;
}

/** What the writer reports. */
export interface WriterResult {
  /** When the first record was created. */
  readonly startMs: number;
  /** When the last record was created. */
  readonly lastCreatedMs: number;
}

/** What the reader reports. */
export interface ReaderResult {
  readonly records: number;
  readonly batches: number;
  /** Records that were not the one expected at their position (order, loss or corruption). */
  readonly wrong: number;
  /** When `end` arrived. */
  readonly endMs: number;
  /** Creation to receipt, ms, sorted ascending; only at a fixed rate. */
  readonly latenciesMs: Float64Array | undefined;
}

/** Records come from a pool, so the writer's cost is the channel's, not the generator's. */
const POOL_BITS = 16;
const MASK = (1 << POOL_BITS) - 1;
const POOL: readonly Bid[] = Array.from({ length: 1 << POOL_BITS }, (_, i) => bid(i));

const now = () => performance.timeOrigin + performance.now();
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function write(run: Run): Promise<WriterResult> {
  const channel = new PortChannelWriter(run.port, run.capacity);
  let wake: (() => void) | undefined;
  channel.setCreditListener(() => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  });
  const credit = () => new Promise<void>((resolve) => (wake = resolve));
  const out = new RecordWriter(
    [channel],
    createChannelSelector({ kind: 'forward' }, 1, 0, 128),
    run.batchSize,
  );
  const n = run.records;
  const startMs = now();
  let lastCreatedMs = startMs;
  if (run.rate === 0) {
    // A task checks credit before each input step; here a step is one batch.
    for (let i = 0; i < n; ) {
      if (!channel.hasCredit()) {
        await credit();
        continue;
      }
      const end = Math.min(n, i + run.batchSize);
      for (; i < end; i++) out.emit(POOL[i & MASK], NO_TIMESTAMP);
    }
  } else {
    // Create each record when it is due, stamped with its creation time, and flush partial
    // batches after the buffer timeout, as a task with a steady source would.
    const start = performance.now();
    const perMs = run.rate / 1000;
    for (let i = 0; i < n; ) {
      const t = performance.now();
      const due = Math.min(n, Math.floor((t - start) * perMs) + 1);
      for (; i < due && channel.hasCredit(); i++) {
        const p = POOL[i & MASK]!;
        lastCreatedMs = now();
        const record: Bid = {
          auction: p.auction,
          bidder: p.bidder,
          price: p.price,
          channel: p.channel,
          dateTime: lastCreatedMs,
        };
        out.emit(record, NO_TIMESTAMP);
      }
      out.flushIfOlderThan(run.bufferTimeoutMs, performance.now());
      await turn();
    }
  }
  out.flushAll();
  channel.send({ kind: 'end' });
  channel.close();
  return { startMs, lastCreatedMs };
}

async function read(run: Run): Promise<ReaderResult> {
  const channel = new PortChannelReader(run.port, run.capacity);
  let wake: (() => void) | undefined;
  channel.setDataListener(() => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  });
  const latencies = run.rate > 0 ? new Float64Array(run.records) : undefined;
  let records = 0;
  let batches = 0;
  let wrong = 0;
  for (;;) {
    const event = channel.poll();
    if (event === undefined) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    if (event.kind === 'end') break;
    if (event.kind !== 'records') continue;
    batches++;
    const receivedMs = now();
    const values = event.values as Bid[];
    for (let i = 0; i < values.length; i++, records++) {
      const v = values[i]!;
      const p = POOL[records & MASK]!;
      if (v.auction !== p.auction || v.price !== p.price || v.channel !== p.channel) wrong++;
      if (latencies === undefined) {
        if (v.dateTime !== p.dateTime) wrong++;
      } else if (records < latencies.length) latencies[records] = receivedMs - v.dateTime;
    }
  }
  const endMs = now();
  channel.close();
  const latenciesMs = latencies?.subarray(0, Math.min(records, latencies.length)).sort();
  return { records, batches, wrong, endMs, latenciesMs };
}

const port = parentPort!;
port.on('message', (run: Run) => {
  const done = run.role === 'writer' ? write(run) : read(run);
  done.then(
    (result) => port.postMessage({ result }),
    (error: unknown) => port.postMessage({ error: String((error as Error)?.stack ?? error) }),
  );
});
