/**
 * The interval join: a left record with timestamp t joins every right record of the same key
 * with a timestamp in [t + lower, t + upper]. Both sides are buffered in keyed map state by
 * timestamp; each arriving record is matched against the other side's buffer. A record is
 * dropped once the watermark has passed it (it could no longer be joined consistently), and
 * buffered records are removed by event-time timers once no future record can match them.
 * Results carry the larger of the two timestamps. Semantics follow Flink's IntervalJoinOperator.
 */
import type { InternalTimer, Triggerable } from '../../state/timers.js';
import { NO_TIMESTAMP } from '../../types/elements.js';
import { ErrorCodes, userError } from '../../types/errors.js';
import type { OutputTag, ProcessJoinContext, ProcessJoinFunction } from '../../types/functions.js';
import { type MapState, MapStateDescriptor } from '../../types/state.js';
import type { TwoInputStreamOperator } from '../operator.js';
import { TimestampedCollector } from './basic-operators.js';
import { UserFunctionOperator } from './user-function-operator.js';

const CLEANUP_LEFT = 'CLEANUP_LEFT';
const CLEANUP_RIGHT = 'CLEANUP_RIGHT';

/** Joins two keyed streams on a time interval. */
export class IntervalJoinOperator<L, R, OUT>
  extends UserFunctionOperator<ProcessJoinFunction<L, R, OUT>, OUT>
  implements TwoInputStreamOperator<L, R, OUT>, Triggerable<string>
{
  private leftBuffer!: MapState<number, L[]>;
  private rightBuffer!: MapState<number, R[]>;
  private timers!: ReturnType<IntervalJoinOperator<L, R, OUT>['getTimerService']>;
  private collector!: TimestampedCollector<OUT>;
  private context!: ProcessJoinContext<OUT>;
  private leftTs = NO_TIMESTAMP;
  private rightTs = NO_TIMESTAMP;
  /** Late records dropped, for tests and metrics. */
  droppedLate = 0;

  constructor(
    fn: ProcessJoinFunction<L, R, OUT>,
    private readonly lower: number,
    private readonly upper: number,
  ) {
    super(fn);
  }

  protected override get inputCount(): number {
    return 2;
  }

  override open(): void {
    super.open();
    this.leftBuffer = this.keyedBackend.getOrCreateState(new MapStateDescriptor<number, L[]>('_join_left'));
    this.rightBuffer = this.keyedBackend.getOrCreateState(new MapStateDescriptor<number, R[]>('_join_right'));
    this.timers = this.getTimerService<string>('interval-join-timers', this);
    this.collector = new TimestampedCollector(this.output);
    const output = this.output;
    this.context = {
      leftTimestamp: () => this.leftTs,
      rightTimestamp: () => this.rightTs,
      timestamp: () => this.collector.timestamp,
      output: <X>(tag: OutputTag<X>, value: X) =>
        output.collectSide(tag as OutputTag<unknown>, value, this.collector.timestamp),
    };
  }

  processElement1(value: L, timestamp: number): void {
    this.processOne(value, timestamp, this.leftBuffer, this.rightBuffer, this.lower, this.upper, true);
  }

  processElement2(value: R, timestamp: number): void {
    this.processOne(value, timestamp, this.rightBuffer, this.leftBuffer, -this.upper, -this.lower, false);
  }

  private processOne<A, B>(
    value: A,
    ts: number,
    own: MapState<number, A[]>,
    other: MapState<number, B[]>,
    lower: number,
    upper: number,
    isLeft: boolean,
  ): void {
    if (ts === NO_TIMESTAMP) {
      throw userError(
        ErrorCodes.MISSING_TIMESTAMP,
        'intervalJoin needs event timestamps on both inputs; call assignTimestampsAndWatermarks or give fromSource a WatermarkStrategy with a timestamp assigner',
      );
    }
    if (ts < this.currentWatermark) {
      this.droppedLate++;
      return;
    }
    const list = own.get(ts);
    if (list === undefined) own.put(ts, [value]);
    else {
      list.push(value);
      own.put(ts, list);
    }
    for (const [otherTs, others] of other.entries()) {
      if (otherTs < ts + lower || otherTs > ts + upper) continue;
      for (const o of others) {
        if (isLeft) this.emit(value as unknown as L, ts, o as unknown as R, otherTs);
        else this.emit(o as unknown as L, otherTs, value as unknown as R, ts);
      }
    }
    const cleanupTime = upper > 0 ? ts + upper : ts;
    this.timers.registerEventTimeTimer(isLeft ? CLEANUP_LEFT : CLEANUP_RIGHT, cleanupTime);
  }

  private emit(left: L, leftTs: number, right: R, rightTs: number): void {
    this.leftTs = leftTs;
    this.rightTs = rightTs;
    this.collector.timestamp = Math.max(leftTs, rightTs);
    this.userFunction.processElement(left, right, this.context, this.collector);
  }

  onEventTime(timer: InternalTimer<string>): void {
    if (timer.namespace === CLEANUP_LEFT) {
      this.leftBuffer.remove(this.upper > 0 ? timer.timestamp - this.upper : timer.timestamp);
    } else {
      const upper = -this.lower;
      this.rightBuffer.remove(upper > 0 ? timer.timestamp - upper : timer.timestamp);
    }
  }

  onProcessingTime(): void {}
}
