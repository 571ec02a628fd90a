/**
 * Fraud detection: the example to start from.
 *
 * A generated stream of card transactions, keyed by account, feeds two things:
 *
 * 1. A `KeyedProcessFunction` that flags a small transaction (under 1.00, the way a thief
 *    tests a stolen card) followed within one minute of event time by a large one (over
 *    500.00) on the same account. It keeps the small transaction in `ValueState` and registers
 *    an event-time timer one minute later that clears it, like Flink's fraud detection
 *    walkthrough but on event time, so the result does not depend on how fast the job runs.
 * 2. A 10-second tumbling event-time window per account that counts transactions and sums
 *    their amounts; windows with unusually high spending are printed.
 *
 * Run it with `npx weir run examples/fraud-detection.ts` (200,000 transactions, then it ends),
 * or `npx weir run examples/fraud-detection.ts -- --count 20000`.
 *
 * The generator is deterministic: transaction `i` is always the same. Every 10,000
 * transactions, at index 10,000·k + 5,000, an account outside the normal range makes a 0.42
 * purchase, and 50 transactions (0.5 s) later a 987.65 purchase: that pair raises an alert. At
 * 10,000·k + 2,000 another account makes a small purchase whose large follow-up comes 61 s
 * later, at 10,000·k + 8,100: the timer has cleared the flag by then, so it raises none.
 */
import { parseArgs } from 'node:util';
import {
  type Collector,
  DataGeneratorSource,
  KeyedProcessFunction,
  type KeyedProcessContext,
  type OnTimerContext,
  type RuntimeContext,
  type StreamExecutionEnvironment,
  type TimeWindow,
  TumblingEventTimeWindows,
  type ValueState,
  ValueStateDescriptor,
  WatermarkStrategy,
} from '../src/index.js';

/** One card payment. `time` is when it happened (event time), ms since the epoch. */
export interface Transaction {
  readonly id: number;
  readonly account: string;
  readonly amount: number;
  readonly time: number;
}

/** A small transaction followed by a large one on the same account within a minute. */
export interface Alert {
  readonly account: string;
  readonly small: number;
  readonly large: number;
  readonly smallAt: string;
  readonly largeAt: string;
}

/** Spending of one account in one 10-second window. */
export interface Spending {
  readonly account: string;
  readonly window: string;
  readonly count: number;
  readonly total: number;
}

const SMALL = 1.0;
const LARGE = 500.0;
const ONE_MINUTE = 60_000;
const START = Date.UTC(2024, 0, 1);
/** Event time advances 10 ms per transaction: 100 transactions per second. */
const STEP_MS = 10;
const NORMAL_ACCOUNTS = 100;
/** The fraud pattern repeats every this many transactions. */
export const PATTERN_EVERY = 10_000;
/** Windows spending more than this are reported. */
const SPIKE = 5_500;

/** Transaction `i`. Pure: the same index always gives the same transaction. */
export function transactionAt(i: number): Transaction {
  const round = Math.floor(i / PATTERN_EVERY);
  const phase = i % PATTERN_EVERY;
  const time = START + i * STEP_MS;
  // The fraud pattern: small then large within 0.5 s. Never out of order, so the pair is exact.
  if (phase === 5_000) return { id: i, account: fraudAccount(round), amount: 0.42, time };
  if (phase === 5_050) return { id: i, account: fraudAccount(round), amount: 987.65, time };
  // A decoy: small, then large 61 s later, after the one-minute timer has cleared the flag.
  if (phase === 2_000) return { id: i, account: decoyAccount(round), amount: 0.99, time };
  if (phase === 8_100) return { id: i, account: decoyAccount(round), amount: 640.0, time };
  const h = hash(i);
  const account = `acct-${String(h % NORMAL_ACCOUNTS).padStart(4, '0')}`;
  // Normal purchases are 1.00 to 499.99, so only the patterns above are small or large.
  const amount = (100 + ((h >>> 8) % 49_900)) / 100;
  // One in seven arrives up to 3 s late, as events from phones and terminals do.
  const late = i % 7 === 3 ? (h >>> 4) % 3_000 : 0;
  return { id: i, account, amount, time: time - late };
}

/** The account that shows the fraud pattern in round `round`. */
export function fraudAccount(round: number): string {
  return `acct-9${String(round % 1000).padStart(3, '0')}`;
}

function decoyAccount(round: number): string {
  return `acct-8${String(round % 1000).padStart(3, '0')}`;
}

/** A cheap integer hash (the generator must be deterministic, not random). */
function hash(i: number): number {
  let x = Math.imul(i ^ 0x5bd1e995, 0x27d4eb2d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca6b);
  return (x ^ (x >>> 13)) >>> 0;
}

/**
 * Flags a small transaction followed by a large one within a minute on the same account.
 * State per account: the pending small transaction, and the time of the timer that drops it.
 */
export class FraudDetector extends KeyedProcessFunction<string, Transaction, Alert> {
  private pending!: ValueState<Transaction>;
  private timer!: ValueState<number>;

  override open(ctx: RuntimeContext): void {
    this.pending = ctx.getState(new ValueStateDescriptor<Transaction>('pending-small'));
    this.timer = ctx.getState(new ValueStateDescriptor<number>('timer'));
  }

  processElement(tx: Transaction, ctx: KeyedProcessContext<string, Alert>, out: Collector<Alert>): void {
    const small = this.pending.value();
    if (small !== undefined) {
      // Compare event times, not arrival: the timer below fires only once the watermark passes
      // the minute, which lags the newest events by the out-of-orderness bound.
      if (tx.amount > LARGE && tx.time - small.time <= ONE_MINUTE) {
        out.collect({
          account: tx.account,
          small: small.amount,
          large: tx.amount,
          smallAt: new Date(small.time).toISOString(),
          largeAt: new Date(tx.time).toISOString(),
        });
      }
      // Whatever follows the small transaction settles the question for this account.
      this.cleanUp(ctx);
    }
    if (tx.amount < SMALL) {
      this.pending.update(tx);
      const expiry = tx.time + ONE_MINUTE;
      ctx.timerService().registerEventTimeTimer(expiry);
      this.timer.update(expiry);
    }
  }

  override onTimer(_timestamp: number, _ctx: OnTimerContext<string, Alert>, _out: Collector<Alert>): void {
    // A minute of event time has passed since the small transaction without a large one: drop
    // the state, or every account that ever paid a small amount would keep some forever.
    this.pending.clear();
    this.timer.clear();
  }

  private cleanUp(ctx: KeyedProcessContext<string, Alert>): void {
    const expiry = this.timer.value();
    if (expiry !== undefined) ctx.timerService().deleteEventTimeTimer(expiry);
    this.pending.clear();
    this.timer.clear();
  }
}

/** Builds the job; `weir run` executes it. `args`: `--count N` transactions (default 200,000). */
export default function fraudDetection(env: StreamExecutionEnvironment, args: string[]): void {
  const { values } = parseArgs({ args, options: { count: { type: 'string' } } });
  const count = Number(values.count ?? 200_000);
  if (!Number.isSafeInteger(count) || count < 0)
    throw new Error(`--count must be a whole number, got ${values.count}`);

  const transactions = env
    .fromSource(
      new DataGeneratorSource(transactionAt, count),
      // Events arrive up to 3 s late; wait 5 s before declaring a time complete.
      WatermarkStrategy.forBoundedOutOfOrderness<Transaction>(5_000).withTimestampAssigner((tx) => tx.time),
      'transactions',
    )
    .keyBy((tx) => tx.account);

  transactions.process(new FraudDetector()).name('fraud-detector').print('alert');

  transactions
    .window(TumblingEventTimeWindows.of(10_000))
    .aggregate(
      {
        createAccumulator: () => ({ count: 0, cents: 0 }),
        add: (tx: Transaction, acc: { count: number; cents: number }) => ({
          count: acc.count + 1,
          cents: acc.cents + Math.round(tx.amount * 100),
        }),
        getResult: (acc) => acc,
        merge: (a, b) => ({ count: a.count + b.count, cents: a.cents + b.cents }),
      },
      (
        account: string,
        window: TimeWindow,
        sums: Iterable<{ count: number; cents: number }>,
        out: Collector<Spending>,
      ) => {
        for (const { count, cents } of sums) {
          out.collect({ account, window: new Date(window.start).toISOString(), count, total: cents / 100 });
        }
      },
    )
    .name('spending-per-10s')
    .filter((s) => s.total > SPIKE)
    .print('spike');
}
