/**
 * The job `weir bench checkpoint` and `weir bench state-backend` checkpoint, kill and restore
 * (see bench/checkpoint.ts and bench/state-backend-runs.ts). Run by `weir run
 * bench/checkpoint-recovery-job.ts --checkpoint-dir DIR [--state-backend heap|disk] -- --keys K
 * [--hot-keys H] [--incremental true|false]`.
 *
 * An endless generator first gives each of the K keys a 100-byte string (about K × 100 bytes of
 * state), then keeps updating only keys 0..H-1 (default H = K: every key). Incremental
 * checkpoints skip key groups without changes, and keys hash over all key groups, so with H = K
 * every key group changes between checkpoints; a small H leaves most of them unchanged.
 * `--incremental` sets `enableIncrementalCheckpointing` (default: the engine's choice for the
 * backend). Lines on stdout starting with `weir-bench:`:
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
import { wholeNumber } from './window-events.js';

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

/** Builds the job; see the module comment for `args`. */
export default function checkpointRecoveryJob(env: StreamExecutionEnvironment, args: string[]): void {
  const { values } = parseArgs({
    args,
    options: { keys: { type: 'string' }, 'hot-keys': { type: 'string' }, incremental: { type: 'string' } },
  });
  const keys = wholeNumber('--keys', values.keys, 1_000_000);
  const hot = Math.min(keys, wholeNumber('--hot-keys', values['hot-keys'], keys));
  if (values.incremental !== undefined) {
    env.getCheckpointConfig().enableIncrementalCheckpointing(values.incremental === 'true');
  }
  env
    .fromSource(
      // Every key once, in order, then only the hot ones. The generator resumes from its
      // checkpointed index after a restore, so the first record's key had state then.
      new DataGeneratorSource(
        (i): Item => ({ i, key: i < keys ? i : (i - keys) % hot }),
        Number.MAX_SAFE_INTEGER,
      ),
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
