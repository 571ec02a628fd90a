/**
 * Operators for process functions: non-keyed (time readable, no timers), keyed (state and
 * timers scoped to the key), and their two-input (connected streams) forms. Results emitted
 * from `onTimer` carry the timer's timestamp for event time and none for processing time, as
 * in Flink.
 */
import type { InternalTimer, Triggerable } from '../../state/timers.js';
import { NO_TIMESTAMP } from '../../types/elements.js';
import type {
  CoProcessFunction,
  KeyedCoProcessFunction,
  KeyedProcessFunction,
  ProcessFunction,
  TimerService,
} from '../../types/functions.js';
import type { OneInputStreamOperator, TwoInputStreamOperator } from '../operator.js';
import { TimestampedCollector } from './basic-operators.js';
import { KeyedTimerService, MutableProcessContext, NonKeyedTimerService } from './process-context.js';
import { UserFunctionOperator } from './user-function-operator.js';

type AnyProcessFunction =
  | ProcessFunction<any, any>
  | KeyedProcessFunction<any, any, any>
  | CoProcessFunction<any, any, any>
  | KeyedCoProcessFunction<any, any, any, any>;

type WithOnTimer = { onTimer(ts: number, ctx: any, out: any): void };

/** Shared set-up: a collector, a reusable context, and timers when keyed. */
abstract class ProcessOperatorBase<F extends AnyProcessFunction, OUT>
  extends UserFunctionOperator<F, OUT>
  implements Triggerable<string>
{
  protected collector!: TimestampedCollector<OUT>;
  protected ctx!: MutableProcessContext<unknown, OUT>;

  constructor(
    fn: F,
    private readonly keyed: boolean,
  ) {
    super(fn);
  }

  override open(): void {
    super.open();
    this.collector = new TimestampedCollector(this.output);
    let timers: TimerService;
    let currentKey: () => unknown;
    if (this.keyed) {
      timers = new KeyedTimerService(this.getTimerService<string>('user-timers', this));
      const backend = this.keyedBackend;
      currentKey = () => backend.getCurrentKey();
    } else {
      timers = new NonKeyedTimerService(this.setupInfo.processingTime, () => this.currentWatermark);
      currentKey = () => undefined;
    }
    this.ctx = new MutableProcessContext(this.output, timers, currentKey);
  }

  protected prepare(timestamp: number): void {
    this.collector.timestamp = timestamp;
    this.ctx.currentTimestamp = timestamp;
  }

  onEventTime(timer: InternalTimer<string>): void {
    this.prepare(timer.timestamp);
    this.ctx.currentTimeDomain = 'event-time';
    (this.userFunction as WithOnTimer).onTimer(timer.timestamp, this.ctx, this.collector);
  }

  onProcessingTime(timer: InternalTimer<string>): void {
    this.prepare(NO_TIMESTAMP);
    this.ctx.currentTimeDomain = 'processing-time';
    (this.userFunction as WithOnTimer).onTimer(timer.timestamp, this.ctx, this.collector);
  }
}

/** Runs a {@link ProcessFunction} (non-keyed) or a {@link KeyedProcessFunction}. */
export class ProcessOperator<IN, OUT>
  extends ProcessOperatorBase<ProcessFunction<IN, OUT> | KeyedProcessFunction<any, IN, OUT>, OUT>
  implements OneInputStreamOperator<IN, OUT>
{
  processElement(value: IN, timestamp: number): void {
    this.prepare(timestamp);
    this.userFunction.processElement(value, this.ctx as never, this.collector);
  }
}

/** Runs a {@link CoProcessFunction} or a {@link KeyedCoProcessFunction} over two inputs. */
export class CoProcessOperator<IN1, IN2, OUT>
  extends ProcessOperatorBase<
    CoProcessFunction<IN1, IN2, OUT> | KeyedCoProcessFunction<any, IN1, IN2, OUT>,
    OUT
  >
  implements TwoInputStreamOperator<IN1, IN2, OUT>
{
  protected override get inputCount(): number {
    return 2;
  }

  processElement1(value: IN1, timestamp: number): void {
    this.prepare(timestamp);
    this.userFunction.processElement1(value, this.ctx as never, this.collector);
  }

  processElement2(value: IN2, timestamp: number): void {
    this.prepare(timestamp);
    this.userFunction.processElement2(value, this.ctx as never, this.collector);
  }
}
