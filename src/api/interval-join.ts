/**
 * Interval joins: `left.intervalJoin(right).between(lower, upper).process(fn)` joins a left
 * record at time t with each right record of the same key whose time lies in
 * [t + lower, t + upper]; either bound may be made exclusive. Both inputs need event time.
 */
import { IntervalJoinOperator } from '../runtime/operators/interval-join-operator.js';
import { ErrorCodes, userError } from '../types/errors.js';
import type { ProcessJoinFunction } from '../types/functions.js';
import type { DataStream } from './data-stream.js';
import type { KeyedStream } from './keyed-stream.js';

/** The first step of an interval join: choose the bounds. */
export class IntervalJoin<L, R, K> {
  constructor(
    private readonly left: KeyedStream<L, K>,
    private readonly right: KeyedStream<R, K>,
  ) {}

  /** Right records within [t + lowerMs, t + upperMs] of a left record at t join it. */
  between(lowerMs: number, upperMs: number): IntervalJoined<L, R, K> {
    if (!Number.isFinite(lowerMs) || !Number.isFinite(upperMs) || lowerMs > upperMs) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `intervalJoin.between(${lowerMs}, ${upperMs}): the lower bound must be <= the upper bound, both finite ms`,
      );
    }
    return new IntervalJoined(this.left, this.right, lowerMs, upperMs);
  }
}

/** An interval join with bounds; finish it with `process`. */
export class IntervalJoined<L, R, K> {
  private lowerExclusive = false;
  private upperExclusive = false;

  constructor(
    private readonly left: KeyedStream<L, K>,
    private readonly right: KeyedStream<R, K>,
    private readonly lower: number,
    private readonly upper: number,
  ) {}

  lowerBoundExclusive(): this {
    this.lowerExclusive = true;
    return this;
  }

  upperBoundExclusive(): this {
    this.upperExclusive = true;
    return this;
  }

  /** Calls `fn` for every matching pair. */
  process<OUT>(
    fn: ProcessJoinFunction<L, R, OUT> | ProcessJoinFunction<L, R, OUT>['processElement'],
  ): DataStream<OUT> {
    const joinFn = (typeof fn === 'function' ? { processElement: fn } : fn) as ProcessJoinFunction<L, R, OUT>;
    const lower = this.lowerExclusive ? this.lower + 1 : this.lower;
    const upper = this.upperExclusive ? this.upper - 1 : this.upper;
    if (lower > upper) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        'intervalJoin: exclusive bounds leave an empty interval; widen between(...)',
      );
    }
    return this.left.environment
      .createConnectedStreams<L, R>(this.left, this.right)
      .transform('IntervalJoin', () => new IntervalJoinOperator<L, R, OUT>(joinFn, lower, upper));
  }
}
