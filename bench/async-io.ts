/**
 * What an async I/O stage costs the task: events per second through
 * `AsyncDataStream.orderedWait` / `unorderedWait` with a function whose promise is already
 * resolved (so only the operator's own work is measured: a promise, a queue entry and a
 * mailbox hand-off per record), against the same job with a plain `map`. Parallelism 1, a
 * discarding sink; runs alternate between the variants and the medians are printed. Nothing is
 * saved.
 *
 *     npx tsx bench/async-io.ts [--events N] [--runs R] [--capacity C]
 */
import { parseArgs } from 'node:util';
import {
  AsyncDataStream,
  DataGeneratorSource,
  type DataStream,
  type Sink,
  StreamExecutionEnvironment,
  WatermarkStrategy,
} from '../src/index.js';

type Variant = 'map' | 'ordered' | 'unordered';

/** Counts what reaches it and drops it. */
const discard: Sink<number> = {
  createWriter: () => ({
    write: () => {},
    flush: () => {},
    close: () => {},
  }),
};

async function run(variant: Variant, events: number, capacity: number): Promise<number> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  const input = env.fromSource(
    new DataGeneratorSource((i) => i, events),
    WatermarkStrategy.noWatermarks<number>(),
    'numbers',
  );
  const fn = { asyncInvoke: (i: number) => Promise.resolve([i + 1]) };
  const out: DataStream<number> =
    variant === 'map'
      ? input.map((i) => i + 1)
      : variant === 'ordered'
        ? AsyncDataStream.orderedWait(input, fn, 60_000, capacity)
        : AsyncDataStream.unorderedWait(input, fn, 60_000, capacity);
  out.sinkTo(discard);
  const started = performance.now();
  await env.execute(`async-io-${variant}`);
  return events / ((performance.now() - started) / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    capacity: { type: 'string', default: '100' },
  },
});
const events = Number(values.events);
const runs = Number(values.runs);
const capacity = Number(values.capacity);
const variants: Variant[] = ['map', 'ordered', 'unordered'];
const rates = new Map<Variant, number[]>(variants.map((v) => [v, []]));
await run('ordered', Math.min(events, 100_000), capacity); // warm-up
for (let r = 0; r < runs; r++) {
  for (const variant of variants) rates.get(variant)!.push(await run(variant, events, capacity));
}
const mapRate = median(rates.get('map')!);
for (const variant of variants) {
  const rate = median(rates.get(variant)!);
  console.log(
    `${variant.padEnd(9)} ${Math.round(rate).toLocaleString('en-US').padStart(11)} events/s (median of ${runs}), ${(rate / mapRate).toFixed(2)} × map`,
  );
}
