/**
 * The job `weir bench checkpoint` kills and restores to time recovery (see bench/checkpoint.ts).
 * Run by `weir run bench/checkpoint-recovery-job.ts --checkpoint-dir DIR -- --keys K`.
 *
 * An endless generator cycles through `keys` keys in order; a keyed process function keeps a
 * 100-byte string per key, so K keys hold about K × 100 bytes of state (1M keys ≈ 100 MB as
 * written). It talks to the benchmark through stdout lines starting with `weir-bench:`:
 *
 * - `loaded <ms>` when the job file is imported (`Date.now()`), before the job starts;
 * - `filled <ms>` once every key has its state;
 * - `processing restored=<bool> <ms>` at the first record this process handles; `restored` says
 *   whether that record's key already had state, which after `--restore` it must.
 */
import { parseArgs } from 'node:util';
import {
  type Collector,
  DataGeneratorSource,
  KeyedProcessFunction,
  type KeyedProcessContext,
  type RuntimeContext,
  type StreamExecutionEnvironment,
  type ValueState,
  ValueStateDescriptor,
  WatermarkStrategy,
} from '../src/index.js';

process.stdout.write(`weir-bench: loaded ${Date.now()}\n`);

const PAYLOAD_CHARS = 100;

/** One generated record: its index and key. */
interface Item {
  readonly i: number;
  readonly key: number;
}

/** Keeps a 100-character string per key and reports the first record and a full state. */
class Payload extends KeyedProcessFunction<number, Item, number> {
  private value!: ValueState<string>;
  private seen = 0;

  constructor(private readonly keys: number) {
    super();
  }

  override open(ctx: RuntimeContext): void {
    this.value = ctx.getState(new ValueStateDescriptor<string>('payload'));
  }

  processElement(item: Item, _ctx: KeyedProcessContext<number, number>, out: Collector<number>): void {
    const old = this.value.value();
    if (this.seen === 0) {
      process.stdout.write(`weir-bench: processing restored=${old !== undefined} ${Date.now()}\n`);
    }
    this.seen++;
    this.value.update(`${item.i}:`.padEnd(PAYLOAD_CHARS, 'x'));
    if (this.seen === this.keys) process.stdout.write(`weir-bench: filled ${Date.now()}\n`);
    if (item.i % 1024 === 0) out.collect(item.i);
  }
}

/** Builds the job; `args`: `--keys K` (default 1,000,000). */
export default function checkpointRecoveryJob(env: StreamExecutionEnvironment, args: string[]): void {
  const { values } = parseArgs({ args, options: { keys: { type: 'string' } } });
  const keys = Number(values.keys ?? 1_000_000);
  if (!Number.isSafeInteger(keys) || keys < 1)
    throw new Error(`--keys must be a whole number >= 1, got ${values.keys}`);
  env
    .fromSource(
      new DataGeneratorSource((i): Item => ({ i, key: i % keys }), Number.MAX_SAFE_INTEGER),
      WatermarkStrategy.noWatermarks<Item>(),
      'items',
    )
    .uid('items')
    .keyBy((item) => item.key)
    .process(new Payload(keys))
    .uid('payload')
    .name('payload')
    .sinkTo({ createWriter: () => ({ write: () => {}, flush: () => {}, close: () => {} }) }, 'discard');
}
